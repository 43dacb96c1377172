"""The systemd units in the repository verify, and the notify protocol reaches a real socket."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

from kiosk.app.sd_notify import notify, watchdog_interval

ROOT = Path(__file__).resolve().parents[1]
UNITS = ("kiosk.service", "kiosk-worker.service")


def installed_units(tmp_path: Path) -> list[Path]:
    """The units as a station installs them, with this checkout's `kiosk` for /opt/kiosk's."""
    kiosk = Path(sys.executable).with_name("kiosk")
    assert kiosk.exists(), kiosk
    paths = []
    for name in UNITS:
        text = (ROOT / "systemd" / name).read_text("utf-8")
        assert "/opt/kiosk/.venv/bin/kiosk" in text
        path = tmp_path / name
        path.write_text(text.replace("/opt/kiosk/.venv/bin/kiosk", str(kiosk)), "utf-8")
        paths.append(path)
    return paths


def verify(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None, "systemd-analyze comes with systemd"
    return subprocess.run(
        [analyze, "verify", *map(str, paths)], capture_output=True, text=True, timeout=60, check=False
    )


def problems(result: subprocess.CompletedProcess[str]) -> str:
    """What verify found: a failure, or a warning (an unknown key is only a warning, exit 0)."""
    if result.returncode != 0 or result.stderr.strip():
        return f"exit {result.returncode}: {result.stderr}"
    return ""


def test_units_verify(tmp_path: Path) -> None:
    assert Path("/usr/bin/cage").exists(), "cage is installed by scripts/setup.sh"
    assert problems(verify(installed_units(tmp_path))) == ""


def test_verify_catches_a_broken_unit(tmp_path: Path) -> None:
    paths = installed_units(tmp_path)
    paths[0].write_text(paths[0].read_text().replace("Type=notify", "Tpye=notify"))
    assert "Tpye" in problems(verify(paths))
    paths[0].write_text(paths[0].read_text().replace("Tpye=notify", "Type=notify"))
    paths[1].write_text(paths[1].read_text().replace(str(Path(sys.executable).with_name("kiosk")), "/nope"))
    assert "/nope" in problems(verify(paths))


def test_units_ask_for_what_an_unattended_station_needs() -> None:
    kiosk = (ROOT / "systemd" / "kiosk.service").read_text()
    worker = (ROOT / "systemd" / "kiosk-worker.service").read_text()
    for text in (kiosk, worker):
        assert "Type=notify" in text and "Restart=always" in text and "WatchdogSec=" in text
    assert "/usr/bin/cage" in kiosk and "TTYPath=/dev/tty1" in kiosk
    assert "NotifyAccess=all" in kiosk  # the kiosk is cage's child, not the unit's main process
    assert " -s " not in kiosk  # no VT switching out of the kiosk


def test_the_kiosk_unit_leaves_delivery_to_the_worker_unit() -> None:
    from kiosk.config import load_config

    kiosk = (ROOT / "systemd" / "kiosk.service").read_text()
    assert "kiosk-worker.service" in next(line for line in kiosk.splitlines() if line.startswith("Wants="))
    environ = dict(
        line.removeprefix("Environment=").split("=", 1)
        for line in kiosk.splitlines()
        if line.startswith("Environment=")
    )
    assert load_config(environ=environ).worker.in_kiosk is False
    assert load_config(environ={}).worker.in_kiosk is True  # a kiosk run on its own starts a worker
    # The station's services: the worker serves them in the data folder the kiosk reads too.
    assert "ReadWritePaths=/var/lib/kiosk" in (ROOT / "systemd" / "kiosk-worker.service").read_text()
    assert any("kiosk-worker.service" in line for line in kiosk.splitlines() if line.startswith("After="))


def test_notify_reaches_the_socket(tmp_path: Path) -> None:
    address = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(address)
        server.settimeout(5)
        assert notify("READY=1", {"NOTIFY_SOCKET": address})
        assert server.recv(100) == b"READY=1"
        assert notify("WATCHDOG=1", {"NOTIFY_SOCKET": address})
        assert server.recv(100) == b"WATCHDOG=1"


def test_notify_never_waits_for_a_reader_that_does_not_read(tmp_path: Path) -> None:
    # A datagram queue holds net.unix.max_dgram_qlen (10) messages; a blocking send past that waited
    # for the reader, and the worker's loop, which pings from its own turns, stood still with it.
    address = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(address)
        sent: list[bool] = []
        pinging = threading.Thread(
            target=lambda: sent.extend(notify("WATCHDOG=1", {"NOTIFY_SOCKET": address}) for _ in range(200)),
            daemon=True,
        )
        pinging.start()
        pinging.join(30)  # a guard against a hang, not a measure of speed
        assert not pinging.is_alive(), "notify waited for the reader"
        assert len(sent) == 200 and sent[0] and not sent[-1]  # the first queued, the overflow dropped
        server.settimeout(5)
        assert server.recv(100) == b"WATCHDOG=1"  # what was queued is still there, whole


def test_notify_outside_systemd_does_nothing(tmp_path: Path) -> None:
    assert not notify("READY=1", {})
    assert not notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "gone")})  # never raises


def test_watchdog_interval() -> None:
    assert watchdog_interval({}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}) == 15.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getppid())}) == 15.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "0"}) is None


def test_the_clips_are_built_before_the_kiosk_starts() -> None:
    """Issue 11: clips pre-rendered at install; a failed build never keeps the kiosk from starting."""
    unit = (ROOT / "systemd" / "kiosk.service").read_text("utf-8").splitlines()
    pre = [line for line in unit if line.startswith("ExecStartPre=")]
    assert any(line.startswith("ExecStartPre=-") and line.endswith(" voice build") for line in pre), pre
    script = (ROOT / "kiosk.sh").read_text("utf-8")
    assert script.index("kiosk voice build") < script.index("kiosk run --demo")
