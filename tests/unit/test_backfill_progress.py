"""An archive's in-flight records: how many pages may wait for the pipeline, and where a resume
starts while some are still in flight."""

from __future__ import annotations

from crawler.cycle.backfill_progress import ArchiveTracker
from crawler.store import Store


def test_pages_in_flight_are_bounded_by_count_and_by_their_bytes(sqlite_url: str):
    store = Store.open(sqlite_url)
    try:
        tracker = ArchiveTracker(store, "big.warc.gz", "warc", None, lambda: None)
        assert tracker.has_room(max_pages=3, max_bytes=1000)
        tracker.started(100, size=5000)  # one page larger than the byte bound on its own
        assert not tracker.has_room(max_pages=3, max_bytes=1000)
        tracker.settled(100)
        assert tracker.has_room(max_pages=3, max_bytes=1000)  # none in flight: always room
        for offset in (200, 300, 400):
            tracker.started(offset, size=10)
        assert not tracker.has_room(max_pages=3, max_bytes=1000)  # the count bound
        tracker.settled(200)
        assert tracker.has_room(max_pages=3, max_bytes=1000)
        tracker.settled(400)
        tracker.save(force=True)
        progress = store.archive_progress("big.warc.gz")
        assert progress is not None and progress.resume_offset == 300  # the earliest still in flight
    finally:
        store.close()
