"""The manifest check finds a screen without a pictogram or a clip, and the tour sees a pictogram
only where one is drawn: broken on purpose here, since the real tour's screens all pass."""

from __future__ import annotations

import copy
import os
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QVBoxLayout, QWidget

from tests.ui.manifest_checks import manifest_problems
from ui.tour import clip_sources, pictograms
from ui.widgets.basics import StepHeading, button

SAID = [{"sentence": "Xác nhận thông tin", "language": "vi", "source": "built", "fallback": False}]
FALLBACK = [{**SAID[0], "fallback": True}]


def _manifest() -> dict[str, Any]:
    screen = {
        "file": "001-x-form.png",
        "name": "dates-filled",
        "step": "dates",
        "officer_page": False,
        "pictograms": ["calendar"],
        "voice": {
            "vi": SAID,
            "en": [{**SAID[0], "sentence": "Confirm your details", "language": "en"}],
            "hmn": FALLBACK,  # no recording yet: the Vietnamese clip, said so
        },
    }
    officer = {
        "file": "002-officer.png", "name": "officer-menu", "step": "", "officer_page": True,
        "pictograms": [], "voice": {},
    }  # fmt: skip
    return {"languages": ["vi", "en", "hmn"], "people": ["Lò Văn Páo"], "screens": [screen, officer]}


def test_a_whole_manifest_passes() -> None:
    assert manifest_problems(_manifest()) == []


def test_a_screen_without_its_pictogram_or_a_clip_is_reported() -> None:
    broken = copy.deepcopy(_manifest())
    screen = broken["screens"][0]
    screen["pictograms"] = []
    del screen["voice"]["hmn"]
    screen["voice"]["en"] = [
        {"sentence": "A sentence nobody rendered", "language": "en", "source": "first-use", "fallback": False}
    ]
    assert manifest_problems(broken) == [
        "001-x-form.png: no pictogram",
        "001-x-form.png: en 'A sentence nobody rendered' has no clip made ahead",
        "001-x-form.png: nothing to say in hmn",
    ]


def test_names_and_numbers_may_be_made_at_first_use() -> None:
    manifest = _manifest()
    manifest["screens"][0]["voice"]["vi"] = [
        {"sentence": "Lò Văn Páo", "language": "vi", "source": "first-use", "fallback": False},
        {"sentence": "Mã hồ sơ ECX01-5E5Z8", "language": "vi", "source": "first-use", "fallback": False},
    ]
    assert manifest_problems(manifest) == []


def test_the_tour_sees_drawn_pictograms_only(qapp: object) -> None:
    view = QWidget()
    column = QVBoxLayout(view)
    heading = StepHeading(column)
    heading.show("Ngày đến", "calendar")
    column.addWidget(button("Thêm khách", "", "people", 40))
    assert pictograms(view) == ["calendar", "people"]
    heading.show("Ngày đến", "no-such-pictogram")  # a missing file leaves a blank: not a pictogram
    assert pictograms(view) == ["people"]


def test_a_pack_without_recordings_is_heard_in_vietnamese_clips() -> None:
    from kiosk import phrases

    vietnamese = phrases.CALL_OFFICER.get("vi")
    known = {"vi": {vietnamese}, "en": set()}
    assert clip_sources(vietnamese, "vi", known) == [
        {"sentence": vietnamese, "language": "vi", "source": "built", "fallback": False}
    ]
    hmong = clip_sources(vietnamese, "hmn", known)  # a pack with no recording of it: Vietnamese
    assert [(p["language"], p["fallback"]) for p in hmong] == [("vi", True)]
    assert clip_sources("Something new", "en", known)[0]["source"] == "first-use"


def test_a_fallback_not_recorded_as_such_is_reported() -> None:
    broken = copy.deepcopy(_manifest())
    broken["screens"][0]["voice"]["hmn"] = SAID  # Vietnamese heard in Hmong, unmarked
    assert manifest_problems(broken) == [
        "001-x-form.png: hmn 'Xác nhận thông tin' fallback not recorded as such"
    ]


def test_a_tracking_code_without_digits_may_be_made_at_first_use() -> None:
    manifest = _manifest()
    code = {"sentence": "NDQRC-GBDQQ", "language": "vi", "source": "first-use", "fallback": False}
    manifest["screens"][0]["voice"]["vi"] = [code]
    assert manifest_problems(manifest) == []


def test_a_filled_step_shown_as_the_next_one_is_seen() -> None:
    """The tour took its "-filled" shots after Continue: they showed the next step (issue 11)."""
    manifest = _manifest()
    manifest["screens"][0]["step"] = "reason"
    assert manifest_problems(manifest) == ["001-x-form.png: shows step 'reason', not 'dates-filled'"]
