"""Keeps PySide6 from reading the source of every module imported after it.

shiboken6 replaces `__import__`. For each Python module imported once PySide6 is loaded it asks
whether the module uses PySide6 (to set the default of its `__feature__` switches, PYSIDE-2029)
by reading the module's whole source with `inspect.getsource`, and `linecache` then keeps every
line for the life of the process: 24 MB in the kiosk (~250,000 lines of SQLAlchemy, cryptography,
reportlab, our own code…), read from disk at each import. The kiosk selects no `__feature__`, so
the same question is answered from the module's globals, which import time has already built.
"""

from __future__ import annotations

import linecache
import logging
import sys
from types import ModuleType

log = logging.getLogger(__name__)


def uses_pyside(module: ModuleType) -> bool:
    """True if a global of `module` is PySide6, or comes from it (a Qt class, a Qt module)."""
    for value in list(vars(module).values()):
        origin = getattr(value, "__module__", None)
        if not isinstance(origin, str):
            origin = getattr(value, "__name__", None) if isinstance(value, ModuleType) else None
        if isinstance(origin, str) and origin.startswith("PySide6"):
            return True
    return False


def spare_sources() -> bool:
    """Install `uses_pyside` in shiboken's import hook; False if this PySide6 has no such hook."""
    import PySide6.QtCore  # noqa: F401  (loads shiboken and its import hook)

    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        log.debug("PySide6 has no source-reading import hook to replace")
        return False
    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010  (a module without stubs)
    linecache.clearcache()  # what it read before this ran
    return True
