"""The name-token table behind the console's toneless search (revision 0008): written with the
dossier, backfilled on upgrade from 0007, deleted with the dossier, and searched by index with
the same results as the stored form " t1 t2 " alone gives."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from db import migrate
from db.desk import SqlDesk, _by_rarity
from db.dossiers import SqlDossierRepository, write_name_rows
from db.engine import make_engine
from db.models import DossierNameTokenRow, DossierRow, OutboxRow
from kiosk import trackcode
from kiosk.blind_index import BlindIndex, joined
from kiosk.dossier import Dossier
from kiosk.outbox import DossierStore
from kiosk.ports.desk import QueueQuery
from kiosk.sealing import KEY_SIZE, Sealer

NOW = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
INDEX = BlindIndex(bytes(range(KEY_SIZE)))
NAMES = ["Nguyễn Thị Hằng", "Trần Văn Đức", "Nguyễn Văn An", "Lê Thị Hằng", "Phạm Minh Châu", "Vàng A Dính"]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kiosk.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def engine(url: str) -> Iterator[sa.Engine]:
    migrate.upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def tokens_of(engine: sa.Engine) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    with engine.connect() as conn:
        for dossier_id, token in conn.execute(
            sa.select(DossierNameTokenRow.dossier_id, DossierNameTokenRow.token)
        ):
            found.setdefault(dossier_id, set()).add(token)
    return found


def row(i: int, name_index: str, **extra: object) -> dict[str, object]:
    return {
        "id": i,
        "tracking_code": f"{i:010d}",
        "service_code": "1.003677",
        "service_version": 1,
        "station_id": "HN-BD-01",
        "status": "received",
        "submitted_at": NOW + dt.timedelta(minutes=i),
        "updated_at": NOW,
        "payload": b"x",
        "name_index": name_index,
        **extra,
    }


def store(engine: sa.Engine) -> DossierStore:
    return DossierStore(SqlDossierRepository(engine, "kiosk-1"), Sealer(os.urandom(KEY_SIZE)), index=INDEX)


def dossier(name: str) -> Dossier:
    return Dossier(trackcode.new_code(), "1.003677", 1, "HN-BD-01", NOW, holder={"full_name": name})


def names(engine: sa.Engine, text: str, **filters: object) -> list[str]:
    query = QueueQuery(name_tokens=tuple(INDEX.query_tokens(text)), **filters)  # type: ignore[arg-type]
    return [r.tracking_code for r in SqlDesk(engine).queue(query)]


def test_a_stored_dossier_has_its_name_tokens(engine: sa.Engine) -> None:
    submitted = dossier("Nguyễn  Thị Hằng Hằng")  # a repeated word is one token
    store(engine).submit(submitted)
    code = submitted.tracking_code
    with engine.connect() as conn:
        row_id = conn.scalar(sa.select(DossierRow.id).where(DossierRow.tracking_code == code))
    assert row_id is not None
    assert tokens_of(engine) == {row_id: set(INDEX.name_tokens("nguyen thi hang"))}
    assert names(engine, "hang nguyen") == [code]


def test_a_dossier_is_never_stored_without_its_tokens(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import db.dossiers

    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(db.dossiers, "write_name_tokens", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        store(engine).submit(dossier("Trần Văn Đức"))
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(DossierRow)) == 0


def test_a_retried_submission_adds_no_second_tokens(engine: sa.Engine) -> None:
    again, kiosk = dossier("Lê Thị Hằng"), store(engine)
    kiosk.submit(again)
    kiosk.submit(again)  # the kiosk retries after a lost answer: same dossier, stored once
    assert [len(t) for t in tokens_of(engine).values()] == [3]


def test_tokens_go_with_their_dossier(engine: sa.Engine) -> None:
    kiosk = store(engine)
    for name in NAMES[:3]:
        kiosk.submit(dossier(name))
    before = tokens_of(engine)
    first = min(before)
    with engine.begin() as conn:  # what retention does (db/retention.py): outbox rows, then the dossier
        conn.execute(sa.delete(OutboxRow).where(OutboxRow.dossier_id == first))
        conn.execute(sa.delete(DossierRow).where(DossierRow.id == first))
    assert tokens_of(engine) == {k: v for k, v in before.items() if k != first}


def test_reindexing_replaces_the_tokens(engine: sa.Engine) -> None:
    store(engine).submit(dossier("Trần Văn Đức"))
    (row_id,) = tokens_of(engine)
    indexed = INDEX.of_holder({"full_name": "Trần Văn Minh"})
    SqlDesk(engine).set_index(row_id, indexed.name_index, indexed.id_index)
    assert tokens_of(engine) == {row_id: set(INDEX.name_tokens("tran van minh"))}
    assert names(engine, "duc") == []
    assert len(names(engine, "minh van")) == 1


def test_upgrade_from_0007_fills_the_tokens_from_the_stored_index(url: str) -> None:
    migrate.upgrade(url, "0007")
    engine = make_engine(url)
    try:
        stored = {
            1: joined(INDEX.name_tokens("Nguyễn Thị Hằng")),
            2: "",  # stored before the index existed: `kiosk index rebuild` indexes it
            3: joined(INDEX.name_tokens("Trần Văn Đức")),
            4: f"  {INDEX.name_tokens('An')[0]}   {INDEX.name_tokens('An')[0]} ",  # odd spacing, a repeat
        }
        with engine.begin() as conn:
            conn.execute(sa.insert(DossierRow), [row(i, s) for i, s in stored.items()])  # 0008 keeps dossiers
        migrate.upgrade(url, "0008")  # the backfill is 0008's: later revisions do not matter here
        assert migrate.current_revision(url) == "0008"
        assert tokens_of(engine) == {i: set(s.split()) for i, s in stored.items() if s}
        migrate.upgrade(url)  # the search of today reads later tables too (word pairs, from these tokens)
        assert names(engine, "nguyen thi hang") == ["0000000001"]
        assert names(engine, "an") == ["0000000004"]
        with engine.begin() as conn:
            conn.execute(sa.insert(DossierRow), [row(5, joined(INDEX.name_tokens("Văn An")))])
        assert names(engine, "an") == ["0000000004"]  # a row added without tokens is not found
    finally:
        engine.dispose()


def test_the_search_gives_what_the_stored_form_alone_gives(engine: sa.Engine) -> None:
    rng = random.Random(10)
    family, middle, given = ["Nguyễn", "Trần", "Lê"], ["Văn", "Thị", ""], ["Hằng", "An", "Đức", "Minh"]
    rows = []
    for i in range(1, 301):
        name = " ".join(w for w in (rng.choice(family), rng.choice(middle), rng.choice(given)) if w)
        rows.append((i, INDEX.name_tokens(name), rng.choice(["received", "done"])))
    with engine.begin() as conn:
        conn.execute(sa.insert(DossierRow), [row(i, joined(t), status=s) for i, t, s in rows])
        write_name_rows(conn, [(i, joined(t)) for i, t, _ in rows])
    for text in ["nguyen", "nguyen thi hang", "hang nguyen", "van minh", "le thi an", "tran duc", "thi van"]:
        wanted = INDEX.query_tokens(text)
        for status, limit, offset in [("", 50, 0), ("done", 50, 0), ("", 7, 3), ("received", 1000, 0)]:
            expected = [
                f"{i:010d}"
                for i, t, s in sorted(rows, reverse=True)
                if set(wanted) <= set(t) and (not status or s == status)
            ][offset : offset + limit]
            assert names(engine, text, status=status, limit=limit, offset=offset) == expected, (text, status)


def test_the_rarest_token_leads(engine: sa.Engine) -> None:
    common, rare = INDEX.name_tokens("nguyen hang")
    with engine.begin() as conn:
        conn.execute(sa.insert(DossierRow), [row(i, joined([common])) for i in range(1, 6)])
        conn.execute(
            sa.insert(DossierNameTokenRow), [{"dossier_id": i, "token": common} for i in range(1, 6)]
        )
        conn.execute(sa.insert(DossierNameTokenRow), [{"dossier_id": 1, "token": rare}])
        column = DossierNameTokenRow.__table__.c.token
        assert _by_rarity(conn, column, [common, rare]) == [(1, rare), (5, common)]
        assert _by_rarity(conn, column, [rare, common]) == [(1, rare), (5, common)]


def test_sqlite_searches_by_the_token_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    query = QueueQuery(name_tokens=tuple(INDEX.query_tokens("nguyen")))
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    SqlDesk(engine).queue(query)
    search = statements[-1]
    with engine.connect() as conn:
        plan = " ".join(
            str(r)
            for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {search}", tuple(["x"] * search.count("?")))
        )
    engine.dispose()
    assert "ix_dossier_name_tokens_token" in plan
    assert "SCAN dossiers" not in plan and "TEMP B-TREE" not in plan


def test_retention_purge_takes_the_tokens_with_the_dossiers(tmp_path: Path) -> None:
    from kiosk.app.root import make_retention, purge_old
    from tests.core.test_retention import NOW as PURGE_AT
    from tests.core.test_retention import OLD, YOUNG, config_for, submit

    config = config_for(tmp_path)
    old, young = submit(config, OLD), submit(config, YOUNG)
    engine = make_engine(config.database_url)
    with engine.connect() as conn:
        ids: dict[str, int] = {
            code: i for code, i in conn.execute(sa.select(DossierRow.tracking_code, DossierRow.id))
        }
    assert set(tokens_of(engine)) == {ids[old], ids[young]}
    assert purge_old(config, make_retention(config), lambda: PURGE_AT).dossiers == 1
    assert set(tokens_of(engine)) == {ids[young]}
    engine.dispose()
