"""The hub's per-request shortcuts, in-process over real PostgreSQL: station keys kept for a
second (`hub.key_cache`: a revocation made elsewhere still takes effect within that bound) and
the whole acceptance, its nonce with it, as one statement in autocommit (one round trip)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.dossiers import insert_dossier
from db.hub import SqlHub, SqlNonceLog
from db.models import DossierRow, HubSubmissionRow, RequestNonceRow
from hub.client import dossier_json
from hub.key_cache import StationKeyCache
from hub.serve import build_hub, open_hub
from hub.service import Hub, HubRefusal, RequestView, code_hash
from hub.station_key import request_key_id
from kiosk.dossier import Dossier
from kiosk.outbox import seal_dossier
from kiosk.request_signing import CLOCK_SKEW, public_key_text, sign_request
from kiosk.trackcode import new_code
from tests.hub.conftest import new_hub_db


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _enrol(hub: Hub, station_id: str) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    code = hub.new_code(station_id, "Hà Nội", "Xã Tân Lập", f"Công an xã {station_id}")
    slip = public_key_text(Ed25519PrivateKey.generate().public_key())
    hub.store.enrol(code_hash(code), station_id, request_key_id(key.public_key()),
                    public_key_text(key.public_key()), [slip], dt.datetime.now(dt.UTC))  # fmt: skip
    return key


def _signed(key: Ed25519PrivateKey, path: str, body: bytes = b"", method: str = "GET") -> RequestView:
    headers = sign_request(
        method, f"http://hub{path}", body, key_id=request_key_id(key.public_key()), key=key
    )
    return RequestView(method, path, "", list(headers.items()), body, "127.0.0.1")


@pytest.fixture
def parts(pg_server: str, tmp_path: Path) -> tuple[str, Path]:
    url = new_hub_db(pg_server)
    build_hub(url, tmp_path / "keys")  # makes the keys on the empty database
    return url, tmp_path / "keys"


def _hub(url: str, keys: Path, ticks: Ticks, queries: list[str] | None = None) -> Hub:
    opened = open_hub(url, keys)
    engine = opened.engine
    if queries is not None:

        def executed(conn: sa.Connection, cursor: object, statement: str, *_: object) -> None:
            # psycopg sends BEGIN before a statement outside autocommit: a round trip more.
            autocommit = conn.connection.dbapi_connection.autocommit  # type: ignore[union-attr]
            queries.append(statement if autocommit else f"BEGIN; {statement}")

        sa.event.listen(engine, "before_cursor_execute", executed)
        sa.event.listen(engine, "commit", lambda conn: queries.append("COMMIT"))

        def rolled_back(conn: sa.Connection) -> None:
            # In autocommit psycopg sends nothing for it (no transaction open on the server).
            if not conn.connection.dbapi_connection.autocommit:  # type: ignore[union-attr]
                queries.append("ROLLBACK")

        sa.event.listen(engine, "rollback", rolled_back)
    store = SqlHub(engine)
    cache = StationKeyCache(store.station_by_key, 1.0, ticks)
    nonces = SqlNonceLog(engine, 2 * CLOCK_SKEW)
    return Hub(store, nonces, opened.sealer, opened.audit, opened.hub.clock, opened.index, cache)


def test_a_revocation_made_by_another_process_takes_effect_within_the_cache_bound(
    parts: tuple[str, Path],
) -> None:
    url, keys = parts
    ticks = Ticks()
    serving = _hub(url, keys, ticks)
    elsewhere = build_hub(url, keys)  # `kiosk hub revoke` in another process
    key = _enrol(elsewhere, "HN-K1")
    assert serving.authenticate(_signed(key, "/v1/statuses")).station_id == "HN-K1"
    assert elsewhere.revoke("HN-K1")
    ticks.now += 0.9  # within the bound: this process may still take the station's requests
    assert serving.authenticate(_signed(key, "/v1/statuses")).station_id == "HN-K1"
    ticks.now += 0.1  # the bound reached: refused, from now on
    for _ in range(2):
        with pytest.raises(HubRefusal) as refused:
            serving.authenticate(_signed(key, "/v1/statuses"))
        assert (refused.value.status, refused.value.reason) == (403, "revoked")


def test_a_revocation_in_the_same_process_and_a_new_station_take_effect_at_once(
    parts: tuple[str, Path],
) -> None:
    url, keys = parts
    ticks = Ticks()
    serving = _hub(url, keys, ticks)
    key = _enrol(serving, "HN-K2")
    assert serving.authenticate(_signed(key, "/v1/statuses")).station_id == "HN-K2"
    assert serving.revoke("HN-K2")
    with pytest.raises(HubRefusal, match="revoked"):
        serving.authenticate(_signed(key, "/v1/statuses"))
    # An unknown key is never kept: the station enrolled a moment later is known at once.
    late = Ed25519PrivateKey.generate()
    with pytest.raises(HubRefusal, match="unknown_key"):
        serving.authenticate(_signed(late, "/v1/statuses"))
    code = serving.new_code("HN-K3", "Hà Nội", "Xã Tân Lập", "Công an xã Tân Lập")
    serving.store.enrol(code_hash(code), "HN-K3", request_key_id(late.public_key()),
                        public_key_text(late.public_key()), [public_key_text(late.public_key())],
                        dt.datetime.now(dt.UTC))  # fmt: skip
    assert serving.authenticate(_signed(late, "/v1/statuses")).station_id == "HN-K3"


def _submission(station_id: str, code: str | None = None) -> tuple[Dossier, bytes]:
    dossier = Dossier(
        code or new_code(), "khai_bao_tam_vang", 1, station_id, dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC),
        {"reason": "Thăm người thân ở Đà Nẵng"},
        {"full_name": "Lê Thị Hồng Nhung", "id_number": "048190003456"},
    )  # fmt: skip
    return dossier, json.dumps(dossier_json(dossier), ensure_ascii=False).encode()


def _submit(hub: Hub, key: Ed25519PrivateKey, dossier: Dossier, body: bytes) -> dict[str, object]:
    view = _signed(key, "/v1/submissions", body, "POST")
    station, verified = hub.authenticate_for_submission(view)
    return hub.submit(view, station, f"hub:{dossier.tracking_code}", dossier, verified)


@contextlib.contextmanager
def engine_of(url: str) -> Iterator[sa.Connection]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _nonces(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(RequestNonceRow)) or 0)
    finally:
        engine.dispose()


def test_a_submission_is_one_round_trip_with_its_nonce_and_a_replay_stores_nothing(
    parts: tuple[str, Path],
) -> None:
    url, keys = parts
    queries: list[str] = []
    hub = _hub(url, keys, Ticks(), queries)
    key = _enrol(hub, "HN-K4")
    dossier, body = _submission("HN-K4")
    _submit(hub, key, *_submission("HN-K4"))  # the station's key is now in the cache
    queries.clear()
    nonces = _nonces(url)
    view = _signed(key, "/v1/submissions", body, "POST")
    station, verified = hub.authenticate_for_submission(view)
    assert hub.submit(view, station, "hub:k4", dossier, verified)["stored"] == "new"
    # One statement in autocommit: no BEGIN, no COMMIT, no station look-up (the cache).
    assert len(queries) == 1 and queries[0].lstrip().startswith("WITH seen AS"), queries
    assert _nonces(url) == nonces + 1
    with engine_of(url) as conn:  # everything was written by that one statement
        row = conn.execute(
            sa.select(DossierRow.id, DossierRow.name_index).where(
                DossierRow.tracking_code == dossier.tracking_code
            )
        ).one()
        tokens = conn.scalar(
            sa.text("SELECT count(*) FROM dossier_name_tokens WHERE dossier_id = :i"), {"i": row.id}
        )
        pairs = conn.scalar(
            sa.text("SELECT count(*) FROM dossier_name_pairs WHERE dossier_id = :i"), {"i": row.id}
        )
        linked = conn.scalar(
            sa.text("SELECT dossier_id FROM hub_submissions WHERE idempotency_key = 'HN-K4:hub:k4'")
        )
    words = len(set(row.name_index.split()))
    assert (tokens, pairs, linked) == (words, words * (words - 1) // 2, row.id) and words >= 4
    # The same key again with a fresh signature (a retry): one statement, "duplicate", nothing new.
    queries.clear()
    retry = _signed(key, "/v1/submissions", body, "POST")
    station, again = hub.authenticate_for_submission(retry)
    assert hub.submit(retry, station, "hub:k4", dossier, again)["stored"] == "duplicate"
    assert len(queries) == 1, queries
    assert _nonces(url) == nonces + 2 and hub.store.count_dossiers("HN-K4") == 2
    # The same signed request again: refused as a replay, nothing stored.
    with pytest.raises(HubRefusal) as replayed:
        hub.submit(view, station, "hub:k4-again", dossier, verified)
    assert (replayed.value.status, replayed.value.reason) == (401, "replay")
    assert hub.audit.newest(1)[0].detail.startswith("replay:")
    assert _nonces(url) == nonces + 2 and hub.store.count_dossiers("HN-K4") == 2
    # A refused acceptance (the code is another dossier's) rolls its nonce back with it.
    other = dataclasses.replace(dossier, fields={"reason": "Khác"})
    with pytest.raises(HubRefusal, match="conflict"):
        _submit(hub, key, other, json.dumps(dossier_json(other), ensure_ascii=False).encode())
    assert _nonces(url) == nonces + 2
    # The same idempotency key with another body: refused by the one statement, nonce not kept.
    queries.clear()
    other_body = json.dumps(dossier_json(other), ensure_ascii=False).encode()
    view = _signed(key, "/v1/submissions", other_body, "POST")
    station, verified = hub.authenticate_for_submission(view)
    with pytest.raises(HubRefusal, match="conflict"):
        hub.submit(view, station, "hub:k4", other, verified)
    assert len(queries) == 1 and _nonces(url) == nonces + 2, queries
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            held = conn.scalar(
                sa.select(sa.func.count()).where(DossierRow.tracking_code == dossier.tracking_code)
            )
    finally:
        engine.dispose()
    assert held == 1


def test_a_first_attempt_racing_another_is_answered_by_the_fallback_as_a_duplicate(
    parts: tuple[str, Path],
) -> None:
    """Another connection inserts the same dossier under the same key and has not committed:
    the one statement waits on the tracking code, writes only its nonce, and the fallback then
    reads the committed submission: "duplicate", one dossier, the nonce kept once."""
    url, keys = parts
    hub = _hub(url, keys, Ticks())
    key = _enrol(hub, "HN-K6")
    dossier, body = _submission("HN-K6")
    now = dt.datetime.now(dt.UTC)
    sealed = seal_dossier(hub.sealer, dossier, now, None)
    nonces = _nonces(url)
    with engine_of(url) as other, ThreadPoolExecutor(1) as pool:
        first = other.begin()
        other_id = insert_dossier(other, sealed)
        other.execute(
            sa.insert(HubSubmissionRow).values(
                idempotency_key=f"HN-K6:hub:{dossier.tracking_code}",
                station_id="HN-K6",
                dossier_id=other_id,
                body_sha256=hashlib.sha256(body).hexdigest(),
                received_at=now,
            )
        )
        answer = pool.submit(_submit, hub, key, dossier, body)
        with pytest.raises(TimeoutError):
            answer.result(timeout=0.5)  # waiting for the other's tracking code
        first.commit()
        assert answer.result(timeout=30)["stored"] == "duplicate"
    assert hub.store.count_dossiers("HN-K6") == 1
    assert _nonces(url) == nonces + 1


def _paths(route: object) -> list[str]:
    """The paths of a route in the order the app tries them (FastAPI keeps an included router
    as one entry holding its routes)."""
    inner = getattr(route, "original_router", None)
    if inner is not None:
        return [path for r in inner.routes for path in _paths(r)]
    return [str(getattr(route, "path", ""))]


def test_the_station_api_is_matched_before_the_consoles_pages(parts: tuple[str, Path]) -> None:
    from kiosk.app.root import build_hub_app

    url, keys = parts
    app = build_hub_app(url, keys, "Hà Nội", secure_cookies=False)
    paths = [path for route in app.router.routes for path in _paths(route)]
    first_console = min(paths.index(p) for p in ("/login", "/queue", "/province", "/static"))
    for station_path in ("/v1/submissions", "/v1/statuses", "/v1/changes", "/livez"):
        assert paths.index(station_path) < first_console, paths


def test_kiosk_hub_index_rebuild_repairs_the_hubs_name_index(
    parts: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`kiosk hub index-rebuild` on PostgreSQL: a row whose stored index is wrong and a row whose
    token and pair rows are gone are both searchable again; readable rows are all counted."""
    from kiosk.app.cli import main
    from kiosk.blind_index import name_pairs

    url, keys = parts
    hub = _hub(url, keys, Ticks())
    key = _enrol(hub, "HN-K5")
    names = ["Nguyễn Thị Thu Hà", "Trần Đức Thắng", "Phạm Ngọc Ánh"]
    codes = []
    for name in names:
        dossier, _ = _submission("HN-K5")
        dossier = dataclasses.replace(dossier, holder={**dossier.holder, "full_name": name})
        _submit(hub, key, dossier, json.dumps(dossier_json(dossier), ensure_ascii=False).encode())
        codes.append(dossier.tracking_code)
    tokens = sa.table("dossier_name_tokens", sa.column("dossier_id"), sa.column("token"))
    pairs = sa.table("dossier_name_pairs", sa.column("dossier_id"), sa.column("pair"))
    dossiers = DossierRow.__table__

    def rows(code: str) -> tuple[str, set[str], set[str]]:
        with engine.connect() as conn:
            row_id, index = conn.execute(
                sa.select(dossiers.c.id, dossiers.c.name_index).where(dossiers.c.tracking_code == code)
            ).one()
            found = {
                t for (t,) in conn.execute(sa.select(tokens.c.token).where(tokens.c.dossier_id == row_id))
            }
            joined = {p for (p,) in conn.execute(sa.select(pairs.c.pair).where(pairs.c.dossier_id == row_id))}
            return index, found, joined

    engine = sa.create_engine(url)
    try:
        expected = {code: rows(code) for code in codes}
        for index, found, joined in expected.values():  # indexed on accept, with its word pairs
            assert found == set(index.split()) and len(found) >= 3
            assert joined == set(name_pairs(index.split()))
        with engine.begin() as conn:  # damage: a wrong stored index, and rows gone
            conn.execute(
                sa.update(dossiers).where(dossiers.c.tracking_code == codes[0]).values(name_index=" x ")
            )
            gone = conn.scalar(sa.select(dossiers.c.id).where(dossiers.c.tracking_code == codes[1]))
            conn.execute(sa.delete(tokens).where(tokens.c.dossier_id == gone))
            conn.execute(sa.delete(pairs).where(pairs.c.dossier_id == gone))
        assert rows(codes[0])[0] == " x " and not rows(codes[1])[1]
        capsys.readouterr()
        assert main(["hub", "index-rebuild", "--url", url, "--keys", str(keys)]) == 0
        assert capsys.readouterr().out.strip() == "3 dossier(s) indexed"
        assert {code: rows(code) for code in codes} == expected
    finally:
        engine.dispose()
    # A database at another revision or no keys: a message, exit 2, nothing touched.
    assert main(["hub", "index-rebuild", "--url", url, "--keys", str(keys / "nowhere")]) == 2
