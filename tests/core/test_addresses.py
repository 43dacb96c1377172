"""Administrative units after 1 July 2025 and conversion of the three-level addresses printed on cards."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from kiosk import addresses
from kiosk.addresses import Address, collation_key, parse_old_address
from kiosk.text import fold

CITIZENS = Path("/work/shared/data/citizens.json")


def by_short(name: str) -> addresses.Province:
    hits = [p for p in addresses.provinces() if p.short_name == name]
    assert len(hits) == 1, name
    return hits[0]


def test_34_provincial_units() -> None:
    items = addresses.provinces()
    assert len(items) == 34
    assert len({p.code for p in items}) == 34
    assert all(p.name.startswith(("Tỉnh ", "Thành phố ")) for p in items)
    cities = {p.short_name for p in items if p.name.startswith("Thành phố ")}
    # NQ 202/2025/QH15 (from 1 July 2025) left six centrally-run cities; in 2026 the 16th National
    # Assembly made three provinces cities: Đồng Nai (NQ 30/2026/QH16, from 30 April 2026), Bắc Ninh
    # (NQ 39/2026/QH16, from 20 September 2026) and Quảng Ninh. Codes and communes did not change.
    assert cities == {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"} | {
        "Đồng Nai",
        "Bắc Ninh",
        "Quảng Ninh",
    }


def test_commune_count_and_codes() -> None:
    total = [c for p in addresses.provinces() for c in addresses.communes(p.code)]
    assert 3300 <= len(total) <= 3340  # NQ 202/2025: 3,321
    assert len({c.code for c in total}) == len(total)
    assert all(len(c.code) == 5 and c.code.isdigit() for c in total)
    for p in addresses.provinces():
        assert all(c.province_code == p.code for c in addresses.communes(p.code))


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("01", "Thành phố Hà Nội"),
        ("79", "Thành phố Hồ Chí Minh"),
        ("48", "Thành phố Đà Nẵng"),
        ("15", "Tỉnh Lào Cai"),
        ("14", "Tỉnh Sơn La"),
    ],
)
def test_known_provinces(code: str, name: str) -> None:
    assert addresses.province(code).name == name
    assert 50 <= len(addresses.communes(code)) <= 170


def test_known_communes() -> None:
    assert addresses.commune("00070").name == "Phường Hoàn Kiếm"
    assert addresses.commune("00070").province_code == "01"
    sapa = [c.name for c in addresses.communes("15")]
    assert "Xã Tả Van" in sapa and "Phường Sa Pa" in sapa
    with pytest.raises(KeyError):
        addresses.province("63")


def test_names_are_nfc() -> None:
    import unicodedata

    for p in addresses.provinces():
        assert unicodedata.is_normalized("NFC", p.name)
        assert all(unicodedata.is_normalized("NFC", c.name) for c in addresses.communes(p.code))


def test_provinces_in_vietnamese_order() -> None:
    names = [p.short_name for p in addresses.provinces()]
    assert names[0] == "An Giang" and names[-1] == "Vĩnh Long"
    # Đ is its own letter after D (not mixed with it), â after a, ư after u; space before letters.
    assert names.index("Cà Mau") < names.index("Cao Bằng") < names.index("Cần Thơ") < names.index("Đà Nẵng")
    assert names.index("Điện Biên") < names.index("Đồng Nai") < names.index("Gia Lai")
    assert names.index("Hồ Chí Minh") < names.index("Huế") < names.index("Hưng Yên")
    assert names.index("Lào Cai") < names.index("Lâm Đồng")
    shuffled = names[:]
    random.Random(4).shuffle(shuffled)
    assert sorted(shuffled, key=collation_key) == names


def test_collation_details() -> None:
    words = ["đa", "da", "dă", "dâ", "db", "Dz"]
    assert sorted(words, key=collation_key) == ["da", "dă", "dâ", "db", "Dz", "đa"]
    # tones only break ties, in the order ngang, huyền, hỏi, ngã, sắc, nặng
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(reversed(tones), key=collation_key) == tones
    assert sorted(["Phường 10", "Phường 2"], key=collation_key) == ["Phường 2", "Phường 10"]


def test_communes_sorted() -> None:
    for code in ("01", "79", "48"):
        names = [c.short_name for c in addresses.communes(code)]
        assert names == sorted(names, key=collation_key)


def test_search_ignores_tones_and_case() -> None:
    assert [c.name for c in addresses.search_communes("15", "ta van")] == ["Xã Tả Van"]
    assert [c.name for c in addresses.search_communes("15", "TẢ VAN")] == ["Xã Tả Van"]
    found = [c.name for c in addresses.search_communes("14", "thuan chau")]
    assert found[0] == "Xã Thuận Châu"
    danang = addresses.search_communes("48", "hoa")
    assert danang and all("hoa" in fold(c.name) for c in danang)
    assert danang[0].short_name.startswith("Hòa")  # name starts rank before matches inside
    assert addresses.search_communes("48", "zzz") == []
    assert len(addresses.search_communes("48", "")) == len(addresses.communes("48"))
    assert [p.short_name for p in addresses.search_provinces("da nang")] == ["Đà Nẵng"]
    quang = {p.short_name for p in addresses.search_provinces("quang")}
    assert quang >= {"Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Tuyên Quang"}


def test_address_display_and_round_trip() -> None:
    commune = addresses.search_communes("48", "hoa khanh")[0]
    address = Address("48", "Thành phố Đà Nẵng", commune.code, commune.name, "Tổ 5")
    assert address.display() == f"Tổ 5, {commune.name}, Thành phố Đà Nẵng"
    data = address.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert Address.from_dict(data) == address
    assert Address("48", "Thành phố Đà Nẵng", commune.code, commune.name).display() == (
        f"{commune.name}, Thành phố Đà Nẵng"
    )
    decomposed = dict(data, street="Tô\u0309 5")  # NFD input from elsewhere comes back NFC
    assert Address.from_dict(decomposed).street == "Tổ 5"
    with pytest.raises(ValueError):
        Address.from_dict({k: v for k, v in data.items() if k != "commune_code"})
    with pytest.raises(ValueError):
        Address.from_dict(dict(data, province_code=48))


def test_parse_splits_the_parts() -> None:
    m = parse_old_address("Thôn Lao Chải 1, Xã Lao Chải, Huyện Sa Pa, Tỉnh Lào Cai")
    assert (m.street, m.old_commune, m.old_district, m.old_province) == (
        "Thôn Lao Chải 1",
        "Xã Lao Chải",
        "Huyện Sa Pa",
        "Tỉnh Lào Cai",
    )
    assert m.province is not None and m.province.name == "Tỉnh Lào Cai"
    # Xã Lao Chải of Sa Pa was merged away before 2025; the Xã Lao Chải of Mù Căng Chải (old Yên Bái, now
    # also in Lào Cai) must not be taken in its place.
    assert m.commune is None and m.problems == (addresses.PROBLEM_COMMUNE_UNKNOWN,)
    assert not m.complete and m.to_address() is None


def test_merged_province_quang_nam_to_da_nang() -> None:
    m = parse_old_address("Thôn 3, Xã Tam Thăng, Thành phố Tam Kỳ, Tỉnh Quảng Nam")
    assert m.province is not None and m.province.name == "Thành phố Đà Nẵng"
    assert m.commune is not None and m.commune.province_code == "48"
    assert m.complete
    address = m.to_address()
    assert address is not None and address.display() == f"Thôn 3, {m.commune.name}, Thành phố Đà Nẵng"


def test_old_commune_split_lists_candidates() -> None:
    m = parse_old_address("Số 45 ngõ 178 phố Tây Sơn, Phường Trung Liệt, Quận Đống Đa, Thành phố Hà Nội")
    assert m.province is not None and m.province.code == "01"
    assert m.commune is None and addresses.PROBLEM_COMMUNE_SPLIT in m.problems
    assert len(m.commune_candidates) >= 2 and all(c.province_code == "01" for c in m.commune_candidates)


def test_unknown_parts_are_flagged_not_guessed() -> None:
    assert parse_old_address("Xã A, Huyện B, Tỉnh Không Có").problems == (addresses.PROBLEM_PROVINCE_UNKNOWN,)
    m = parse_old_address("Xã Tả Van, Huyện Không Có, Tỉnh Lào Cai")
    assert m.commune is None and m.problems == (addresses.PROBLEM_DISTRICT_UNKNOWN,)
    m = parse_old_address("Thôn 1, Tỉnh Lào Cai")
    assert m.province is not None and m.problems == (addresses.PROBLEM_COMMUNE_MISSING,)
    assert parse_old_address("").problems == (addresses.PROBLEM_UNPARSED,)


def test_card_printed_before_hue_became_a_city() -> None:
    m = parse_old_address("Phường Phú Hội, Thành phố Huế, Tỉnh Thừa Thiên Huế")
    assert m.province is not None and m.province.name == "Thành phố Huế"
    # the old Thành phố Huế district was split into Quận Phú Xuân and Quận Thuận Hóa in 2025: flagged
    assert m.commune is None and m.problems == (addresses.PROBLEM_DISTRICT_UNKNOWN,)


def test_current_address_is_recognised() -> None:
    m = parse_old_address("Thôn Giàng Tả Chải Dao, Xã Tả Van, Tỉnh Lào Cai")
    assert m.already_current and m.complete
    assert m.commune is not None and m.commune.name == "Xã Tả Van"


def test_abbreviations_and_spacing() -> None:
    m = parse_old_address("  Tổ 5,Phường Hòa Minh , Q. Liên Chiểu,  TP. Đà Nẵng ")
    assert m.province is not None and m.province.code == "48"
    assert m.commune is not None and m.street == "Tổ 5"


EXPECTED_PROVINCE = {  # residence on the card → province after 1 July 2025 (NQ 202/2025/QH15)
    "Tỉnh Lào Cai": "Tỉnh Lào Cai",
    "Tỉnh Sơn La": "Tỉnh Sơn La",
    "Thành phố Đà Nẵng": "Thành phố Đà Nẵng",
    "Tỉnh Quảng Nam": "Thành phố Đà Nẵng",
    "Tỉnh Khánh Hòa": "Tỉnh Khánh Hòa",  # absorbed Ninh Thuận
    "Thành phố Hà Nội": "Thành phố Hà Nội",
}


@pytest.mark.skipif(not CITIZENS.exists(), reason="shared demo citizens not present")
def test_demo_citizens_residences_convert() -> None:
    citizens = json.loads(CITIZENS.read_text("utf-8"))["citizens"]
    assert citizens
    for citizen in citizens:
        text = citizen["residence"]
        m = parse_old_address(text)
        assert m.old_province in EXPECTED_PROVINCE, text
        assert m.province is not None and m.province.name == EXPECTED_PROVINCE[m.old_province], text
        assert m.street and m.old_commune and m.old_district, text
        if m.commune is not None:
            assert m.commune.province_code == m.province.code
            assert not m.problems
        else:
            assert m.problems, text  # never silently without a commune


def test_citizen_known_conversions() -> None:
    expected = {
        "Tổ 5, Phường Hòa Minh, Quận Liên Chiểu, Thành phố Đà Nẵng": "48",
        "Bản Lái, Xã Phổng Lái, Huyện Thuận Châu, Tỉnh Sơn La": "14",
        "Thôn Giàng Tả Chải Dao, Xã Tả Van, Huyện Sa Pa, Tỉnh Lào Cai": "15",
        "Số 12 Đường Trần Phú, Phường Lộc Thọ, Thành phố Nha Trang, Tỉnh Khánh Hòa": "56",
    }
    for text, province_code in expected.items():
        m = parse_old_address(text)
        assert m.complete, (text, m.problems)
        assert m.commune is not None and m.commune.province_code == province_code
    tavan = parse_old_address("Xã Tả Van, Huyện Sa Pa, Tỉnh Lào Cai").commune
    assert tavan is not None and tavan.name == "Xã Tả Van"
