"""PC/SC backend through the system's pcscd (pyscard's low-level `smartcard.scard` API).

Each read establishes its own PC/SC context and keeps it until the card is disconnected — a
connection outliving its context fails with "Context already released" (pyscard pitfall). Nothing
is cached between reads: reader names and card handles are asked for every time. All PC/SC calls
of a read run on one worker thread and every call has a timeout. A call that does not return in
time is cancelled for real (`cancel.py`), so a chip that stops answering gives `CardError(TIMEOUT)`
within `apdu_timeout + CANCEL_GRACE` and leaves no thread behind. The monitor thread turns reader
and card changes into `CardEvent`s and PC/SC failures into reader-removed events, never into
tracebacks.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

from devices.card.icao.channel import LengthRefused
from devices.card.icao.document_reader import ReadStats
from devices.card.icao.extended_length import ReaderLink
from devices.card.icao.passive_auth import TrustStore
from devices.card.pcsc_cancel import ESTABLISH_LOCK, ContextSocket
from devices.card.reading import ReadOutcome, read_card
from kiosk.ports.card import (
    AccessKey,
    CardError,
    CardErrorReason,
    CardEvent,
    CardEventKind,
    CardListener,
    CardRead,
    CardReader,
    ProgressCallback,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

REMOVAL_GRACE_MS = 1500
# A PC/SC call that overran its timeout has this long to return once cancelled. With the default
# APDU timeout the citizen hears "place the card again" within 6 s of the chip falling silent.
APDU_TIMEOUT = 4.0
CANCEL_GRACE = 1.0
CONTACTLESS_HINTS = ("picc", "contactless", "cl ", "-cl", "nfc", "pcd", "acr122", "acr1252", "5x21", "5022")


def is_usable() -> bool:
    """True when pyscard is installed (the PC/SC service itself is checked on use)."""
    try:
        import smartcard.scard  # noqa: F401
    except ImportError:
        return False
    return True


def _scard() -> Any:
    try:
        from smartcard import scard
    except ImportError as exc:  # pragma: no cover - pyscard is a dependency
        raise CardError(CardErrorReason.NO_READER, "pyscard is not installed") from exc
    return scard


def _error(hresult: int, what: str) -> CardError:
    scard = _scard()
    code = hresult & 0xFFFFFFFF
    removed = {scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_RESET_CARD,
               scard.SCARD_W_UNPOWERED_CARD}  # fmt: skip
    no_reader = {scard.SCARD_E_READER_UNAVAILABLE, scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_NO_SERVICE,
                 scard.SCARD_E_SERVICE_STOPPED, scard.SCARD_E_NO_READERS_AVAILABLE}  # fmt: skip
    message = f"{what}: {scard.SCardGetErrorMessage(hresult)} ({code:08X})"
    if code in {c & 0xFFFFFFFF for c in removed}:
        return CardError(CardErrorReason.CARD_REMOVED, message)
    if code in {c & 0xFFFFFFFF for c in no_reader}:
        return CardError(CardErrorReason.NO_READER, message)
    if code == scard.SCARD_E_TIMEOUT & 0xFFFFFFFF:
        return CardError(CardErrorReason.TIMEOUT, message)
    return CardError(CardErrorReason.BAD_RESPONSE, message)


# PC/SC part 10: CM_IOCTL_GET_FEATURE_REQUEST lists features as tag (1) length (1) control
# code (4, big-endian); FEATURE_GET_TLV_PROPERTIES answers tag (1) length (1) value (little-endian).
GET_FEATURE_REQUEST = 3400
FEATURE_GET_TLV_PROPERTIES = 0x12
PROPERTY_MAX_APDU_DATA_SIZE = 0x0A


def _is_extended(apdu: bytes) -> bool:
    return len(apdu) > 5 and apdu[4] == 0


def _feature_code(features: bytes) -> int | None:
    at = 0
    while at + 2 <= len(features):
        tag, length = features[at], features[at + 1]
        if tag == FEATURE_GET_TLV_PROPERTIES and length == 4:
            return int.from_bytes(features[at + 2 : at + 6], "big")
        at += 2 + length
    return None


def _tlv_property(properties: bytes, wanted: int) -> int:
    at = 0
    while at + 2 <= len(properties):
        tag, length = properties[at], properties[at + 1]
        if tag == wanted:
            return int.from_bytes(properties[at + 2 : at + 2 + length], "little")
        at += 2 + length
    return 0


def choose_reader(names: list[str], wanted: str | None, with_card: Collection[str] = ()) -> str | None:
    """The reader named `wanted` (case-insensitive substring). Without a name: the first reader
    that has a card (contactless ones first), else the first contactless one, else the first."""
    if wanted:
        return next((n for n in names if wanted.lower() in n.lower()), None)
    contactless = [n for n in names if any(hint in n.lower() for hint in CONTACTLESS_HINTS)]
    ordered = contactless + [n for n in names if n not in contactless]
    return next((n for n in ordered if n in with_card), ordered[0] if ordered else None)


class _PcscSession:
    """One read: context → connect → transmit… → disconnect (reset) → release, on one worker.

    A call that overruns its timeout is cancelled (SCardCancel, then the context's socket to
    pcscd shut down) and the session is marked abandoned: `close` then only releases the context,
    since a reset of a frozen card would block again. The worker thread is joined in `close`."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pcsc-read")
        self._socket = ContextSocket()
        self._context: Any = None
        self._card: Any = None
        self._protocol = 0
        self._reader = ""
        self.abandoned = False
        self._stuck = False  # the abandoned call did not return even with its socket shut

    def call(self, function: Callable[..., T], *args: Any) -> T:
        if self.abandoned:
            raise CardError(CardErrorReason.TIMEOUT, "the reader did not answer in time")
        future = self._pool.submit(function, *args)
        try:
            return future.result(timeout=self._timeout)
        except concurrent.futures.TimeoutError as exc:
            self._abandon(future)
            raise CardError(CardErrorReason.TIMEOUT, "the reader did not answer in time") from exc

    def _abandon(self, future: concurrent.futures.Future[Any]) -> None:
        """Make the blocked call return: SCardCancel (enough for a status wait), then the socket."""
        self.abandoned = True
        scard = _scard()
        if self._context is not None:
            with contextlib.suppress(Exception):
                scard.SCardCancel(self._context)
        with contextlib.suppress(concurrent.futures.TimeoutError):
            future.result(timeout=0.05)
            return
        if not self._socket.shut():
            self._stuck = True
            log.error("PC/SC call blocked and its pcscd socket is unknown: the worker thread stays")
            return
        try:
            future.result(timeout=CANCEL_GRACE)
        except concurrent.futures.TimeoutError:
            self._stuck = True
            log.error("PC/SC call still blocked %.1f s after its socket was shut", CANCEL_GRACE)
        except Exception as exc:  # the call's own failure (SCARD_F_COMM_ERROR…): expected
            log.debug("cancelled PC/SC call: %r", exc)

    def establish(self) -> None:
        """Get a PC/SC context, kept until `close` (connections must not outlive it)."""
        scard = _scard()
        hresult, context = self.call(
            self._socket.establish, lambda: scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        )
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardError(CardErrorReason.NO_READER, "the PC/SC service (pcscd) is not running")
        self._context = context

    def reader_names(self) -> list[str]:
        scard = _scard()
        hresult, names = self.call(scard.SCardListReaders, self._context, [])
        if hresult != scard.SCARD_S_SUCCESS:
            return []
        return list(names)

    def readers_with_card(self, names: list[str]) -> set[str]:
        """The readers among `names` that hold a card now (one status query for all)."""
        scard = _scard()
        if not names:
            return set()
        hresult, states = self.call(
            scard.SCardGetStatusChange,
            self._context,
            0,
            [(name, scard.SCARD_STATE_UNAWARE) for name in names],
        )
        if hresult != scard.SCARD_S_SUCCESS:
            return set()
        return {name for name, state, _atr in states if state & scard.SCARD_STATE_PRESENT}

    def choose(self, wanted: str | None) -> tuple[str | None, list[str], set[str]]:
        """The reader to use (see `choose_reader`), the readers listed now and those with a card.
        Listed afresh each time, so a reader plugged in after start-up is used."""
        names = self.reader_names()
        with_card = self.readers_with_card(names) if not wanted else set()
        return choose_reader(names, wanted, with_card), names, with_card

    def open(self, wanted: str | None) -> str:
        """Establish, choose the reader, connect and begin a transaction; return the reader name."""
        scard = _scard()
        self.establish()
        name, names, _ = self.choose(wanted)
        if name is None:
            raise CardError(CardErrorReason.NO_READER, f"readers: {names}")
        protocols = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        hresult, card, protocol = self.call(
            scard.SCardConnect, self._context, name, scard.SCARD_SHARE_SHARED, protocols
        )
        if hresult != scard.SCARD_S_SUCCESS:
            error = _error(hresult, "connect")
            if error.reason is CardErrorReason.CARD_REMOVED:
                raise CardError(CardErrorReason.NO_CARD, error.detail)
            raise error
        self._card, self._protocol, self._reader = card, protocol, name
        # One transaction for the whole read: no other PC/SC client can interleave APDUs.
        hresult = self.call(scard.SCardBeginTransaction, card)
        if hresult != scard.SCARD_S_SUCCESS:
            error = _error(hresult, "begin transaction")
            if error.reason is CardErrorReason.CARD_REMOVED:
                raise CardError(CardErrorReason.NO_CARD, error.detail)
            raise error
        return name

    def link(self) -> ReaderLink:
        """The chip's ATR (SCardStatus) and the reader's longest APDU data field (PC/SC part 10
        GET_TLV_PROPERTIES, `dwMaxAPDUDataSize`; None when the driver does not say), for
        extended length."""
        scard = _scard()
        try:
            hresult, _name, _state, _protocol, atr = self.call(scard.SCardStatus, self._card)
        except CardError:
            raise
        except Exception as exc:  # a driver answering nonsense: read with short APDUs
            log.debug("SCardStatus: %r", exc)
            return ReaderLink()
        if hresult != scard.SCARD_S_SUCCESS:
            return ReaderLink()
        return ReaderLink(bytes(atr), self._max_apdu_data())

    def _max_apdu_data(self) -> int | None:
        """0 when the driver says short APDUs only; None when it does not answer the query (as
        vpcd before 0.10, Debian 12's): then the chip's word is taken, and a transmit failure of
        an extended APDU becomes `LengthRefused`."""
        scard = _scard()
        try:
            hresult, features = self.call(
                scard.SCardControl, self._card, scard.SCARD_CTL_CODE(GET_FEATURE_REQUEST), []
            )
            control = _feature_code(bytes(features)) if hresult == scard.SCARD_S_SUCCESS else None
            if control is None:
                return None
            hresult, properties = self.call(scard.SCardControl, self._card, control, [])
        except CardError:
            raise
        except Exception as exc:  # SCardControl refused by this driver
            log.debug("SCardControl: %r", exc)
            return None
        if hresult != scard.SCARD_S_SUCCESS:
            return None
        return _tlv_property(bytes(properties), PROPERTY_MAX_APDU_DATA_SIZE)

    def transmit(self, apdu: bytes) -> bytes:
        scard = _scard()
        hresult, response = self.call(scard.SCardTransmit, self._card, self._protocol, list(apdu))
        if hresult != scard.SCARD_S_SUCCESS:
            error = self._explain(_error(hresult, "transmit"))
            if error.reason is CardErrorReason.BAD_RESPONSE and _is_extended(apdu):
                raise LengthRefused(error.detail) from error
            raise error
        if len(response) < 2:
            # What some drivers (vpcd among them) return when the card went away mid-exchange.
            short = CardError(CardErrorReason.BAD_RESPONSE, "response shorter than a status word")
            raise self._explain(short)
        return bytes(response)

    def _explain(self, error: CardError) -> CardError:
        """A generic transmit failure (e.g. 'Transaction failed') right after the card left the
        field or the reader went away: report what the citizen can act on."""
        if error.reason is not CardErrorReason.BAD_RESPONSE:
            return error
        scard = _scard()
        if self._reader not in self.reader_names():
            return CardError(CardErrorReason.NO_READER, error.detail)
        hresult, states = self.call(
            scard.SCardGetStatusChange, self._context, 0, [(self._reader, scard.SCARD_STATE_UNAWARE)]
        )
        if hresult == scard.SCARD_S_SUCCESS and states[0][1] & scard.SCARD_STATE_PRESENT:
            # The driver polls for the card: give it a moment to notice that the card has gone.
            current = states[0][1] & ~scard.SCARD_STATE_CHANGED
            hresult, states = self.call(
                scard.SCardGetStatusChange, self._context, REMOVAL_GRACE_MS, [(self._reader, current)]
            )
        if hresult == scard.SCARD_S_SUCCESS and not states[0][1] & scard.SCARD_STATE_PRESENT:
            return CardError(CardErrorReason.CARD_REMOVED, error.detail)
        return error

    def close(self) -> None:
        scard = _scard()
        try:
            if self._card is not None and not self.abandoned:
                # Reset: the chip drops its secure-messaging session; the next read starts clean.
                self.call(scard.SCardDisconnect, self._card, scard.SCARD_RESET_CARD)
        except CardError as exc:
            log.warning("PC/SC disconnect: %s", exc)
        finally:
            if self._context is not None:
                # Never blocks: after an abandoned call its socket is shut, so pcscd is not asked.
                self._pool.submit(scard.SCardReleaseContext, self._context)
            self._card = self._context = None
            self._pool.shutdown(wait=not self._stuck)


