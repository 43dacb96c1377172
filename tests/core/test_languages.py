"""Languages: Vietnamese and English complete over phrases and catalog texts; language packs
(kiosk/languages.py) partial, falling back to Vietnamese string by string, visibly when asked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk import languages, phrases
from kiosk.catalog import load_catalog
from kiosk.languages import PackError, check_pack, read_pack, text_ids, vietnamese_of
from kiosk.text import LANGUAGES, Text, mark_fallbacks
from kiosk.voice import Part, clip_key, plan, recorded_key

CATALOG = load_catalog()
IDS = text_ids(CATALOG)
MARK = "⟨vi⟩ "


@pytest.fixture
def hmong() -> Iterator[languages.LanguagePack]:
    assert languages.install_bundled(CATALOG) == []
    pack = languages.installed("hmn")
    assert pack is not None
    yield pack


@pytest.fixture
def marked() -> Iterator[None]:
    before = mark_fallbacks(MARK)
    yield
    mark_fallbacks(before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_phrase_and_catalog_text_has_the_complete_languages(language: str) -> None:
    catalog_ids = dict(languages.catalog_ids(CATALOG))
    assert len(catalog_ids) > 500 and "khai-bao-tam-vang.fields.reason.options.work" in catalog_ids
    missing = [tid for tid, text in IDS.items() if not text.by_language.get(language, "").strip()]
    assert missing == [], f"texts without {language!r}"


def test_a_complete_language_missing_a_string_is_a_failure_and_marked(missing_text, marked) -> None:  # type: ignore[no-untyped-def]
    assert Text({"vi": "Gọi cán bộ"}).get("en") == MARK + "Gọi cán bộ"
    assert len(missing_text.records) == 1  # and the test run fails on it (tests/conftest.py)
    missing_text.records.clear()


def test_the_hmong_pack_is_a_draft_for_review_and_says_what_it_is_unsure_of(hmong) -> None:  # type: ignore[no-untyped-def]
    assert (hmong.code, hmong.name, hmong.name_vi) == ("hmn", "Lus Hmoob", "Tiếng Mông")
    assert "White Hmong" in hmong.variety and "RPA" in hmong.variety
    assert hmong.review == "draft" and hmong.reviewed_by == ""
    assert len(hmong.unsure) >= 5 and any("CONSENT_BODY" in u for u in hmong.unsure)


def test_the_hmong_pack_covers_idle_menu_card_temporary_absence_and_volume_panel(hmong, marked) -> None:  # type: ignore[no-untyped-def]
    idle = {"IDLE_TITLE", "IDLE_TOUCH", "CHECK_STATUS", "CALL_OFFICER", "LISTEN_AGAIN", "OTHER_LANGUAGE"}
    menu = {"MENU_TITLE", "TILE_AGAIN", *(f"GROUPS.{g}" for g in phrases.GROUPS)}
    menu |= {f"{s.slug}.{what}" for s in CATALOG.services for what in ("title", "summary")}
    card = {f"CARD_ERRORS.{reason.name}" for reason in phrases.CARD_ERRORS}
    card |= {"CARD_WAYS", "CARD_PLACE_SHORT", "CARD_QR_SHORT", "CARD_ENTER_ID", "CARD_WAITING"}
    card |= {
        "CARD_PRESENT",
        "CARD_READING",
        "CARD_READ",
        "CLEAR_ALL",
        *(f"CARD_STAGES.{s}" for s in phrases.CARD_STAGES),
    }
    absence = {tid for tid in IDS if tid.startswith("khai-bao-tam-vang.")} - {"khai-bao-tam-vang.who"}
    comfort = {"COMFORT", "COMFORT_TITLE", "COMFORT_HOW", "LOUDER", "QUIETER", "VOLUME_LEVEL"}
    comfort |= {"HIGH_CONTRAST", "HIGH_CONTRAST_ON", "HIGH_CONTRAST_OFF", "THEN_PRESS", "KEY_SECRET"}
    covered = idle | menu | card | absence | comfort
    missing = sorted(tid for tid in covered if IDS[tid].get("hmn").startswith(MARK))
    assert missing == []  # translated under its own id or another with the same Vietnamese
    for tid in ("khai-bao-tam-vang.steps.reason.title", "IDLE_TOUCH", "CARD_ERRORS.WRONG_KEY"):
        assert IDS[tid].get("hmn") == hmong.texts[tid] != IDS[tid].get("vi")


def test_a_string_the_pack_lacks_is_shown_in_vietnamese_and_marked_in_test_mode(hmong, marked) -> None:  # type: ignore[no-untyped-def]
    assert phrases.IDLE_TOUCH.get("hmn") == "Kov lub vijtsam kom pib"
    assert phrases.CONSENT_BODY.get("hmn") == MARK + phrases.CONSENT_BODY.get("vi")
    mark_fallbacks("")
    assert phrases.CONSENT_BODY.get("hmn") == phrases.CONSENT_BODY.get("vi")  # quietly: by design
    # Placeholders: the pack's template is filled; a text it lacks is the Vietnamese filled.
    assert phrases.STEP_OF.format(n=2, total=5).get("hmn") == "Kauj ruam 2/5"
    assert phrases.PEOPLE_COUNT.format(n=3).get("hmn") == "Đã có 3 khách"
    # A catalog text of a service the pack only names: its title translated, its fields not.
    lodging = CATALOG.get("dang-ky-tam-tru")
    assert lodging.title.get("hmn") == "Sau npe nyob ib ntus"
    assert lodging.who.get("hmn") == lodging.who.get("vi")


def pack_source(
    body: str, head: str = 'language = "xx"\nname = "Xx"\nname_vi = "Tiếng Xx"\nreview = "draft"'
) -> str:
    return f"[pack]\n{head}\n\n[phrases]\n{body}\n"


def test_a_pack_with_problems_says_each_and_the_rest_is_used() -> None:
    with pytest.raises(PackError) as bad:
        read_pack(pack_source("", 'language = "vi"\nreview = "done"\n[extra]'), "bad.toml")
    said = "\n".join(bad.value.problems)
    for expected in ("'name'", "'name_vi'", "ISO 639 code other than", "review must be one of", "[extra]"):
        assert expected in said
    pack = read_pack(
        pack_source(
            'CALL_OFFICER = "Xx officer"\nSTEP_OF = "Xx {n}"\nNO_SUCH = "x"\n'
            'KEY_DELETE = "Xx delete"\nADDRESS.delete = "Xx wipe"\nCARD_ERRORS.NO_CARD = "Xx no card"'
        ),
        "xx.toml",
    )
    problems = check_pack(pack, IDS)
    assert problems == {
        "STEP_OF": "must have the placeholders of the Vietnamese ['n', 'total']",
        "NO_SUCH": "is not a phrase or catalog text (renamed or removed?)",
        "ADDRESS.delete": "translates the Vietnamese of KEY_DELETE differently",
    }
    try:
        assert len(languages.install(pack, IDS)) == 3
        assert phrases.CALL_OFFICER.get("xx") == "Xx officer"
        assert phrases.CARD_ERRORS[next(iter(phrases.CARD_ERRORS))].get("xx") != ""
        assert phrases.STEP_OF.format(n=1, total=2).get("xx") == "Bước 1/2"  # left out, not half-used
        assert [c.code for c in languages.choices()][-1] == "xx"
    finally:
        languages.uninstall("xx")
    assert phrases.CALL_OFFICER.get("vi") == "Gọi cán bộ" and not languages.is_pack("xx")


def voice_id(language: str) -> str:
    return f"espeak-ng:{language}"


def test_the_voice_plays_a_recording_else_the_vietnamese_clip(hmong) -> None:  # type: ignore[no-untyped-def]
    touch, present = phrases.IDLE_TOUCH.get("hmn"), phrases.CARD_PRESENT.get("hmn")
    recorded = {recorded_key("hmn", touch)}
    back = lambda said: vietnamese_of("hmn", said)  # noqa: E731
    parts = plan(f"{touch}. {present}. Nguyễn Văn Bình", "hmn", voice_id, recorded.__contains__, back)
    vi = [
        Part(clip_key("espeak-ng:vi", s, "vi"), s, "vi")
        for s in ("Đã thấy thẻ", "Ông/Bà nhập 12 số trên thẻ")
    ]
    name = Part(clip_key("espeak-ng:vi", "Nguyễn Văn Bình", "vi"), "Nguyễn Văn Bình", "vi")
    assert parts == [Part(recorded_key("hmn", touch), touch, "hmn", recorded=True), *vi, name]
    # A phrase of two sentences recorded whole plays whole; a template's values reach the Vietnamese.
    recorded.add(recorded_key("hmn", present))
    assert [p.recorded for p in plan(present, "hmn", voice_id, recorded.__contains__, back)] == [True]
    step = plan(phrases.STEP_OF.format(n=2, total=5).get("hmn"), "hmn", voice_id, recorded.__contains__, back)
    assert [p.sentence for p in step] == ["Bước 2/5"]
    assert vietnamese_of("hmn", "Lus Hmoob") == "Tiếng Mông"  # the chooser's name, until recorded
    # Complete languages are rendered as before, sentence by sentence.
    assert plan("Gọi cán bộ. Xong", "vi", voice_id) == [
        Part(clip_key("espeak-ng:vi", s, "vi"), s, "vi") for s in ("Gọi cán bộ", "Xong")
    ]
