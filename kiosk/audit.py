"""The audit log: every officer action, append-only, as a hash chain keyed with the station's
audit key, so that rewriting history needs the key.

Each row's link is HMAC-SHA256(audit key, previous link ‖ canonical content), the content being
the row's number, time, actor, action and detail as canonical JSON (NFC text, sorted keys, UTC
time to the microsecond). Verification recomputes every link: a changed row fails its own link,
an inserted one too (it was not made with the key), a deleted one leaves a gap in the numbers and
breaks the next link. Cutting the newest rows leaves a valid shorter chain: the chain head
(`ChainHead.short`, the newest row's number and link prefix) goes on the daily report, and
`verify(expected=...)` checks it is still there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from kiosk.ports.clock import Clock
from kiosk.ports.officers import AuditEntry, AuditRecord, AuditRepository

KEY_SIZE = 32
GENESIS = "kiosk-audit-v1"  # the "previous link" of row 1
HEAD_HEX = 16  # link prefix in a chain head: 64 bits, enough that a forged head needs the key
PAGE = 1000  # rows per read while verifying

# The rule for durability. An officer's ACTION (a status change, a payment, an export of a report,
# officer management, a login, a refusal…) is written with its own fsync before the officer is
# answered, as a submission is. A READ of personal data or of the log (these actions) is on disk
# before the reader sees what was read too, but its fsync may be shared with the other reads of
# the moment (group commit, `db/group_sync.py`): no read goes unrecorded, and no read waits for
# the disk while holding the station database's write lock.
READS = frozenset({"search", "view_dossier", "view_photo", "export_dossier", "audit_view"})
MAX_LABEL = 64  # actor and action (`audit_log` columns)


class AuditProblem(Exception):
    """Bad audit input (an empty actor or action); nothing was written."""


def audit_key_id(key: bytes) -> str:
    """Short public id of an audit key, as recorded in the database (`kiosk.keys`)."""
    return hashlib.sha256(b"kiosk-audit-key-id\x00" + key).hexdigest()[:16]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def canonical(seq: int, entry: AuditEntry) -> bytes:
    at = entry.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content = {"seq": seq, "at": at, "actor": entry.actor, "action": entry.action, "detail": entry.detail}
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_link(key: bytes, previous: str | None, seq: int, entry: AuditEntry) -> str:
    mac = hmac.new(key, (previous or GENESIS).encode() + b"\n" + canonical(seq, entry), hashlib.sha256)
    return mac.hexdigest()


@dataclass(frozen=True)
class ChainHead:
    seq: int  # rows in the chain (0: empty)
    link: str

    @property
    def short(self) -> str:
        """For the daily report: "#1234-9f3a1c2b77d0e5aa"."""
        return f"#{self.seq}-{self.link[:HEAD_HEX]}"


_HEAD = re.compile(rf"#?(\d+)-([0-9a-f]{{{HEAD_HEX}}})")


def parse_head(text: str) -> tuple[int, str]:
    found = _HEAD.fullmatch(text.strip().lower())
    if found is None:
        raise AuditProblem(f"{text!r} is not a chain head: expected '#<row>-<{HEAD_HEX} hex digits>'")
    return int(found.group(1)), found.group(2)


@dataclass(frozen=True)
class Verification:
    rows: int
    head: ChainHead
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class AuditLog:
    """Writes and verifies the station's audit chain. `record` is how every officer action,
    refused ones included, reaches the log."""

    def __init__(self, repository: AuditRepository, key: bytes, clock: Clock) -> None:
        if len(key) != KEY_SIZE:
            raise ValueError(f"audit key must be {KEY_SIZE} bytes, got {len(key)}")
        self._repository = repository
        self._key = key
        self._clock = clock

    def record(self, actor: str, action: str, detail: str = "") -> AuditRecord:
        entry = AuditEntry(
            self._clock().astimezone(dt.UTC), _nfc(actor).strip(), action.strip(), _nfc(detail)
        )
        if not entry.actor or not entry.action:
            raise AuditProblem("an audit row needs an actor and an action")
        if len(entry.actor) > MAX_LABEL or len(entry.action) > MAX_LABEL:
            raise AuditProblem(f"an audit row's actor and action are at most {MAX_LABEL} characters")
        return self._repository.append(
            entry, lambda seq, prev: compute_link(self._key, prev, seq, entry), grouped=entry.action in READS
        )

    def newest(self, limit: int) -> list[AuditRecord]:
        return self._repository.newest(limit)

    def _all(self) -> Iterator[AuditRecord]:
        after = 0
        while True:
            page = self._repository.records(after, PAGE)
            yield from page
            if len(page) < PAGE:
                return
            after = page[-1].seq

    def verify(self, expected: str | None = None) -> Verification:
        """Recompute every link. `expected`: a chain head from an earlier report, which must still
        be in the chain (rows cut after it show here)."""
        want = parse_head(expected) if expected else None
        problems: list[str] = []
        previous: str | None = None
        last = 0
        rows = 0
        for row in self._all():
            rows += 1
            gap = row.seq != last + 1
            if gap:
                missing = f"row {last + 1}" if row.seq == last + 2 else f"rows {last + 1}–{row.seq - 1}"
                problems.append(f"{missing} missing (deleted)")
            entry = AuditEntry(row.at, row.actor, row.action, row.detail)
            # After a gap the link breaks anyway: the gap said why.
            if not gap and not hmac.compare_digest(
                compute_link(self._key, previous, row.seq, entry), row.link
            ):
                problems.append(
                    f"row {row.seq} ({row.action} by {row.actor}) does not match its link: changed, "
                    "inserted, or the row before it changed"
                )
            if want is not None and row.seq == want[0] and not row.link.startswith(want[1]):
                problems.append(f"row {row.seq} is not the row of chain head {expected}: history rewritten")
            previous = row.link
            last = row.seq
        if want is not None and last < want[0]:
            problems.append(
                f"the chain ends at row {last}, but head {expected} was reported: newest rows cut"
            )
        return Verification(rows, ChainHead(last, previous or ""), problems)

    def head(self) -> ChainHead:
        newest = self._repository.newest(1)
        return ChainHead(newest[0].seq, newest[0].link) if newest else ChainHead(0, "")
