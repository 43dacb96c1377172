"""How the outbox treats the hub target's answers (no server: the classes themselves)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from db import migrate
from db.dossiers import SqlDossierRepository
from db.engine import make_engine
from db.models import OutboxRow
from hub.client import HubClient, HubTarget
from kiosk.outbox import REJECTED_RETRY, DossierStore, backoff_delay, deliver_pending, jittered
from kiosk.ports.target import DeliveryDeferred, DeliveryRejected
from kiosk.sealing import Sealer
from kiosk.trackcode import new_code
from tests.core.test_outbox import KEY, T0, make_dossier


@pytest.fixture
def store(tmp_path: Path) -> DossierStore:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    migrate.upgrade(url)
    return DossierStore(
        SqlDossierRepository(make_engine(url), "k1"), Sealer(KEY), clock=lambda: T0, targets=["hub"]
    )


def _hub(answer: httpx.Response | Exception) -> HubTarget:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["idempotency-key"].startswith("hub:")
        assert "signature" in request.headers and "content-digest" in request.headers
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = HubClient(
        "http://hub", "HCM-Q1-03", Ed25519PrivateKey.generate(), transport=httpx.MockTransport(handler)
    )
    return HubTarget(client)


def _next_attempt(store: DossierStore) -> tuple[dt.datetime, str]:
    engine = store._repository._engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        row = conn.execute(sa.select(OutboxRow.next_attempt_at, OutboxRow.last_error)).one()
    return row[0], row[1] or ""


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (httpx.Response(200, json={"tracking_code": "x", "stored": "new"}), None),
        (httpx.Response(503), DeliveryDeferred),
        (httpx.Response(429, headers={"retry-after": "900"}), DeliveryDeferred),
        (httpx.ConnectError("refused"), DeliveryDeferred),
        (httpx.ReadTimeout("slow"), DeliveryDeferred),
        (httpx.Response(409, json={"reason": "conflict", "detail": "taken"}), DeliveryRejected),
        (httpx.Response(401, json={"reason": "stale", "detail": "clock"}), DeliveryRejected),
    ],
)
def test_answers_are_classified(
    store: DossierStore, answer: httpx.Response | Exception, kind: type | None
) -> None:
    store.submit(make_dossier(new_code()))
    item = store.pending(1, T0)[0]
    if kind is None:
        _hub(answer).deliver(item, store)
    else:
        with pytest.raises(kind):
            _hub(answer).deliver(item, store)


def test_a_rejection_waits_hours_and_keeps_the_reason(store: DossierStore) -> None:
    store.submit(make_dossier(new_code()))
    report = deliver_pending(
        store, {"hub": _hub(httpx.Response(409, json={"reason": "conflict", "detail": "taken"}))}, T0
    )
    assert report.failed == 1
    at, reason = _next_attempt(store)
    assert at == T0 + REJECTED_RETRY
    assert "conflict: taken" in reason


def test_retry_after_is_honoured_when_longer_than_the_backoff(store: DossierStore) -> None:
    store.submit(make_dossier(new_code()))
    deliver_pending(store, {"hub": _hub(httpx.Response(429, headers={"retry-after": "900"}))}, T0)
    assert _next_attempt(store)[0] == T0 + dt.timedelta(seconds=900)


def test_jitter_stays_between_half_and_all_of_the_backoff() -> None:
    delays = {jittered(backoff_delay(3)) for _ in range(200)}
    assert all(backoff_delay(3) / 2 <= d <= backoff_delay(3) for d in delays)
    assert len(delays) > 100  # not one fixed value
