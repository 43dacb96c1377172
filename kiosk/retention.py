"""Retention: personal data is kept `retention.days`, then purged; anonymous counts stay.

`kiosk purge` and the worker's daily "purge" task remove dossiers, their outbox rows and print
jobs older than the period (the repository keeps a count per day, service and status first), and
the receipt PDFs of the pdf backend. A dossier that has not been delivered is never purged: its
outbox row would have nothing to send.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.ports.storage import RetentionRepository

PURGE_EVERY_S = 24 * 3600.0
PART_FILE_AGE_S = 60.0  # a receipt being written takes milliseconds; older .part files are debris


@dataclass(frozen=True)
class PurgeReport:
    cutoff: dt.datetime
    dossiers: int = 0
    print_jobs: int = 0
    files: int = 0
    kept_unsent: int = 0

    @property
    def idle(self) -> bool:
        return not (self.dossiers or self.print_jobs or self.files)

    def __str__(self) -> str:
        kept = f"; {self.kept_unsent} older dossier(s) kept: not delivered yet" if self.kept_unsent else ""
        return (
            f"purged before {self.cutoff:%Y-%m-%d %H:%M}: {self.dossiers} dossier(s), "
            f"{self.print_jobs} print job(s), {self.files} receipt file(s){kept}"
        )


def local_day(moment: dt.datetime) -> str:
    """The station's calendar day of a stored (UTC) moment: statistics are per local day."""
    return moment.astimezone().date().isoformat()


def purge(
    repository: RetentionRepository, receipts_dir: Path | None, now: dt.datetime, days: int
) -> PurgeReport:
    cutoff = now - dt.timedelta(days=days)
    rows = repository.purge_before(cutoff, local_day)
    files = purge_receipt_files(receipts_dir, cutoff) if receipts_dir is not None else 0
    return PurgeReport(cutoff, rows.dossiers, rows.print_jobs, files, rows.kept_unsent)


def purge_receipt_files(folder: Path, cutoff: dt.datetime) -> int:
    """Remove receipt PDFs written before `cutoff` (by their modification time)."""
    if not folder.is_dir():
        return 0
    limit = cutoff.timestamp()
    removed = 0
    for path in folder.glob("*.pdf"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # an officer or another purge removed it meanwhile
            continue
    return removed + remove_partial_receipts(folder)


def remove_partial_receipts(folder: Path, older_than_s: float = PART_FILE_AGE_S) -> int:
    """Remove ``.receipt-*.part`` files a crash left behind (they may hold a citizen's name)."""
    if not folder.is_dir():
        return 0
    limit = time.time() - older_than_s
    removed = 0
    for path in folder.glob(".receipt-*.part"):
        try:
            if os.stat(path).st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
