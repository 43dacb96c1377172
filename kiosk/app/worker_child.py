"""`kiosk run`'s children: its station worker, the one already serving the station's channel or
`kiosk worker` started as a child of the kiosk when none answers (demo mode, a bare `kiosk run`),
and its card service (`kiosk card-service`, `kiosk.app.card_service`); each restarted if it dies.

A child gets the kiosk's own configuration (with its command-line overrides and demo mode) on
its standard input, pickled — it is our own child, of the same user — and keeps reading that
pipe: when the kiosk goes, however it goes, the pipe closes and the child stops (the worker after
the pass in progress). Light to import: the kiosk's UI process imports it before the window is
built.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from typing import IO, TYPE_CHECKING

from kiosk.app.channel import StationLink, answers, socket_path

if TYPE_CHECKING:
    from kiosk.config import Config

log = logging.getLogger(__name__)

RESTART_AFTER_S = (1.0, 2.0, 5.0, 10.0)  # waits before each restart in a row; then the last one
STABLE_S = 60.0  # a worker that ran this long before it died starts the waits from the first
_LENGTH = struct.Struct(">I")


def send_config(config: Config, pipe: IO[bytes]) -> None:
    data = pickle.dumps((dict(config.values), config.demo, config.credentials_dir))
    pipe.write(_LENGTH.pack(len(data)) + data)
    pipe.flush()


def read_config(pipe: IO[bytes]) -> Config:
    """The configuration `send_config` wrote (`kiosk worker --config-stdin`)."""
    from kiosk.config import Config, ConfigError

    head = pipe.read(_LENGTH.size)
    if len(head) != _LENGTH.size:
        raise ConfigError("--config-stdin: no configuration on standard input")
    (size,) = _LENGTH.unpack(head)
    values, demo, credentials = pickle.loads(pipe.read(size))
    return Config(values, demo=demo, credentials_dir=credentials)


def stop_when_the_kiosk_goes() -> None:
    """In a child (`--config-stdin`): SIGTERM to itself once its kiosk's pipe closes (the kiosk
    exited, or was killed), which stops it as systemd's would."""
    while sys.stdin.buffer.read(65536):
        pass
    os.kill(os.getpid(), signal.SIGTERM)


class ChildProcess:
    """`kiosk <command> --config-stdin` as a child process, restarted whenever it exits until
    `stop`."""

    def __init__(self, config: Config, command: str = "worker") -> None:
        self._config = config
        self.command = command
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._supervisor: threading.Thread | None = None
        self.starts = 0

    @property
    def pid(self) -> int | None:
        process = self._process
        return None if process is None else process.pid

    def start(self) -> None:
        self._spawn()
        self._supervisor = threading.Thread(target=self._supervise, name=f"{self.command}-child", daemon=True)
        self._supervisor.start()

    def _spawn(self) -> None:
        command = [sys.executable, "-m", "kiosk.app.cli", self.command, "--config-stdin"]
        process = subprocess.Popen(command, stdin=subprocess.PIPE)
        assert process.stdin is not None
        send_config(self._config, process.stdin)
        with self._lock:
            self._process = process
            self.starts += 1

    def _supervise(self) -> None:
        import time

        failures = 0
        while not self._stopping.is_set():
            process = self._process
            assert process is not None
            began = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            failures = 0 if time.monotonic() - began > STABLE_S else failures + 1
            wait = (
                RESTART_AFTER_S[min(failures, len(RESTART_AFTER_S)) - 1] if failures else RESTART_AFTER_S[0]
            )
            log.error(
                "kiosk %s (pid %s) exited with %s: restarting it in %.0f s",
                self.command,
                process.pid,
                code,
                wait,
            )
            if self._stopping.wait(wait):
                return
            try:
                self._spawn()
            except OSError as exc:
                log.error("kiosk %s could not be started: %s", self.command, exc)

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Close its pipe (it stops after the pass in progress) and wait; killed after
        `timeout_s`. True if it stopped by itself."""
        self._stopping.set()
        with self._lock:
            process = self._process
        if process is None:
            return True
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout_s)
            return True
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return False


def station_for_run(config: Config, *, start: bool = True) -> tuple[StationLink, ChildProcess | None]:
    """The channel `kiosk run` uses, and the worker it made for it (None: another serves it).

    `start=False`: the child is made but not started; the caller starts it (`kiosk run` does once
    its window has painted, so that a second interpreter importing the database does not compete
    with the first paint). Requests sent before it answers wait as for a restarting worker.
    `worker.in_kiosk = false` (systemd/kiosk.service): kiosk-worker.service serves the station;
    the kiosk never starts one of its own and waits for it (out of service until it answers)."""
    path = socket_path(config.data_dir)
    if answers(path, timeout_s=1.0):
        return StationLink(path), None
    if not config.worker.in_kiosk:
        log.warning("no station worker answers on %s yet: waiting for kiosk-worker.service", path)
        return StationLink(path), None
    child = ChildProcess(config, "worker")
    if start:
        child.start()
    return StationLink(path), child
