"""The pair rows behind a search of two or more words (revision 0012_name_pairs): written with the
dossier's tokens, backfilled in SQL on upgrade from 0008, the same answers as the stored form
" t1 t2 " alone gives (toneless, any order of the words), and searched by the pair index."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from db import migrate
from db.desk import SqlDesk
from db.dossiers import write_name_rows
from db.engine import make_engine
from db.models import DossierNamePairRow, DossierNameTokenRow, DossierRow
from db.schema import SCHEMA_REVISION
from kiosk.blind_index import joined, name_pairs, pair, words
from kiosk.ports.desk import QueueQuery
from tests.core.test_name_tokens import INDEX, dossier, names, row, store, tokens_of

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", ""]
GIVEN = ["Hằng", "An", "Đức", "Minh", "Thu Hà", "Bảo Yến"]


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


def pairs_of(engine: sa.Engine) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    with engine.connect() as conn:
        for dossier_id, value in conn.execute(
            sa.select(DossierNamePairRow.dossier_id, DossierNamePairRow.pair)
        ):
            found.setdefault(dossier_id, set()).add(value)
    return found


def random_names(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(w for w in (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)) if w)
        for _ in range(count)
    ]


def seed(engine: sa.Engine, people: list[str]) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(DossierRow),
            [
                row(i, joined(INDEX.name_tokens(n)), status="done" if i % 3 else "received")
                for i, n in enumerate(people, 1)
            ],
        )
        write_name_rows(conn, [(i, joined(INDEX.name_tokens(n))) for i, n in enumerate(people, 1)])


def test_pairs_do_not_depend_on_the_order_of_words() -> None:
    a, b, c = INDEX.name_tokens("nguyen thi hang")
    assert pair(a, b) == pair(b, a) and len(pair(a, b)) == 32
    assert set(name_pairs([a, b, c])) == set(name_pairs([c, a, b, a])) == {pair(a, b), pair(a, c), pair(b, c)}
    assert name_pairs([a]) == [] and len(name_pairs(INDEX.name_tokens("a b c d"))) == 6


def test_a_stored_dossier_has_its_pairs(engine: sa.Engine) -> None:
    submitted = dossier("Nguyễn  Thị Hằng Hằng")  # a repeated word is one token, so 3 pairs
    store(engine).submit(submitted)
    ((row_id, tokens),) = tokens_of(engine).items()
    assert pairs_of(engine) == {row_id: set(name_pairs(tokens))}
    assert len(pairs_of(engine)[row_id]) == 3
    for text in ["nguyen hang", "hang nguyen", "Hằng Thị", "HANG thi nguyen", "thị nguyễn"]:
        assert names(engine, text) == [submitted.tracking_code], text


def test_a_one_word_name_has_no_pairs_and_is_found(engine: sa.Engine) -> None:
    submitted = dossier("Dính")
    store(engine).submit(submitted)
    assert pairs_of(engine) == {}
    assert names(engine, "dinh") == [submitted.tracking_code]
    assert names(engine, "dinh dinh") == [submitted.tracking_code]  # a repeated query word is one
    assert names(engine, "dinh a") == []


def test_the_search_gives_what_the_stored_form_alone_gives(engine: sa.Engine) -> None:
    people = random_names(400, seed=12)
    seed(engine, people)
    folded = [set(words(n)) for n in people]
    queries = [
        "nguyen thi hang",
        "hang thi nguyen",  # another order
        "Nguyễn Văn Đức",  # with tone marks
        "van thi",  # two common words never together
        "nguyen tran",  # two family names: never together
        "van thi hang",  # three words, one pair never together
        "thu ha",
        "ha thu le",
        "bao yen pham minh",
        "minh",
        "minh minh",
        "le le an",
        "dang khong co",
    ]
    for text in queries:
        wanted = set(words(text))
        for status, limit, offset in [("", 50, 0), ("done", 50, 0), ("", 7, 3), ("received", 1000, 0)]:
            expected = [
                f"{i:010d}"
                for i in range(len(people), 0, -1)
                if wanted <= folded[i - 1] and (not status or (status == "done") == bool(i % 3))
            ][offset : offset + limit]
            assert names(engine, text, status=status, limit=limit, offset=offset) == expected, (text, status)


def test_upgrade_from_0008_fills_the_pairs_in_sql(url: str) -> None:
    migrate.upgrade(url, "0008")
    engine = make_engine(url)
    try:
        people = [*random_names(60, seed=3), "Vàng A Dính", "Hà"]
        with engine.begin() as conn:
            conn.execute(
                sa.insert(DossierRow), [row(i, joined(INDEX.name_tokens(n))) for i, n in enumerate(people, 1)]
            )
            conn.execute(  # as 0008 left them: tokens only
                sa.insert(DossierNameTokenRow),
                [
                    {"dossier_id": i, "token": t}
                    for i, n in enumerate(people, 1)
                    for t in INDEX.name_tokens(n)
                ],
            )
        migrate.upgrade(url)
        assert migrate.current_revision(url) == SCHEMA_REVISION
        expected = {i: set(name_pairs(INDEX.name_tokens(n))) for i, n in enumerate(people, 1)}
        assert pairs_of(engine) == {i: p for i, p in expected.items() if p}
        assert names(engine, "dinh vang") == [f"{len(people) - 1:010d}"]
    finally:
        engine.dispose()


def last_search(engine: sa.Engine, text: str) -> tuple[str, object]:
    """The queue's search statement for `text` and its parameters, as sent to the database."""
    sent: list[tuple[str, object]] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: sent.append((a[2], a[3])))
    SqlDesk(engine).queue(QueueQuery(name_tokens=tuple(INDEX.query_tokens(text))))
    return sent[-1]


