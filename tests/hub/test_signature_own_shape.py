"""The hub's quick check of a station's signature (`kiosk.request_signing._verify_own_shape`)
accepts only what the library's full RFC 9421 check accepts too; it never refuses (anything it
does not take goes to the library, which gives the reason)."""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.request_signing import (
    MemoryNonceLog,
    RequestRefused,
    RequestVerifier,
    _Headers,
    _verify_own_shape,
    sign_request,
)

KEY = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()
KEY_ID = "0123456789abcdef0123456789abcdef"
PATH = st.text("abcz019/_.~-%é ", min_size=0, max_size=20).map(lambda p: "/v1/" + p)
QUERY = st.one_of(st.just(""), st.text("abc09=&_.~-%+é", max_size=20))
# What a proxy or an attacker may do to the request on its way: nothing, or one change.
TAMPER = st.sampled_from(
    [
        "none",
        "body",
        "method",
        "path",
        "upper_keyid",
        "extra_param",
        "other_key",
        "case",
        "stale",
        "future",
        "space",
    ]
)


def _library(verifier: RequestVerifier, method: str, url: str, headers: dict[str, str], body: bytes) -> bool:
    fields = _Headers()
    for name, value in headers.items():
        fields[name] = value
    try:
        verifier._verify_with_library(method, url, fields, body)
    except RequestRefused:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT"]),
    path=PATH,
    query=QUERY,
    body=st.binary(max_size=64),
    tamper=TAMPER,
)
def test_the_quick_check_accepts_only_what_the_library_accepts(
    method: str, path: str, query: str, body: bytes, tamper: str
) -> None:
    now = dt.datetime.now(dt.UTC)
    url = "http://hub" + path + (f"?{query}" if query else "")
    created = now - dt.timedelta(minutes=6) if tamper == "stale" else now
    created = now + dt.timedelta(minutes=6) if tamper == "future" else created
    signer = OTHER if tamper == "other_key" else KEY
    try:
        headers = sign_request(method, url, body, key_id=KEY_ID, key=signer, now=created)
    except Exception:  # the library will not sign this target (bad escapes, spaces): nothing to check
        return
    if tamper == "body":
        body += b"x"
    elif tamper == "method":
        method = "DELETE"
    elif tamper == "path":
        url = url.replace("/v1/", "/v2/", 1)
    elif tamper == "upper_keyid":
        headers["Signature-Input"] = headers["Signature-Input"].replace(KEY_ID, KEY_ID.upper())
    elif tamper == "extra_param":
        headers["Signature-Input"] += ";expires=1"
    elif tamper == "case":
        headers = {name.upper(): value for name, value in headers.items()}
    elif tamper == "space":
        headers["Signature"] = " " + headers["Signature"]
    keys = {KEY_ID: KEY.public_key(), KEY_ID.upper(): KEY.public_key()}
    verifier = RequestVerifier(keys.get, MemoryNonceLog())
    lower = {name.lower(): value for name, value in headers.items()}
    quick = _verify_own_shape(method, url, lower, body, keys.get, dt.datetime.now(dt.UTC))
    library = _library(verifier, method, url, headers, body)
    if quick is not None:
        assert library, (method, url, tamper)
        assert (quick.key_id, quick.created) == (KEY_ID, created.replace(microsecond=0))
    # The whole check gives the library's answer, whichever path took it.
    try:
        verifier.verify(method, url, list(headers.items()), body)
        whole = True
    except RequestRefused:
        whole = False
    assert whole == library, (method, url, tamper)


def test_the_stations_own_requests_take_the_quick_path() -> None:
    """What `hub.client` sends (plain paths and queries) is checked without the library."""
    now = dt.datetime.now(dt.UTC)
    for method, url, body in (
        ("POST", "http://hub/v1/submissions", b'{"tracking_code": "X"}'),
        ("GET", "http://hub/v1/statuses?after=120", b""),
        ("PUT", "http://hub/v1/uploads/7/chunks/65536", bytes(range(256))),
        ("GET", "http://hub/v1/lookup?code=ABCDE12345", b""),
    ):
        headers = sign_request(method, url, body, key_id=KEY_ID, key=KEY, now=now)
        lower = {name.lower(): value for name, value in headers.items()}
        quick = _verify_own_shape(method, url, lower, body, {KEY_ID: KEY.public_key()}.get, now)
        assert quick is not None and quick.key_id == KEY_ID, url
