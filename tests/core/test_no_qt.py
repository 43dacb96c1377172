"""The core, devices and database must work without Qt: import every module with PySide6 blocked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import importlib, importlib.abc, pkgutil, sys

class BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
            raise ImportError(f"Qt is not allowed here: {name}")
        return None

sys.meta_path.insert(0, BlockQt())
import kiosk, devices, db
count = 0
for package in (kiosk, devices, db):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations.versions" in info.name or info.name.endswith("migrations.env"):
            continue  # Alembic scripts run inside Alembic, not on import
        importlib.import_module(info.name)
        count += 1
assert not any(m.startswith("PySide6") for m in sys.modules)
print(count)
"""


def test_core_imports_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 20  # really walked the packages


def test_blocker_really_blocks() -> None:
    probe = SCRIPT.replace("import kiosk, devices, db", "import PySide6")
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "Qt is not allowed here" in result.stderr
