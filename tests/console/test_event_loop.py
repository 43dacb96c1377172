"""No console or hub route works the database on the event loop.

uvicorn serves every officer's page from one event loop: a query (or an argon2 hash, or an audit
write with its fsync) run there stalls every other officer until it ends (bench/README_console.md:
every page took ~3 s while one statistics page was computed). The console's routes are plain
`def`s, which FastAPI runs in its thread pool; the hub's station API reads the request body on the
loop and hands everything else to `run_in_threadpool`.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.console.conftest import ROLE_OF, Station, csrf_of, login
from tests.console.test_roles import ROUTES

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def statements_on_the_loop() -> Iterator[list[str]]:
    """The SQL statements any engine of this process runs while an event loop runs its thread."""
    found: list[str] = []

    def check(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a worker thread of the pool: where the database work belongs
            return
        found.append(f"{threading.current_thread().name}: {statement.split()[0]} {statement[:80]!r}")

    event.listen(Engine, "before_cursor_execute", check)
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", check)


def test_the_check_sees_a_query_on_the_loop(station: Station) -> None:
    """The listener is not blind: a query run inside a coroutine is caught."""
    from kiosk.app.root import make_officer_desk

    desk = make_officer_desk(station.config)

    async def on_the_loop() -> None:
        desk.officers.get("head")

    with statements_on_the_loop() as found:
        asyncio.run(on_the_loop())
        desk.officers.get("head")  # outside any loop: not counted
    assert any("SELECT" in f and "officers" in f for f in found)
    assert len(found) <= 3  # that one read (and its BEGIN), not the one outside


def test_no_console_page_queries_the_database_on_the_event_loop(station: Station, client: TestClient) -> None:
    with statements_on_the_loop() as found:
        form = client.get("/login")
        wrong = {"officer_id": "officer", "secret": "000000", "kind": "pin", "csrf": csrf_of(form.text)}
        assert client.post("/login", data=wrong).status_code == 401
        for who in sorted(ROLE_OF):  # every route, allowed (its work) and refused (the audit row)
            csrf = login(client, who)
            for method, path, _action in ROUTES:
                url = path.format(code=station.codes[2], call_id=999999, officer_id="nobody", kind="csv")
                if method == "GET":
                    client.get(url, follow_redirects=False)
                elif path != "/logout":
                    data = {"csrf": csrf, "status": "x", "pin": "1"}
                    client.post(url, data=data, follow_redirects=False)
            assert client.get("/dossiers/ZZZZZZZZZZ").status_code in (403, 404)  # the error page
            client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert found == []


def _endpoints(module: Any) -> list[APIRoute]:
    return [route for route in module.router.routes if isinstance(route, APIRoute)]


def test_every_console_route_is_a_plain_function() -> None:
    """Also the routes only a hub or a hub-linked station has (province, hub changes)."""
    from console.routes import calls, dossiers, head, hub_changes, login, province, queue, stats

    coroutines = [
        f"{module.__name__}.{route.endpoint.__name__}"
        for module in (calls, dossiers, head, hub_changes, login, province, queue, stats)
        for route in _endpoints(module)
        if inspect.iscoroutinefunction(route.endpoint)
    ]
    assert coroutines == []


# The hub's routes: what they call on these (the database) must go through run_in_threadpool.
HUB_OBJECTS = {"hub", "province", "uploads"}
HUB_FUNCTIONS = {"_own"}


def _loop_calls(source: str) -> list[str]:
    """Calls on the hub's objects made directly in an `async def`, not handed to run_in_threadpool."""
    tree = ast.parse(source)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node

    def handed_over(node: ast.AST) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "run_in_threadpool":
                return True
            if isinstance(node, ast.AsyncFunctionDef):
                return False
        return False

    def inside_coroutine(node: ast.AST) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.AsyncFunctionDef):
                return True
            if isinstance(node, ast.FunctionDef):
                return False
        return False

    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not inside_coroutine(node):
            continue
        func = node.func
        on_hub = isinstance(func, ast.Attribute) and ast.unparse(func).split(".")[0] in HUB_OBJECTS
        if (on_hub or (isinstance(func, ast.Name) and func.id in HUB_FUNCTIONS)) and not handed_over(node):
            found.append(f"line {node.lineno}: {ast.unparse(node)[:70]}")
    return found


@pytest.mark.parametrize("path", ["hub/api.py", "hub/province_api.py"])
def test_the_hub_routes_hand_their_database_work_to_the_thread_pool(path: str) -> None:
    assert _loop_calls((ROOT / path).read_text("utf-8")) == []


def test_the_hub_check_sees_a_call_on_the_loop() -> None:
    source = (
        "async def route(request):\n"
        "    station = await run_in_threadpool(hub.authenticate, view)\n"
        "    await run_in_threadpool(lambda: province.lookup(code))\n"
        "    hub.audit.record('a', 'b', 'c')\n"
        "    _own(hub, station, 'x', '/')\n"
    )
    assert [line.split(":")[0] for line in _loop_calls(source)] == ["line 4", "line 5"]
