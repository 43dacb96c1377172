"""A finished session's memory goes back to the system once the kiosk is idle again (`ui.heap`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from kiosk.flow.state import FlowState, Phase
from tests.waits import WAIT_MS
from ui.app import KioskUi
from ui.heap import HeapRelease
from ui.screens.identity import photo_format

# In a process of its own: 60 MB of C-heap blocks freed below one kept block (the heap's top
# cannot shrink past it, so free() gives nothing back), then `release_heap`.
FREED_BELOW_A_KEPT_BLOCK = """
import os
from ui.heap import release_heap

def rss_kb():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

blocks = [bytearray(2000) for _ in range(30_000)]  # over pymalloc's 512 bytes: malloc's heap
kept = bytearray(2000)
del blocks
before = rss_kb()
release_heap()
print(before, rss_kb())
"""


def test_release_heap_gives_freed_pages_back() -> None:
    out = subprocess.run(
        [sys.executable, "-c", FREED_BELOW_A_KEPT_BLOCK], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    before, after = map(int, out.stdout.split())
    assert before - after > 30_000  # of the 60 MB freed, at least half went back to the system


def test_released_once_idle_after_a_session_and_not_while_a_citizen_is_there(qtbot: Any) -> None:
    phase = [Phase.IDLE]
    passes: list[bool] = []
    heap = HeapRelease(lambda: phase[0] is Phase.IDLE, delay_ms=50, release=lambda: passes.append(True))
    heap.heard(FlowState(phase=Phase.STEP))
    assert not heap.timer.isActive()  # a session: nothing to give back yet
    heap.heard(FlowState(phase=Phase.IDLE))
    qtbot.waitUntil(lambda: heap.releases == 1, timeout=WAIT_MS)
    assert passes == [True]

    heap.heard(FlowState(phase=Phase.STEP))
    heap.heard(FlowState(phase=Phase.IDLE))
    heap.heard(FlowState(phase=Phase.STEP))  # a citizen came back before the pass: none
    assert not heap.timer.isActive()
    heap.schedule()
    phase[0] = Phase.STEP  # still at the kiosk when the timer fires: none either
    qtbot.waitUntil(lambda: not heap.timer.isActive(), timeout=WAIT_MS)
    assert heap.releases == 1


def test_a_release_waits_for_the_screens_being_built_ahead(qtbot: Any) -> None:
    building = [True]
    heap = HeapRelease(lambda: True, delay_ms=20, release=lambda: None, busy=lambda: building[0])
    heap.schedule()
    qtbot.wait(200)  # several shots came and went: each found the window still building
    assert heap.releases == 0 and heap.timer.isActive()
    building[0] = False
    qtbot.waitUntil(lambda: heap.releases == 1, timeout=WAIT_MS)  # then the pass, its garbage too


def test_the_kiosk_releases_after_its_warm_up_and_after_a_reset(qtbot: Any, kiosk_ui: KioskUi) -> None:
    kiosk_ui.heap.timer.setInterval(50)
    qtbot.waitUntil(lambda: kiosk_ui.heap.releases == 1, timeout=WAIT_MS)  # the warm-up done
    journey = kiosk_ui.app.journey
    journey.start()
    assert journey.state().phase is not Phase.IDLE
    journey.reset()
    qtbot.waitUntil(lambda: kiosk_ui.heap.releases == 2, timeout=WAIT_MS)


def test_the_face_is_decoded_by_the_plugin_of_its_own_format() -> None:
    assert photo_format(b"\xff\xd8\xff\xe0rest") == "JPEG"
    assert photo_format(b"\x89PNG\r\n\x1a\nrest") == "PNG"


# What the first journey used to run for the first time, mapping its code into the UI process
# after the idle figure (issue 8): run by the warm-up now, before the first heap pass.
WARMED = """
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kiosk.config import load_config
from ui.app import KioskUi

config = load_config(overrides={"paths.data_dir": sys.argv[1]}, demo=True, environ={})
ui = KioskUi(config, windowed=True)
FIRST_RUN = ("devices.card.icao.chip_auth", "_strptime", "ui.widgets.address_picker")
before = sorted(m for m in FIRST_RUN if m in sys.modules)
jpeg_before = "libqjpeg" in open("/proc/self/maps").read()
ui.show()
end = time.monotonic() + 120
while ui.heap.releases < 1 and time.monotonic() < end:  # the warm-up done and its heap pass run
    app.processEvents()
    time.sleep(0.01)
after = sorted(m for m in FIRST_RUN if m in sys.modules)
jpeg_after = "libqjpeg" in open("/proc/self/maps").read()
print(before, jpeg_before, after, jpeg_after, ui.app.journey.state().phase.name)
ui.close()
"""


def test_the_warm_up_runs_what_the_first_journey_would_run_first(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", WARMED, str(tmp_path)], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    last = out.stdout.strip().splitlines()[-1]
    assert last == (
        "[] False ['_strptime', 'devices.card.icao.chip_auth', 'ui.widgets.address_picker'] True IDLE"
    ), last
