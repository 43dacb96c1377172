"""Scanner input: wedge bursts vs typing, and what a scanned line is (slip, code, ID card QR)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.scanner.serial import LineSplitter, ScannerError, SerialLineReader
from devices.scanner.wedge import WedgeDetector, WedgeVerdict
from kiosk.scan import ScanKind, parse_scan
from kiosk.slip import SlipSigner
from kiosk.trackcode import check_char, display

CITIZENS = json.loads(Path("/work/shared/data/citizens.json").read_text("utf-8"))["citizens"]
CODE = "7K3QXM9T2" + check_char("7K3QXM9T2")
SLIP = SlipSigner(bytes(32), "HCM-Q1-03").sign(CODE)


def line_2021(c: dict[str, Any], **changes: str) -> str:
    """The 2021 CCCD front QR for a citizen: ID|old ID|name|DOB ddmmyyyy|sex|address|issue date."""
    fields = {
        "id": c["id"],
        "old_id": c.get("old_id", ""),
        "name": c["name"],
        "dob": c["dob"].replace("/", ""),
        "sex": c["sex"],
        "address": c["residence"],
        "issued": c["issued"].replace("/", ""),
    }
    fields.update(changes)
    return "|".join(fields.values())


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


# -- wedge timing -------------------------------------------------------------------------------------


class Fed:
    """Everything the detector said while a sequence of keys was fed."""

    def __init__(self) -> None:
        self.scans: list[str] = []
        self.typed = ""
        self.enters = 0

    def add(self, verdict: WedgeVerdict) -> None:
        if verdict.scan is not None:
            self.scans.append(verdict.scan)
        self.typed += verdict.typed
        self.enters += verdict.pass_enter


def feed(detector: WedgeDetector, fed: Fed, text: str, t: float, gaps: Iterable[float]) -> float:
    """Type `text` starting at `t`, waiting each gap before the next key; returns the last key's time."""
    gap_iter = iter(gaps)
    for index, char in enumerate(text):
        if index:
            t += next(gap_iter)
            fed.add(detector.idle(t - 1e-6))  # a timer firing just before the key, as the UI would
        fed.add(detector.key(char, t))
    return t


def finish(detector: WedgeDetector, fed: Fed, t: float) -> None:
    fed.add(detector.idle(t + 10))


def test_scanner_burst_with_enter_is_a_scan() -> None:
    detector, fed = WedgeDetector(), Fed()
    t = feed(detector, fed, SLIP, 100.0, [0.004] * len(SLIP))
    fed.add(detector.enter(t + 0.006))
    finish(detector, fed, t)
    assert fed.scans == [SLIP] and fed.typed == "" and fed.enters == 0


def test_jittery_scanner_still_a_scan() -> None:
    rng = random.Random(5)
    line = line_2021(CITIZENS[0])
    detector, fed = WedgeDetector(), Fed()
    t = feed(detector, fed, line, 0.0, [rng.uniform(0.001, 0.028) for _ in line])
    fed.add(detector.enter(t + 0.060))  # some scanners pause before the suffix
    assert fed.scans == [line] and fed.typed == ""
    assert parse_scan(fed.scans[0]).kind is ScanKind.CCCD_2021


def test_person_typing_is_never_a_scan() -> None:
    detector, fed = WedgeDetector(), Fed()
    t = feed(detector, fed, CODE, 0.0, [0.150] * 9)
    fed.add(detector.enter(t + 0.300))
    finish(detector, fed, t + 0.3)
    assert fed.scans == [] and fed.typed == CODE and fed.enters == 1


def test_fast_typist_with_rolled_keys_is_not_a_scan() -> None:
    # 60–120 ms between keys, with a few rolled pairs only 15 ms apart.
    gaps = [0.09, 0.015, 0.07, 0.11, 0.015, 0.06, 0.08, 0.015, 0.12, 0.07, 0.015]
    detector, fed = WedgeDetector(), Fed()
    t = feed(detector, fed, "THOON3XAXTAM", 0.0, gaps)
    fed.add(detector.enter(t + 0.1))
    assert fed.scans == [] and fed.typed == "THOON3XAXTAM" and fed.enters == 1


