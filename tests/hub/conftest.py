"""The province hub for real: a PostgreSQL server on a temporary data directory, the hub as a
`kiosk hub serve` process under uvicorn on loopback, stations as configured data folders, and a
fault-injecting TCP proxy between them. A missing PostgreSQL is a failure here, not a skip."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from kiosk.app.cli import main
from kiosk.config import Config, load_config
from tests.postgres import new_database

ROOT = Path(__file__).resolve().parents[2]


def new_hub_db(pg_server: str) -> str:
    """A new, empty database on the server, migrated by `kiosk hub migrate`."""
    url = new_database(pg_server, "hub")
    assert main(["hub", "migrate", "--url", url]) == 0
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HubServer:
    db_url: str
    keys: Path
    url: str
    process: subprocess.Popen[bytes]

    def cli(self, *args: str) -> int:
        command, *rest = args
        return main(["hub", command, "--url", self.db_url, "--keys", str(self.keys), *rest])

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.db_url)


def start_hub(db_url: str, keys: Path, log: Path, options: Sequence[str] = ()) -> HubServer:
    """`kiosk hub serve` on a free loopback port (`options`: more of its options)."""
    port = free_port()
    command = [sys.executable, "-m", "kiosk.app.cli", "hub", "serve", "--url", db_url, "--keys", str(keys)]
    process = subprocess.Popen(
        # Plain cookies: the tests reach the hub over http on loopback, without the TLS proxy.
        [*command, "--listen", f"127.0.0.1:{port}", "--cookies", "plain", *options],
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # the hub now also builds the console: ~7 s of imports at load 17
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the hub exited {process.returncode}: {log.read_text()}")
        try:
            if httpx.get(url + "/v1/openapi.json", timeout=1).status_code == 200:
                return HubServer(db_url, keys, url, process)
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the hub did not answer: {log.read_text()}")
        time.sleep(0.1)


@pytest.fixture
def hub_db(pg_server: str) -> str:
    return new_hub_db(pg_server)


@pytest.fixture(scope="module")
def hub(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubServer]:
    """One hub per test module (starting one takes seconds); tests use stations of their own."""
    folder = tmp_path_factory.mktemp("hub")
    server = start_hub(new_hub_db(pg_server), folder / "keys", folder / "hub.log")
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@dataclass
class Station:
    station_id: str
    folder: Path
    config_file: Path

    @property
    def config(self) -> Config:
        return load_config(self.config_file, environ={})

    def cli(self, *args: str) -> int:
        return main(["--config", str(self.config_file), *args])


def make_station(folder: Path, station_id: str, hub_url: str, timeout_s: int = 5) -> Station:
    folder.mkdir(parents=True, exist_ok=True)
    config_file = folder / "kiosk.toml"
    config_file.write_text(
        f'[paths]\ndata_dir = "{folder / "data"}"\n'
        f'[station]\nid = "{station_id}"\nkiosk_id = "{station_id.lower()}-k1"\n'
        f'[hub]\nurl = "{hub_url}"\ntimeout_seconds = {timeout_s}\n'
        '[submission]\ntarget = "hub"\n',
        encoding="utf-8",
    )
    return Station(station_id, folder, config_file)


def enrol(
    hub: HubServer, station: Station, capsys: pytest.CaptureFixture[str], hub_url: str | None = None
) -> None:
    capsys.readouterr()
    assert hub.cli("enrol-code", "--station", station.station_id, "--province", "Hà Nội", "--commune",
                   f"Xã {station.station_id}", "--name", f"Công an xã {station.station_id}") == 0  # fmt: skip
    code = capsys.readouterr().out.strip()
    assert station.cli("hub", "enrol", "--hub", hub_url or hub.url, code) == 0, capsys.readouterr().err


class FaultProxy:
    """A TCP proxy on loopback in front of the hub. `mode`: "pass" relays; "reset_after_request"
    relays the request, waits for the hub's first answer bytes, then resets the client's
    connection without them (the hub did the work; the station saw the link drop);
    "reset_mid_request" passes half the request on, then resets both sides; "refuse" resets
    every new connection at once; "delay" relays each read `delay_s` late, both ways; "drop"
    swallows the request and answers nothing for `delay_s`, then closes (lost packets, then a
    dead connection); "cut_mid_answer"
    relays the request and the first bytes of the answer, then closes. A connection keeps the
    mode it was accepted in. With `plan` set, each new connection takes the plan's next mode
    instead: every fault in it is met by the first connections, whatever the machine's speed."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.mode = "pass"
        self.plan: Iterator[str] | None = None
        self.resets = 0
        self.delay_s = 0.3
        self.faults: dict[str, int] = {}  # connections met by each fault mode
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop.set()
        self._server.close()

    @staticmethod
    def _reset(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            mode = next(self.plan) if self.plan is not None else self.mode
            threading.Thread(target=self._handle, args=(client, mode), daemon=True).start()

    def _handle(self, client: socket.socket, mode: str) -> None:
        if mode != "pass":
            self.faults[mode] = self.faults.get(mode, 0) + 1
        if mode == "drop":
            with contextlib.suppress(OSError):
                _read_request(client)
                time.sleep(self.delay_s)
            client.close()
            return
        if mode == "refuse":
            self.resets += 1
            self._reset(client)
            return
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        if mode == "reset_mid_request":  # half the request reaches the hub, then both ends reset
            try:
                request = _read_request(client)
                upstream.sendall(request[: len(request) // 2])
            finally:
                self.resets += 1
                self._reset(client)
                self._reset(upstream)
            return
        if mode == "cut_mid_answer":
            try:
                upstream.sendall(_read_request(client))
                client.sendall(upstream.recv(40))  # the status line's start, no more
            finally:
                client.close()
                upstream.close()
            return
        if mode == "reset_after_request":
            try:
                request = _read_request(client)
                upstream.sendall(request)
                upstream.recv(1)  # the hub has answered: it stored the dossier
            finally:
                self.resets += 1
                self._reset(client)
                upstream.close()
            return

        def pump(src: socket.socket, dst: socket.socket) -> None:
            try:
                while data := src.recv(65536):
                    if mode == "delay":
                        time.sleep(self.delay_s)
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    with contextlib.suppress(OSError):
                        s.shutdown(socket.SHUT_RDWR)

        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
        pump(client, upstream)


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@pytest.fixture
def proxy(hub: HubServer) -> Iterator[FaultProxy]:
    fault = FaultProxy(int(hub.url.rsplit(":", 1)[1]))
    try:
        yield fault
    finally:
        fault.close()
