"""Contract tests of the station API against its published, versioned spec (`hub/openapi-v1.json`),
with schemathesis generating the requests, against the real hub (uvicorn over PostgreSQL).

Each generated request is signed by an enrolled station exactly as `hub.client` signs (so the
body the spec allows reaches the hub's own checks), then every answer must be one the spec
declares, in the declared shape, and never a server error. The same requests unsigned, or
signed by a stranger, are refused with 401 and audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.config import SchemathesisConfig

from db.audit import SqlAuditLog
from hub.api import API_VERSION, published_spec
from hub.serve import build_hub
from hub.station_key import load_request_key, request_key_id
from kiosk.request_signing import sign_request
from tests.hub.conftest import ROOT, HubServer, Station, make_station

SPEC = ROOT / "hub/openapi-v1.json"
schema = schemathesis.openapi.from_path(SPEC)
# Unsigned or a stranger's requests are refused before their values are read: the coverage
# phase's boundary values of every field (~1,000 requests, most of this file's time) would test
# nothing more there, so that test fuzzes only. The signed test keeps every phase.
refusals = schemathesis.openapi.from_path(
    SPEC, config=SchemathesisConfig.from_str("[phases.coverage]\nenabled = false\n")
)
# Schema-valid is not always acceptable here, by design: a tracking code's check character, a key
# that must be a real Ed25519 point, a one-time enrolment code are rules no JSON schema states, and
# the spec declares their answer (422/403). Every other check (no 5xx, declared status codes and
# shapes, content types, required headers, ignored auth) runs.
SCHEMA_ONLY = [schemathesis.checks.positive_data_acceptance]
# Signed for real, a request carries a valid credential where schemathesis put a made-up one, so
# its "ignored auth" check would call our acceptance a fault; the unsigned test keeps that check.
SIGNED_ONLY = [*SCHEMA_ONLY, schemathesis.checks.ignored_auth]
EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def contract_station(hub: HubServer, tmp_path_factory: pytest.TempPathFactory) -> Station:
    folder = tmp_path_factory.mktemp("contract")
    station = make_station(folder / "c", "HN-CONTRACT", hub.url)
    at_hub = build_hub(hub.db_url, hub.keys)
    code = at_hub.new_code(station.station_id, "Hà Nội", "Phường Cửa Nam", "Công an phường Cửa Nam")
    assert station.cli("hub", "enrol", "--hub", hub.url, code) == 0
    return station


def _send(case: Case, base_url: str, sign: tuple[str, Any] | None) -> tuple[httpx.Response, bool]:
    """The request schemathesis made, its body serialized as the station does, signed or not;
    and whether it was signed."""
    kwargs = case.as_transport_kwargs(base_url=base_url)
    made = kwargs.get("headers") or {}
    if not any(k.lower() == "signature" for k in made):
        sign = None  # schemathesis left the credential out on purpose: send it that way
    headers = {k: v for k, v in made.items() if k.lower() not in ("signature", "content-type")}
    if "json" in kwargs:
        content = json.dumps(kwargs["json"], ensure_ascii=False, sort_keys=True).encode()
        headers["content-type"] = "application/json"
    else:
        raw = kwargs.get("content", kwargs.get("data")) or b""
        content = raw.encode() if isinstance(raw, str) else bytes(raw)
    url = httpx.URL(kwargs["url"], params=kwargs.get("params"))
    if sign is not None:
        key_id, key = sign
        headers.update(sign_request(case.method, str(url), content, key_id=key_id, key=key))
    return httpx.request(case.method, url, content=content, headers=headers, timeout=20), sign is not None


def _station_key(station: Station) -> tuple[str, Any]:
    key = load_request_key(station.config.hub_key_file)
    return request_key_id(key.public_key()), key


def test_the_served_spec_is_the_published_one() -> None:
    published = json.loads(SPEC.read_text(encoding="utf-8"))
    assert published["info"]["version"] == API_VERSION
    # A change to the API changes the spec: publish it (`python -m hub.api > hub/openapi-v1.json`)
    # with a new API_VERSION, so stations and other hubs can tell.
    assert published_spec() == published


def test_the_hub_serves_the_published_spec(hub: HubServer) -> None:
    assert httpx.get(hub.url + "/v1/openapi.json", timeout=10).json() == json.loads(SPEC.read_text("utf-8"))


@schema.parametrize()
@EXAMPLES
def test_signed_requests_get_only_answers_the_spec_declares(
    case: Case, hub: HubServer, contract_station: Station
) -> None:
    response, _ = _send(case, hub.url, _station_key(contract_station))
    case.validate_response(response, excluded_checks=SIGNED_ONLY)
    assert response.status_code < 500
    if case.path == "/v1/submissions" and response.status_code == 200:
        # Accepted only for this station's own dossiers (anything else is "posing as another").
        assert case.body["station_id"] == contract_station.station_id  # type: ignore[index]


@pytest.fixture(scope="module")
def audit(hub: HubServer) -> Iterator[SqlAuditLog]:
    engine = sa.create_engine(hub.db_url)
    yield SqlAuditLog(engine)
    engine.dispose()


@refusals.parametrize()
@EXAMPLES
def test_unsigned_or_strangers_requests_are_refused_and_audited(
    case: Case, hub: HubServer, audit: SqlAuditLog
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stranger = Ed25519PrivateKey.generate()
    for sign in (None, (request_key_id(stranger.public_key()), stranger)):
        response, signed = _send(case, hub.url, sign)
        case.validate_response(response, excluded_checks=SCHEMA_ONLY)
        if case.method.upper() != case.operation.method.upper():
            continue  # schemathesis tried a method the path does not have: 405, checked above
        if case.path == "/v1/enrol":
            # Enrolment is signed by the key it binds: a stranger's own key "verifies", and the
            # code decides (unknown code: 403); unsigned, or a body the spec forbids, never 200.
            assert response.status_code in (401, 403, 422), response.text
            continue
        assert response.status_code == 401, response.text
        reason = response.json()["reason"]
        assert reason == ("unknown_key" if signed else "malformed")
        newest = audit.newest(1)[0]
        assert (newest.action, newest.detail.split(":")[0]) == ("hub.refused", reason)


def test_the_spec_declares_how_requests_are_signed() -> None:
    spec = json.loads(Path(SPEC).read_text(encoding="utf-8"))
    scheme = spec["components"]["securitySchemes"]["stationSignature"]
    assert scheme["name"] == "Signature" and "RFC 9421" in scheme["description"]
    for path in ("/v1/enrol", "/v1/submissions", "/v1/statuses"):
        (operation,) = spec["paths"][path].values()
        assert operation["security"] == [{"stationSignature": []}], path
    (submit,) = spec["paths"]["/v1/submissions"].values()
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in submit["parameters"])