def test_short_fast_burst_is_typing() -> None:
    detector, fed = WedgeDetector(), Fed()
    t = feed(detector, fed, "ABC12", 0.0, [0.003] * 4)  # 5 < 8 characters: a macro key, not a scan
    fed.add(detector.enter(t + 0.003))
    assert fed.scans == [] and fed.typed == "ABC12" and fed.enters == 1


def test_mixed_typing_then_scan_then_typing() -> None:
    detector, fed = WedgeDetector(), Fed()
    t = feed(detector, fed, "AB", 0.0, [0.2])
    t = feed(detector, fed, SLIP, t + 0.5, [0.005] * len(SLIP))
    fed.add(detector.enter(t + 0.005))
    assert fed.scans == [SLIP] and fed.typed == "AB"
    t = feed(detector, fed, "XY", t + 0.8, [0.18])
    finish(detector, fed, t)
    assert fed.scans == [SLIP] and fed.typed == "ABXY" and fed.enters == 0


def test_scan_without_enter_ends_when_the_scanner_stops() -> None:
    detector, fed = WedgeDetector(), Fed()
    t = feed(detector, fed, CODE, 0.0, [0.004] * 9)
    assert detector.pending == CODE
    deadline = detector.deadline
    assert deadline is not None and deadline == pytest.approx(t + detector.end_wait)
    assert not detector.idle(deadline - 0.01)  # a scanner may still send its Enter
    fed.add(detector.idle(deadline))
    assert fed.scans == [CODE] and detector.pending == "" and detector.deadline is None


def test_a_person_key_is_released_after_max_gap() -> None:
    detector = WedgeDetector()
    assert not detector.key("7", 1.0)
    assert detector.deadline == pytest.approx(1.0 + detector.max_gap)
    assert not detector.idle(1.01)
    assert detector.idle(1.031) == WedgeVerdict(typed="7")


def test_enter_alone_passes_through_and_reset_drops() -> None:
    detector = WedgeDetector()
    assert detector.enter(0.0) == WedgeVerdict(pass_enter=True)
    detector.key("A", 1.0)
    assert detector.reset() == "A" and detector.pending == ""


def test_bad_settings_refused() -> None:
    with pytest.raises(ValueError):
        WedgeDetector(min_length=1)
    with pytest.raises(ValueError):
        WedgeDetector(max_gap=0.2, end_wait=0.1)


# -- parse_scan -----------------------------------------------------------------------------------------


def test_slip_and_tracking_codes() -> None:
    assert parse_scan(SLIP).kind is ScanKind.SLIP
    assert parse_scan(SLIP.lower() + "\r\n").kind is ScanKind.SLIP
    for typed in (CODE, display(CODE), display(CODE).lower(), f" {CODE} "):
        result = parse_scan(typed)
        assert result.kind is ScanKind.TRACKING_CODE and result.tracking_code == CODE
    wrong = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    assert parse_scan(wrong).kind is ScanKind.UNKNOWN


@pytest.mark.parametrize("citizen", CITIZENS, ids=[c["id"] for c in CITIZENS])
def test_2021_cccd_front_qr(citizen: dict[str, Any]) -> None:
    result = parse_scan(line_2021(citizen))
    assert result.kind is ScanKind.CCCD_2021 and result.is_id_card, result.problem
    card = result.card
    assert card is not None
    assert card.id_number == citizen["id"] and card.can == citizen["id"][-6:]
    assert card.old_id == citizen.get("old_id", "")
    assert card.full_name == citizen["name"] and card.address == citizen["residence"]
    assert card.date_of_birth == day(citizen["dob"]) and card.issue_date == day(citizen["issued"])
    assert card.sex == citizen["sex"]
    # Personal data never shows in a repr (logs, tracebacks).
    assert citizen["name"] not in repr(result) and citizen["id"] not in repr(result)


def test_sex_as_a_scanner_may_deliver_it() -> None:
    woman = CITIZENS[0]
    assert woman["sex"] == "Nữ"
    for variant, expected in (("NỮ", "Nữ"), ("nu", "Nữ"), ("Nu\u0303\u031b", "Nữ"), ("N?", ""), ("N", "")):
        result = parse_scan(line_2021(woman, sex=variant))
        assert result.kind is ScanKind.CCCD_2021, (variant, result.problem)
        assert result.card is not None and result.card.sex == expected


