"""From raw files to a `CardRead`: parse DG1 / DG13 / DG2, run passive authentication.

Shared by every backend: a backend supplies a `Transport` to its chip, this module does the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace

from devices.card.icao.channel import Transport
from devices.card.icao.document_reader import DocumentFiles, DocumentReader, ReadStats
from devices.card.icao.extended_length import ReaderLink
from devices.card.icao.lds.dg1 import parse_dg1
from devices.card.icao.lds.dg2 import FaceImage, parse_dg2
from devices.card.icao.lds.dg13 import parse_dg13
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.lds.mrz import Mrz
from devices.card.icao.passive_auth import PassiveAuthReport, TrustStore, verify
from devices.card.photo import PhotoError, displayable
from kiosk.ports.card import (
    AccessKey,
    CardError,
    CardErrorReason,
    CardRead,
    Holder,
    ProgressCallback,
)

log = logging.getLogger(__name__)
_SEX = {"M": "Nam", "F": "Nữ"}


@dataclass(frozen=True)
class ReadOutcome:
    card: CardRead
    stats: ReadStats
    mrz: Mrz
    passive_auth: PassiveAuthReport
    chip_auth_detail: str = ""  # why Chip Authentication was not checked or failed


def _date(yymmdd: str, *, past: bool) -> str:
    """YYMMDD → dd/mm/yyyy; birth dates in the past century when the year would be in the future."""
    if len(yymmdd) != 6 or not yymmdd.isdigit():
        return ""
    year = 2000 + int(yymmdd[:2])
    if past and year > dt.date.today().year:
        year -= 100
    return f"{yymmdd[4:6]}/{yymmdd[2:4]}/{year}"


def holder_from_mrz(mrz: Mrz) -> Holder:
    return Holder(
        id_number=mrz.document_number,
        full_name=mrz.full_name,
        date_of_birth=_date(mrz.date_of_birth, past=True),
        sex=_SEX.get(mrz.sex, ""),
        nationality=mrz.nationality,
        expiry_date=_date(mrz.date_of_expiry, past=False),
        document_number=mrz.document_number,
    )


def _face(dg2: bytes | None) -> FaceImage | None:
    """The face, or None when DG2 is absent or malformed: a photo never fails the read (passive
    authentication still covers the DG2 bytes)."""
    if dg2 is None:
        return None
    try:
        return parse_dg2(dg2)
    except LdsError as exc:
        log.warning("DG2 cannot be parsed, reading on without a photo: %s", exc)
        return None


def _shown_face(image: bytes) -> bytes | None:
    """The face as a UI can show it (JPEG 2000 becomes PNG here, on the reading thread)."""
    try:
        return displayable(image).data
    except PhotoError as exc:
        log.warning("photo cannot be shown: %s", exc)
        return None


def issue_date(ddmmyyyy: str) -> dt.date | None:
    """DG13's issue date (dd/mm/yyyy), None when absent or in another form."""
    try:
        return dt.datetime.strptime(ddmmyyyy.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def build_card_read(files: DocumentFiles, trust: TrustStore) -> ReadOutcome:
    """Raises `CardError(BAD_DATA)` when DG1 or DG13 cannot be parsed (the bytes came through
    secure messaging intact, so reading again gives the same bytes), `CardError(MRZ_INVALID)`
    when DG1's check digits are wrong: such a document is refused."""
    raw = files.files
    try:
        mrz = parse_dg1(raw["DG1"])
    except LdsError as exc:
        raise CardError(CardErrorReason.BAD_DATA, f"DG1: {exc}") from exc
    if not mrz.check_digits_valid:  # 9303-3 §4.9: a genuine document's check digits add up
        raise CardError(CardErrorReason.MRZ_INVALID, f"DG1 check digit wrong: {', '.join(mrz.failed_checks)}")
    try:
        dg13 = parse_dg13(raw["DG13"]) if "DG13" in raw else None
    except LdsError as exc:
        raise CardError(CardErrorReason.BAD_DATA, f"DG13: {exc}") from exc
    face = _face(raw.get("DG2"))
    if dg13 is not None:
        fields = dg13.as_fields()
        if not fields["id_number"] and mrz.optional_data[:12].isdigit():
            fields["id_number"] = mrz.optional_data[:12]
        holder = Holder(**fields, document_number=mrz.document_number, chip_auth=files.chip_auth.value)
        kind = "cccd"
    else:
        holder = replace(holder_from_mrz(mrz), chip_auth=files.chip_auth.value)
        kind = "passport"
    groups = {int(name[2:]): content for name, content in raw.items() if name.startswith("DG")}
    report = verify(raw.get("SOD"), groups, trust, issue_date(holder.issue_date))
    card = CardRead(
        holder=holder,
        document_kind=kind,
        photo=face.image if face else None,
        photo_format=face.format if face else "",
        face=_shown_face(face.image) if face else None,
        passive_auth=report.outcome,
        chip_auth=files.chip_auth,
        apdu_count=files.stats.apdu_count,
        data_groups=dict(raw),
    )
    return ReadOutcome(card, files.stats, mrz, report, files.chip_auth_detail)


def read_card(
    transport: Transport,
    key: AccessKey,
    trust: TrustStore,
    progress: ProgressCallback | None = None,
    *,
    with_photo: bool = True,
    prefer_sfi: bool = True,
    link: ReaderLink | None = None,
) -> ReadOutcome:
    """Run a full read over `transport` (`link`: the chip's ATR and the reader's APDU limit, for
    extended length). Raises `CardError` only."""
    reader = DocumentReader(
        transport, key, progress=progress, with_photo=with_photo, prefer_sfi=prefer_sfi, link=link
    )
    try:
        return build_card_read(reader.read(), trust)
    except CardError:
        raise
    except Exception as exc:  # a defect must still reach the citizen as "try again", not a crash
        log.error("card read failed unexpectedly: %r", exc)
        raise CardError(CardErrorReason.BAD_RESPONSE, f"unexpected: {exc!r}") from exc
