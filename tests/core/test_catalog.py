from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

import kiosk.catalog as catalog_module
from kiosk.app.cli import main
from kiosk.catalog import Catalog, check_catalog, load_catalog
from kiosk.config import load_config
from kiosk.text import LANGUAGES

SERVICES = Path(__file__).resolve().parents[2] / "resources" / "services"


def test_bundled_catalog_is_valid() -> None:
    catalog, problems = check_catalog()
    assert problems == []
    assert "1.003677" in {s.code for s in catalog.services}


def test_every_text_in_every_language() -> None:
    for service in load_catalog().services:
        texts = [service.title, service.summary, service.who, service.processing_time, service.next_steps]
        texts += [step.title for step in service.steps] + [p.text for p in service.papers]
        texts += [f.label for f in service.fields.values()] + [
            o.label for f in service.fields.values() for o in f.options
        ]
        for text in texts:
            for lang in LANGUAGES:
                assert text.get(lang).strip(), (service.code, text)


def test_broken_catalog_reports_each_problem(tmp_path: Path) -> None:
    text = (SERVICES / "khai_bao_tam_vang.toml").read_text("utf-8")
    text = text.replace('type = "choice"', 'type = "dropdown"')
    text = text.replace('fields = ["reason"]', 'fields = ["reasons"]')
    text = text.replace('en = "Temporary-absence declaration"\n', "", 1)
    (tmp_path / "broken.toml").write_text(text, "utf-8")
    _catalog, problems = check_catalog(tmp_path)
    joined = "\n".join(problems)
    assert "unknown type 'dropdown'" in joined
    assert "unknown field 'reasons'" in joined
    assert "'title' has no 'en' text" in joined


def test_cli_catalog_list_and_check(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["catalog", "list", "--json"]) == 0
    rows = {row["code"]: row for row in json.loads(capsys.readouterr().out)}
    assert {"id": "date_to", "type": "date", "required": True} in rows["1.003677"]["fields"]
    assert main(["catalog", "check"]) == 0


def test_catalog_cache_is_used_and_follows_changes(tmp_path: Path) -> None:
    folder = tmp_path / "services"
    folder.mkdir()
    text = (SERVICES / "khai_bao_tam_vang.toml").read_text("utf-8")
    (folder / "a.toml").write_text(text, "utf-8")
    cache = tmp_path / "cache"
    first = load_catalog(folder, cache_dir=cache)
    assert len(list(cache.glob("catalog-*.pickle"))) == 1
    assert load_catalog(folder, cache_dir=cache) == first
    (folder / "a.toml").write_text(
        text.replace('vi = "Khai báo tạm vắng"', 'vi = "Khai báo tạm vắng (mới)"', 1)
    )
    changed = load_catalog(folder, cache_dir=cache)
    assert changed.services[0].title.get("vi") == "Khai báo tạm vắng (mới)"
    (cache / next(cache.glob("*.pickle")).name).write_bytes(b"not a pickle")  # corrupt cache: parsed again
    assert load_catalog(folder, cache_dir=cache).services[0].code == "1.003677"


def test_cache_key_includes_the_code_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "services"
    folder.mkdir()
    (folder / "a.toml").write_text((SERVICES / "khai_bao_tam_vang.toml").read_text("utf-8"), "utf-8")
    cache = tmp_path / "cache"
    real = load_catalog(folder, cache_dir=cache)
    (pickled,) = cache.glob("catalog-*.pickle")
    # What an older build would have left under the key of this one: this build reads it...
    pickled.write_bytes(pickle.dumps(Catalog(services=())))
    assert load_catalog(folder, cache_dir=cache).services == ()
    # ...and a build whose parser differs does not: it parses, and replaces the stale cache.
    monkeypatch.setattr(catalog_module, "code_version", lambda: "another-build")
    assert load_catalog(folder, cache_dir=cache) == real
    assert [p.name for p in cache.glob("catalog-*.pickle")] != [pickled.name]
    assert len(list(cache.glob("catalog-*.pickle"))) == 1


def test_code_version_follows_the_parser_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = catalog_module.code_version()
    assert catalog_module.code_version() == before
    copy = tmp_path / "catalog.py"
    copy.write_bytes(Path(catalog_module.__file__).read_bytes() + b"\n# a new build\n")
    monkeypatch.setattr(catalog_module, "__file__", str(copy))
    assert catalog_module.code_version() != before


def station_files(tmp_path: Path) -> Path:
    """A station folder: one bundled service changed (same code, other file name), one new service."""
    folder = tmp_path / "station"
    folder.mkdir()
    text = (SERVICES / "khai_bao_tam_vang.toml").read_text("utf-8")
    (folder / "tam_vang_xa_nay.toml").write_text(
        text.replace('vi = "Khai báo tạm vắng"', 'vi = "Khai báo tạm vắng (xã Tả Van)"', 1), "utf-8"
    )
    new = text.replace('code = "1.003677"', 'code = "9.000001"').replace(
        'slug = "khai-bao-tam-vang"', 'slug = "dich-vu-rieng-cua-xa"'
    )
    (folder / "dich_vu_rieng.toml").write_text(new, "utf-8")
    return folder