MALFORMED = [
    ("id", "07908500123A", "12-digit"),  # not 12 digits: not even the 2021 shape
    ("id", "0790850012345", ""),
    ("dob", "31021990", "date of birth"),
    ("dob", "1990-03-14", "date of birth"),
    ("dob", "14031890", "date of birth"),  # before 1900
    ("issued", "", "issue date"),
    ("issued", "10052025x", "issue date"),
    ("issued", "01011980", ""),  # before the date of birth
    ("sex", "Male", "sex"),
    ("sex", "Nam", "sex"),  # a woman's ID number with "Nam"
    ("old_id", "12345", "old ID"),
]


@pytest.mark.parametrize(("field", "value", "says"), MALFORMED, ids=[f"{f}={v}" for f, v, _ in MALFORMED])
def test_malformed_2021_lines_are_refused_clearly(field: str, value: str, says: str) -> None:
    result = parse_scan(line_2021(CITIZENS[0], **{field: value}))
    assert result.kind is ScanKind.UNKNOWN and result.card is None
    assert result.problem and says in result.problem
    assert CITIZENS[0]["name"] not in result.problem  # the reason goes to logs: no personal data


def test_dob_must_agree_with_the_id_number() -> None:
    result = parse_scan(line_2021(CITIZENS[1], dob="02091956"))
    assert result.kind is ScanKind.UNKNOWN and "year encoded" in result.problem


@pytest.mark.parametrize("drop", [3, 6])
def test_wrong_field_count_is_never_read_as_2021(drop: int) -> None:
    fields = line_2021(CITIZENS[1]).split("|")
    del fields[drop]
    result = parse_scan("|".join(fields))
    assert result.kind is not ScanKind.CCCD_2021
    if result.kind is ScanKind.CCCD_2024:  # still recognisable by pattern: then it must be right
        assert result.card is not None and result.card.id_number == CITIZENS[1]["id"]
    else:
        assert result.kind is ScanKind.UNKNOWN and result.problem
    extra = parse_scan(line_2021(CITIZENS[1]) + "|extra")
    assert extra.kind is not ScanKind.CCCD_2021


@pytest.mark.parametrize(
    "line",
    [
        "",
        "   ",
        "|||||||",
        "||||||",
        "hello world",
        "https://example.com/?q=1",
        "\x00\x01\x02|\xff|",
        "1" * 5000,
        "|".join(["123456789012"] * 7),
    ],
)
def test_garbage_gives_a_clear_unknown(line: str) -> None:
    result = parse_scan(line)
    assert result.kind is ScanKind.UNKNOWN and result.problem


def layout_2024(c: dict[str, Any], order: list[str], sep: str = "|") -> str:
    values = {
        "id": c["id"],
        "name": c["name"],
        "dob": c["dob"],  # the 2024 layout's date form is unknown: try dd/mm/yyyy here
        "sex": c["sex"],
        "residence": c["residence"],
        "issued": c["issued"].replace("/", ""),
        "old_id": c.get("old_id", ""),
        "father": c.get("father", ""),
        "mother": c.get("mother", ""),
    }
    return sep.join(values[k] for k in order)


@pytest.mark.parametrize(
    ("order", "sep"),
    [
        (["id", "name", "dob", "sex", "residence", "issued", "old_id", "father", "mother"], "|"),
        (["name", "id", "sex", "dob", "issued", "residence", "father", "mother", "old_id"], "|"),
        (["id", "old_id", "name", "dob", "sex", "residence", "issued"], ";"),
        (["issued", "id", "dob", "name"], "|"),
    ],
)
def test_2024_card_recognised_by_pattern_not_by_position(order: list[str], sep: str) -> None:
    citizen = CITIZENS[3]
    result = parse_scan(layout_2024(citizen, order, sep))
    assert result.kind is ScanKind.CCCD_2024, result.problem
    card = result.card
    assert card is not None and card.id_number == citizen["id"] and card.can == citizen["id"][-6:]
    assert card.date_of_birth == day(citizen["dob"])
    assert card.issue_date == day(citizen["issued"])
    assert card.old_id == (citizen.get("old_id", "") if "old_id" in order else "")
    assert card.full_name == "" and card.address == ""  # never guessed from position
    assert card.sex == (citizen["sex"] if "sex" in order else "")


