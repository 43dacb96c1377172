"""The card reader in a process of its own: `kiosk card-service`, a child of `kiosk run`.

The chip's stack (pyscard, the ICAO crypto, Pillow for the face, the demo emulator) is ~10 MB of
memory that the kiosk's UI process does not hold (issue 8), and a reader driver that hangs or
crashes takes this child down, not the window: it is restarted (`ChildProcess`) and the citizen
is told to place the card again.

`CardService` holds the real reader (`kiosk.app.root.make_card_reader`) and serves it on its own
socket (`card.sock`) over the station's channel (`kiosk.app.channel`); the UI process reads
through `kiosk.app.remote_card.RemoteCardReader`, a `CardReader` like any other. What happens on
the reader (a card placed, taken away, the reader unplugged) and a read's progress go back by
long polling: `card_events` answers as soon as something happened, or empty after `wait_s`.
`kiosk tour` and the tests serve it on a thread of their own process over the same channel
(`serve_cards_in_thread`). Light to import: the UI process imports this module, and only the
service side imports the devices.
"""

from __future__ import annotations

import queue
import secrets
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.app.channel import CARD_SOCKET_NAME, StationLink, StationServer, answers, socket_path
from kiosk.ports.card import AccessKey, CardRead, CardReader, ReadProgress

if TYPE_CHECKING:
    from kiosk.app.worker_child import ChildProcess
    from kiosk.config import Config

POLL_S = 5.0  # how long one `card_events` waits when nothing happens
# A frame of `card_events`: (number, "event", CardEvent) or (number, "progress", read, ReadProgress);
# frames are numbered in the order they happened, so that the kiosk can wait until it has heard
# up to one (`RemoteCardReader.catch_up`; a read's end, for its progress). Numbers count from 1 in
# each run of the service, told apart by its `run` (a restarted one starts again).
Frame = tuple[Any, ...]
Mark = tuple[str, int]  # (the service's run, a frame number)


class CardService:
    """The reader's side of the channel, for one kiosk (one listener: the kiosk's controller)."""

    def __init__(self, make_reader: Callable[[], CardReader], demo: bool = False) -> None:
        self._make_reader = make_reader
        self._demo = demo
        self._reader: CardReader | None = None
        self._lock = threading.Lock()
        self._frames: queue.SimpleQueue[Frame | None] = queue.SimpleQueue()
        self.run = secrets.token_hex(8)
        self._numbered = 0  # the newest frame's number
        self._numbering = threading.Lock()
        self._capture = threading.local()  # `frames`: a demo placing's events, kept for its answer

    def reader(self) -> CardReader:
        """The real reader, made on first use (its crypto is imported then), and watched from then
        on: what it sees waits in the queue for the next `card_events`."""
        with self._lock:
            if self._reader is None:
                self._reader = self._make_reader()
                self._reader.start(lambda event: self._put("event", event))
            return self._reader

    def methods(self) -> dict[str, Callable[..., Any]]:
        return {
            "ping": lambda: "pong",
            "card_events": self.events,
            "card_read": self.read,
            "card_forget": lambda: self.reader().forget(),
            "card_readers": lambda: self.reader().readers(),
            "card_present": lambda: self.reader().card_present(),
            "card_describe": lambda: self.reader().describe(),
            "card_warm": self.warm,
            "card_newest": self.newest,
            "demo_insert": self.demo_insert,
            "demo_insert_passport": self.demo_insert_passport,
            "demo_remove": self.demo_remove,
        }

    def events(self, wait_s: float = POLL_S) -> tuple[str, list[Frame]]:
        """This run, and what happened since the last call: at once if anything did, else after
        `wait_s`."""
        self.reader()  # watched from the first call of any kind (in a restarted service too)
        try:
            first = self._frames.get(timeout=wait_s)
        except queue.Empty:
            return self.run, []
        if first is None:  # closing: wake up
            return self.run, []
        return self.run, [first, *self._drain()]

    def _drain(self) -> list[Frame]:
        """The frames queued now; the closing mark, if met, stays queued for the poll it wakes."""
        frames: list[Frame] = []
        while True:
            try:
                frame = self._frames.get_nowait()
            except queue.Empty:
                return frames
            if frame is None:
                self._frames.put(None)
                return frames
            frames.append(frame)

    def _put(self, *frame: Any) -> None:
        with self._numbering:
            self._numbered += 1
            numbered = (self._numbered, *frame)
        captured: list[Frame] | None = getattr(self._capture, "frames", None)
        if captured is not None:  # told on this thread, inside a demo document's placing
            captured.append(numbered)
        else:
            self._frames.put(numbered)

    def _placing(self, act: Callable[[], None]) -> tuple[str, list[Frame]]:
        """`act` on the emulated reader, and the events it caused: answered to the caller, who
        hands them to the kiosk on its own thread, as a local emulator does (a card placed by a
        touch is heard before that touch returns, not after the next turn of the event loop)."""
        self.reader()
        self._capture.frames = self._drain()  # not yet fetched: told first, so that the order holds
        try:
            act()
        finally:
            frames, self._capture.frames = self._capture.frames, None
        return self.run, frames

    def newest(self) -> Mark:
        """The newest frame: the kiosk has heard everything once it has heard this one."""
        self.reader()  # watched from now on, if it was not yet
        with self._numbering:
            return self.run, self._numbered

    def read(self, key: AccessKey | None, with_photo: bool, number: int) -> tuple[CardRead, Mark]:
        """The read, and its last frame: the kiosk hears all of its progress before its end."""

        def progress(step: ReadProgress) -> None:
            self._put("progress", number, step)

        return self.reader().read(key, progress, with_photo=with_photo), self.newest()

    def warm(self) -> None:
        """The code of a first read run ahead (the kiosk's idle warm-up): the chip crypto, and in
        demo mode one demo citizen's chip made and dropped."""
        from devices.card.icao.warm import warm_chip_crypto

        self.reader()
        warm_chip_crypto()
        if self._demo:
            from devices.card.emulated.personalise import personalise_cccd
            from devices.card.profiles import load_profiles

            profiles = load_profiles()
            if profiles:
                personalise_cccd(profiles[0])

    # Demo mode's documents, placed on the emulated reader (`kiosk.app.demo`); the tests too.
    def demo_insert(self, profile: Any) -> tuple[str, list[Frame]]:
        return self._placing(lambda: self.reader().insert(profile))  # type: ignore[attr-defined]

    def demo_insert_passport(self, passport: Any) -> tuple[str, list[Frame]]:
        made = passport.profile() if hasattr(passport, "profile") else passport  # a DemoPassport
        return self._placing(lambda: self.reader().insert_passport(made))  # type: ignore[attr-defined]

    def demo_remove(self) -> tuple[str, list[Frame]]:
        return self._placing(lambda: self.reader().remove())  # type: ignore[attr-defined]

    def close(self) -> None:
        with self._lock:
            reader = self._reader
        if reader is not None:
            reader.stop()
        self._frames.put(None)