def test_sqlite_searches_two_words_by_the_pair_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    seed(engine, random_names(300, seed=5))
    try:
        for text in ["nguyen thi", "nguyen thi hang", "le van minh duc"]:
            statement, parameters = last_search(engine, text)
            with engine.connect() as conn:
                plan = " ".join(
                    str(r) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                )
            assert "ix_dossier_name_pairs_pair" in plan, (text, plan)
            assert "SCAN dossiers" not in plan and "TEMP B-TREE" not in plan, (text, plan)
            assert ("dossier_name_tokens USING PRIMARY KEY" in plan) == (len(text.split()) > 2), (text, plan)
    finally:
        engine.dispose()


def test_postgresql_searches_two_words_by_the_pair_index(pg_url: str) -> None:
    migrate.upgrade(pg_url)
    engine = make_engine(pg_url)
    seed(engine, random_names(3000, seed=6))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        for text in ["nguyen thi", "dang bao yen"]:
            statement, parameters = last_search(engine, text)
            with engine.connect() as conn:
                plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            assert "ix_dossier_name_pairs_pair" in plan, (text, plan)
            # No table read whole (at this size the planner may sort a pair's few postings).
            assert "Seq Scan" not in plan, (text, plan)
    finally:
        engine.dispose()


def test_a_pair_in_no_name_answers_without_a_search(engine: sa.Engine) -> None:
    seed(engine, ["Nguyễn Văn An", "Trần Thị Hằng"] * 5)
    sent: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    assert names(engine, "nguyen tran an") == []
    searched = [s for s in sent if s.startswith("SELECT")]
    assert len(searched) == 1  # the pair counts found an empty list: no queue statement
    assert "dossier_name_pairs" in searched[0] and "dossiers." not in searched[0]
    assert len(names(engine, "an nguyen van")) == 5


def test_repair_rewrites_only_what_differs(engine: sa.Engine) -> None:
    people = ["Nguyễn Văn An", "Trần Thị Hằng", "Lê Minh"]
    seed(engine, people)
    before_tokens, before_pairs = tokens_of(engine), pairs_of(engine)
    with engine.begin() as conn:  # by hand: a pair, all tokens of one dossier, a stray token
        conn.execute(sa.delete(DossierNamePairRow).where(DossierNamePairRow.dossier_id == 1))
        conn.execute(sa.delete(DossierNameTokenRow).where(DossierNameTokenRow.dossier_id == 2))
        conn.execute(sa.insert(DossierNameTokenRow), [{"dossier_id": 3, "token": "0" * 16}])
    assert names(engine, "van an") == [] and names(engine, "hang") == []
    desk = SqlDesk(engine)
    stored = [(i, joined(INDEX.name_tokens(n))) for i, n in enumerate(people, 1)]
    assert desk.repair_name_rows(stored) == 3
    assert (tokens_of(engine), pairs_of(engine)) == (before_tokens, before_pairs)
    assert desk.repair_name_rows(stored) == 0
    assert desk.repair_name_rows([]) == 0
    assert names(engine, "van an") == ["0000000001"] and names(engine, "hang") == ["0000000002"]


def test_every_pair_of_a_long_name_is_stored(engine: sa.Engine) -> None:
    long_name = "Nguyễn Ngọc Bảo Trâm Anh Thư"
    store(engine).submit(dossier(long_name))
    (found,) = pairs_of(engine).values()
    assert len(found) == 15
    for a, b in itertools.combinations(words(long_name), 2):
        assert len(names(engine, f"{b} {a}")) == 1