def test_station_folder_adds_and_replaces_services(tmp_path: Path) -> None:
    bundled = load_catalog()
    folder = station_files(tmp_path)
    catalog, problems = check_catalog(overlay=folder)
    assert problems == []
    assert len(catalog.services) == len(bundled.services) + 1
    assert catalog.get("1.003677").title.get("vi") == "Khai báo tạm vắng (xã Tả Van)"
    assert catalog.get("9.000001").slug == "dich-vu-rieng-cua-xa"
    assert catalog.origins["1.003677"] == str(folder / "tam_vang_xa_nay.toml")
    assert catalog.replaced == {"1.003677": "resources/services/khai_bao_tam_vang.toml"}
    assert load_catalog(overlay=folder, cache_dir=tmp_path / "cache") == catalog
    assert load_catalog(overlay=folder, cache_dir=tmp_path / "cache") == catalog  # from the cache


def test_station_folder_is_what_the_kiosk_uses(tmp_path: Path) -> None:
    from kiosk.app.root import build_app
    from kiosk.runner import InlineRunner

    folder = station_files(tmp_path)
    config = load_config(environ={}, overrides={"paths.data_dir": tmp_path / "data", "catalog.dir": folder})
    app = build_app(config, InlineRunner())
    assert app.catalog.get("9.000001").slug == "dich-vu-rieng-cua-xa"
    assert app.journey.catalog is app.catalog


def test_station_folder_conflicts_are_problems(tmp_path: Path) -> None:
    folder = station_files(tmp_path)
    text = (folder / "dich_vu_rieng.toml").read_text("utf-8")
    (folder / "copy.toml").write_text(text, "utf-8")  # the same new code twice
    (folder / "slug.toml").write_text(text.replace('code = "9.000001"', 'code = "9.000002"'), "utf-8")
    _catalog, problems = check_catalog(overlay=folder)
    assert any("service code 9.000001 is used by more than one file" in p for p in problems)
    assert any("slug 'dich-vu-rieng-cua-xa' is already used by" in p for p in problems)


def test_cli_checks_and_lists_the_station_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = station_files(tmp_path)
    monkeypatch.setenv("KIOSK_CATALOG_DIR", str(folder))
    assert main(["catalog", "check"]) == 0
    out = capsys.readouterr().out
    assert f"{folder / 'tam_vang_xa_nay.toml'}: replaces the bundled service 1.003677" in out
    assert main(["catalog", "list", "--json"]) == 0
    rows = {row["code"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["9.000001"]["file"] == str(folder / "dich_vu_rieng.toml")
    assert rows["1.014063"]["file"].startswith("resources/services/")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "code = 'Khai báo'".encode("cp1258") + b"\n",
            r"not UTF-8 text \(byte 0x.. on line 1\); save it as UTF-8",
        ),
        (b"[steps\n", r"not valid TOML \(.*line 1"),
        (b'code = "9.1"\nversion = "two"\n', r"a value has the wrong shape, see SCHEMA\.md"),
        (b'code = "9.1"\nfields = "x"\n', r"a value has the wrong shape, see SCHEMA\.md"),
    ],
)
def test_broken_station_file_gives_one_line_per_problem(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    message: str,
) -> None:
    folder = station_files(tmp_path)
    broken = folder / "hong.toml"
    broken.write_bytes(content)
    monkeypatch.setenv("KIOSK_CATALOG_DIR", str(folder))
    assert main(["catalog", "check"]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith(str(broken))]
    assert any(re.search(message, line) for line in lines), lines
    assert main(["catalog", "list"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.splitlines()
    assert err and all(line.startswith(f"kiosk: catalog: {broken}") for line in err), err
    assert any(re.search(message, line) for line in err), err
    assert "Traceback" not in captured.err


def test_folder_that_is_not_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "check", "--folder", str(tmp_path / "nope")]) == 1
    assert f"{tmp_path / 'nope'}: not a folder" in capsys.readouterr().out


def test_any_wrongly_typed_value_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """Each `key = value` line of a real file, in turn, given a value of another type."""
    import random

    rng = random.Random(8)
    text = (SERVICES / "thong_bao_luu_tru.toml").read_text("utf-8").splitlines()
    assignments = [i for i, line in enumerate(text) if re.match(r"\s*[a-z_]+ = \S", line)]
    values = [
        "5",
        "-1",
        '"x"',
        "[]",
        "{}",
        "true",
        "[1]",
        "[{ a = 1 }]",
        "1.5",
        "{ vi = 5 }",
        "99999999999999999999",
    ]
    mutated = tmp_path / "services"
    mutated.mkdir()
    for index in rng.sample(assignments, min(120, len(assignments))):
        key = text[index].split("=", 1)[0]
        lines = [*text[:index], f"{key}= {rng.choice(values)}", *text[index + 1 :]]
        (mutated / "a.toml").write_text("\n".join(lines), "utf-8")
        _catalog, problems = check_catalog(mutated)  # must not raise
        assert all(p.startswith(str(mutated / "a.toml")) or "service code" in p for p in problems), problems
