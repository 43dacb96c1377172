"""`kiosk officer` and `kiosk audit` end to end: a station database, PINs from standard input,
each action in the audit log, a broken chain giving a non-zero exit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.engine import make_engine
from kiosk.app.cli import main
from kiosk.app.root import make_officer_desk
from kiosk.config import load_config
from kiosk.officers import PinRefused


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[station]\nid = "HN-BD-01"\n', "utf-8")
    return path


def run(config_path: Path, *argv: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--config", str(config_path), *argv])


def test_officer_commands(
    config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ("officer", "add", "CB001", "--name", "Nguyễn Thị Hằng")
    assert run(config_path, *add, stdin="472915\n", monkeypatch=monkeypatch) == 0
    assert "officer CB001 (Nguyễn Thị Hằng, officer) added" in capsys.readouterr().out
    head = ("officer", "add", "TP01", "--name", "Trần Văn Bình", "--role", "station_head")
    assert run(config_path, *head, stdin="839201\n", monkeypatch=monkeypatch) == 0
    assert run(config_path, *add, stdin="472915\n", monkeypatch=monkeypatch) == 1
    assert "taken" in capsys.readouterr().err
    assert (
        run(config_path, "officer", "add", "CB002", "--name", "X", stdin="1234\n", monkeypatch=monkeypatch)
        == 1
    )
    assert "6 to 12 digits" in capsys.readouterr().err

    assert run(config_path, "officer", "disable", "CB001", monkeypatch=monkeypatch) == 0
    assert run(config_path, "officer", "reset-pin", "CB001", stdin="906412\n", monkeypatch=monkeypatch) == 0
    assert run(config_path, "officer", "reset-pin", "NOBODY", stdin="906412\n", monkeypatch=monkeypatch) == 1
    capsys.readouterr()
    assert run(config_path, "officer", "list", monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    assert "CB001            officer       disabled" in out and "Nguyễn Thị Hằng" in out
    assert "TP01             station_head  active" in out and "2 officer(s)" in out

    desk = make_officer_desk(load_config(config_path, environ={}))
    with pytest.raises(PinRefused, match="disabled"):
        desk.officers.authenticate("CB001", "906412")
    assert run(config_path, "officer", "enable", "CB001", monkeypatch=monkeypatch) == 0
    assert desk.officers.authenticate("CB001", "906412").officer_id == "CB001"
    stored = desk.officers.get("CB001")
    assert stored is not None and stored.pin_hash.startswith("$argon2id$")

    capsys.readouterr()
    assert run(config_path, "audit", "show", monkeypatch=monkeypatch) == 0
    shown = [line.split()[4] for line in capsys.readouterr().out.splitlines()]
    assert shown == [
        "officer_add",
        "officer_add",
        "officer_disable",
        "officer_reset_pin",
        "pin_failed",
        "officer_enable",
        "login",
    ]
    assert all(r.actor.startswith("cli:") for r in desk.audit.newest(10) if r.action.startswith("officer_"))


def test_a_pin_is_never_an_argument(config_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit):
        run(config_path, "officer", "add", "CB001", "--name", "A", "--pin", "472915", monkeypatch=monkeypatch)


def test_audit_verify_exit_codes(
    config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(3):
        officer = ("officer", "add", f"CB00{n}", "--name", "Lê Văn Nam")
        assert run(config_path, *officer, stdin="472915\n", monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    assert run(config_path, "audit", "verify", monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    assert "audit log: 3 row(s), intact; head #3-" in out
    reported = out.rsplit("head ", 1)[1].strip()
    assert run(config_path, "audit", "verify", "--head", reported, monkeypatch=monkeypatch) == 0

    config = load_config(config_path, environ={})
    with make_engine(config.database_url).begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET actor = 'cli:someone-else' WHERE id = 2"))
    capsys.readouterr()
    assert run(config_path, "audit", "verify", monkeypatch=monkeypatch) == 1
    out = capsys.readouterr().out
    assert "BROKEN row 2 (officer_add by cli:someone-else)" in out and "BROKEN (1 problem(s))" in out
    assert run(config_path, "audit", "verify", "--head", "bad", monkeypatch=monkeypatch) == 1
    assert "not a chain head" in capsys.readouterr().err


def test_a_missing_audit_key_stops_with_one_line(
    config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(config_path, "officer", "add", "CB001", "--name", "A", stdin="472915\n", monkeypatch=monkeypatch)
        == 0
    )
    config = load_config(config_path, environ={})
    config.audit_key_file.unlink()
    assert run(config_path, "audit", "verify", monkeypatch=monkeypatch) == 2
    assert "audit key file" in capsys.readouterr().err
    assert not config.audit_key_file.exists()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_the_pin_is_asked_twice_without_echo(
    config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["472915", "472916", "553910", "553910"])
    prompts: list[str] = []

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("getpass.getpass", getpass)
    monkeypatch.setattr("sys.stdin", Terminal())
    argv = ["--config", str(config_path), "officer", "add", "CB001", "--name", "Hà Giang"]
    assert main(argv) == 1
    assert "the two PINs differ" in capsys.readouterr().err
    assert main(argv) == 0
    assert prompts == ["PIN: ", "PIN again: "] * 2
    desk = make_officer_desk(load_config(config_path, environ={}))
    assert desk.officers.authenticate("CB001", "553910").name == "Hà Giang"


def test_officer_own_card_commands(
    config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    number = "048303004567"
    add = ("officer", "add", "CB001", "--name", "Nguyễn Thị Hằng", "--card-id", number)
    assert run(config_path, *add, stdin="472915\n", monkeypatch=monkeypatch) == 0
    assert "own chip card registered" in capsys.readouterr().out
    bad = ("officer", "add", "CB002", "--name", "Lò Văn Ún", "--card-id", "12345")
    assert run(config_path, *bad, stdin="581036\n", monkeypatch=monkeypatch) == 1
    assert "12 digits" in capsys.readouterr().err
    desk = make_officer_desk(load_config(config_path, environ={}))
    assert desk.officers.get("CB002") is None  # refused before anything was written

    assert (
        run(
            config_path,
            "officer",
            "add",
            "CB002",
            "--name",
            "Lò Văn Ún",
            stdin="581036\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert run(config_path, "officer", "set-card", "CB002", "--card-id", number, monkeypatch=monkeypatch) == 1
    assert "another officer" in capsys.readouterr().err
    assert run(config_path, "officer", "set-card", "CB001", "--remove", monkeypatch=monkeypatch) == 0
    assert run(config_path, "officer", "set-card", "CB002", "--card-id", number, monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    assert run(config_path, "officer", "list", monkeypatch=monkeypatch) == 0
    listed = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "own card" in listed["CB002"] and "own card" not in listed["CB001"]
    details = [
        (r.action, r.detail) for r in reversed(desk.audit.newest(10)) if r.action == "officer_set_card"
    ]
    assert details == [("officer_set_card", "CB001 set"), ("officer_set_card", "CB001 removed"),
                       ("officer_set_card", "CB002 set")]  # fmt: skip
    data = load_config(config_path, environ={}).database_url.removeprefix("sqlite:///")
    assert number.encode() not in Path(data).read_bytes()


def test_an_id_the_kiosk_keypad_cannot_type_is_pointed_out(
    config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The kiosk's sign-in keypad has digits only: "cb01" could sign in at the console alone.
    assert (
        run(
            config_path,
            "officer",
            "add",
            "cb01",
            "--name",
            "Lò Văn Ún",
            stdin="472915\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert "only with their own chip card" in capsys.readouterr().err
    assert (
        run(
            config_path,
            "officer",
            "add",
            "1001",
            "--name",
            "Lò Thị Ún",
            stdin="472915\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert capsys.readouterr().err == ""
