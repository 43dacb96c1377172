"""The audit log: every officer action, append-only, as a hash chain keyed with the station's
audit key, so that rewriting history needs the key.

Each row's link is HMAC-SHA256(audit key, previous link ‖ canonical content), the content being
the row's number, time, actor, action and detail as canonical JSON (NFC text, sorted keys, UTC
time to the microsecond). Verification recomputes every link: a changed row fails its own link,
an inserted one too (it was not made with the key), a deleted one leaves a gap in the numbers and
breaks the next link. Cutting the newest rows leaves a valid shorter chain: the chain head
(`ChainHead.short`, the newest row's number and link prefix) goes on the daily report, and
`verify(expected=...)` checks it is still there.

A report download checks the chain too (its head is printed on it). Recomputing every link is
~39 s at 1,000,000 rows (bench/README_console.md), so `verify_for_report` starts from a stored
checkpoint instead: the newest row a verification found sound, its link, and a SHA-256 digest of
every stored row up to it (all columns, as the database holds them), the three sealed together by
an HMAC with the audit key. It then reads every row up to the checkpoint once more, only hashing
them (no link recomputed), and recomputes the links of the rows after it. What that checks:

- the checkpoint itself: its HMAC (a forged or edited checkpoint needs the key; one that fails is
  ignored and the whole chain is verified);
- every row up to the checkpoint, unchanged since it was made: any byte of any column changed, a
  row deleted or inserted changes the digest (or the row count), and then the whole chain is
  verified link by link, which names the rows (the digest only says "something changed");
- every row after it: as `verify` does (links, gaps), from the checkpoint's link;
- an `expected` head: as `verify` does, before or after the checkpoint.

So it detects whatever `verify` detects; a row changed *with* the key (its link recomputed) and
the checkpoint made anew after it also pass `verify`. A sound check moves the checkpoint to the
head it found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

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


_CHECKPOINT_CONTEXT = b"kiosk-audit-checkpoint-v1\n"
_ROWS_CONTEXT = b"kiosk-audit-rows-v1\n"


@dataclass(frozen=True)
class Checkpoint:
    """A row up to which the chain was found sound, with the digest of every row up to it."""

    seq: int
    link: str
    digest: str  # hex SHA-256 of the stored rows 1..seq (`_rows_digest`)
    mac: str  # HMAC-SHA256 with the audit key over the three

    def text(self) -> str:
        return json.dumps({"seq": self.seq, "link": self.link, "digest": self.digest, "mac": self.mac})

    @classmethod
    def parse(cls, text: str) -> Checkpoint | None:
        try:
            data = json.loads(text)
            return cls(int(data["seq"]), str(data["link"]), str(data["digest"]), str(data["mac"]))
        except (ValueError, KeyError, TypeError):
            return None


def _checkpoint_mac(key: bytes, seq: int, link: str, digest: str) -> str:
    message = _CHECKPOINT_CONTEXT + f"{seq}\n{link}\n{digest}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _rows_digest() -> Any:
    return hashlib.sha256(_ROWS_CONTEXT)


def _digest_row(digest: Any, row: tuple[object, ...]) -> None:
    # repr: an unambiguous text of each column (a detail cannot take bytes from its neighbour).
    digest.update(repr(row).encode())
    digest.update(b"\n")


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

    def _all(self, after: int = 0) -> Iterator[AuditRecord]:
        while True:
            page = self._repository.records(after, PAGE)
            yield from page
            if len(page) < PAGE:
                return
            after = page[-1].seq

    def verify(self, expected: str | None = None) -> Verification:
        """Recompute every link. `expected`: a chain head from an earlier report, which must still
        be in the chain (rows cut after it show here)."""
        return self._verify_after(0, None, expected, [])

    def verify_for_report(self, expected: str | None = None) -> Verification:
        """What `verify` finds, from the stored checkpoint (see the module: what is checked), and
        the checkpoint moved to the head when the chain is sound."""
        want = parse_head(expected) if expected else None
        stored = self._repository.checkpoint()
        found = Checkpoint.parse(stored) if stored else None
        if found is None or not hmac.compare_digest(
            _checkpoint_mac(self._key, found.seq, found.link, found.digest), found.mac
        ):
            return self._verified_whole(expected)  # none yet, or not made with this key: ignored
        digest, rows, problems = _rows_digest(), 0, []
        for batch in self._repository.stored_rows(0, found.seq):
            for row in batch:
                _digest_row(digest, row)
                rows += 1
                if want is not None and row[0] == want[0] and not str(row[-1]).startswith(want[1]):
                    problems.append(
                        f"row {want[0]} is not the row of chain head {expected}: history rewritten"
                    )
        if rows != found.seq or digest.hexdigest() != found.digest:
            return self._verified_whole(expected)  # something before it changed: the links say what
        result = self._verify_after(found.seq, found.link, expected, problems)
        if result.ok and result.head.seq > found.seq:
            for batch in self._repository.stored_rows(found.seq, result.head.seq):
                for row in batch:
                    _digest_row(digest, row)
            self._save_checkpoint(result.head, digest.hexdigest())
        return replace(result, rows=found.seq + result.rows)

    def _verified_whole(self, expected: str | None) -> Verification:
        result = self.verify(expected)
        if result.ok and result.head.seq:
            digest = _rows_digest()
            for batch in self._repository.stored_rows(0, result.head.seq):
                for row in batch:
                    _digest_row(digest, row)
            self._save_checkpoint(result.head, digest.hexdigest())
        return result

    def _save_checkpoint(self, head: ChainHead, digest: str) -> None:
        mac = _checkpoint_mac(self._key, head.seq, head.link, digest)
        self._repository.save_checkpoint(Checkpoint(head.seq, head.link, digest, mac).text())

    def _verify_after(
        self, after: int, link: str | None, expected: str | None, problems: list[str]
    ) -> Verification:
        """The links of the rows after row `after` (whose link is `link`), as `verify` checks them."""
        want = parse_head(expected) if expected else None
        problems = list(problems)
        previous: str | None = link
        last = after
        rows = 0
        for row in self._all(after):
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
