"""Station → hub request signatures (kiosk.request_signing): the RFC 9421 profile and every refusal."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.request_signing import (
    CLOCK_SKEW,
    MemoryNonceLog,
    Refusal,
    RequestRefused,
    RequestVerifier,
    load_public_key,
    public_key_text,
    sign_request,
)

KEY = Ed25519PrivateKey.generate()
URL = "https://hub.example/v1/submissions?station=ST-01"
BODY = '{"tracking_code": "7K3QXM9T2B", "name": "Nguyễn Thị Hằng"}'.encode()


def verifier(keys: dict[str, Ed25519PrivateKey] | None = None) -> RequestVerifier:
    table = {k: v.public_key() for k, v in (keys or {"ST-01": KEY}).items()}
    return RequestVerifier(table.get, MemoryNonceLog())


def refusal(
    v: RequestVerifier, headers: dict[str, str], *, method: str = "POST", url: str = URL, body: bytes = BODY
) -> Refusal:
    with pytest.raises(RequestRefused) as caught:
        v.verify(method, url, headers.items(), body)
    return caught.value.reason


def test_a_signed_request_verifies_once() -> None:
    v = verifier()
    headers = sign_request("POST", URL, BODY, key_id="ST-01", key=KEY)
    done = v.verify("POST", URL, headers.items(), BODY)
    assert done.key_id == "ST-01" and done.nonce
    assert refusal(v, headers) is Refusal.REPLAY


def test_the_signature_base_is_the_one_rfc_9421_defines() -> None:
    # Rebuilt by hand from RFC 9421 §2.5 and RFC 9530, then checked with the bare public key:
    # what the hub accepts is the standard, not whatever the library happens to produce.
    headers = sign_request("post", URL, BODY, key_id="ST-01", key=KEY)
    digest = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    assert headers["Content-Digest"] == f"sha-256=:{digest}:"
    params = headers["Signature-Input"].removeprefix("kiosk=")
    assert params.startswith('("@method" "@path" "@query" "content-digest");created=')
    assert re.search(r';keyid="ST-01"', params) and 'alg="ed25519"' in params and ';nonce="' in params
    base = "\n".join(
        [
            '"@method": POST',
            '"@path": /v1/submissions',
            '"@query": ?station=ST-01',
            f'"content-digest": sha-256=:{digest}:',
            f'"@signature-params": {params}',
        ]
    )
    signature = base64.b64decode(headers["Signature"].removeprefix("kiosk=:").removesuffix(":"))
    KEY.public_key().verify(signature, base.encode())  # raises if it differs


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("PUT", URL, BODY),  # method
        ("POST", "https://hub.example/v1/statuses?station=ST-01", BODY),  # path
        ("POST", "https://hub.example/v1/submissions?station=ST-02", BODY),  # query
    ],
)
def test_an_altered_request_is_refused(method: str, url: str, body: bytes) -> None:
    headers = sign_request("POST", URL, BODY, key_id="ST-01", key=KEY)
    assert refusal(verifier(), headers, method=method, url=url, body=body) is Refusal.BAD_SIGNATURE


def test_another_body_is_refused_by_its_digest() -> None:
    headers = sign_request("POST", URL, BODY, key_id="ST-01", key=KEY)
    assert refusal(verifier(), headers, body=BODY.replace(b"Hang", b"Hung") + b" ") is Refusal.BAD_DIGEST


def test_a_wrong_key_an_unknown_key_and_a_station_posing_as_another() -> None:
    other = Ed25519PrivateKey.generate()
    v = verifier({"ST-01": KEY, "ST-02": other})
    assert refusal(v, sign_request("POST", URL, BODY, key_id="ST-01", key=other)) is Refusal.BAD_SIGNATURE
    assert refusal(v, sign_request("POST", URL, BODY, key_id="ST-09", key=KEY)) is Refusal.UNKNOWN_KEY
    # ST-02's key naming itself ST-01: the signature does not verify with ST-01's key
    assert refusal(v, sign_request("POST", URL, BODY, key_id="ST-01", key=other)) is Refusal.BAD_SIGNATURE


def test_revoked_means_unknown() -> None:
    revoked: set[str] = set()
    v = RequestVerifier(lambda k: None if k in revoked else KEY.public_key(), MemoryNonceLog())
    v.verify("POST", URL, sign_request("POST", URL, BODY, key_id="ST-01", key=KEY).items(), BODY)
    revoked.add("ST-01")
    assert refusal(v, sign_request("POST", URL, BODY, key_id="ST-01", key=KEY)) is Refusal.UNKNOWN_KEY


def test_clock_skew_of_a_few_minutes_is_tolerated_and_no_more() -> None:
    now = dt.datetime.now(dt.UTC)
    v = verifier()
    for minutes in (-4, 4):
        headers = sign_request(
            "POST", URL, BODY, key_id="ST-01", key=KEY, now=now + dt.timedelta(minutes=minutes)
        )
        v.verify("POST", URL, headers.items(), BODY)
    for off in (-(CLOCK_SKEW + dt.timedelta(minutes=2)), CLOCK_SKEW + dt.timedelta(minutes=2)):
        headers = sign_request("POST", URL, BODY, key_id="ST-01", key=KEY, now=now + off)
        assert refusal(v, headers) is Refusal.STALE


def test_missing_or_doubled_fields_are_malformed() -> None:
    headers = sign_request("POST", URL, BODY, key_id="ST-01", key=KEY)
    for name in ("Signature", "Signature-Input", "Content-Digest"):
        assert refusal(verifier(), {k: v for k, v in headers.items() if k != name}) is Refusal.MALFORMED
    doubled = [*headers.items(), ("signature", headers["Signature"])]
    with pytest.raises(RequestRefused) as caught:
        verifier().verify("POST", URL, doubled, BODY)
    assert caught.value.reason is Refusal.MALFORMED
    garbage = dict(headers, **{"Signature-Input": "kiosk=((("})
    assert refusal(verifier(), garbage) is Refusal.MALFORMED


def test_nonces_are_per_key() -> None:
    other = Ed25519PrivateKey.generate()
    v = verifier({"ST-01": KEY, "ST-02": other})
    v.verify("POST", URL, sign_request("POST", URL, BODY, key_id="ST-01", key=KEY, nonce="n1").items(), BODY)
    v.verify(
        "POST", URL, sign_request("POST", URL, BODY, key_id="ST-02", key=other, nonce="n1").items(), BODY
    )


def test_public_keys_travel_as_base64() -> None:
    text = public_key_text(KEY.public_key())
    assert len(base64.b64decode(text)) == 32
    assert public_key_text(load_public_key(text)) == text
    with pytest.raises(ValueError):
        load_public_key(base64.b64encode(b"short").decode())