class PcscCardReader(CardReader):
    def __init__(
        self,
        reader_name: str | None = None,
        *,
        trust_dir: Path | str | None = None,
        apdu_timeout: float = APDU_TIMEOUT,
        poll_seconds: float = 0.25,
        prefer_sfi: bool = True,
    ) -> None:
        self._wanted = reader_name or None
        self._trust = TrustStore.from_folder(trust_dir)
        self._timeout = apdu_timeout
        self._poll_ms = int(poll_seconds * 1000)
        self._prefer_sfi = prefer_sfi
        self._listener: CardListener | None = None
        self._monitor: threading.Thread | None = None
        self._stopping = threading.Event()
        self._monitor_context: Any = None
        self.last_outcome: ReadOutcome | None = None

    def forget(self) -> None:
        self.last_outcome = None

    @property
    def last_stats(self) -> ReadStats | None:
        return self.last_outcome.stats if self.last_outcome else None

    # -- reading ---------------------------------------------------------------------------------
    def read(
        self,
        key: AccessKey | None,
        progress: ProgressCallback | None = None,
        *,
        with_photo: bool = True,
    ) -> CardRead:
        session = _PcscSession(self._timeout)
        try:
            session.open(self._wanted)
            if key is None:
                raise CardError(CardErrorReason.NEEDS_KEY)
            outcome = read_card(
                session,
                key,
                self._trust,
                progress,
                with_photo=with_photo,
                prefer_sfi=self._prefer_sfi,
                link=session.link(),
            )
        finally:
            session.close()
        self.last_outcome = outcome
        return outcome.card

    def readers(self) -> list[str]:
        session = _PcscSession(self._timeout)
        try:
            session.establish()
            return session.reader_names()
        except CardError:
            return []
        finally:
            session.close()

    def card_present(self) -> bool:
        session = _PcscSession(self._timeout)
        try:
            session.establish()
            name, _, with_card = session.choose(self._wanted)
            if self._wanted and name is not None:
                with_card = session.readers_with_card([name])
            return name is not None and name in with_card
        except CardError:
            return False
        finally:
            session.close()

    # -- monitoring -------------------------------------------------------------------------------
    def start(self, listener: CardListener) -> None:
        self._listener = listener
        if self._monitor is None:
            self._stopping.clear()
            self._monitor = threading.Thread(target=self._watch, name="pcsc-monitor", daemon=True)
            self._monitor.start()

    def stop(self) -> None:
        self._stopping.set()
        context = self._monitor_context
        if context is not None:
            try:
                _scard().SCardCancel(context)
            except Exception as exc:  # the context may already be gone
                log.debug("SCardCancel: %s", exc)
        if self._monitor is not None:
            self._monitor.join(timeout=5)
            self._monitor = None
        self._listener = None

    def _emit(self, kind: CardEventKind, reader: str) -> None:
        listener = self._listener
        if listener is None:
            return
        try:
            listener(CardEvent(kind, reader))
        except Exception as exc:  # the listener's defect must not kill the monitor thread
            log.error("card event listener failed on %s: %r", kind.value, exc)

    def _watch(self) -> None:
        present: dict[str, bool] = {}
        while not self._stopping.is_set():
            try:
                self._watch_with_context(present)
            except Exception as exc:  # pcscd stopped, driver error…: report, wait, retry
                log.warning("PC/SC monitor: %s", exc)
            if not self._stopping.is_set():
                for name, had_card in list(present.items()):
                    if had_card:
                        self._emit(CardEventKind.CARD_REMOVED, name)
                    self._emit(CardEventKind.READER_REMOVED, name)
                present.clear()
            self._stopping.wait(1.0)

    def _watch_with_context(self, present: dict[str, bool]) -> None:
        scard = _scard()
        with ESTABLISH_LOCK:  # (see pcsc_cancel: a read must not take this socket for its own)
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise RuntimeError("pcscd is not running")
        self._monitor_context = context
        try:
            while not self._stopping.is_set():
                hresult, names = scard.SCardListReaders(context, [])
                names = list(names) if hresult == scard.SCARD_S_SUCCESS else []
                if hresult not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_NO_READERS_AVAILABLE):
                    raise RuntimeError(scard.SCardGetErrorMessage(hresult))
                for name in names:
                    if name not in present:
                        present[name] = False
                        self._emit(CardEventKind.READER_ATTACHED, name)
                for name in [n for n in present if n not in names]:
                    if present.pop(name):
                        self._emit(CardEventKind.CARD_REMOVED, name)
                    self._emit(CardEventKind.READER_REMOVED, name)
                if not names:
                    self._stopping.wait(self._poll_ms / 1000)
                    continue
                # Polling with UNAWARE states returns at once with every reader's current state.
                states = [(name, scard.SCARD_STATE_UNAWARE) for name in names]
                hresult, changed = scard.SCardGetStatusChange(context, 0, states)
                if hresult == scard.SCARD_E_CANCELLED:
                    return
                if hresult not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_TIMEOUT):
                    if hresult in (scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED):
                        raise RuntimeError(scard.SCardGetErrorMessage(hresult))
                    self._stopping.wait(self._poll_ms / 1000)
                    continue
                for name, event_state, _atr in changed:
                    if name not in present:
                        continue
                    now = bool(event_state & scard.SCARD_STATE_PRESENT)
                    if now != present[name]:
                        present[name] = now
                        kind = CardEventKind.CARD_INSERTED if now else CardEventKind.CARD_REMOVED
                        self._emit(kind, name)
                self._stopping.wait(self._poll_ms / 1000)
        finally:
            self._monitor_context = None
            scard.SCardReleaseContext(context)
