"""Build the hub over its database and run it under uvicorn.

The hub never migrates its database at start-up (several hub processes, one migrator:
`kiosk hub migrate`); a database at another revision stops it with a message saying so. Its keys
(data key sealing what stations send, audit key chaining refusals and enrolments, index key of
the name search) live in its own folder and follow the station's rules (`kiosk.keys`): made on
an empty database only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from db.audit import SqlAuditLog
from db.engine import make_engine, redacted_url
from db.hub import SqlHub, SqlNonceLog
from db.keys import SqlKeyLedger
from db.schema import SCHEMA_REVISION, schema_revision
from hub.key_cache import KEY_CACHE_SECONDS, StationKeyCache
from hub.service import Hub
from kiosk.audit import AuditLog
from kiosk.blind_index import BlindIndex
from kiosk.keys import open_audit_key, open_index_key, open_sealer
from kiosk.ports.clock import Clock
from kiosk.request_signing import CLOCK_SKEW
from kiosk.sealing import Sealer

if TYPE_CHECKING:
    from fastapi import FastAPI


class HubError(Exception):
    """The hub cannot start; the message says why and what to do."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class HubParts:
    """What the hub's station API and its console share: one engine, keys and audit chain."""

    engine: Engine
    ledger: SqlKeyLedger
    sealer: Sealer
    audit: AuditLog
    index: BlindIndex  # the search tokens of dossiers' names, written on accept
    hub: Hub


# PostgreSQL connections a hub process keeps open: its submissions' threads (`hub.api.
# SUBMIT_THREADS`) and a few for the other routes; beyond that, short-lived extra ones.
# docs/hub-sizing.md: max_connections must cover the processes × (POOL_SIZE + POOL_OVERFLOW).
POOL_SIZE = 24
POOL_OVERFLOW = 16


def build_hub(url: str, keys_dir: Path, clock: Clock = _utcnow) -> Hub:
    return open_hub(url, keys_dir, clock).hub


def open_hub(
    url: str, keys_dir: Path, clock: Clock = _utcnow, *, key_cache_seconds: float = KEY_CACHE_SECONDS
) -> HubParts:
    engine = make_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    found = schema_revision(engine)
    if found != SCHEMA_REVISION:
        engine.dispose()
        raise HubError(
            f"the hub database {redacted_url(url)} is at revision {found or 'none'}, this build needs "
            f"{SCHEMA_REVISION}: run `kiosk hub migrate --url URL` first (the hub never migrates by itself)"
        )
    ledger = SqlKeyLedger(engine)
    sealer = open_sealer(keys_dir / "data.key", ledger)
    audit = AuditLog(SqlAuditLog(engine), open_audit_key(keys_dir / "audit.key", ledger), clock)
    index = BlindIndex(open_index_key(keys_dir / "index.key", ledger))
    store = SqlHub(engine)
    keys = StationKeyCache(store.station_by_key, key_cache_seconds)
    hub = Hub(store, SqlNonceLog(engine, 2 * CLOCK_SKEW), sealer, audit, clock, index, keys)
    return HubParts(engine, ledger, sealer, audit, index, hub)


def parse_listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise HubError(f"--listen must be HOST:PORT (e.g. 127.0.0.1:8080), got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


# uvicorn's event loop and HTTP parser: uvloop + httptools (C, libuv and llhttp) by default;
# asyncio + h11 (pure Python) for a machine without them, or to compare (bench/README_hub.md).
HTTP_STACKS = {"fast": ("uvloop", "httptools"), "plain": ("asyncio", "h11")}


def serve(app: FastAPI, listen: str, http_stack: str = "fast") -> None:
    """Run `app` (the station API and the province console, `kiosk.app.root.build_hub_app`)."""
    import uvicorn

    host, port = parse_listen(listen)
    loop, http = HTTP_STACKS[http_stack]
    # Behind the TLS proxy on the same machine: trust its X-Forwarded-For from loopback only.
    uvicorn.run(
        app, host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1", loop=loop, http=http
    )
