"""Content checks for the service catalog (resources/services/*.toml) against the domain reference.

The numbers in the tables below come from /work/shared/reference/services.md; when the reference
changes, change the table and the catalog file together. The files are read with tomllib directly,
so these checks do not depend on how the engine models the catalog.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from devices.card.profiles import load_profiles
from kiosk.catalog import check_catalog, load_catalog
from kiosk.flow.effects import Submit
from kiosk.flow.journey import Journey
from kiosk.flow.state import Phase
from kiosk.ports.card import CardRead
from kiosk.samples import default_appointments, sample_value

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "resources" / "services"
ICONS = ROOT / "resources" / "icons"

# code -> (file stem, base fee in đồng, {(field, value): fee in đồng} for fee cases)
EXPECTED: dict[str, tuple[str, int, dict[tuple[str, str], int]]] = {
    # Residence (services.md 1–7, 11). Residence fees: in-person rates; online rates are in fee.note.
    "1.004222": ("dang_ky_thuong_tru", 20_000, {}),
    "1.004194": ("dang_ky_tam_tru", 15_000, {}),
    "1.002755": ("gia_han_tam_tru", 15_000, {}),
    "1.003677": ("khai_bao_tam_vang", 0, {}),
    "2.001159": ("thong_bao_luu_tru", 0, {}),
    "1.003197": ("xoa_dang_ky_thuong_tru", 0, {}),
    "1.010028": ("xoa_dang_ky_tam_tru", 0, {}),
    "1.010041": ("xac_nhan_thong_tin_cu_tru", 0, {}),
    "1.010039": ("dieu_chinh_thong_tin_cu_tru", 0, {}),
    # Identity (8–10)
    "2.001178": ("xac_nhan_so_cmnd", 0, {}),
    "1.014063": (
        "cap_doi_the_can_cuoc",
        50_000,
        {("reason", "from_cccd"): 30_000, ("reason", "reorganisation"): 0},
    ),
    "1.014064": ("cap_lai_the_can_cuoc", 70_000, {}),
    "1.011411": ("tai_khoan_dinh_danh_dien_tu", 0, {}),
    # Other MPS services (12–14, 16, 17)
    "1.001456": ("cap_ho_chieu", 200_000, {("request_type", "lost_damaged"): 400_000}),
    "1.010910": ("dang_ky_xe_mo_to", 150_000, {}),  # area III; areas I/II in fee.note (by value)
    "VPHC-GT": ("nop_phat_giao_thong", 0, {}),  # the fine is not a fee
    "LLTP": (
        "ly_lich_tu_phap",
        200_000,
        {("fee_group", "reduced"): 100_000, ("fee_group", "free"): 0, ("fee_group", "free_area"): 0},
    ),
    "GPLX-DOI": ("doi_giay_phep_lai_xe", 135_000, {}),
}

# Codes that are this project's own (no national procedure code found): must be flagged.
STATION_CODES = {"VPHC-GT", "LLTP", "GPLX-DOI"}

GROUPS = {
    "residence": {
        "1.004222", "1.004194", "1.002755", "1.003677", "2.001159",
        "1.003197", "1.010028", "1.010041", "1.010039",
    },
    "identity": {"2.001178", "1.014063", "1.014064", "1.011411"},
    "other": {"1.001456", "1.010910", "VPHC-GT", "LLTP", "GPLX-DOI"},
}  # fmt: skip

MAX_WORDS = 12


def _load() -> dict[str, dict[str, Any]]:
    return {p.stem: tomllib.loads(p.read_text("utf-8")) for p in sorted(SERVICES.glob("*.toml"))}


FILES = _load()
BY_CODE = {raw["code"]: raw for raw in FILES.values()}


def _texts(node: Any, path: str = "") -> list[tuple[str, dict[str, str]]]:
    """Every {vi, en} text table anywhere in a parsed file, with where it is."""
    found: list[tuple[str, dict[str, str]]] = []
    if isinstance(node, dict):
        if "vi" in node and isinstance(node["vi"], str):
            found.append((path, node))
        for key, value in node.items():
            found += _texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _texts(value, f"{path}[{index}]")
    return found


def _words(text: str) -> int:
    return len(text.split())


def _field(raw: dict[str, Any], fid: str) -> dict[str, Any]:
    return next(f for f in raw.get("fields", []) if f["id"] == fid)


# -- presence --------------------------------------------------------------------------------------


def test_every_listed_service_is_present_with_its_code() -> None:
    for code, (stem, _fee, _cases) in EXPECTED.items():
        assert stem in FILES, f"missing file {stem}.toml for {code}"
        assert FILES[stem]["code"] == code, stem


def test_one_code_and_one_slug_per_file() -> None:
    codes = [raw["code"] for raw in FILES.values()]
    slugs = [raw["slug"] for raw in FILES.values()]
    assert len(codes) == len(set(codes))
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)


def test_groups() -> None:
    for group, codes in GROUPS.items():
        for code in codes:
            assert BY_CODE[code].get("group") == group, code


def test_the_engine_accepts_the_catalog() -> None:
    _catalog, problems = check_catalog()
    assert problems == []


# -- steps -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_step_order(code: str) -> None:
    kinds = [step["kind"] for step in BY_CODE[code]["steps"]]
    assert kinds[0] == "intro"
    assert kinds[1] == "consent"
    assert kinds.index("consent") < kinds.index("card") < kinds.index("identity")
    assert kinds[-1] == "review"
    assert kinds.count("review") == 1
    assert "form" in kinds or "people" in kinds


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_ids_are_unique_and_fields_used(code: str) -> None:
    raw = BY_CODE[code]
    step_ids = [s["id"] for s in raw["steps"]]
    field_ids = [f["id"] for f in raw.get("fields", [])]
    assert len(step_ids) == len(set(step_ids))
    assert len(field_ids) == len(set(field_ids))
    used = {fid for s in raw["steps"] for fid in s.get("fields", [])}
    assert used == set(field_ids)


def test_temporary_absence_keeps_its_ids_and_messages() -> None:
    raw = BY_CODE["1.003677"]
    assert [s["id"] for s in raw["steps"]] == [
        "intro", "consent", "card", "identity", "destination", "dates", "reason", "review",
    ]  # fmt: skip
    assert [f["id"] for f in raw["fields"]] == ["destination", "date_from", "date_to", "reason"]
    assert _field(raw, "date_to")["messages"]["after_field"]["vi"] == "Ngày về phải sau ngày đi"
    assert _field(raw, "date_from")["messages"]["not_before"]["vi"] == ("Ngày đi không được trước hôm nay")


def test_lodging_notice_has_a_people_step_and_the_deadline_rule() -> None:
    raw = BY_CODE["2.001159"]
    people = [s for s in raw["steps"] if s["kind"] == "people"]
    assert len(people) == 1
    assert people[0]["min"] == 1 and people[0]["max"] == 20
    ids = {f["id"] for f in raw["fields"]}
    assert {"arrival", "leaving", "address", "reason"} <= ids
    intro_text = raw["who"]["vi"] + " " + raw["steps"][0]["say"]["vi"]
    assert "23 giờ" in raw["who"]["vi"] and "8 giờ" in raw["who"]["vi"]
    assert "nước ngoài" in intro_text and "khai báo tạm trú" in raw["who"]["vi"]


@pytest.mark.parametrize("code", ["1.014063", "1.014064", "1.011411"])
def test_card_services_book_an_appointment(code: str) -> None:
    types = {f["type"] for f in BY_CODE[code]["fields"]}
    assert "appointment" in types


def test_temporary_residence_is_at_most_two_years() -> None:
    assert _field(BY_CODE["1.004194"], "date_to")["max_days_after"] == 730
    assert _field(BY_CODE["1.002755"], "new_end")["max_days_after"] == 730


def test_follow_up_text_only_for_other() -> None:
    for raw in FILES.values():
        for fdef in raw.get("fields", []):
            if fdef["id"].endswith("_other") and fdef["type"] == "text":
                assert "when" in fdef, (raw["code"], fdef["id"])


@pytest.mark.parametrize(
    ("plate", "ok"),
    [
        ("29B1-123.45", True),
        ("30A-12345", True),
        ("51G12345", True),
        ("29B112345", True),  # typed on the kiosk keyboard, which has no dash
        ("29MĐ1-123.45", True),
        ("30A-1234", True),
        ("29 B1 12345", False),
        ("ABC", False),
        ("2-123.45", False),
    ],
)
def test_plate_pattern(plate: str, ok: bool) -> None:
    pattern = _field(BY_CODE["VPHC-GT"], "plate")["pattern"]
    assert bool(re.fullmatch(pattern, plate.strip().upper())) is ok


def test_prefilled_card_data_is_readonly() -> None:
    for raw in FILES.values():
        for fdef in raw.get("fields", []):
            if "prefill" in fdef:
                assert fdef["prefill"].startswith("holder.")
                assert fdef.get("readonly") is True, (raw["code"], fdef["id"])


# -- fees, facts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_fee_matches_the_reference(code: str) -> None:
    _stem, amount, cases = EXPECTED[code]
    fee = BY_CODE[code]["fee"]
    assert fee["amount"] == amount
    assert fee["legal_basis"].strip()
    found = {(c["field"], c["value"]): c["amount"] for c in fee.get("cases", [])}
    assert found == cases
    for field_id, value in found:
        options = {o["value"] for o in _field(BY_CODE[code], field_id)["options"]}
        assert value in options, (code, field_id, value)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_legal_basis_time_and_next_steps(code: str) -> None:
    raw = BY_CODE[code]
    assert raw["legal_basis"] and all(item.strip() for item in raw["legal_basis"])
    assert raw["processing_time"]["vi"].strip()
    assert "Quét mã trên phiếu" in raw["next_steps"]["vi"]


def test_laws_are_cited() -> None:
    residence = [BY_CODE[c] for c in GROUPS["residence"]]
    assert all(any("68/2020/QH14" in x for x in r["legal_basis"]) for r in residence)
    for code in ("2.001178", "1.014063", "1.014064", "1.011411"):
        assert any("26/2023/QH15" in x for x in BY_CODE[code]["legal_basis"]), code


def test_station_codes_are_marked_unverified() -> None:
    for code in STATION_CODES:
        assert any(code in item for item in BY_CODE[code].get("unverified", [])), code
    for code in ("1.011411", "1.010910"):  # codes marked [U] in services.md
        assert any(code in item for item in BY_CODE[code]["unverified"]), code


# -- wording ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", sorted(FILES))
def test_files_are_nfc(stem: str) -> None:
    text = (SERVICES / f"{stem}.toml").read_text("utf-8")
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("stem", sorted(FILES))
def test_every_text_has_both_languages_and_no_ban(stem: str) -> None:
    raw = FILES[stem]
    for where, text in _texts(raw):
        assert text.get("vi", "").strip() and text.get("en", "").strip(), (stem, where)
        assert not re.search(r"\bbạn\b", text["vi"], re.IGNORECASE), (stem, where, text["vi"])
    for item in raw.get("legal_basis", []) + raw.get("unverified", []):
        assert not re.search(r"\bbạn\b", item, re.IGNORECASE), (stem, item)


@pytest.mark.parametrize("stem", sorted(FILES))
def test_summaries_and_step_titles_are_short(stem: str) -> None:
    raw = FILES[stem]
    assert _words(raw["summary"]["vi"]) <= MAX_WORDS, raw["summary"]["vi"]
    for step in raw["steps"]:
        assert _words(step["title"]["vi"]) <= MAX_WORDS, (stem, step["id"], step["title"]["vi"])


@pytest.mark.parametrize("stem", sorted(FILES))
def test_pictures_exist(stem: str) -> None:
    raw = FILES[stem]
    assert (ICONS / f"{raw['pictogram']}.svg").is_file(), raw["pictogram"]
    for paper in raw.get("papers", []):
        assert "picture" in paper, (stem, paper["vi"])
        assert (ICONS / f"{paper['picture']}.svg").is_file(), paper["picture"]


def test_money_is_written_the_vietnamese_way() -> None:
    for stem, raw in FILES.items():
        for where, text in _texts(raw):
            for lang in ("vi", "en"):
                # amounts with a separator use dots: 50.000 đồng, never 50,000 or 50000 đồng
                assert not re.search(r"\d,\d{3}", text[lang]), (stem, where, text[lang])
                assert not re.search(r"\d{4,} đồng", text[lang]), (stem, where, text[lang])


# -- every branch can be finished ------------------------------------------------------------------


def _branches() -> list[tuple[str, dict[str, str]]]:
    """Each service with sample answers, and once more for every option of every choice field."""
    cases: list[tuple[str, dict[str, str]]] = []
    for code in sorted(EXPECTED):
        cases.append((code, {}))
        for fdef in BY_CODE[code].get("fields", []):
            if fdef["type"] == "choice":
                cases += [(code, {fdef["id"]: option["value"]}) for option in fdef["options"]]
    return cases


@pytest.mark.parametrize(("code", "answers"), _branches())
def test_every_branch_reaches_submit(code: str, answers: dict[str, str]) -> None:
    catalog = load_catalog()
    service = catalog.get(code)
    profiles = load_profiles()
    journey = Journey(
        catalog,
        lambda: dt.datetime(2026, 11, 26, 9, 0),
        idle_warning_s=600,
        idle_reset_s=600,
        appointments=default_appointments(),
    )

    def read(holder: Any) -> None:
        journey.card_inserted()
        journey.set_id_number(holder.id_number)
        journey.take_effects()
        journey.card_read(CardRead(holder=holder, document_kind="cccd"))

    journey.start()
    journey.choose_service(code)
    journey.next()
    journey.consent(True)
    read(profiles[0].holder)
    journey.confirm_identity(True)
    for _ in range(60):
        state = journey.state()
        if state.screen == "review":
            journey.next()
            break
        step = state.step
        assert step is not None
        if step.kind == "people":
            journey.card_removed()
            journey.add_person()
            read(profiles[-1].holder)
        else:
            for fdef in service.fields_of(step, state.form.values):
                if not fdef.readonly:
                    value = answers.get(
                        fdef.id, sample_value(fdef, dict(journey.state().form.values), journey.today())
                    )
                    journey.set_value(fdef.id, value)
        journey.next()
        assert not journey.state().form.errors, (code, step.id, journey.state().form.errors)
    assert journey.state().phase is Phase.SUBMITTING
    assert any(isinstance(effect, Submit) for effect in journey.take_effects())
    expected_fee = EXPECTED[code][2].get(next(iter(answers.items()), ("", "")), EXPECTED[code][1])
    assert state.fee_amount == expected_fee


def test_option_labels_fit_a_button() -> None:
    """Choice buttons do not wrap (a long label widens the window past 1366 px): keep them short."""
    for stem, raw in FILES.items():
        for fdef in raw.get("fields", []):
            for option in fdef.get("options", []):
                for lang in ("vi", "en"):
                    label = option["label"][lang]
                    assert len(label) <= 55, (stem, fdef["id"], label)


def test_service_titles_fit_the_header() -> None:
    """The service title sits beside the top buttons on every screen and does not wrap."""
    for stem, raw in FILES.items():
        # English top buttons are wider than the Vietnamese ones, so English titles get less room
        for lang, limit in (("vi", 45), ("en", 32)):
            assert len(raw["title"][lang]) <= limit, (stem, raw["title"][lang])


def test_voice_texts_spell_numbers_out() -> None:
    """The synthesiser misreads digits ("15"): voice prompts spell numbers out."""
    for stem, raw in FILES.items():
        for step in raw["steps"]:
            if "say" in step:
                assert not re.search(r"\d", step["say"]["vi"]), (stem, step["id"], step["say"]["vi"])


def test_every_typed_text_field_has_an_example_of_its_own() -> None:
    """The tour and the journey tests type a field's example; without one a name or an occupation
    got the sample address ("Nghề nghiệp: Thôn 3, xã Tam Thăng…", issue 11)."""
    for stem, raw in FILES.items():
        for fdef in raw.get("fields", []):
            if fdef["type"] == "text" and not fdef.get("readonly") and fdef.get("keyboard") != "code":
                assert fdef.get("example"), (stem, fdef["id"])
