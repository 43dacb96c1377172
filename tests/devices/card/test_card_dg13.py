"""DG13 of the CCCD, parsed by key: both key-13 layouts, key 14 empty or absent, string types."""

from __future__ import annotations

import pytest

from devices.card.emulated.personalise import PARENTS_ONE_SEQUENCE, PARENTS_PER_NAME, build_dg13
from devices.card.icao.lds import tlv
from devices.card.icao.lds.dg13 import UTF8_MARKER_OID, parse_dg13
from devices.card.icao.lds.errors import LdsError
from devices.card.profiles import CitizenProfile

H = bytes.fromhex


def dg13(*entries: bytes) -> bytes:
    body = tlv.encode(0x02, b"\x01") + tlv.encode(0x06, UTF8_MARKER_OID) + tlv.encode(0x31, b"".join(entries))
    return tlv.encode(0x6D, tlv.encode(0x30, body))


def entry(key: int, *values: bytes) -> bytes:
    return tlv.encode(0x30, tlv.encode(0x02, bytes([key])) + b"".join(values))


def utf8(text: str) -> bytes:
    return tlv.encode(0x0C, text.encode())


def test_real_card_layout_of_key_13_each_name_in_its_own_sequence() -> None:
    parsed = parse_dg13(
        dg13(entry(13, tlv.encode(0x30, utf8("Lò Văn Piếng")), tlv.encode(0x30, utf8("Cà Thị Xiêng"))))
    )
    assert (parsed.father, parsed.mother) == ("Lò Văn Piếng", "Cà Thị Xiêng")


def test_fixture_layout_of_key_13_one_sequence_of_two_strings() -> None:
    parsed = parse_dg13(dg13(entry(13, tlv.encode(0x30, utf8("A") + utf8("B")))))
    assert (parsed.father, parsed.mother) == ("A", "B")


def test_key_14_present_with_no_value_is_no_spouse() -> None:
    data = dg13(entry(2, utf8("Tên")), H("3003 02010E"))
    parsed = parse_dg13(data)
    assert parsed.spouse == "" and parsed.entries[14] == ()
    assert parsed.full_name == "Tên"


def test_keys_are_read_by_number_not_by_position() -> None:
    data = dg13(
        entry(16, tlv.encode(0x13, b"0123456789ABCDEF")),
        entry(1, tlv.encode(0x13, b"001234567890")),
        entry(15, tlv.encode(0x13, b"063512345")),
        entry(3, tlv.encode(0x16, b"14/03/1990")),
        entry(99, utf8("unknown key kept")),
    )
    fields = parse_dg13(data).as_fields()
    assert fields["id_number"] == "001234567890"
    assert fields["old_id_number"] == "063512345"
    assert fields["card_serial"] == "0123456789ABCDEF"
    assert fields["date_of_birth"] == "14/03/1990"
    assert fields["full_name"] == "" and fields["spouse"] == ""
    assert parse_dg13(data).entries[99] == ("unknown key kept",)


def test_text_is_nfc_normalised() -> None:
    decomposed = "Nguye\u0302\u0303n"  # Nguyễn with combining marks
    assert parse_dg13(dg13(entry(2, utf8(decomposed)))).full_name == "Nguyễn"


@pytest.mark.parametrize("layout", [PARENTS_PER_NAME, PARENTS_ONE_SEQUENCE])
def test_builder_round_trip_all_sixteen_keys(citizens: list[CitizenProfile], layout: str) -> None:
    for profile in citizens:
        holder = profile.holder
        parsed = parse_dg13(build_dg13(holder, layout)).as_fields()
        for name in ("id_number", "full_name", "residence", "father", "mother", "spouse", "old_id_number"):
            assert parsed[name] == getattr(holder, name)
        assert len(parsed["card_serial"]) == 16


def test_real_card_string_types(citizens: list[CitizenProfile]) -> None:
    root = tlv.parse_single(build_dg13(citizens[0].holder))
    entries = root.child(0x30).child(0x31).children()
    types = {tlv.parse_all(e.value)[0].value[0]: tlv.parse_all(e.value)[1].tag for e in entries[:12]}
    assert {k for k, t in types.items() if t == 0x13} == {1, 3, 11}
    assert {k for k, t in types.items() if t == 0x0C} == {2, 4, 5, 6, 7, 8, 9, 10, 12}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        H("6D00"),
        H("6D03300100"),
        H("6D0A3008020101310330010C"),  # entry without a key
        H("6D0C300A020101310530030C0141"),  # entry starting with a string, not an INTEGER
        H("6D0B3009020101310430020201"),  # INTEGER key with no value bytes
        H("6D8A"),  # length field too long
        dg13(entry(2, tlv.encode(0x0C, b"\xff\xfe"))),  # invalid UTF-8
    ],
)
def test_malformed_dg13_raises_lds_error(data: bytes) -> None:
    with pytest.raises(LdsError):
        parse_dg13(data)
