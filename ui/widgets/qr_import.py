"""qrcode without Pillow in the kiosk's UI process.

The qrcode package imports Pillow's module drawers when it is imported, "for backwards
compatibility", inside a `try … except ImportError`. The screen's QR is drawn by Qt from qrcode's
matrix (`ui.widgets.payment_panel`) and needs none of Pillow, which is ~5 MB of the idle UI
process (issue 8); the chip's face, the one other use of Pillow, is converted in the card service
(`kiosk.app.card_service`). So Pillow is refused to qrcode's import, on the importing thread only,
for as long as it lasts; a module that imports Pillow later (or already has) gets it as usual.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType


class _NoPillow(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if threading.get_ident() == self.thread and (fullname == "PIL" or fullname.startswith("PIL.")):
            raise ModuleNotFoundError(f"not for qrcode's matrix: {fullname}", name=fullname)
        return None


def import_qrcode() -> ModuleType:
    """The `qrcode` package, its constants loaded, without loading Pillow for it."""
    refuse = _NoPillow()
    sys.meta_path.insert(0, refuse)
    try:
        import qrcode
        import qrcode.constants
    finally:
        sys.meta_path.remove(refuse)
    return qrcode
