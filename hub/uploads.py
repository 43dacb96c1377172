"""Attachments and photos to the hub in bounded chunks that resume after a cut link.

    POST /v1/uploads                       {tracking_code, name, media_type, size, sha256}
         → {upload_id, received, size, chunk_size, complete}: a new upload, or the one begun
           before with its `received`, the offset to go on from
    PUT  /v1/uploads/{upload_id}/chunks/{offset}   the bytes [offset, offset + n) as the body
         → {upload_id, received, size, chunk_size, complete}

Both are signed like every station request (the signature's Content-Digest covers the chunk).
A chunk is at most `CHUNK_SIZE` bytes and starts where the hub's `received` is; a resend of an
acknowledged chunk answers the same `received` again (its ack was lost on the way back); a
chunk past `received` is a gap (409, reason `gap`: ask again with POST). With the last chunk the
hub checks the announced SHA-256 of the whole and either completes it or drops every chunk
(422 `mismatch`). Each chunk is sealed with the hub's data key, context tracking code, name and
offset, so a chunk moved to another place does not open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from db.hub import StationRecord
from db.hub_uploads import SqlUploads, StoredChunk, Upload, UploadProblem
from hub.service import Hub, HubRefusal, RequestView
from kiosk.ports.clock import Clock
from kiosk.sealing import Sealer, SealError

CHUNK_SIZE = 256 * 1024  # a weak link gets through 256 KiB before it drops, mostly
MAX_ATTACHMENT = 16 * 1024 * 1024  # a scan of a few pages, a card photo: far less
_STATUS = {"unknown_dossier": 404, "unknown_upload": 404, "other_station": 403, "conflict": 409, "gap": 409,
           "mismatch": 422}  # fmt: skip


def uploads_for(hub: Hub) -> Uploads:
    return Uploads(hub, SqlUploads(hub.store.engine), hub.sealer, hub.clock)


def _context(upload: Upload, offset: int) -> bytes:
    return f"{upload.tracking_code}/{upload.name}/{offset}".encode()


def upload_json(upload: Upload) -> dict[str, Any]:
    return {
        "upload_id": upload.upload_id,
        "received": upload.received,
        "size": upload.size,
        "chunk_size": CHUNK_SIZE,
        "complete": upload.complete,
    }


@dataclass
class Uploads:
    hub: Hub
    store: SqlUploads
    sealer: Sealer
    clock: Clock

    def _now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    def _refused(self, request: RequestView, station: StationRecord, problem: UploadProblem) -> HubRefusal:
        status = _STATUS.get(problem.kind, 409)
        if status == 403:  # a station reaching for another's dossier: audited like posing
            self.hub.audit.record(
                station.station_id, "hub.refused", f"posing_as_another: {problem.detail} ({request.method} "
                f"{request.path} from {request.client})",
            )  # fmt: skip
            return HubRefusal(403, "posing_as_another", problem.detail)
        return HubRefusal(status, problem.kind, problem.detail)

    def start(self, request: RequestView, station: StationRecord, body: dict[str, Any]) -> dict[str, Any]:
        if body["size"] > MAX_ATTACHMENT:
            raise HubRefusal(422, "too_large", f"an attachment is at most {MAX_ATTACHMENT} bytes")
        try:
            upload = self.store.start(
                station.station_id, body["tracking_code"], body["name"], body["media_type"], body["size"],
                body["sha256"].lower(), self._now(),
            )  # fmt: skip
        except UploadProblem as problem:
            raise self._refused(request, station, problem) from None
        return upload_json(upload)

    def chunk(
        self, request: RequestView, station: StationRecord, upload_id: int, offset: int, data: bytes
    ) -> dict[str, Any]:
        if not 0 < len(data) <= CHUNK_SIZE:
            raise HubRefusal(422, "chunk_size", f"a chunk is 1 to {CHUNK_SIZE} bytes")
        upload_ref: list[Upload] = []

        def whole(chunks: list[StoredChunk]) -> bool:
            digest = hashlib.sha256()
            for c in chunks:
                try:
                    digest.update(
                        self.sealer.open_bytes(c.payload, context=_context(upload_ref[0], c.offset))
                    )
                except SealError:
                    return False
            return digest.hexdigest() == upload_ref[0].sha256

        try:
            upload = self._upload(upload_id, station)
            if offset + len(data) > upload.size:
                raise HubRefusal(422, "past_the_end", f"the attachment is {upload.size} bytes")
            upload_ref.append(upload)
            sealed = self.sealer.seal_bytes(data, context=_context(upload, offset))
            chunk = StoredChunk(offset, len(data), hashlib.sha256(data).hexdigest(), sealed)
            return upload_json(
                self.store.add_chunk(upload_id, station.station_id, chunk, self._now(), whole=whole)
            )
        except UploadProblem as problem:
            raise self._refused(request, station, problem) from None

    def _upload(self, upload_id: int, station: StationRecord) -> Upload:
        found = self.store.get(upload_id)
        if found is None:
            raise UploadProblem("unknown_upload", f"no upload {upload_id}")
        if found.station_id != station.station_id:
            raise UploadProblem("other_station", f"upload {upload_id} is not station {station.station_id}'s")
        return found

    def attachment(self, tracking_code: str, name: str) -> bytes | None:
        """The completed attachment's bytes, opened; None while incomplete or unknown."""
        found = self.store.chunks(tracking_code, name)
        if found is None:
            return None
        upload, chunks = found
        return b"".join(self.sealer.open_bytes(c.payload, context=_context(upload, c.offset)) for c in chunks)
