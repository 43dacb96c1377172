"""The local channel between the kiosk's UI process and the station worker process.

The UI process (`kiosk run`) never imports SQLAlchemy, reportlab or the sealing crypto (issue 8:
idle memory); the services that need them live in the worker (`kiosk worker`,
`kiosk.app.station`) and the UI reaches them through this channel, behind proxies of the same
ports (`kiosk.app.remote`).

- A Unix stream socket in the station's data folder, mode 0600 (bound under a random name,
  chmod-ed, then renamed into place, so it is never reachable with looser rights).
- Frames: a 4-byte big-endian length, then a pickle. Pickle is safe here, and only here: both
  ends are processes of the same station user, the socket admits no other user, and a process
  of that user could read the station's keys anyway. The UI's unpickler still refuses classes of
  the heavy libraries, so an answer can never make it import them.
- Requests are `(method, args, kwargs)`; answers are `(True, value)` or `(False, exception)`.
  An exception comes back as its own type (`TrackingCodeConflict`, `PrinterError`,
  `KeyProblem`, `PinRefused`…), so the core's handling of it is unchanged; one whose type the UI
  may not import comes back as `StationError` with its type and message.
- One request at a time per connection; the client keeps a small pool of connections, one per
  thread asking at that moment, each request with a timeout.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import pickle
import secrets
import socket
import socketserver
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SOCKET_NAME = "station.sock"
CARD_SOCKET_NAME = "card.sock"  # the card service (`kiosk card-service`, `kiosk.app.card_service`)
_HEADER = struct.Struct(">I")
MAX_FRAME = 64 * 1024 * 1024  # a receipt PDF is ~50 KB; anything near this is a bug
DEFAULT_TIMEOUT_S = 30.0
# How long an idempotent request waits for a restarted worker before the citizen is told to try
# again or see the officer (the worker starts in ~1–3 s; systemd restarts it after 5 s).
RESTART_WAIT_S = 20.0
_SUN_PATH_MAX = 107  # sockaddr_un.sun_path, less the terminating NUL

# Classes the UI process must never import by unpickling an answer (they would bring the
# libraries this channel exists to keep out of it: the station's in the worker, the chip's in the
# card service).
HEAVY_MODULES = (
    *("sqlalchemy", "reportlab", "cryptography", "db", "alembic", "kiosk.sealing", "kiosk.keys"),
    *("PIL", "smartcard", "asn1crypto", "ecdsa", "devices.card.icao", "devices.card.emulated"),
)


class StationError(Exception):
    """The station worker could not answer: not running, restarting, timed out, or it failed in
    a way the UI cannot represent. The UI treats it like any other failure of that service."""


class StationUnavailable(StationError, ConnectionError):
    """No worker answers on the channel (nothing was sent)."""


class StationLost(StationError, ConnectionError):
    """The connection broke after the request was sent: whether it was done is not known."""


def socket_path(data_dir: Path, name: str = SOCKET_NAME) -> Path:
    """`data_dir/name` (`station.sock`, `card.sock`); where that is longer than a socket address
    may be (a deep test folder), a name in the temporary folder derived from it (both ends derive
    the same one)."""
    path = data_dir / name
    if len(os.fsencode(_temporary(path))) <= _SUN_PATH_MAX:  # the server binds that name first
        return path
    digest = hashlib.sha256(os.fsencode(f"{data_dir.resolve()}/{name}")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"kiosk-{os.getuid()}-{digest}.sock"


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}")


def _is_heavy(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in HEAVY_MODULES)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if _is_heavy(module):
            raise pickle.UnpicklingError(f"the UI process does not load {module}.{name}")
        return super().find_class(module, name)


def _loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the channel")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def recv_frame(sock: socket.socket) -> bytes:
    (size,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    if size > MAX_FRAME:
        raise EOFError(f"a frame of {size} bytes: not this channel's")
    return _recv_exact(sock, size)


def _portable(exc: BaseException) -> BaseException:
    """`exc` if the UI can unpickle it as itself, else a StationError naming it."""
    described = StationError(f"{type(exc).__name__}: {exc}")
    if _is_heavy(type(exc).__module__):
        return described
    try:
        data = pickle.dumps(exc)
        again = _loads(data)
    except Exception:
        return described
    if type(again) is not type(exc) or str(again) != str(exc):
        return described
    exc.__traceback__ = None
    return exc


# --- the serving side (the worker) ------------------------------------------------------------


class _Handler(socketserver.BaseRequestHandler):
    server: StationServer

    def setup(self) -> None:
        self.server.opened(self.request)

    def finish(self) -> None:
        self.server.ended(self.request)

    def handle(self) -> None:
        sock: socket.socket = self.request
        while True:
            try:
                request = recv_frame(sock)
            except (EOFError, OSError):
                return
            try:
                method, args, kwargs = pickle.loads(request)
                value = (True, self.server.dispatch(method, args, kwargs))
            except Exception as exc:  # the caller gets it back, as itself where it can
                if not isinstance(exc, (LookupError, ValueError)):
                    log.info("channel: %s", exc, exc_info=exc)
                value = (False, _portable(exc))
            try:
                try:
                    answer = pickle.dumps(value)
                except Exception as exc:
                    answer = pickle.dumps((False, StationError(f"answer not sendable: {exc}")))
                send_frame(sock, answer)
            except OSError:
                return


class StationServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Serves `methods` (name -> callable) on the station's socket, a thread per connection."""

    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, path: Path, methods: Mapping[str, Callable[..., Any]]) -> None:
        self.methods = dict(methods)
        self.path = path
        self._inode = -1
        self._open: set[socket.socket] = set()  # the connections being served
        self._open_lock = threading.Lock()
        super().__init__(str(path), _Handler, bind_and_activate=False)

    def server_bind(self) -> None:
        # Bound under a random name, made 0600, then renamed over the final name: no moment at
        # which the socket is reachable with other rights, and a stale file is replaced whole.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary(self.path)
        self.socket.bind(str(temporary))
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)
        self._inode = os.stat(self.path).st_ino  # ours, until another server replaces it
        self.server_address = str(self.path)

    def dispatch(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        served = self.methods.get(method)
        if served is None:
            raise StationError(f"the station worker does not serve {method!r}")
        return served(*args, **kwargs)

    def start(self) -> StationServer:
        """Bind and serve on a thread of this process; returns self."""
        self.server_bind()
        self.server_activate()
        threading.Thread(target=self.serve_forever, name="station-channel", daemon=True).start()
        return self

    def opened(self, sock: socket.socket) -> None:
        with self._open_lock:
            self._open.add(sock)

    def ended(self, sock: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(sock)

    def close(self) -> None:
        """Stop serving, and end the connections being served, as the end of its process would:
        a client waiting for an answer hears at once that none will come."""
        self.shutdown()
        self.server_close()
        with self._open_lock:
            served, self._open = self._open, set()
        for sock in served:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            if os.stat(self.path).st_ino == self._inode:  # not a newer server's socket
                self.path.unlink()


def answers(path: Path, timeout_s: float = 2.0) -> bool:
    """Whether a worker serves on `path` now (it answers a ping)."""
    link = StationLink(path, timeout_s=timeout_s, restart_wait_s=0)
    try:
        return link.call("ping") == "pong"
    except StationError:
        return False
    finally:
        link.close()


# --- the asking side (the UI) -----------------------------------------------------------------


def _closed_by_peer(sock: socket.socket) -> bool:
    sock.setblocking(False)  # with a timeout set, recv would first wait for something to read
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False  # open, nothing to read: as it should be between requests
    except OSError:
        return True


class StationLink:
    """The UI's end of the channel: `call(method, *args)` answers as the worker's service did.

    `retry=True` marks an idempotent request (a submission: `DossierStore.submit` of the same
    dossier stores it once), sent again over a new connection if the connection broke, for up to
    `restart_wait_s` while a restarted worker comes up. Other requests are sent once.
    """

    def __init__(
        self,
        path: Path,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        restart_wait_s: float = RESTART_WAIT_S,
        peer: str = "the station worker",  # who serves it, as the errors name it
    ) -> None:
        self.path = path
        self.peer = peer
        self.timeout_s = timeout_s
        self.restart_wait_s = restart_wait_s
        self._idle: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False

    def _connect(self, timeout_s: float) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout_s)
        try:
            sock.connect(str(self.path))
        except OSError as exc:
            sock.close()
            raise StationUnavailable(f"{self.peer} does not answer ({exc.strerror or exc})") from None
        return sock

    def _take(self, timeout_s: float) -> socket.socket:
        with self._lock:
            if self._closed:
                raise StationUnavailable("the channel is closed")
            sock = self._idle.pop() if self._idle else None
        if sock is not None and _closed_by_peer(sock):  # the worker restarted since
            sock.close()
            sock = None
        if sock is None:
            return self._connect(timeout_s)
        sock.settimeout(timeout_s)
        return sock

    def _give_back(self, sock: socket.socket) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < 8:
                self._idle.append(sock)
                return
        sock.close()

    def _once(self, request: bytes, timeout_s: float) -> tuple[bool, Any]:
        sock = self._take(timeout_s)
        try:
            try:
                send_frame(sock, request)
            except OSError:
                # A pooled connection the worker closed (it restarted): nothing was read yet.
                sock.close()
                sock = self._connect(timeout_s)
                send_frame(sock, request)
            answer = recv_frame(sock)
        except TimeoutError:
            sock.close()
            raise StationLost(f"{self.peer} did not answer within {timeout_s:.0f} s") from None
        except (EOFError, OSError) as exc:
            sock.close()
            raise StationLost(f"the channel to {self.peer} broke ({exc})") from None
        self._give_back(sock)
        try:
            ok, value = _loads(answer)
        except Exception as exc:
            return False, StationError(f"unreadable answer: {exc}")
        return bool(ok), value

    def call(
        self,
        method: str,
        *args: Any,
        retry: bool = False,
        timeout_s: float | None = None,
        wait_s: float | None = None,
        **kwargs: Any,
    ) -> Any:
        """`method(*args, **kwargs)` in the worker. `retry`: idempotent, sent again for up to
        `wait_s` (default `restart_wait_s`) while no worker answers."""
        request = pickle.dumps((method, args, kwargs))
        timeout = self.timeout_s if timeout_s is None else timeout_s
        waited = self.restart_wait_s if wait_s is None else wait_s
        deadline = time.monotonic() + (waited if retry else 0)
        while True:
            try:
                ok, value = self._once(request, timeout)
                break
            except StationLost:
                if not retry or time.monotonic() >= deadline:
                    raise
            except StationUnavailable:
                if not retry or time.monotonic() >= deadline or self._closed:
                    raise
            time.sleep(0.25)
        if ok:
            return value
        raise value

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for sock in idle:
            sock.close()
