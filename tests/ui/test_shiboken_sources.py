"""Modules imported after PySide6 are not read into `linecache` (24 MB in the kiosk: issue 8)."""

from __future__ import annotations

import subprocess
import sys
import types

from ui.shiboken_sources import uses_pyside

IMPORTS = """
import linecache, sys
import PySide6.QtWidgets
import ui  # every kiosk process imports it with its first Qt code
import sqlalchemy.orm, kiosk.catalog, kiosk.app.root
held = [name for name in linecache.cache if name.endswith(".py")]  # not SQLAlchemy's own entries
print(len(held))
"""


def test_modules_imported_after_qt_are_not_kept_as_source() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "0", done.stderr


def test_a_module_is_still_told_apart_by_whether_it_uses_pyside() -> None:
    from PySide6.QtWidgets import QLabel

    qt_user = types.ModuleType("qt_user")
    qt_user.QLabel = QLabel  # type: ignore[attr-defined]
    plain = types.ModuleType("plain")
    plain.Path = types.SimpleNamespace  # type: ignore[attr-defined]
    assert uses_pyside(qt_user)
    assert not uses_pyside(plain)
