"""The document reader: access control, then the files of the eMRTD application, in short blocks.

ICAO 9303-11 §4.2 order: read EF.CardAccess; PACE when the chip offers a suite we implement (CAN
or MRZ password), else BAC with the MRZ; select the eMRTD application; read DG1 and EF.SOD, whose
hash list tells which groups exist (so EF.COM is read only when EF.SOD is missing or unusable);
Chip Authentication with DG14 (else Active Authentication with DG15); DG13 and — last, it is the
long one — DG2. Reads use the short file identifier in P1 when the
chip accepts it (one APDU per block, the first block also gives the file length), else SELECT +
offset reads. Blocks are at most 223 bytes (AES) or 231 (3DES) so that a protected response fits a
short APDU, fewer when the chip refuses them (6700, 6Cxx). When the chip's ATR declares extended
length and the reader carries it, blocks are as long as the limits allow (EF.ATR/INFO's, read
first when the ATR points to it): a 20 KB DG2 in one READ BINARY. A 6700 to an extended read
falls back to short blocks for the rest of the read. A bare status word under secure messaging
is the chip's answer; only 6987/6988 end the session, which is then re-established once.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from devices.card.icao import apdu as iso
from devices.card.icao.apdu import CommandApdu, ResponseApdu, StatusError
from devices.card.icao.bac import BacAuthenticationFailed, perform_bac
from devices.card.icao.channel import ApduChannel, SessionLost, Transport
from devices.card.icao.crypto import SessionCipher
from devices.card.icao.extended_length import ATR_INFO_SFI, ReaderLink, secure_read_block
from devices.card.icao.lds import tlv
from devices.card.icao.lds.card_access import PaceInfo, pace_infos
from devices.card.icao.lds.com import parse_com
from devices.card.icao.lds.errors import LdsError
from devices.card.icao.lds.files import (
    CARD_ACCESS,
    COM,
    DG1,
    DG2,
    DG13,
    DG14,
    DG15,
    EMRTD_AID,
    SOD,
    ElementaryFile,
)
from devices.card.icao.lds.mrz import mrz_information
from devices.card.icao.lds.sod import listed_data_groups
from kiosk.ports.card import AccessKey, CardError, CardErrorReason, ChipAuth, ProgressCallback, ReadProgress

if TYPE_CHECKING:
    from devices.card.icao.pace import PaceSuite

# PACE (python-ecdsa point arithmetic), Chip and Active Authentication are imported where they
# run: a passport read with BAC loads none of them, which keeps `kiosk card read` quick to start.

# The longest Le whose protected answer (DO87 with padding, DO99, DO8E) still fits a short
# response APDU of 256 bytes: 223 with AES (16-byte padding), 231 with 3DES (8-byte padding).
# Before secure messaging (EF.CardAccess) the AES figure is used.
MAX_BLOCK = 223
MAX_BLOCK_DES3 = 231
HEADER_PROBE = 8  # enough for any LDS tag (≤ 2 bytes) and length (≤ 4 bytes) field
MAX_OFFSET = 0x7FFF  # READ BINARY B0 with a 15-bit offset (odd INS B1 is not used)
OPTIONAL_FILES = (COM, DG2, DG13, DG14, DG15)
WRONG_KEY_SW = (iso.SW_WRONG_KEY, iso.SW_SECURITY_NOT_SATISFIED, iso.SW_SM_INCORRECT)
# Status words by which a chip refuses READ BINARY with a short file identifier.
SFI_REFUSED_SW = (
    iso.SW_INCORRECT_P1P2,
    iso.SW_FUNCTION_NOT_SUPPORTED,
    iso.SW_INS_NOT_SUPPORTED,
    iso.SW_CLA_NOT_SUPPORTED,
    iso.SW_WRONG_P1P2_OFFSET,
    0x6986,
    0x6A00,
)
# The PACEInfo of every CCCD (reference EF.CardAccess): ECDH-GM-AES-128 v2 on brainpoolP256r1.
CCCD_PACE = PaceInfo("0.4.0.127.0.7.2.2.4.2.2", 2, 13)
ACCESS_STEPS_PACE = 7  # CardAccess, MSE, 4 × GA, SELECT
ACCESS_STEPS_BAC = 4  # CardAccess attempt, SELECT, GET CHALLENGE, EXT AUTH


class FileAbsent(Exception):
    """6A82: the file does not exist on this chip."""


@dataclass
class ReadStats:
    apdu_count: int = 0
    total_ms: float = 0.0
    transmit_ms: float = 0.0  # time waiting for the reader/chip
    access_ms: float = 0.0  # access control (PACE/BAC) including its APDUs
    access_protocol: str = ""  # "PACE-CAN", "PACE-MRZ", "BAC"
    key_agreement_ms: float = 0.0  # PACE / BAC alone, wall time including its APDUs
    key_agreement_host_ms: float = 0.0  # the same without the time waiting for the chip
    sfi_used: bool = True
    file_sizes: dict[str, int] = field(default_factory=dict)

    @property
    def host_ms(self) -> float:
        return self.total_ms - self.transmit_ms


@dataclass
class DocumentFiles:
    """The raw files read, by name ("CardAccess", "COM", "DG1", "DG14", "DG13", "SOD", "DG2"), and
    the outcome of Chip Authentication."""

    files: dict[str, bytes]
    stats: ReadStats
    chip_auth: ChipAuth = ChipAuth.NOT_CHECKED
    chip_auth_detail: str = ""

    def data_group(self, number: int) -> bytes | None:
        return self.files.get(f"DG{number}")


class DocumentReader:
    def __init__(
        self,
        transport: Transport,
        key: AccessKey,
        *,
        progress: ProgressCallback | None = None,
        with_photo: bool = True,
        block_size: int | None = None,
        prefer_sfi: bool = True,
        random: Callable[[int], bytes] = os.urandom,
        link: ReaderLink | None = None,
    ) -> None:
        if block_size is not None and not HEADER_PROBE <= block_size <= MAX_BLOCK_DES3:
            raise ValueError(f"block size must be {HEADER_PROBE}..{MAX_BLOCK_DES3}")
        self._channel = ApduChannel(transport)
        self._key = key
        self._progress = progress
        self._with_photo = with_photo
        self._block_limit = block_size  # None: what the session cipher allows
        self._block = min(block_size or MAX_BLOCK, MAX_BLOCK)
        # Learnt from the chip's answers: the longest read it answered, the shortest it refused.
        self._block_good = HEADER_PROBE
        self._block_refused = (block_size or MAX_BLOCK_DES3) + 1
        self._partial: dict[str, bytearray] = {}
        self._sfi = prefer_sfi
        self._random = random
        self.stats = ReadStats(sfi_used=prefer_sfi)
        self._access_total = ACCESS_STEPS_PACE
        self.chip_auth = ChipAuth.NOT_CHECKED
        self.chip_auth_detail = "no DG14"
        self._chip_auth_unconfirmed = False  # new keys in use, no answer under them yet
        self._link = link or ReaderLink()
        self._response_limit = 0  # > 0: extended length, the longest response APDU in bytes
        self._lengths_known = block_size is not None  # a caller's block size keeps reads short

    # -- the whole read -------------------------------------------------------------------------
    def read(self) -> DocumentFiles:
        """DG1, then EF.SOD, whose hash list says which other groups the chip carries (EF.COM is
        read only without a usable EF.SOD), then Chip or Active Authentication, DG13 and DG2."""
        started = time.perf_counter()
        files: dict[str, bytes] = {}
        try:
            self._establish(files)
            if self._read_into(DG1, files) is None:
                raise CardError(CardErrorReason.NOT_ID_CARD, "no DG1 on this chip")
            listed = self._listed_groups(files)
            self._chip_authentication(files, listed)
            for ef, wanted in ((DG13, 13 in listed), (DG2, self._with_photo and 2 in listed)):
                if wanted:
                    self._read_into(ef, files)
            if self._chip_auth_unconfirmed:
                self._confirm_chip_auth(files)
        finally:
            self.stats.apdu_count = self._channel.apdu_count
            self.stats.transmit_ms = self._channel.transmit_seconds * 1000
            self.stats.total_ms = (time.perf_counter() - started) * 1000
            self.stats.sfi_used = self._sfi
            self.stats.file_sizes = {name: len(content) for name, content in files.items()}
        return DocumentFiles(files, self.stats, self.chip_auth, self.chip_auth_detail)

    def _read_into(self, ef: ElementaryFile, files: dict[str, bytes]) -> bytes | None:
        content = self._read_protected(ef, files)
        if content is not None:
            files[ef.name] = content
        return content

    def _listed_groups(self, files: dict[str, bytes]) -> tuple[int, ...]:
        """The data groups on the chip: EF.SOD's hash list; else EF.COM's list; else all we use."""
        sod = self._read_into(SOD, files)
        if sod is not None:
            try:
                return listed_data_groups(sod)
            except LdsError:
                pass  # passive authentication will say why; EF.COM may still list the groups
        return self._read_com(files)

    def _confirm_chip_auth(self, files: dict[str, bytes]) -> None:
        """No file was left to read under the Chip Authentication keys: read DG14 again under
        them (one APDU); it must be the DG14 read before."""
        again = self._read_protected(DG14, files)
        if self._chip_auth_unconfirmed or again is None:
            return
        if again != files.get(DG14.name):
            self.chip_auth, self.chip_auth_detail = ChipAuth.FAILED, "DG14 changed under the new keys"

    # -- Chip Authentication (9303-11 §6.2) -------------------------------------------------------
    def _chip_authentication(self, files: dict[str, bytes], listed: tuple[int, ...]) -> None:
        """Read DG14 and run Chip Authentication with its key; without it, Active Authentication
        with DG15's. The outcome stays NOT_CHECKED when there is nothing to run; FAILED when the
        chip refuses or signs wrongly; GENUINE once AA verifies, or once the chip has answered
        under the CA keys (`_read_protected`). A failed CA re-establishes access control and the
        read goes on, so that the officer sees the data of the clone."""
        content = self._read_protected(DG14, files) if 14 in listed else None
        dg14 = None
        if content is not None:
            from devices.card.icao.chip_auth import ChipAuthUnsupported, perform_chip_authentication
            from devices.card.icao.chip_auth import choose as choose_chip_auth
            from devices.card.icao.lds.dg14 import parse_dg14

            files[DG14.name] = content
            try:
                dg14 = parse_dg14(content)
                info, key = choose_chip_auth(dg14)
            except (LdsError, ChipAuthUnsupported) as exc:
                self.chip_auth_detail = str(exc)
            else:
                try:
                    perform_chip_authentication(self._channel, info, key)
                except (StatusError, SessionLost) as exc:
                    self._chip_auth_failed(files, f"the chip refused Chip Authentication ({exc})")
                    return
                self._chip_auth_unconfirmed = True
                self._block = self._session_block()  # CA keys are AES, whatever came before
                return
        if 15 in listed:
            self._active_authentication(files, dg14.aa_signature_algorithm if dg14 else "")

    def _active_authentication(self, files: dict[str, bytes], algorithm: str) -> None:
        content = self._read_protected(DG15, files)
        if content is None:
            return
        from devices.card.icao.active_auth import (
            ActiveAuthFailed,
            ActiveAuthUnsupported,
            dg15_key,
            perform_active_authentication,
        )

        files[DG15.name] = content
        try:
            key = dg15_key(content)
            perform_active_authentication(self._channel, key, algorithm, self._random)
        except (LdsError, ActiveAuthUnsupported) as exc:
            self.chip_auth_detail = str(exc)
            return
        except ActiveAuthFailed as exc:
            self.chip_auth, self.chip_auth_detail = ChipAuth.FAILED, f"Active Authentication: {exc}"
            return
        except (StatusError, SessionLost) as exc:
            self._chip_auth_failed(files, f"the chip refused Active Authentication ({exc})")
            return
        self.chip_auth, self.chip_auth_detail = ChipAuth.GENUINE, ""

    def _chip_auth_failed(self, files: dict[str, bytes], detail: str) -> None:
        self.chip_auth, self.chip_auth_detail = ChipAuth.FAILED, detail
        self._chip_auth_unconfirmed = False
        self._establish(files)

    def _report(self, stage: str, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress(ReadProgress(stage, done, total))

    def _report_access(self) -> None:
        self._report("access", min(self._channel.apdu_count, self._access_total), self._access_total)

    # -- access control -------------------------------------------------------------------------
    def _establish(self, files: dict[str, bytes]) -> None:
        started = time.perf_counter()
        if not self._lengths_known:
            self._lengths_known = True
            self._choose_lengths()
        card_access = self._read_file(CARD_ACCESS, "access")
        if card_access is not None:
            files[CARD_ACCESS.name] = card_access
        suite = self._pace_suite(card_access)
        if suite is None and card_access is None and self._key.can is not None:
            # EF.CardAccess unreadable but a CAN given (BAC cannot use it): try the suite every
            # CCCD offers, as open-source CCCD readers do with a hard-coded EF.CardAccess.
            from devices.card.icao.pace import PaceSuite

            suite = PaceSuite.from_info(CCCD_PACE)
        if suite is not None and self._try_pace(suite):
            self._select_application()
        else:
            self._access_total = ACCESS_STEPS_BAC
            self._select_application()
            self._bac()
        self._block = self._session_block()
        self.stats.access_ms = (time.perf_counter() - started) * 1000
        self._report_access()

    def _choose_lengths(self) -> None:
        """Extended length when the ATR declares it and the reader carries it. The limits come
        from EF.ATR/INFO (one plain READ BINARY by SFI in the master file) when the ATR says
        they are there; an unreadable EF.ATR/INFO leaves the reader's limit."""
        atr_info = None
        if self._link.limits_in_atr_info:
            response = self._send(CommandApdu(0x00, iso.INS_READ_BINARY, 0x80 | ATR_INFO_SFI, 0, le=256))
            if response.sw in (iso.SW_OK, iso.SW_END_OF_FILE):
                atr_info = response.data
        self._response_limit = self._link.response_limit(atr_info)

    def _short_block(self) -> int:
        """The cipher's longest read in a short response APDU, and the caller's limit."""
        sm = self._channel.sm
        longest = MAX_BLOCK_DES3 if sm is not None and sm.keys.cipher is SessionCipher.DES3 else MAX_BLOCK
        return min(longest, self._block_limit or longest)

    def _extended_refused(self, wanted: int) -> bool:
        """A 6700 to a read only extended length could carry: short blocks from now on."""
        if not self._response_limit or wanted <= self._short_block():
            return False
        self._response_limit = 0
        self._block_good = min(self._block_good, self._short_block())
        self._block = self._session_block()
        return True

    def _max_file(self) -> int:
        """The largest file B0 reads can reach: the last read starts at offset 7FFF at most."""
        return MAX_OFFSET + max(self._block, MAX_BLOCK_DES3) + 1

    def _session_block(self) -> int:
        """The block size for this session: extended when agreed, else the cipher's limit, the
        caller's, and what the chip refused before (a re-established session keeps what was
        learnt)."""
        sm = self._channel.sm
        if self._response_limit and sm is not None:
            return secure_read_block(self._response_limit, sm.block)
        longest = self._short_block()
        self._block_refused = min(self._block_refused, longest + 1)  # never probe beyond it
        self._block_good = min(self._block_good, longest)  # (3DES after BAC, then AES after CA)
        return max(self._block_refused - 1, self._block_good)

    @staticmethod
    def _pace_suite(card_access: bytes | None) -> PaceSuite | None:
        if card_access is None:
            return None
        from devices.card.icao.pace import PaceSuite

        try:
            infos = pace_infos(card_access)
        except LdsError:
            return None
        for info in infos:
            suite = PaceSuite.from_info(info)
            if suite is not None:
                return suite
        return None

    def _try_pace(self, suite: PaceSuite) -> bool:
        """Run PACE; False when the chip refuses PACE itself (then BAC), CardError on a wrong key."""
        from devices.card.icao.pace import (
            PASSWORD_CAN,
            PASSWORD_MRZ,
            PaceError,
            can_password,
            mrz_password,
            perform_pace,
        )

        key = self._key
        if key.can is not None:
            password, reference, label = can_password(key.can), PASSWORD_CAN, "PACE-CAN"
        else:
            password = mrz_password(self._mrz_information())
            reference, label = PASSWORD_MRZ, "PACE-MRZ"
        try:
            with self._key_agreement_clock():
                result = perform_pace(self._channel, suite, password, reference)
        except StatusError as exc:
            if exc.sw in WRONG_KEY_SW or exc.sw & 0xFFF0 == 0x63C0:
                raise CardError(CardErrorReason.WRONG_KEY, "CAN" if key.can else "MRZ") from exc
            if key.is_mrz:
                return False  # 6984, 6A80, 6D00…: PACE not supported here, fall back to BAC
            raise CardError(CardErrorReason.NEEDS_KEY, f"PACE refused ({exc}); BAC needs the MRZ") from exc
        except (PaceError, LdsError) as exc:
            raise CardError(CardErrorReason.BAD_RESPONSE, str(exc)) from exc
        self._channel.sm = result.secure_messaging()
        self.stats.access_protocol = label
        return True

    def _bac(self) -> None:
        if not self._key.is_mrz:
            raise CardError(CardErrorReason.NEEDS_KEY, "this document only offers BAC: enter the MRZ")
        try:
            with self._key_agreement_clock():
                result = perform_bac(self._channel, self._mrz_information(), self._random)
        except StatusError as exc:
            if exc.sw in WRONG_KEY_SW:
                raise CardError(CardErrorReason.WRONG_KEY, "MRZ") from exc
            raise CardError(CardErrorReason.BAD_RESPONSE, str(exc)) from exc
        except BacAuthenticationFailed as exc:
            raise CardError(CardErrorReason.BAD_RESPONSE, str(exc)) from exc
        self._channel.sm = result.secure_messaging()
        self.stats.access_protocol = "BAC"
        self._report_access()

    @contextlib.contextmanager
    def _key_agreement_clock(self) -> Iterator[None]:
        started, waited = time.perf_counter(), self._channel.transmit_seconds
        try:
            yield
        finally:
            wall = time.perf_counter() - started
            self.stats.key_agreement_ms = wall * 1000
            self.stats.key_agreement_host_ms = (wall - (self._channel.transmit_seconds - waited)) * 1000

    def _mrz_information(self) -> str:
        key = self._key
        try:
            return mrz_information(
                key.document_number or "", key.date_of_birth or "", key.date_of_expiry or ""
            )
        except LdsError as exc:
            raise CardError(CardErrorReason.WRONG_KEY, f"MRZ: {exc}") from exc

    def _select_application(self) -> None:
        response = self._send(CommandApdu(0x00, iso.INS_SELECT, 0x04, 0x0C, EMRTD_AID))
        if not response.ok:
            raise CardError(CardErrorReason.NOT_ID_CARD, f"no eMRTD application (SW {response.sw:04X})")

    # -- files ------------------------------------------------------------------------------------
    def _read_com(self, files: dict[str, bytes]) -> tuple[int, ...]:
        content = self._read_protected(COM, files)
        if content is None:
            return (1, 2, 13, 14, 15)  # no EF.COM: try the groups we want
        files[COM.name] = content
        try:
            return parse_com(content).data_groups
        except LdsError as exc:
            raise self._malformed(f"EF.COM: {exc}") from exc

    def _read_protected(
        self, ef: ElementaryFile, files: dict[str, bytes], stage: str | None = None
    ) -> bytes | None:
        """Read a file of the application. If the chip drops the session (6987/6988), access
        control is re-established once and the read resumes where it stopped.

        The first answer after Chip Authentication confirms it (GENUINE); a chip that cannot
        answer under the new keys (a MAC that fails, 6987/6988) did not hold the private key."""
        try:
            content = self._read_file(ef, stage or ef.name)
        except SessionLost as exc:
            if self._chip_auth_unconfirmed:
                return self._read_after_failed_ca(ef, files, stage, exc)
            self._establish(files)
            try:
                return self._read_file(ef, stage or ef.name)
            except SessionLost as again:
                raise CardError(CardErrorReason.BAD_RESPONSE, str(again)) from again
        except CardError as exc:
            if self._chip_auth_unconfirmed and exc.reason is CardErrorReason.BAD_RESPONSE:
                return self._read_after_failed_ca(ef, files, stage, exc)
            raise
        if self._chip_auth_unconfirmed and self._channel.verified:  # (a bare SW proves nothing)
            self.chip_auth, self.chip_auth_detail = ChipAuth.GENUINE, ""
            self._chip_auth_unconfirmed = False
        return content

    def _read_after_failed_ca(
        self, ef: ElementaryFile, files: dict[str, bytes], stage: str | None, exc: Exception
    ) -> bytes | None:
        self._partial.pop(ef.name, None)
        self._chip_auth_failed(files, f"no valid answer under the Chip Authentication keys ({exc})")
        return self._read_protected(ef, files, stage)

    def _send(self, command: CommandApdu) -> ResponseApdu:
        response = self._channel.send(command)
        if response.sw & 0xFF00 == 0x6C00 and command.ins == iso.INS_READ_BINARY:
            # ISO 7816-4 §5.1.3: 6Cxx = wrong Le, xx is the exact length; resend with it.
            le = response.sw & 0xFF or 256
            response = self._channel.send(
                CommandApdu(command.cla, command.ins, command.p1, command.p2, command.data, le=le)
            )
        return response

    def _read_binary(self, p1: int, p2: int, le: int) -> ResponseApdu:
        return self._send(CommandApdu(0x00, iso.INS_READ_BINARY, p1, p2, le=le))

    def _read_first(self, p1: int) -> ResponseApdu:
        """The first block of a file. A chip that refuses an Le beyond the end of a short file
        (6700 wrong length) is asked again for just the TLV header; later reads never overshoot."""
        response = self._read_binary(p1, 0, self._block)
        if response.sw == iso.SW_WRONG_LENGTH and self._extended_refused(self._block):
            response = self._read_binary(p1, 0, self._block)
        if response.sw == iso.SW_WRONG_LENGTH:
            response = self._read_binary(p1, 0, HEADER_PROBE)
        return response

    def _read_block(self, offset: int, remaining: int) -> ResponseApdu:
        """One READ BINARY inside a file whose length is known, so Le never overshoots its end.

        A 6700 then means "Le too long for this chip": the block size is searched between the
        longest read that worked and the shortest refused (a handful of APDUs, once per read).
        A 6Cxx answer names the length the chip accepts; it becomes the block size.
        """
        while True:
            wanted = min(self._block, remaining)
            response = self._read_binary(offset >> 8, offset & 0xFF, wanted)
            if response.sw == iso.SW_WRONG_LENGTH and self._extended_refused(wanted):
                continue
            if response.sw == iso.SW_WRONG_LENGTH and wanted > self._block_good:
                self._block_refused = min(self._block_refused, wanted)
                self._block = (self._block_good + self._block_refused) // 2
                continue
            if response.sw in (iso.SW_OK, iso.SW_END_OF_FILE) and response.data:
                got = len(response.data)
                if got < wanted:  # answered after 6Cxx with the length the chip accepts
                    self._block = max(got, 1)
                    self._block_refused = min(self._block_refused, wanted)
                self._block_good = max(self._block_good, got)
                if self._block_refused - self._block_good > 1 and self._block == self._block_good:
                    self._block = (self._block_good + self._block_refused) // 2  # probe upwards
            return response

    def _first_block(self, ef: ElementaryFile) -> bytes:
        if self._sfi:
            response = self._read_first(0x80 | ef.sfi)
            if response.sw in (iso.SW_OK, iso.SW_END_OF_FILE):
                return response.data
            if response.sw == iso.SW_FILE_NOT_FOUND:
                raise FileAbsent
            if response.sw not in SFI_REFUSED_SW:
                raise StatusError(response.sw, f"READ BINARY {ef.name}")
            if ef is not CARD_ACCESS:  # (in the master file a refusal says nothing of the DGs)
                self._sfi = False  # the chip refuses SFI: SELECT + offsets from now on
        self._select_file(ef)
        response = self._read_first(0)
        if response.sw not in (iso.SW_OK, iso.SW_END_OF_FILE):
            raise StatusError(response.sw, f"READ BINARY {ef.name}")
        return response.data

    def _select_file(self, ef: ElementaryFile) -> None:
        selected = self._send(CommandApdu(0x00, iso.INS_SELECT, 0x02, 0x0C, ef.fid.to_bytes(2, "big")))
        if selected.sw == iso.SW_FILE_NOT_FOUND:
            raise FileAbsent
        if not selected.ok:
            raise StatusError(selected.sw, f"SELECT {ef.name}")

    def _read_file(self, ef: ElementaryFile, stage: str) -> bytes | None:
        """Read a whole EF (None when absent). The length comes from the first block's TLV header.

        What was read so far is kept in `self._partial` so that a read interrupted by a lost
        session resumes (SELECT, then offsets) instead of starting again."""
        try:
            partial = self._partial.pop(ef.name, None)
            if partial is None:
                data = bytearray(self._first_block(ef))
            else:
                data = partial
                self._select_file(ef)  # after access control again no EF is current
            if not data:
                raise CardError(CardErrorReason.BAD_RESPONSE, f"{ef.name}: empty answer")
            try:
                _, length, header = tlv.read_header(bytes(data))
            except LdsError as exc:
                raise self._malformed(f"{ef.name}: {exc}") from exc
            total = header + length
            if total > self._max_file():
                raise self._malformed(f"{ef.name} claims {total} bytes")
            self._report_file(stage, len(data), total)
            while len(data) < total:
                offset = len(data)
                if offset > MAX_OFFSET:
                    raise CardError(CardErrorReason.BAD_RESPONSE, f"{ef.name} is larger than 32 KB")
                self._partial[ef.name] = data
                response = self._read_block(offset, total - offset)
                del self._partial[ef.name]
                if response.sw not in (iso.SW_OK, iso.SW_END_OF_FILE) or not response.data:
                    raise StatusError(response.sw, f"READ BINARY {ef.name} at {offset}")
                data += response.data
                self._report_file(stage, len(data), total)
            return bytes(data[:total])
        except FileAbsent:
            return None
        except StatusError as exc:
            if ef is CARD_ACCESS and self._channel.sm is None:
                return None  # no readable EF.CardAccess: BAC
            if exc.sw == iso.SW_SECURITY_NOT_SATISFIED and ef in OPTIONAL_FILES:
                return None  # e.g. a group behind Extended Access Control: read without it
            raise CardError(CardErrorReason.BAD_RESPONSE, str(exc)) from exc

    def _malformed(self, detail: str) -> CardError:
        """A file that cannot be parsed. Under secure messaging its bytes passed the MAC check, so
        the chip holds them as read (BAD_DATA, not retried); in clear they may be a bad transfer."""
        reason = CardErrorReason.BAD_RESPONSE if self._channel.sm is None else CardErrorReason.BAD_DATA
        return CardError(reason, detail)

    def _report_file(self, stage: str, done: int, total: int) -> None:
        if stage == "access":
            self._report_access()
        else:
            self._report(stage, min(done, total), total)