def test_2024_ambiguous_or_unconfirmed_ids_are_refused() -> None:
    citizen = CITIZENS[3]
    line = layout_2024(citizen, ["id", "name", "dob", "sex", "residence", "issued"])
    # A cancelled ID number of the same person (same century, sex and year): which is the ID?
    cancelled = "001" + citizen["id"][3:6] + "123456"
    result = parse_scan(line + "|" + cancelled)
    assert result.kind is ScanKind.UNKNOWN and "several" in result.problem
    # A 12-digit number that agrees with no date in the line is not taken for an ID.
    result = parse_scan("|".join(["036198007788", "Nguyễn Văn A", "01/01/2001", "Nam"]))
    assert result.kind is ScanKind.UNKNOWN and "agrees" in result.problem


def test_baby_card_issued_in_the_birth_year() -> None:
    line = "|".join(["001324009876", "Bé Na", "03/02/2024", "Nữ", "Hà Nội", "20052024"])
    result = parse_scan(line)
    assert result.kind is ScanKind.CCCD_2024 and result.card is not None
    assert result.card.date_of_birth == dt.date(2024, 2, 3) and result.card.issue_date == dt.date(2024, 5, 20)
    assert result.card.sex == "Nữ"  # century/sex digit 3 = 21st century, female


# -- serial scanners (a pseudo-terminal stands in for the port) -------------------------------------------


@pytest.fixture
def pty() -> Iterator[tuple[int, str]]:
    master, slave = os.openpty()
    path = os.ttyname(slave)
    yield master, path
    os.close(master)
    os.close(slave)


def test_line_splitter_handles_every_line_end() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"ABC\r\nDEF\rGHI\nJK") == ["ABC", "DEF", "GHI"]
    assert splitter.feed(b"L\r") == ["JKL"]
    assert splitter.feed(b"\nMNO\n\n\r\n") == ["MNO"]  # the LF of a split CR LF is no empty line
    text = "Giàng Thị Mỷ".encode()
    assert splitter.feed(text[:5]) == [] and splitter.feed(text[5:] + b"\n") == ["Giàng Thị Mỷ"]
    assert splitter.feed(b"\xff\xfe\n") == ["\ufffd\ufffd"]  # bad bytes never raise


def test_line_splitter_drops_runaway_input() -> None:
    splitter = LineSplitter(max_line=16)
    assert splitter.feed(b"x" * 40 + b"\n") == ["x" * 8]  # the overlong part is dropped, not kept growing


def test_serial_lines_from_a_tty(pty: tuple[int, str]) -> None:
    master, path = pty
    line = line_2021(CITIZENS[0])
    with SerialLineReader(path) as reader:
        assert reader.readline(timeout=0.05) is None
        os.write(master, SLIP.encode() + b"\r\n" + line.encode() + b"\r")
        first, second = reader.readline(timeout=2), reader.readline(timeout=2)
    assert first == SLIP
    assert second == line  # a serial scanner keeps the Vietnamese text intact
    result = parse_scan(second)
    assert result.kind is ScanKind.CCCD_2021 and result.card is not None
    assert result.card.full_name == CITIZENS[0]["name"] and result.card.sex == "Nữ"


def test_serial_reader_thread(pty: tuple[int, str]) -> None:
    master, path = pty
    lines: list[str] = []
    got_two = threading.Event()

    def on_line(line: str) -> None:
        lines.append(line)
        if len(lines) == 2:
            got_two.set()

    reader = SerialLineReader(path, baudrate=115200)
    reader.start(on_line)
    try:
        os.write(master, CODE.encode() + b"\n")
        os.write(master, display(CODE).encode() + b"\n")
        assert got_two.wait(timeout=5)
    finally:
        reader.stop()
    assert lines == [CODE, display(CODE)]


def test_serial_port_errors(tmp_path: Path) -> None:
    with pytest.raises(ScannerError, match="cannot open"):
        SerialLineReader(str(tmp_path / "ttyNONE")).open()
    plain = tmp_path / "not-a-tty"
    plain.write_bytes(b"")
    with pytest.raises(ScannerError, match="not a usable serial port"):
        SerialLineReader(str(plain)).open()
    with pytest.raises(ScannerError, match="not open"):
        SerialLineReader(str(plain)).readline(0)


def test_unsupported_baud_rate(pty: tuple[int, str]) -> None:
    _master, path = pty
    with pytest.raises(ScannerError, match="baud"):
        SerialLineReader(path, baudrate=12345).open()
