"""The hub's attachments in chunks (`hub/uploads.py` holds the rules): an upload per dossier and
name, its acknowledged chunks, and how far it has come. Every change locks the upload's row, so
two retries of the same chunk racing each other store it once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from db.engine import SQLITE_BEGIN
from db.models import DossierRow, HubUploadChunkRow, HubUploadRow


@dataclass(frozen=True)
class Upload:
    upload_id: int
    station_id: str
    tracking_code: str
    name: str
    media_type: str
    size: int
    sha256: str
    received: int
    complete: bool


@dataclass(frozen=True)
class StoredChunk:
    offset: int
    length: int
    digest: str
    payload: bytes


class UploadProblem(Exception):
    """Refused as asked: `kind` is unknown_dossier, other_station, conflict, gap, mismatch."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def _upload(row: HubUploadRow, dossier: DossierRow) -> Upload:
    return Upload(
        row.id, dossier.station_id, dossier.tracking_code, row.name, row.media_type, row.size,
        row.sha256, row.received, row.completed_at is not None,
    )  # fmt: skip


class SqlUploads:
    def __init__(self, engine: Engine) -> None:
        self._writer = engine.execution_options(**{SQLITE_BEGIN: "BEGIN IMMEDIATE"})

    def start(
        self,
        station_id: str,
        tracking_code: str,
        name: str,
        media_type: str,
        size: int,
        sha256: str,
        now: dt.datetime,
    ) -> Upload:
        """The upload of this dossier's attachment `name`: new, or the one begun before (its
        `received` is where to go on). Another size or digest under the same name is a conflict."""
        with Session(self._writer) as session, session.begin():
            dossier = session.scalars(
                select(DossierRow).where(DossierRow.tracking_code == tracking_code)
            ).one_or_none()
            if dossier is None:
                raise UploadProblem(
                    "unknown_dossier", f"no dossier {tracking_code} at the hub: submit it first"
                )
            if dossier.station_id != station_id:
                raise UploadProblem("other_station", f"dossier {tracking_code} is not station {station_id}'s")
            row = session.scalars(
                select(HubUploadRow)
                .where(HubUploadRow.dossier_id == dossier.id, HubUploadRow.name == name)
                .with_for_update()
            ).one_or_none()
            if row is None:
                row = HubUploadRow(
                    dossier_id=dossier.id, name=name, media_type=media_type, size=size, sha256=sha256,
                    received=0, created_at=now,
                )  # fmt: skip
                session.add(row)
                session.flush()
            elif (row.size, row.sha256) != (size, sha256):
                raise UploadProblem(
                    "conflict", f"{tracking_code}/{name} is being uploaded with another size or digest"
                )
            return _upload(row, dossier)

    def add_chunk(
        self,
        upload_id: int,
        station_id: str,
        chunk: StoredChunk,
        now: dt.datetime,
        *,
        whole: Callable[[list[StoredChunk]], bool],
    ) -> Upload:
        """Store the chunk at `received` and move it on; the same chunk again changes nothing.
        With the last chunk, `whole(chunks)` checks the assembled attachment: if it is not the one
        announced, every chunk is dropped (`mismatch`) and the upload starts again from 0."""
        with Session(self._writer) as session, session.begin():
            row = session.get(HubUploadRow, upload_id, with_for_update=True)
            dossier = None if row is None else session.get(DossierRow, row.dossier_id)
            if row is None or dossier is None:
                raise UploadProblem("unknown_upload", f"no upload {upload_id}")
            if dossier.station_id != station_id:
                raise UploadProblem("other_station", f"upload {upload_id} is not station {station_id}'s")
            if chunk.offset < row.received or row.completed_at is not None:
                held = session.get(HubUploadChunkRow, (upload_id, chunk.offset))
                if held is not None and (held.length, held.digest) == (chunk.length, chunk.digest):
                    return _upload(row, dossier)  # a resend of an acknowledged chunk
                raise UploadProblem(
                    "conflict", f"bytes at {chunk.offset} were acknowledged with other content"
                )
            if chunk.offset > row.received:
                raise UploadProblem("gap", f"the upload has {row.received} bytes; send from there")
            session.add(
                HubUploadChunkRow(
                    upload_id=upload_id, offset=chunk.offset, length=chunk.length, digest=chunk.digest,
                    payload=chunk.payload,
                )
            )  # fmt: skip
            row.received = chunk.offset + chunk.length
            mismatch = False
            if row.received == row.size:
                session.flush()
                if whole(self._chunks(session, upload_id)):
                    row.completed_at = now
                else:  # committed so: the next try starts clean
                    session.execute(delete(HubUploadChunkRow).where(HubUploadChunkRow.upload_id == upload_id))
                    row.received, mismatch = 0, True
            done = _upload(row, dossier)
        if mismatch:
            raise UploadProblem(
                "mismatch", "the assembled bytes are not the announced SHA-256: send all again"
            )
        return done

    def get(self, upload_id: int) -> Upload | None:
        with Session(self._writer) as session:
            row = session.get(HubUploadRow, upload_id)
            dossier = None if row is None else session.get(DossierRow, row.dossier_id)
            return None if row is None or dossier is None else _upload(row, dossier)

    @staticmethod
    def _chunks(session: Session, upload_id: int) -> list[StoredChunk]:
        rows = session.scalars(
            select(HubUploadChunkRow)
            .where(HubUploadChunkRow.upload_id == upload_id)
            .order_by(HubUploadChunkRow.offset)
        )
        return [StoredChunk(r.offset, r.length, r.digest, r.payload) for r in rows]

    def chunks(self, tracking_code: str, name: str) -> tuple[Upload, list[StoredChunk]] | None:
        """A completed attachment's chunks in order; None while it is incomplete or unknown."""
        with Session(self._writer) as session:
            found = session.execute(
                select(HubUploadRow, DossierRow)
                .join(DossierRow, DossierRow.id == HubUploadRow.dossier_id)
                .where(DossierRow.tracking_code == tracking_code, HubUploadRow.name == name)
            ).one_or_none()
            if found is None or found[0].completed_at is None:
                return None
            return _upload(found[0], found[1]), self._chunks(session, found[0].id)