def _service(config: Config) -> CardService:
    from kiosk.app import root

    # Looked up in `root` when first used: a test may hand in a reader of its own.
    demo = config.demo and config.card.backend == "emulated"
    return CardService(lambda: root.make_card_reader(config), demo=demo)


def serve_cards_in_thread(config: Config) -> tuple[CardService, StationLink, Callable[[], None]]:
    """The card service on a thread of this process over a socket of its own (`kiosk tour`, the
    tests): the same channel as `kiosk card-service`'s; and how to close it."""
    import secrets
    import tempfile

    service = _service(config)
    path = Path(tempfile.gettempdir()) / f"kiosk-cards-{secrets.token_hex(6)}.sock"
    server = StationServer(path, service.methods()).start()
    link = StationLink(path, peer="the card service")
    closed: list[bool] = []

    def close() -> None:
        if not closed:
            closed.append(True)
            service.close()
            link.close()
            server.close()

    return service, link, close


def cards_for_run(config: Config, *, start: bool = True) -> tuple[StationLink, ChildProcess | None]:
    """The channel `kiosk run` reads cards over, and the child serving it (None: one of an
    earlier kiosk still answers). `start=False`: made, started by the caller (after the paint)."""
    from kiosk.app.worker_child import ChildProcess

    path = socket_path(config.data_dir, CARD_SOCKET_NAME)
    link = StationLink(path, peer="the card service")
    if answers(path, timeout_s=1.0):
        return link, None
    child = ChildProcess(config, "card-service")
    if start:
        child.start()
    return link, child


# --- `kiosk card-service` -----------------------------------------------------------------------


def run_card_service(args: Any) -> int:
    """Serve the reader until SIGTERM/SIGINT or, as `kiosk run`'s child, until its pipe closes."""
    from kiosk.app.worker_child import read_config, stop_when_the_kiosk_goes
    from kiosk.config import load_config

    config = read_config(sys.stdin.buffer) if args.config_stdin else load_config(args.config)
    path = socket_path(config.data_dir, CARD_SOCKET_NAME)
    if answers(path, timeout_s=2.0):
        print(f"card service: another one already serves {path}", file=sys.stderr, flush=True)
        return 1
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)  # before any thread: they all inherit it
    service = _service(config)
    server = StationServer(path, service.methods()).start()
    try:
        if args.config_stdin:
            threading.Thread(target=stop_when_the_kiosk_goes, name="kiosk-pipe", daemon=True).start()
        signal.sigwait(stop)
    finally:
        server.close()
        service.close()
    return 0
