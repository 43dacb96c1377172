"""Attachments in bounded chunks that resume, through the fault proxy, against the real hub."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from db.models import HubUploadChunkRow
from hub.client import HubAnswer, HubClient, upload_attachment
from hub.serve import build_hub
from hub.station_key import load_request_key
from hub.uploads import CHUNK_SIZE, uploads_for
from kiosk.app.root import make_store, make_targets
from kiosk.dossier import Dossier
from kiosk.outbox import deliver_pending
from kiosk.ports.target import DeliveryDeferred
from kiosk.trackcode import new_code
from tests.hub.conftest import FaultProxy, HubServer, Station, enrol, make_station

PIECE = 64 * 1024
_ids = itertools.count(1)


@pytest.fixture
def station(hub: HubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Station:
    station = make_station(tmp_path / "u", f"HN-U{next(_ids)}", hub.url)
    enrol(hub, station, capsys)
    return station


def _delivered(station: Station) -> str:
    code = new_code()
    at = dt.datetime.now(dt.UTC)
    make_store(station.config).submit(
        Dossier(
            code,
            "khai_bao_tam_vang",
            1,
            station.station_id,
            at,
            {"reason": "Ảnh chân dung"},
            {"name": "Đỗ Văn Hùng"},
        )
    )
    now = dt.datetime.now(dt.UTC)
    assert deliver_pending(make_store(station.config), make_targets(station.config), now).sent == 1
    return code


def _client(station: Station, url: str) -> HubClient:
    # No kept-alive connections: each request meets the link as the proxy's mode is now.
    fresh = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    key = load_request_key(station.config.hub_key_file)
    return HubClient(url, station.station_id, key, timeout_s=10, transport=fresh)


def test_a_cut_link_resumes_at_the_last_acknowledged_chunk(
    hub: HubServer, station: Station, proxy: FaultProxy
) -> None:
    code = _delivered(station)
    photo = os.urandom(5 * PIECE + 1234)  # a card photo's worth, and a short last chunk
    acks: list[int] = []

    def cut_after_two(received: int) -> None:
        acks.append(received)
        if len(acks) == 2:
            proxy.mode = "reset_after_request"  # the 3rd chunk arrives; its ack is lost

    with pytest.raises(DeliveryDeferred):
        upload_attachment(_client(station, proxy.url), code, "photo", "image/jpeg", photo,
                          chunk_size=PIECE, acked=cut_after_two)  # fmt: skip
    assert acks == [PIECE, 2 * PIECE]
    proxy.mode = "refuse"
    with pytest.raises(DeliveryDeferred):
        upload_attachment(_client(station, proxy.url), code, "photo", "image/jpeg", photo, chunk_size=PIECE)
    proxy.mode = "pass"
    acks.clear()
    sent = upload_attachment(
        _client(station, proxy.url), code, "photo", "image/jpeg", photo, chunk_size=PIECE, acked=acks.append
    )
    # It went on after the three chunks the hub had (the third's ack was lost, not the chunk).
    assert acks == [4 * PIECE, 5 * PIECE, len(photo)]
    assert sent == len(photo) - 3 * PIECE
    at_hub = uploads_for(build_hub(hub.db_url, hub.keys))
    assert at_hub.attachment(code, "photo") == photo
    # Sealed at rest: no chunk's bytes are in the database in clear.
    engine = hub.engine()
    with engine.connect() as conn:
        stored = [bytes(p) for p in conn.scalars(sa.select(HubUploadChunkRow.payload))]
    engine.dispose()
    assert stored and all(photo[:64] not in p and photo[PIECE : PIECE + 64] not in p for p in stored)
    # Done is done: sending it again sends nothing.
    assert upload_attachment(_client(station, hub.url), code, "photo", "image/jpeg", photo) == 0


def test_a_resent_chunk_is_stored_once_and_a_gap_or_other_bytes_are_refused(
    hub: HubServer, station: Station
) -> None:
    code = _delivered(station)
    scan = os.urandom(2 * PIECE)
    client = _client(station, hub.url)
    digest = hashlib.sha256(scan).hexdigest()
    body = {
        "tracking_code": code,
        "name": "scan-1",
        "media_type": "application/pdf",
        "size": len(scan),
        "sha256": digest,
    }
    state = client.request("POST", "/v1/uploads", body)
    assert (state["received"], state["chunk_size"]) == (0, CHUNK_SIZE)
    chunk = f"/v1/uploads/{state['upload_id']}/chunks/"
    assert client.request("PUT", chunk + "0", raw=scan[:PIECE])["received"] == PIECE
    assert client.request("PUT", chunk + "0", raw=scan[:PIECE])["received"] == PIECE  # its ack was lost
    with pytest.raises(HubAnswer) as other:
        client.request("PUT", chunk + "0", raw=os.urandom(PIECE))
    assert (other.value.status, other.value.reason) == (409, "conflict")
    with pytest.raises(HubAnswer) as gap:
        client.request("PUT", chunk + str(PIECE + 10), raw=scan[PIECE + 10 :])
    assert (gap.value.status, gap.value.reason) == (409, "gap")
    with pytest.raises(HubAnswer) as big:
        client.request("PUT", chunk + str(PIECE), raw=os.urandom(CHUNK_SIZE + 1))
    assert big.value.status == 422
    # A restart of the upload says where it stands.
    assert client.request("POST", "/v1/uploads", body)["received"] == PIECE
    # The same name with other bytes is a conflict, not a silent second copy.
    with pytest.raises(HubAnswer) as clash:
        client.request("POST", "/v1/uploads", body | {"sha256": "0" * 64})
    assert clash.value.status == 409


def test_bytes_that_are_not_the_announced_digest_are_dropped_whole(hub: HubServer, station: Station) -> None:
    code = _delivered(station)
    client = _client(station, hub.url)
    real = os.urandom(PIECE)
    body = {"tracking_code": code, "name": "photo", "media_type": "image/jpeg", "size": PIECE,
            "sha256": hashlib.sha256(real).hexdigest()}  # fmt: skip
    state = client.request("POST", "/v1/uploads", body)
    with pytest.raises(HubAnswer) as bad:
        client.request("PUT", f"/v1/uploads/{state['upload_id']}/chunks/0", raw=os.urandom(PIECE))
    assert (bad.value.status, bad.value.reason) == (422, "mismatch")
    assert client.request("POST", "/v1/uploads", body)["received"] == 0
    assert upload_attachment(client, code, "photo", "image/jpeg", real) == PIECE


def test_a_station_cannot_upload_to_another_stations_dossier(
    hub: HubServer, station: Station, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _delivered(station)
    other = make_station(tmp_path / "other", station.station_id[:-1] + "X", hub.url)
    enrol(hub, other, capsys)
    with pytest.raises(HubAnswer) as refused:
        upload_attachment(_client(other, hub.url), code, "photo", "image/jpeg", b"x" * 100)
    assert (refused.value.status, refused.value.reason) == (403, "posing_as_another")
