"""`kiosk doctor` and `kiosk db upgrade` against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.cli import main


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', "utf-8")
    return path


def test_doctor_reports_unmigrated_database_then_ok(config_file: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--config", str(config_file), "doctor", "--demo"]) == 1
    out = capsys.readouterr().out
    assert "FAIL database" in out and "kiosk db upgrade" in out
    assert main(["--config", str(config_file), "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--config", str(config_file), "doctor", "--demo"]) == 0
    out = capsys.readouterr().out
    assert "OK   card reader" in out and "OK   printer" in out and "OK   database" in out


def test_doctor_fails_without_reader(config_file: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KIOSK_CARD_BACKEND", "pcsc")
    monkeypatch.setenv("KIOSK_CARD_READER", "no such reader anywhere")
    main(["--config", str(config_file), "db", "upgrade"])
    assert main(["--config", str(config_file), "doctor"]) == 1
    assert "FAIL card reader" in capsys.readouterr().out


def test_bad_config_stops_with_named_key(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "kiosk.toml"
    path.write_text('[printer]\nbackend = "laser"\n', "utf-8")
    assert main(["--config", str(path), "config", "check"]) == 2
    assert "'printer.backend'" in capsys.readouterr().err


def test_doctor_masks_the_database_password(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "kiosk.toml"
    url = "postgresql+psycopg://kiosk:s3cret-Pw@127.0.0.1:1/kiosk"  # nothing listens on port 1
    path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[database]\nurl = "{url}"\n', "utf-8")
    assert main(["--config", str(path), "doctor", "--demo"]) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "FAIL database" in out and "postgresql+psycopg://kiosk:***@127.0.0.1:1/kiosk" in out
    assert "s3cret-Pw" not in out
