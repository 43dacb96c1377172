"""The station's own service files (`catalog.dir`), edited by the station head from the console.

A file is saved only when the whole catalog, the station's files with this one in place, passes
the same check as `kiosk catalog check` (`kiosk.catalog.check_catalog`): a station never holds a
service file its kiosk would refuse at the next start. The check runs on a copy of the folder;
the file then replaces the old one atomically (written beside it, synced, renamed). Every save,
and every refused one, is written to the audit log with the file's name and a hash of its text.
The kiosk reads the folder when it starts: a change shows after its next restart.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kiosk.audit import AuditLog
from kiosk.catalog import check_catalog
from kiosk.officers import Actor
from kiosk.permissions import Action, NotAllowed, may

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,60}\.toml")
MAX_BYTES = 256 * 1024  # the largest bundled service file is ~20 KB


class OverlayProblem(Exception):
    """The file was not saved; `problems` says why, one line each (as `kiosk catalog check`)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Saved:
    name: str
    replaces: str  # the bundled service file it replaces ("" when it adds a service)


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.fullmatch(name):
        raise OverlayProblem(
            [f"file name {name!r}: lower-case letters, digits, '_' or '-', ending in .toml (no folders)"]
        )
    return name


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class CatalogOverlay:
    def __init__(self, folder: Path, audit: AuditLog, bundled: Path | None = None) -> None:
        self.folder = folder
        self._audit = audit
        self._bundled = bundled  # None: the package's services (tests may point elsewhere)

    def _allow(self, by: Actor, detail: str) -> None:
        if by.role is not None and not may(by.role, Action.EDIT_SETTINGS):
            self._audit.record(by.label, "refused", f"{Action.EDIT_SETTINGS.value} catalog {detail}")
            raise NotAllowed(by.role, Action.EDIT_SETTINGS)

    def files(self) -> list[str]:
        return sorted(p.name for p in self.folder.glob("*.toml") if p.is_file())

    def read(self, name: str) -> str:
        path = self.folder / check_name(name)
        if not path.is_file():
            raise OverlayProblem([f"{name}: no such file in {self.folder}"])
        return path.read_text("utf-8")

    def save(self, by: Actor, name: str, text: str) -> Saved:
        """Check the catalog with `text` as `name`, then write it; `OverlayProblem` otherwise."""
        name = check_name(name)
        self._allow(by, name)
        text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
        if len(text.encode()) > MAX_BYTES:
            raise OverlayProblem([f"{name}: larger than {MAX_BYTES // 1024} KB: not a service file"])
        problems, replaces = self._check(name, text)
        if problems:
            detail = f"{name} {_digest(text)}: {len(problems)} problem(s)"
            self._audit.record(by.label, "catalog_refused", detail)
            raise OverlayProblem(problems)
        self._write(name, text)
        detail = f"{name} {_digest(text)}" + (f" replaces {replaces}" if replaces else "")
        self._audit.record(by.label, "catalog_save", detail)
        return Saved(name, replaces)

    def _check(self, name: str, text: str) -> tuple[list[str], str]:
        with tempfile.TemporaryDirectory(prefix="catalog-check-") as scratch:
            trial = Path(scratch)
            for existing in self.folder.glob("*.toml"):
                if existing.is_file() and existing.name != name:
                    shutil.copyfile(existing, trial / existing.name)
            (trial / name).write_text(text, "utf-8")
            catalog, problems = check_catalog(self._bundled, overlay=trial)
            # The problems name the scratch copy: say the station's folder instead.
            shown = [p.replace(str(trial), str(self.folder)) for p in problems]
            where = str(trial / name)
            codes = [code for code, origin in catalog.origins.items() if origin == where]
            replaces = next((catalog.replaced[c] for c in codes if c in catalog.replaced), "")
        return shown, replaces

    def _write(self, name: str, text: str) -> None:
        target = self.folder / name
        fd, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        folder = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself survives a power cut
        finally:
            os.close(folder)
