"""Consent follows the Law on Personal Data Protection 91/2025/QH15 (Article 9: free and informed of
the data, the purpose, who controls it and the citizen's rights) and Decree 356/2025/NĐ-CP, which
replaced Decree 13/2023/NĐ-CP on 1 January 2026."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import phrases
from kiosk.catalog import load_catalog
from kiosk.text import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
USES = {
    "vi": "Thủ tục này dùng thông tin trên thẻ căn cước",
    "en": "This procedure uses the data on your ID card",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_consent_says_who_why_and_the_rights_under_the_2025_law(language: str) -> None:
    body = phrases.CONSENT_BODY.get(language)
    for words in {
        "vi": (
            "Công an xã, phường",
            "chỉ để giải quyết hồ sơ",
            "rút lại sự đồng ý",
            "không đồng ý",
            "không lưu gì",
        ),
        "en": (
            "police running this kiosk",
            "only to handle your application",
            "withdraw your consent",
            "refuse",
        ),
    }[language]:
        assert words in body
    law = phrases.CONSENT_LAW.get(language)
    assert "91/2025/QH15" in law and "356/2025" in law and "13/2023" not in law


def test_every_service_names_the_data_it_uses_and_what_was_not_verified() -> None:
    for service in load_catalog().services:
        consent = next(step for step in service.steps if step.kind == "consent")
        for language, start in USES.items():
            assert consent.say.get(language).startswith(start), (service.slug, language)
        assert any("91/2025/QH15" in u for u in service.unverified), service.slug
        assert any("356/2025/NĐ-CP" in u for u in service.unverified), service.slug
    lodging = next(s for s in load_catalog().services if s.slug == "thong-bao-luu-tru")
    assert "của từng khách" in next(st for st in lodging.steps if st.kind == "consent").say.get("vi")


def test_decree_13_is_cited_only_as_replaced() -> None:
    cited = []
    for path in [*ROOT.glob("kiosk/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("resources/**/*.*")]:
        if path.suffix in {".py", ".toml", ".md"} and "13/2023" in path.read_text("utf-8"):
            lines = [line for line in path.read_text("utf-8").splitlines() if "13/2023" in line]
            cited += [
                f"{path.name}: {line.strip()}"
                for line in lines
                if not any(w in line for w in ("thay", "replaced"))
            ]
    assert cited == []
