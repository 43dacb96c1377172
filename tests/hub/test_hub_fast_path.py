"""The hub's per-request shortcuts, in-process over real PostgreSQL: station keys kept for a
second (`hub.key_cache`: a revocation made elsewhere still takes effect within that bound) and
the nonce recorded in the acceptance's own transaction (one commit per submission)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.hub import SqlHub, SqlNonceLog
from db.models import DossierRow, RequestNonceRow
from hub.client import dossier_json
from hub.key_cache import StationKeyCache
from hub.serve import build_hub, open_hub
from hub.service import Hub, HubRefusal, RequestView, code_hash
from hub.station_key import request_key_id
from kiosk.dossier import Dossier
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
        sa.event.listen(
            engine, "before_cursor_execute", lambda c, cur, statement, *a: queries.append(statement)
        )
        sa.event.listen(engine, "commit", lambda conn: queries.append("COMMIT"))
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
        {"reason": "Thăm người thân ở Đà Nẵng"}, {"name": "Lê Thị Hồng Nhung", "id_number": "048190003456"},
    )  # fmt: skip
    return dossier, json.dumps(dossier_json(dossier), ensure_ascii=False).encode()


def _submit(hub: Hub, key: Ed25519PrivateKey, dossier: Dossier, body: bytes) -> dict[str, object]:
    view = _signed(key, "/v1/submissions", body, "POST")
    station, verified = hub.authenticate_for_submission(view)
    return hub.submit(view, station, f"hub:{dossier.tracking_code}", dossier, verified)


def _nonces(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(RequestNonceRow)) or 0)
    finally:
        engine.dispose()


def test_a_submission_is_one_commit_with_its_nonce_and_a_replay_stores_nothing(
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
    assert queries.count("COMMIT") == 1, queries
    assert not any("FROM stations" in q for q in queries), "the station's key came from the cache"
    assert _nonces(url) == nonces + 1
    # The same signed request again: refused as a replay in that transaction, nothing stored.
    with pytest.raises(HubRefusal) as replayed:
        hub.submit(view, station, "hub:k4-again", dossier, verified)
    assert (replayed.value.status, replayed.value.reason) == (401, "replay")
    assert hub.audit.newest(1)[0].detail.startswith("replay:")
    # A refused acceptance (the code is another dossier's) rolls its nonce back with it.
    other = dataclasses.replace(dossier, fields={"reason": "Khác"})
    with pytest.raises(HubRefusal, match="conflict"):
        _submit(hub, key, other, json.dumps(dossier_json(other), ensure_ascii=False).encode())
    assert _nonces(url) == nonces + 1
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            held = conn.scalar(
                sa.select(sa.func.count()).where(DossierRow.tracking_code == dossier.tracking_code)
            )
    finally:
        engine.dispose()
    assert held == 1


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
