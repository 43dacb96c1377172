"""Backups of the station database: a consistent copy in a folder or on a USB disk, and restore.

The copy itself is the storage's (`db.backup`: SQLite's online backup API, which copies what is
committed, the WAL included, while the kiosk keeps working). Here: names, how many are kept, and
the keys, which are never copied unless asked (`with_keys`): a backup on a USB disk that carries
its own key protects nothing. Keys asked for go to a folder of their own beside the copy,
``<backup>.keys/``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.keyfile import KeyProblem, read_key, sync_folder

BACKUP_EVERY_S = 3600.0  # the worker looks hourly; a backup is taken when the newest is a day old
BACKUP_AGE_S = 23 * 3600.0
_NAME = re.compile(r"kiosk-\d{8}-\d{6}(-\d+)?\.sqlite3")
KEYS_SUFFIX = ".keys"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (one line)."""


@dataclass(frozen=True)
class BackupReport:
    path: Path | None  # None: no backup was due
    size: int = 0
    keys: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = field(default=())

    @property
    def idle(self) -> bool:
        return self.path is None

    def __str__(self) -> str:
        if self.path is None:
            return "no backup due"
        keys = (
            f", {len(self.keys)} key file(s) in {self.path.name}{KEYS_SUFFIX}" if self.keys else ", no keys"
        )
        old = f", {len(self.removed)} old backup(s) removed" if self.removed else ""
        return f"backup {self.path} ({self.size} bytes{keys}){old}"


def backups(folder: Path) -> list[Path]:
    """This station's backups in `folder`, oldest first (names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _NAME.fullmatch(p.name) and p.is_file())


def backup_due(folder: Path, now: dt.datetime, min_age_s: float = BACKUP_AGE_S) -> bool:
    newest = backups(folder)[-1:] or None
    if newest is None:
        return True
    return now.timestamp() - newest[0].stat().st_mtime >= min_age_s


def take_backup(
    copy: Callable[[Path], None],
    folder: Path,
    now: dt.datetime,
    *,
    keep: int,
    key_files: Sequence[Path] = (),
    make_folder: bool = True,
) -> BackupReport:
    """`copy(path)` writes the database to `path` whole or not at all; then the keys if any are
    given, then the oldest backups beyond `keep` are removed (with their key folders). Without
    `make_folder` a missing folder is an error: the nightly backup must not fill the system disk
    under the mount point of a USB disk that is not plugged in."""
    if not make_folder and not folder.is_dir():
        raise BackupError(f"backup folder {folder} is not there (USB disk unplugged?)")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise BackupError(f"backup folder {folder}: {exc.strerror or exc}") from None
    stamp = now.strftime("%Y%m%d-%H%M%S")
    path = folder / f"kiosk-{stamp}.sqlite3"
    counter = 1
    while path.exists() or path.with_name(path.name + KEYS_SUFFIX).exists():
        counter += 1
        path = folder / f"kiosk-{stamp}-{counter}.sqlite3"
    copy(path)
    keys = _copy_keys(key_files, path.with_name(path.name + KEYS_SUFFIX)) if key_files else ()
    removed = []
    for old in backups(folder)[:-keep]:
        old.unlink()
        shutil.rmtree(old.with_name(old.name + KEYS_SUFFIX), ignore_errors=True)
        removed.append(old)
    return BackupReport(path, path.stat().st_size, keys, tuple(removed))


def _copy_keys(files: Sequence[Path], target: Path) -> tuple[Path, ...]:
    target.mkdir(mode=0o700)
    copied = []
    for source in files:
        data = source.read_bytes()
        dest = target / source.name
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        copied.append(dest)
    sync_folder(target)
    return tuple(copied)


def restore_keys(backup: Path, destinations: dict[str, Path], size: int) -> list[Path]:
    """Put the keys saved beside `backup` back where the configuration wants them (file name ->
    destination). A key already in place is kept if equal and refused if different: restoring
    never replaces a key."""
    folder = backup.with_name(backup.name + KEYS_SUFFIX)
    if not folder.is_dir():
        raise BackupError(f"{backup} was taken without keys (no {folder.name} beside it)")
    restored = []
    for source in sorted(folder.iterdir()):
        base = source.name.split(".retired", 1)[0]
        if base not in destinations:
            continue
        dest = destinations[base].with_name(source.name)
        key = source.read_bytes()
        if len(key) != size:
            raise BackupError(f"{source} holds {len(key)} bytes, expected {size}")
        try:
            present = read_key(dest, size)
        except ValueError as exc:
            raise KeyProblem(f"{dest}: {exc}") from None
        if present is not None:
            if present != key:
                raise BackupError(
                    f"{dest} holds another key than {source}: left as it is; move it away first"
                )
            continue
        dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
        restored.append(dest)
    return restored
