"""A chip whose files are malformed, read end to end: through the emulated reader (the real
protocol over APDUs) and through the kiosk's journey, as a citizen would meet it.

A corrupt EF.SOD is UNVERIFIABLE (never FORGED, never a traceback) and the citizen is sent to the
officer; a malformed DG1, DG13 or EF.COM is `BAD_DATA`, worded "see the officer" and not retried
silently (the same bytes would come back); a face that cannot be shown only drops the photo.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms, keys

from devices.card.emulated.personalise import CardImage, ChipOptions, personalise_cccd
from devices.card.emulated.reader import EmulatedCardReader
from devices.card.icao.lds import tlv
from devices.card.icao.lds.files import COM, DG1, DG2, DG13, SOD
from devices.card.profiles import CitizenProfile
from kiosk import phrases
from kiosk.app.root import KioskApp, build_app
from kiosk.config import load_config
from kiosk.flow.state import CardPhase
from kiosk.ports.card import AccessKey, CardError, CardErrorReason, PassiveAuth
from kiosk.runner import InlineRunner


def _with_file(image: CardImage, fid: int, content: bytes | None) -> CardImage:
    """`image` serving `content` as file `fid` (None: the chip has no such file), unsigned."""
    files = {k: v for k, v in image.files.items() if k != fid}
    if content is not None:
        files[fid] = content
    return dataclasses.replace(image, files=files)


def _zeroed_sod(image: CardImage) -> CardImage:
    sod = image.files[SOD.fid]
    return _with_file(image, SOD.fid, sod[:40] + bytes(len(sod) - 40))  # same length, zeroed inside


def _unknown_curve_sod(image: CardImage) -> CardImage:
    """The Document Signer's key on a curve cryptography does not know (once UnsupportedAlgorithm
    out of passive authentication, so "try again" and a silent re-read)."""
    info = cms.ContentInfo.load(tlv.parse_single(image.files[SOD.fid], SOD.tag).value)
    spki = info["content"]["certificates"][0].chosen["tbs_certificate"]["subject_public_key_info"]
    spki["algorithm"]["parameters"] = keys.ECDomainParameters(name="named", value="1.2.840.10045.3.1.68")
    return _with_file(image, SOD.fid, tlv.encode(SOD.tag, info.dump(force=True)))


CORRUPT_SODS = [_zeroed_sod, _unknown_curve_sod]


def _read(image: CardImage, citizen: CitizenProfile) -> Any:
    reader = EmulatedCardReader()
    reader.insert_image(image)
    return reader.read(AccessKey.from_id_number(citizen.holder.id_number))


@pytest.mark.parametrize("corrupt", CORRUPT_SODS)
def test_a_corrupt_sod_reads_as_unverifiable(
    citizens: list[CitizenProfile], corrupt: Callable[[CardImage], CardImage]
) -> None:
    card = _read(corrupt(personalise_cccd(citizens[0])), citizens[0])
    assert card.passive_auth is PassiveAuth.UNVERIFIABLE
    assert card.holder.id_number == citizens[0].holder.id_number  # the groups themselves were read


def test_a_chip_without_sod_reads_as_unverifiable(citizens: list[CitizenProfile]) -> None:
    card = _read(_with_file(personalise_cccd(citizens[0]), SOD.fid, None), citizens[0])
    assert card.passive_auth is PassiveAuth.UNVERIFIABLE


@pytest.mark.parametrize(
    ("fid", "content"),
    [
        (DG13.fid, tlv.encode(DG13.tag, tlv.encode(0x30, tlv.encode(0x31, tlv.encode(0x04, b"x"))))),
        (DG13.fid, tlv.encode(DG13.tag, tlv.encode(0x30, b"\x0c\x05ab"))),  # inner length overruns
        (DG1.fid, tlv.encode(DG1.tag, tlv.encode(0x5F1F, b"I<VNM" + bytes(85)))),  # not MRZ text
    ],
    ids=["DG13-wrong-tags", "DG13-overrun", "DG1-not-text"],
)
def test_a_malformed_group_is_bad_data(citizens: list[CitizenProfile], fid: int, content: bytes) -> None:
    with pytest.raises(CardError) as info:
        _read(_with_file(personalise_cccd(citizens[0]), fid, content), citizens[0])
    assert info.value.reason is CardErrorReason.BAD_DATA


def test_a_malformed_com_is_bad_data_when_it_is_read(citizens: list[CitizenProfile]) -> None:
    """EF.COM is read only when EF.SOD cannot list the groups: here there is no EF.SOD."""
    image = _with_file(personalise_cccd(citizens[0]), SOD.fid, None)
    image = _with_file(image, COM.fid, tlv.encode(COM.tag, tlv.encode(0x5C, b"\x99")))  # unknown group
    with pytest.raises(CardError) as info:
        _read(image, citizens[0])
    assert info.value.reason is CardErrorReason.BAD_DATA
    assert "EF.COM" in info.value.detail


def test_an_unparseable_face_only_drops_the_photo(citizens: list[CitizenProfile]) -> None:
    # DG2 signed in EF.SOD but holding no JPEG / JPEG 2000: the read goes on, verified.
    image = personalise_cccd(citizens[0], ChipOptions(face_image=b"GIF89a not a face"))
    card = _read(image, citizens[0])
    assert card.photo is None and card.photo_format == ""
    assert card.passive_auth is PassiveAuth.VALID
    assert "DG2" in card.data_groups


def test_an_altered_face_still_counts_against_the_signature(citizens: list[CitizenProfile]) -> None:
    image = personalise_cccd(citizens[0])
    card = _read(_with_file(image, DG2.fid, tlv.encode(DG2.tag, b"")), citizens[0])
    assert card.photo is None
    assert card.passive_auth is PassiveAuth.FORGED  # unparseable is no excuse: its hash is checked


# -- the journey --------------------------------------------------------------------------------


class CountingReader(EmulatedCardReader):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def read(self, *args: Any, **kwargs: Any) -> Any:
        self.reads += 1
        return super().read(*args, **kwargs)


@pytest.fixture
def kiosk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[KioskApp, CountingReader]]:
    reader = CountingReader()
    monkeypatch.setattr("kiosk.app.root.make_card_reader", lambda config: reader)
    config = load_config(overrides={"paths.data_dir": str(tmp_path)}, demo=True, environ={})
    app = build_app(config, InlineRunner())
    app.controller.start()
    yield app, reader
    app.controller.stop()


def _to_card_step(app: KioskApp) -> None:
    journey = app.journey
    journey.start()
    journey.choose_service(app.catalog.services[0].code)
    for _ in range(4):
        step = journey.state().step
        assert step is not None
        if step.kind == "card":
            return
        if step.kind == "consent":
            journey.consent(True)
        else:
            journey.next()
    pytest.fail("no card step")


def _place(app: KioskApp, reader: CountingReader, image: CardImage, citizen: CitizenProfile) -> None:
    _to_card_step(app)
    reader.insert_image(image)  # on the card service's reader (served on a thread here)
    app.card_reader().catch_up()  # the kiosk has heard of the card
    app.journey.set_id_number(citizen.holder.id_number)


@pytest.mark.parametrize("corrupt", CORRUPT_SODS)
def test_journey_a_corrupt_sod_sends_the_citizen_to_the_officer(
    kiosk: tuple[KioskApp, CountingReader],
    citizens: list[CitizenProfile],
    corrupt: Callable[[CardImage], CardImage],
) -> None:
    app, reader = kiosk
    _place(app, reader, corrupt(personalise_cccd(citizens[0])), citizens[0])
    state = app.journey.state()
    assert state.card.phase is CardPhase.FAILED
    assert state.card.message == phrases.ADMIT_CARD_FORGED  # "… gặp cán bộ tại quầy"
    assert state.card.holder is None and state.screen == "card"  # nothing of the chip is used
    assert reader.reads == 1


def test_journey_a_malformed_group_is_not_retried_and_says_see_the_officer(
    kiosk: tuple[KioskApp, CountingReader], citizens: list[CitizenProfile]
) -> None:
    app, reader = kiosk
    image = personalise_cccd(citizens[0])
    _place(app, reader, _with_file(image, DG13.fid, tlv.encode(DG13.tag, b"")), citizens[0])
    state = app.journey.state()
    assert state.card.phase is CardPhase.FAILED
    assert state.card.error is CardErrorReason.BAD_DATA
    assert reader.reads == 1  # a transient error (BAD_RESPONSE) would have been read again
    assert "gặp cán bộ" in phrases.CARD_ERRORS[CardErrorReason.BAD_DATA].get("vi")


def test_journey_a_face_bomb_goes_on_without_a_photo(
    kiosk: tuple[KioskApp, CountingReader], citizens: list[CitizenProfile], face_bomb: bytes
) -> None:
    app, reader = kiosk
    _place(app, reader, personalise_cccd(citizens[0], ChipOptions(face_image=face_bomb)), citizens[0])
    state = app.journey.state()
    assert state.screen == "identity"
    assert state.card.holder is not None and state.card.holder.id_number == citizens[0].holder.id_number
    assert state.card.photo is None
