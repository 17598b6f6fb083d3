"""How far one archive has been read, kept in the store so a backfill resumes where it stopped.

The resume point is the start of the earliest record still in flight (replayed but not yet
stored, dropped or failed), or, with nothing in flight, the end of the last record read. A
kill therefore repeats at most the records that were in flight, and those are found stored
(or off-topic) by URL and skipped: a resumed or repeated backfill stores nothing twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from crawler.core.clock import utcnow
from crawler.sources.warc import ArchiveReader
from crawler.store import Store
from crawler.store.backfill_store import ArchiveProgress

SAVE_EVERY_SECONDS = 2.0


class ArchiveTracker:
    """One archive's in-flight records and counts; saves its progress row now and then."""

    def __init__(
        self,
        store: Store,
        archive: str,
        via: str,
        reader: ArchiveReader | None,
        run_id: Callable[[], int | None],
        earlier: ArchiveProgress | None = None,
    ) -> None:
        self.store = store
        self.archive = archive
        self.via = via
        self.reader = reader
        self.run_id = run_id
        self._earlier = earlier or ArchiveProgress(archive, via)
        self._in_flight: dict[int, int] = {}  # offset -> the replayed page's size in bytes
        self._lock = threading.Lock()
        # settles arrive from several threads: one save at a time, so an older row never lands last
        self._save_lock = threading.Lock()
        self._last_save = 0.0
        self.reading_done = False
        self.error: str | None = None
        self.size: int | None = None  # the archive's length, when the server or file says
        self._started_at = time.monotonic()

    def eta(self) -> str:
        """` · ETA 3m12s` for the rest of this archive at the rate so far, or ""."""
        reader, size = self.reader, self.size
        if reader is None or not size:
            return ""
        read = reader.next_offset - reader.start_offset
        elapsed = time.monotonic() - self._started_at
        if read <= 0 or elapsed <= 0:
            return ""
        remaining = max(0.0, (size - reader.next_offset) * elapsed / read)
        minutes, seconds = divmod(int(remaining), 60)
        return f" · ETA {minutes}m{seconds:02d}s"

    @property
    def in_flight(self) -> int:
        with self._lock:
            return len(self._in_flight)

    def has_room(self, max_pages: int, max_bytes: int) -> bool:
        """Whether another page may go in flight: fewer than `max_pages` are, and their bodies
        (held in memory until they settle) add up to less than `max_bytes`. With none in
        flight there is always room, however large the next page."""
        with self._lock:
            pages = len(self._in_flight)
            return pages == 0 or (pages < max_pages and sum(self._in_flight.values()) < max_bytes)

    def started(self, offset: int, size: int = 0) -> None:
        """A record at `offset` went in flight; `size`: its page's body in bytes."""
        with self._lock:
            self._in_flight[offset] = size

    def settled(self, offset: int) -> None:
        with self._lock:
            self._in_flight.pop(offset, None)
            drained = not self._in_flight
        # Saved when nothing is left in flight: a reader waiting on a slow archive has its
        # progress on disk while it waits.
        self.save(force=drained)

    def finished_reading(self, error: str | None = None) -> None:
        self.reading_done = True
        self.error = error
        self.save(force=True)

    def save(self, *, force: bool) -> None:
        """Write the progress row (at most every SAVE_EVERY_SECONDS unless forced or complete)."""
        with self._save_lock:
            self._save(force=force)

    def _save(self, *, force: bool) -> None:
        with self._lock:
            complete = self.reading_done and not self._in_flight
            now = time.monotonic()
            if not (force or complete) and now - self._last_save < SAVE_EVERY_SECONDS:
                return
            self._last_save = now
            reader = self.reader
            resume = min(self._in_flight) if self._in_flight else (reader.next_offset if reader else 0)
            earlier = self._earlier
            progress = ArchiveProgress(
                archive=self.archive,
                via=self.via,
                resume_offset=resume,
                records_read=earlier.records_read + (reader.records_read if reader else 0),
                records_matched=earlier.records_matched + (reader.records_matched if reader else 0),
                bytes_read=max(earlier.bytes_read, resume),
                layout=reader.layout if reader else earlier.layout,
                done=complete and self.error is None,
                error=self.error,
                run_id=self.run_id(),
            )
        self.store.save_archive_progress(progress, utcnow())
