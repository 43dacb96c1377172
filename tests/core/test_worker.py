"""The station worker: its loop on a thread, what the composition root gives it, `kiosk worker`."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.app import root
from kiosk.app.root import Lazy, build_worker, make_storage, make_store, make_targets
from kiosk.config import Config, ConfigError, load_config
from kiosk.dossier import Dossier
from kiosk.outbox import DeliveryReport
from kiosk.ports.storage import OutboxItem
from kiosk.ports.target import DossierSource
from kiosk.trackcode import new_code
from kiosk.worker import Outcome, StationWorker, Task

T0 = dt.datetime(2026, 11, 26, 2, 30, tzinfo=dt.UTC)
WAIT_S = 60  # only ever reached when something is broken


class Outcomes:
    """Collects the worker's outcomes; `next()` waits for the next one (on the worker's thread)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Outcome] = queue.Queue()

    def __call__(self, outcome: Outcome) -> None:
        self._queue.put(outcome)

    def next(self) -> Outcome:
        return self._queue.get(timeout=WAIT_S)

    def none_left(self) -> bool:
        return self._queue.empty()


@pytest.fixture
def outcomes() -> Outcomes:
    return Outcomes()


@pytest.fixture
def worker_stopper() -> Iterator[list[StationWorker]]:
    started: list[StationWorker] = []
    yield started
    for worker in started:
        assert worker.stop(), "the worker did not stop"


# --- the loop -------------------------------------------------------------------------------------


def test_every_task_runs_at_start_and_a_failure_does_not_stop_the_others(
    outcomes: Outcomes, worker_stopper: list[StationWorker]
) -> None:
    def broken() -> None:
        raise OSError("disk full")

    worker = StationWorker([Task("broken", 3600, broken), Task("fine", 3600, lambda: "done")], outcomes)
    worker_stopper.append(worker)
    worker.start()
    assert worker.running
    first, second = outcomes.next(), outcomes.next()
    assert first.task == "broken" and isinstance(first.error, OSError) and first.result is None
    assert second == Outcome("fine", result="done")


def test_wake_runs_every_task_again_and_stop_ends_the_thread(outcomes: Outcomes) -> None:
    runs: list[str] = []
    worker = StationWorker([Task("deliver", 3600, lambda: runs.append("deliver"))], outcomes)
    worker.start()
    outcomes.next()
    worker.wake()  # an hour early
    outcomes.next()
    assert runs == ["deliver", "deliver"]
    assert worker.stop()
    assert not worker.running
    assert outcomes.none_left()  # nothing ran after the stop


def test_a_task_runs_again_when_its_interval_is_up(
    outcomes: Outcomes, worker_stopper: list[StationWorker]
) -> None:
    worker = StationWorker([Task("often", 0.01, lambda: "pass")], outcomes)
    worker_stopper.append(worker)
    worker.start()
    assert [outcomes.next().result for _ in range(3)] == ["pass"] * 3


def test_task_names_are_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        StationWorker([Task("deliver", 1, lambda: None), Task("deliver", 2, lambda: None)])


# --- the composition root: the configured target --------------------------------------------------


def dossier(code: str) -> Dossier:
    return Dossier(code, "1.003677", 1, "HCM-Q1-03", T0, fields={}, holder={"full_name": "Lò Thị Mai"})


def config_for(tmp_path: Path, **values: Any) -> Config:
    base = load_config(overrides={"paths.data_dir": str(tmp_path / "data")}, environ={})
    return Config(values={**base.values, **values})


class RecordingTarget:
    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []

    def deliver(self, item: OutboxItem, source: DossierSource) -> None:
        stored = source.get(item.tracking_code)
        assert stored is not None and stored.dossier is not None
        self.delivered.append((item.idempotency_key, stored.dossier.holder["full_name"]))


def test_the_worker_delivers_to_the_configured_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, outcomes: Outcomes, worker_stopper: list[StationWorker]
) -> None:
    hub = RecordingTarget()
    monkeypatch.setitem(root.TARGETS, "hub", lambda config: hub)
    config = config_for(tmp_path, **{"submission.target": "hub"})
    store = make_store(config)
    code = new_code()
    store.submit(dossier(code))
    assert [i.target for i in store.pending()] == ["hub"]  # queued for the configured target

    worker = build_worker(config, Lazy(lambda: store), on_outcome=outcomes)
    assert [t.name for t in worker.tasks] == ["deliver", "purge"]  # no print task outside the kiosk
    worker_stopper.append(worker)
    worker.start()
    assert outcomes.next() == Outcome("deliver", result=DeliveryReport(sent=1))
    assert hub.delivered == [(f"hub:{code}", "Lò Thị Mai")]
    assert store.backlog() == 0


def test_a_row_for_a_target_no_longer_configured_is_kept(tmp_path: Path) -> None:
    config = config_for(tmp_path)
    storage = make_storage(config)
    store = make_store(config, storage)
    store.submit(dossier(new_code()), targets=["hub"])  # queued before the station was switched
    deliver = build_worker(config, Lazy(lambda: store)).tasks[0]
    assert deliver.run() == DeliveryReport(failed=1)
    assert store.backlog() == 1


def test_an_unknown_target_is_a_configuration_error(tmp_path: Path) -> None:
    config = config_for(tmp_path, **{"submission.target": "district-hub"})
    with pytest.raises(ConfigError, match=r"'submission\.target'.*'district-hub'"):
        make_targets(config)
    with pytest.raises(ConfigError, match=r"'submission\.target'"):
        build_worker(config, Lazy(lambda: make_store(config)))
    assert make_targets(config_for(tmp_path)).keys() == {"local"}


