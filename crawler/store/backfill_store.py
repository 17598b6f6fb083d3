"""Store methods for backfill progress: how far each archive has been read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select, update

from crawler.store.engine import read_transaction, write_transaction
from crawler.store.schema import backfill_progress
from crawler.store.upsert import insert_for

_T = backfill_progress


@dataclass(frozen=True)
class ArchiveProgress:
    """One archive's row: where a resume starts and what was read so far."""

    archive: str
    via: str
    resume_offset: int = 0
    records_read: int = 0
    records_matched: int = 0
    bytes_read: int = 0
    layout: str | None = None
    done: bool = False
    error: str | None = None
    run_id: int | None = None
    updated_at: datetime | None = None


class BackfillMixin:
    """Store methods for the backfill_progress table."""

    engine: Engine

    def archive_progress(self, archive: str) -> ArchiveProgress | None:
        with read_transaction(self.engine) as conn:
            row = conn.execute(select(_T).where(_T.c.archive == archive)).first()
        return _progress(row) if row is not None else None

    def all_archive_progress(self) -> list[ArchiveProgress]:
        with read_transaction(self.engine) as conn:
            rows = conn.execute(select(_T).order_by(_T.c.id)).all()
        return [_progress(row) for row in rows]

    def save_archive_progress(self, progress: ArchiveProgress, now: datetime) -> None:
        """Insert or bring up to date; the resume offset never moves backwards."""
        values = {
            "via": progress.via,
            "resume_offset": progress.resume_offset,
            "records_read": progress.records_read,
            "records_matched": progress.records_matched,
            "bytes_read": progress.bytes_read,
            "layout": progress.layout,
            "done": progress.done,
            "error": progress.error,
            "run_id": progress.run_id,
            "updated_at": now,
        }
        with write_transaction(self.engine) as conn:
            conn.execute(
                insert_for(conn, _T)
                .values(archive=progress.archive, **values)
                .on_conflict_do_nothing(index_elements=["archive"])
            )
            current = conn.scalar(select(_T.c.resume_offset).where(_T.c.archive == progress.archive))
            values["resume_offset"] = max(int(current or 0), progress.resume_offset)
            conn.execute(update(_T).where(_T.c.archive == progress.archive).values(**values))


def _progress(row: object) -> ArchiveProgress:
    mapping = row._mapping  # type: ignore[attr-defined]
    return ArchiveProgress(**{key: mapping[key] for key in ArchiveProgress.__dataclass_fields__})
