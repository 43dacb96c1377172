"""Shared fixtures. Qt runs offscreen everywhere (CI has no display)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from tests.postgres import new_database, running_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MissingText(logging.Handler):
    """Collects `kiosk.text`'s warnings: a text shown in Vietnamese for want of a translation."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def missing_text() -> Iterator[MissingText]:
    """Fails any test during which a missing translation fell back to Vietnamese.

    A test about the fallback itself asserts on `missing_text.records` and clears them.
    """
    handler = MissingText()
    logger = logging.getLogger("kiosk.text")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    if handler.records:
        pytest.fail("missing translation: " + "; ".join(r.getMessage() for r in handler.records))


@pytest.fixture(autouse=True)
def process_umask() -> Iterator[None]:
    """`kiosk.app.cli.main` sets a private umask for its process; a test calling it in-process
    gets the test run's umask back afterwards."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """One PostgreSQL server for the whole run (`tests.postgres`): a URL template with `{db}`."""
    yield from running_server()


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A new, empty PostgreSQL database of this test's own."""
    return new_database(pg_server)