# --- `kiosk worker`, a process of its own -----------------------------------------------------------


class Lines:
    """A child's stdout, line by line, read on a thread so that waiting can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: [self._queue.put(line) for line in stdout], daemon=True).start()
        self.seen: list[str] = []

    def wait_for(self, text: str) -> str:
        while True:
            try:
                line = self._queue.get(timeout=WAIT_S)
            except queue.Empty:
                raise AssertionError(f"no line with {text!r}; got {self.seen}") from None
            self.seen.append(line)
            if text in line:
                return line


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_kiosk_worker_delivers_then_stops_on_a_signal(tmp_path: Path, stop_signal: signal.Signals) -> None:
    config_path = tmp_path / "kiosk.toml"
    config_path.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n', "utf-8")
    store = make_store(load_config(config_path, environ={}))
    store.submit(dossier(new_code()))
    assert store.backlog() == 1

    systemd = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # as systemd listens for a notify unit
    systemd.bind(str(tmp_path / "notify"))
    notes: queue.Queue[bytes] = queue.Queue()  # read as they come, as systemd does

    def listen() -> None:
        with contextlib.suppress(OSError):
            while note := systemd.recv(100):
                notes.put(note)

    threading.Thread(target=listen, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "WATCHDOG_", "NOTIFY_"))}
    env |= {"NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "200000"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk.app.cli", "--config", str(config_path), "worker"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        lines = Lines(process)
        lines.wait_for("worker: delivering to 'local'")
        lines.wait_for("deliver: DeliveryReport(sent=1, failed=0)")
        assert store.backlog() == 0
        first = [notes.get(timeout=WAIT_S) for _ in range(3)]
        assert b"READY=1" in first and first.count(b"WATCHDOG=1") >= 1  # pinged from the loop
        process.send_signal(stop_signal)
        lines.wait_for(f"worker: {stop_signal.name}, stopping")
        lines.wait_for("worker: stopped")
        assert process.wait(timeout=WAIT_S) == 0
        while (note := notes.get(timeout=WAIT_S)) == b"WATCHDOG=1":
            pass
        assert note == b"STOPPING=1"
    finally:
        systemd.shutdown(socket.SHUT_RDWR)
        systemd.close()
        if process.poll() is None:
            process.kill()
            process.wait()


# --- `worker.in_kiosk`: who delivers, the kiosk's thread or the worker unit -------------------------


def kiosk_for(tmp_path: Path, **environ: str) -> root.KioskApp:
    from kiosk.runner import InlineRunner

    config = load_config(overrides={"paths.data_dir": str(tmp_path / "data")}, environ=environ, demo=True)
    return root.build_app(config, InlineRunner())


def run_each_task_once(worker: StationWorker) -> dict[str, Outcome]:
    return {task.name: worker.run_task(task) for task in worker.tasks}


@pytest.mark.parametrize("in_kiosk", ["true", "false"])
def test_the_kiosk_delivers_itself_unless_the_worker_unit_does(tmp_path: Path, in_kiosk: str) -> None:
    from kiosk.app.scripted import submit_as_citizen
    from kiosk.flow.state import Phase

    app = kiosk_for(tmp_path, KIOSK_WORKER_IN_KIOSK=in_kiosk)
    app.controller.start()  # the card reader, as the kiosk's warm-up starts it
    try:
        assert submit_as_citizen(app).phase is Phase.DONE
    finally:
        app.controller.stop()
    store = app.store()
    assert store.backlog() == 1
    # The kiosk's own tasks, over the channel: what needs its citizen (their receipt's retry),
    # its health checks and its menu.
    outcomes = run_each_task_once(app.worker)
    assert not [o for o in outcomes.values() if o.error is not None]
    assert list(outcomes) == ["health", "menu", "print-retry"]
    assert app.side is not None  # no worker process: the station's side is served in this one
    outcomes = run_each_task_once(app.side.worker)
    assert not [o for o in outcomes.values() if o.error is not None]
    if in_kiosk == "true":
        assert list(outcomes) == ["deliver", "purge"]
        assert store.backlog() == 0
        return
    # The submission waits for the worker unit, which delivers it once.
    assert list(outcomes) == []
    assert store.backlog() == 1
    unit = build_worker(app.config, Lazy(lambda: make_store(app.config)))
    assert unit.run_task(unit.tasks[0]) == Outcome("deliver", result=DeliveryReport(sent=1))
    assert store.backlog() == 0


def test_the_menu_puts_the_stations_busiest_service_first(tmp_path: Path) -> None:
    from kiosk.app.scripted import submit_as_citizen
    from kiosk.flow.state import Phase

    app = kiosk_for(tmp_path)
    menu = next(task for task in app.worker.tasks if task.name == "menu")
    catalog_first = app.journey.state().menu[0]
    assert app.worker.run_task(menu).result == {}  # nothing stored yet: the catalog's order
    assert app.journey.state().menu[0] == catalog_first
    app.controller.start()
    try:
        state = submit_as_citizen(app)
        assert state.phase is Phase.DONE and state.service is not None
        done = state.service.code
    finally:
        app.controller.stop()
    assert done != catalog_first  # else the test shows nothing
    assert app.worker.run_task(menu).result == {done: 1}
    assert app.journey.state().menu[0] == done
