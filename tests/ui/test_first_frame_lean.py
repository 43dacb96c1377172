"""What `kiosk run` paints first is built for its time to the screen (issue 8: launch ≤ 1.2× a bare
window): no Qt enum namespace, QtSvg or core dataclasses before its paint, pictograms from PNGs an
earlier start drew, and the frame drawn from them is the frame drawn from the SVGs, pixel for pixel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from ui.first_frame import FirstFrame
from ui.theme import Metrics
from ui.widgets import icons

PAINT = """
import json, sys
from pathlib import Path
import PySide6.QtCore, PySide6.QtGui
from PySide6.QtWidgets import QApplication
app = QApplication([])
import ui.launch
from ui.first_frame import FirstFrame
from ui.theme import Metrics
frame = FirstFrame("normal", Metrics.of(1366, 768), "vi", Path(sys.argv[1]))
seen = {}
def painted():
    seen["Qt"] = "Qt" in vars(PySide6.QtCore)  # PySide6 makes a type when it is first asked for
    seen["QIcon"] = "QIcon" in vars(PySide6.QtGui)
    seen["QEvent"] = "QEvent" in vars(PySide6.QtCore)
    heavy = ("PySide6.QtSvg", "kiosk.ports.card", "importlib.resources")
    seen["modules"] = sorted(m for m in sys.modules if m in heavy)
    app.quit()
frame.when_painted(painted)
ui.launch.present_first(frame, windowed=sys.argv[2] == "windowed")
app.exec()
from PySide6.QtCore import Qt  # the probe itself can see a made type
seen["probe"] = "Qt" in vars(PySide6.QtCore) and Qt.AlignmentFlag.AlignCenter is not None
flags = frame.windowHandle().flags()
seen["frameless on top"] = bool(flags & Qt.WindowType.FramelessWindowHint) and bool(
    flags & Qt.WindowType.WindowStaysOnTopHint
)
seen["full screen"] = frame.isFullScreen()
print(json.dumps(seen))
"""


def _paint_first_frame(cache: Path, mode: str = "windowed") -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PAINT, str(cache), mode], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_first_frame_paints_before_any_qt_enum_namespace_svg_or_card_port(tmp_path: Path) -> None:
    first_start = _paint_first_frame(tmp_path)  # draws the pictograms from SVG and keeps them
    assert sorted(p.name.split("-")[0] for p in tmp_path.glob("*.png")) == [
        "language",
        "officer",
        "search",
        "speaker",
        "text",
        "touch",
        "volume",
    ]
    later = _paint_first_frame(tmp_path)
    lean = {"Qt": False, "QIcon": False, "QEvent": False, "modules": [], "probe": True}
    assert later == {**lean, "frameless on top": False, "full screen": False}
    assert first_start["Qt"] is False and first_start["modules"] == ["PySide6.QtSvg"]
    # Full screen (a station): frameless and on top as `present` makes the kiosk's window.
    assert _paint_first_frame(tmp_path, "full") == {**lean, "frameless on top": True, "full screen": True}


def _image(frame: FirstFrame) -> QImage:
    frame.resize(1366, 768)
    frame.show()
    image = frame.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    frame.close()
    return image


def test_kept_pictograms_draw_the_frame_the_svgs_draw(qapp: QApplication, tmp_path: Path) -> None:
    metrics = Metrics.of(1366, 768)
    for theme in ("normal", "high_contrast"):
        drawn = _image(FirstFrame(theme, metrics, "vi"))
        writing = _image(FirstFrame(theme, metrics, "vi", tmp_path))  # draws and writes the PNGs
        reading = _image(FirstFrame(theme, metrics, "vi", tmp_path))  # reads them
        assert drawn == writing == reading, theme
    assert _image(FirstFrame("normal", metrics, "vi")) != _image(FirstFrame("high_contrast", metrics, "vi"))


def test_the_first_frame_shows_the_themes_pictograms(qapp: QApplication) -> None:
    # The application's theme property is set by the kiosk's window, which does not exist yet.
    frame = FirstFrame("high_contrast", Metrics.of(1366, 768), "vi")
    touch = next(label for label in frame.findChildren(QLabel) if not label.pixmap().isNull())
    assert touch.pixmap().toImage() == icons.drawn("touch", 180, "high_contrast").toImage()
    assert touch.pixmap().toImage() != icons.drawn("touch", 180, "normal").toImage()
    status = next(b for b in frame.findChildren(QPushButton) if b.property("pictogram") == "search-doc")
    assert status.icon().pixmap(64, 64).toImage() == icons.drawn("search-doc", 64, "high_contrast").toImage()


def test_a_kept_pictogram_is_named_by_its_svg_size_and_theme_and_an_empty_one_is_drawn_again(
    qapp: QApplication, tmp_path: Path
) -> None:
    path = icons.stored("touch", 180, "normal", tmp_path)
    assert path is not None and path.parent == tmp_path
    kept = QImage(str(path))
    assert kept == icons.drawn("touch", 180, "normal").toImage().convertToFormat(kept.format())
    assert icons.stored("touch", 180, "normal", tmp_path) == path  # found again, not drawn again
    others = {
        icons.stored("touch", 96, "normal", tmp_path),
        icons.stored("touch", 180, "high_contrast", tmp_path),
    }
    assert path not in others and None not in others
    path.write_bytes(b"")  # the rename reached the disk, the data did not
    assert icons.stored("touch", 180, "normal", tmp_path) == path and path.stat().st_size > 0
    assert icons.stored("no-such-pictogram", 44, "normal", tmp_path) is None
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_kiosk_run_collects_no_cyclic_garbage_until_its_kiosk_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import ui.launch
    from kiosk.app import cli

    during: list[bool] = []
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path))

    def run(config: object, *, windowed: bool) -> int:
        during.append(gc.isenabled())
        return 0

    monkeypatch.setattr(ui.launch, "run", run)
    umask = os.umask(0o022)
    try:
        assert cli.main(["run", "--demo", "--windowed"]) == 0
    finally:
        gc.enable()  # what ui.launch.run does once the kiosk is built (test_first_frame.py)
        os.umask(umask)  # `main` sets the kiosk's own
    assert during == [False]


def test_an_unwritable_cache_leaves_the_pictograms_drawn(qapp: QApplication, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    assert icons.stored("touch", 180, "normal", blocked / "pictograms") is None
    metrics = Metrics.of(1366, 768)
    assert _image(FirstFrame("normal", metrics, "vi", blocked / "pictograms")) == _image(
        FirstFrame("normal", metrics, "vi")
    )
