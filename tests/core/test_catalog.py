from __future__ import annotations

import json
from pathlib import Path

from kiosk.app.cli import main
from kiosk.catalog import check_catalog, load_catalog
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
    first = load_catalog(folder, cache)
    assert len(list(cache.glob("catalog-*.pickle"))) == 1
    assert load_catalog(folder, cache) == first
    (folder / "a.toml").write_text(
        text.replace('vi = "Khai báo tạm vắng"', 'vi = "Khai báo tạm vắng (mới)"', 1)
    )
    changed = load_catalog(folder, cache)
    assert changed.services[0].title.get("vi") == "Khai báo tạm vắng (mới)"
    (cache / next(cache.glob("*.pickle")).name).write_bytes(b"not a pickle")  # corrupt cache: parsed again
    assert load_catalog(folder, cache).services[0].code == "1.003677"
