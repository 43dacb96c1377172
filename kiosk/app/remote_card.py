"""The UI process's card reader: the real one is in the card service (`kiosk.app.card_service`),
reached over the channel. Importing this imports none of the chip's stack.

A `CardReader` like the others: `start` hands the listener each event the service saw (on this
module's polling thread, as a local reader's watch thread would), `read` blocks until the service
has read the card, calling `progress` (from the polling thread) as it goes. `polling=False` (a
kiosk whose runner is synchronous: `kiosk tour`, scripted journeys): no thread of its own; the
events are fetched, and heard, on the thread that placed or removed a document or asks to
`catch_up`, as a local emulator tells them on that thread. A service that cannot
be reached fails a read as a reader that stopped answering does (`TIMEOUT`): the citizen is told
to place the card again. In demo mode, `insert`, `insert_passport` and `remove` place documents
on the service's emulated reader, and return once the listener has heard of it, told on the
calling thread, as a local emulator tells it (the scripted journeys and the tests go on from there).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from typing import Any

from kiosk.app.card_service import POLL_S, Frame, Mark
from kiosk.app.channel import StationError, StationLink
from kiosk.ports.card import (
    AccessKey,
    CardError,
    CardErrorReason,
    CardListener,
    CardRead,
    CardReader,
    ProgressCallback,
)

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 120.0  # a read is ~1–3 s; a reader's own timeouts end a stuck one well before
RETRY_AFTER_S = 1.0  # between polls while the service does not answer (restarting)
HEARD_WAIT_S = 30.0  # a read's end or `catch_up` waits this long at most for its frames


class RemoteCardReader(CardReader):
    def __init__(self, link: StationLink, polling: bool = True) -> None:
        self._link = link
        self._polling = polling
        self._listener: CardListener | None = None
        self._reads: dict[int, ProgressCallback | None] = {}  # reads in progress, by number
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._poller: threading.Thread | None = None
        self._heard: Mark = ("", 0)  # the newest frame handed on, and the service's run it came from
        self._heard_changed = threading.Condition(self._lock)

    # -- CardReader ---------------------------------------------------------------------------
    def start(self, listener: CardListener) -> None:
        self._listener = listener
        self._stopping.clear()
        if not self._polling:
            self.catch_up()  # the reader's own first events (attached, a card already there)
        elif self._poller is None or not self._poller.is_alive():
            self._poller = threading.Thread(target=self._poll, name="card-events", daemon=True)
            self._poller.start()

    def stop(self) -> None:
        self._listener = None
        self._stopping.set()  # the poller ends with its current poll

    def readers(self) -> list[str]:
        names: list[str] = self._link.call("card_readers", retry=True)
        return names

    def card_present(self) -> bool:
        return bool(self._link.call("card_present", retry=True))

    def read(
        self,
        key: AccessKey | None,
        progress: ProgressCallback | None = None,
        *,
        with_photo: bool = True,
    ) -> CardRead:
        number = next(self._numbers)
        with self._lock:
            self._reads[number] = progress
        try:
            # Not sent again if the channel broke: the card may have been read, or half-read.
            result: CardRead
            result, last = self._link.call("card_read", key, with_photo, number, timeout_s=READ_TIMEOUT_S)
            self._until_heard(last)  # its progress told (the voice says each stage) before its end
            return result
        except StationError as exc:
            raise CardError(CardErrorReason.TIMEOUT, str(exc)) from exc
        finally:
            with self._lock:
                self._reads.pop(number, None)  # its progress reported late is dropped

    def forget(self) -> None:
        try:
            self._link.call("card_forget", retry=True)
        except StationError as exc:  # a restarted service holds nothing of the last read anyway
            log.warning("card service: forget: %s", exc)

    def describe(self) -> str:
        text: str = self._link.call("card_describe", retry=True)
        return text

    # -- the service's own ----------------------------------------------------------------
    def warm(self) -> None:
        self._link.call("card_warm", retry=True, timeout_s=READ_TIMEOUT_S)

    def insert(self, profile: Any) -> None:
        self._tell(*self._link.call("demo_insert", profile, retry=True))

    def insert_passport(self, passport: Any) -> None:
        """`passport`: a `kiosk.app.demo.DemoPassport` (made into a chip by the service)."""
        self._tell(*self._link.call("demo_insert_passport", passport, retry=True))

    def remove(self) -> None:
        self._tell(*self._link.call("demo_remove", retry=True))

    def _tell(self, run: str, frames: list[Frame]) -> None:
        """`frames` handed on, on this thread: a demo placing's are so heard before it returns (as
        a local emulator tells them: a listener on the UI thread then applies them at once)."""
        for frame in frames:
            self._deliver(run, frame)

    def catch_up(self) -> None:
        """Return once the listener has heard of everything the service's reader has seen so far
        (a test that placed a card on the service's own reader)."""
        self._until_heard(self._link.call("card_newest", retry=True))

    def _until_heard(self, mark: Mark) -> None:
        """Wait until the frames up to `mark` have been handed on (nothing to wait for before
        `start`, or on the polling thread itself: a listener that places a card); without a
        polling thread, fetch them and hand them on here."""
        run, number = mark

        def heard() -> bool:
            return (self._heard[0] == run and self._heard[1] >= number) or number == 0

        if not self._polling:
            deadline = time.monotonic() + HEARD_WAIT_S  # a restarted service never sends it
            while self._listener is not None and not heard() and time.monotonic() < deadline:
                self._fetch(0.1)
            return
        poller = self._poller
        if poller is None or threading.current_thread() is poller:
            return
        with self._heard_changed:
            if not self._heard_changed.wait_for(heard, HEARD_WAIT_S):
                log.warning("card service: frame %d not heard within %.0f s", number, HEARD_WAIT_S)

    # -- events -------------------------------------------------------------------------------
    def _poll(self) -> None:
        told = False  # the service's absence logged once, not at every poll
        while not self._stopping.is_set() and not self._link.closed:
            try:
                self._fetch(POLL_S)
            except StationError as exc:
                if not told:
                    log.warning("card service: %s", exc)
                    told = True
                self._stopping.wait(RETRY_AFTER_S)
                continue
            told = False

    def _fetch(self, wait_s: float) -> None:
        # Sent again while a restarted service comes up (what it had queued went with it).
        self._tell(*self._link.call("card_events", wait_s, retry=True, timeout_s=wait_s + 30.0))

    def _deliver(self, run: str, frame: Frame) -> None:
        number, kind, *rest = frame
        try:
            if kind == "event":
                listener = self._listener
                if listener is not None:
                    listener(rest[0])
            elif kind == "progress":
                with self._lock:
                    progress = self._reads.get(rest[0])
                if progress is not None:
                    progress(rest[1])
        finally:
            with self._heard_changed:
                if run != self._heard[0] or number > self._heard[1]:  # a demo placing's may come first
                    self._heard = (run, number)
                self._heard_changed.notify_all()
