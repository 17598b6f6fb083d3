"""The backfill spider: archived pages through the same pipeline as a live cycle.

An archived record becomes a request for its own URL that the replay middleware answers from
the record (``crawler.scrapy_components.archive_replay``), so extraction, relevance, canonical
URLs, duplicates and storage are exactly the live cycle's. Wayback captures are real requests
to the archive (polite, address-guarded) whose answers are stored under the original URL.
Records are read in a thread, a few at a time: a multi-GB archive is never held in memory,
and the number of replayed pages waiting for extraction is bounded.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from crawler.core.clock import utcnow
from crawler.core.errors import CycleCounter, Reason, reason_for_status
from crawler.core.urls import canonical_url
from crawler.cycle.backfill_progress import ArchiveTracker
from crawler.cycle.item import ArticleItem
from crawler.cycle.responses import html_page
from crawler.cycle.runtime import CycleRuntime, runtime_for
from crawler.scrapy_components.archive_replay import ARCHIVED_META
from crawler.scrapy_components.download_failures import reason_for_failure
from crawler.scrapy_components.settings import apply_config
from crawler.sources import wayback
from crawler.sources.archive_stream import ArchiveOpenError, open_archive
from crawler.sources.archives import BackfillPlan
from crawler.sources.warc import ArchivedPage, ArchiveEnded, ArchiveReader, SkippedRecord

MARK_META = "newswatch_archive_mark"
# Replayed pages waiting for extraction and storage at once: bounds memory whatever the file,
# by count and, since one page may be as large as crawl.page_max_bytes, by their bodies' bytes.
# Each page is held about four times over in this process (body, response, text, the pickle
# sent to a worker). A host-filtered backfill's one worker needs only a few queued to stay
# busy; --any-site feeds the whole pool.
MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES = 4, 4 << 20
MAX_IN_FLIGHT_ANY_SITE, MAX_IN_FLIGHT_BYTES_ANY_SITE = 16, 8 << 20
_WAIT_SECONDS = 0.02


@dataclass(frozen=True)
class ArchiveMark:
    """Which archive record an item came from: settled once the item is stored or dropped."""

    tracker: ArchiveTracker
    offset: int


class BackfillSpider(Spider):
    """Read the plan's archives (or Wayback captures) and replay their pages to the pipeline."""

    name = "backfill"

    def __init__(self, plan: BackfillPlan | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        assert plan is not None, "the backfill spider is started by `newswatch backfill`"
        self.plan = plan
        self.trackers: list[ArchiveTracker] = []
        # With a host filter the archive's reader is the bottleneck: one extraction worker keeps
        # up with the few pages it lets through, and each more holds ~100 MB (README "Backfill").
        # --any-site extracts every page, so it gets the configured pool.
        self.extraction_workers: int | None = None if plan.any_site else 1
        # That one worker grows by ~0.25 MB a page it extracts (63 MB of its own after 137 pages,
        # 16 MB after one): retired after 40, it stays near 30 MB, for a fork of ~0.1 s each time.
        self.extraction_max_tasks_per_worker: int | None = None if plan.any_site else 40
        self.in_flight_bounds = (
            (MAX_IN_FLIGHT_ANY_SITE, MAX_IN_FLIGHT_BYTES_ANY_SITE)
            if plan.any_site
            else (MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES)
        )

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        apply_config(settings, with_topic=True)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BackfillSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.runtime = runtime_for(crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=signal)
        return spider

    runtime: CycleRuntime

    def _item_done(self, item: Any, **_: Any) -> None:
        mark = getattr(item, "archive_mark", None)
        if isinstance(mark, ArchiveMark):
            # settling may write the progress row: never on the reactor thread
            from twisted.internet import reactor

            reactor.callInThread(mark.tracker.settled, mark.offset)

    def _run_id(self) -> int | None:
        return self.runtime.cycle_id

    async def start(self) -> AsyncIterator[Request]:
        if self.plan.wayback is not None:
            query = self.plan.wayback
            yield Request(
                wayback.query_url(query.base, query.site, query.first, query.last, page=None),
                callback=self.parse_page_count,
                errback=self.cdx_failed,
                dont_filter=True,
            )
            return
        for archive in self.plan.archives:
            async for request in self._replay(archive):
                yield request

    # -- archive files -------------------------------------------------------------------------

    async def _replay(self, archive: str) -> AsyncIterator[Request]:
        store = self.runtime.store
        earlier = await asyncio.to_thread(store.archive_progress, archive)
        if earlier is not None and earlier.done:
            self.logger.info("%s: read to its end by an earlier backfill", archive)
            return

        def open_at(offset: int) -> BinaryIO:
            opened = open_archive(archive, offset, guard=self._guard())
            tracker.size = opened.size
            return opened.stream

        reader = ArchiveReader(
            open_at,
            start_offset=earlier.resume_offset if earlier else 0,
            layout=earlier.layout if earlier else None,
            wanted_host=self.plan.wants,
            max_bytes=self.runtime.config.crawl.page_max_bytes,
        )
        tracker = ArchiveTracker(store, archive, self.plan.via, reader, self._run_id, earlier)
        self.trackers.append(tracker)
        events: Iterator[Any] = iter(reader)
        error: str | None = None
        while True:
            while not tracker.has_room(*self.in_flight_bounds):
                await asyncio.sleep(_WAIT_SECONDS)
            try:
                event = await asyncio.to_thread(next, events, None)
            except ArchiveOpenError as exc:
                error = str(exc)
                self.runtime.fail(None, archive, Reason.ARCHIVE_UNREADABLE, error)
                break
            if event is None:
                break
            if isinstance(event, ArchiveEnded):
                error = event.detail
                self.runtime.fail(None, archive, event.reason, f"at byte {event.offset}: {event.detail}")
                continue
            if isinstance(event, SkippedRecord):
                self.runtime.fail(
                    None, event.url, event.reason, f"{archive} at byte {event.offset}: {event.detail}"
                )
                continue
            request = await self._replay_request(event, tracker)
            if request is not None:
                yield request
        await asyncio.to_thread(tracker.finished_reading, error)

    async def _replay_request(self, page: ArchivedPage, tracker: ArchiveTracker) -> Request | None:
        canonical = canonical_url(page.url)
        if not canonical:
            return None
        if not await asyncio.to_thread(self.runtime.store.unseen, [canonical]):
            return None  # stored live or by an earlier backfill: one record per story
        tracker.started(page.offset, len(page.body))
        self.runtime.count(CycleCounter.ARTICLES_REQUESTED)
        return Request(
            page.url,
            callback=self.parse_archived,
            errback=self.archived_failed,
            dont_filter=True,
            meta={
                ARCHIVED_META: page,
                MARK_META: ArchiveMark(tracker, page.offset),
                "dont_obey_robotstxt": True,  # nothing is fetched from the site
            },
        )

    async def parse_archived(self, response: Response) -> AsyncIterator[ArticleItem]:
        page: ArchivedPage = response.meta[ARCHIVED_META]
        mark: ArchiveMark = response.meta[MARK_META]
        item = self._item(response, page.url, page.captured_at, mark)
        if item is None:
            await asyncio.to_thread(mark.tracker.settled, mark.offset)
            return
        yield item

    async def archived_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = reason_for_failure(failure)
        self.runtime.fail(None, request.url, reason, detail)
        mark: ArchiveMark = request.meta[MARK_META]
        await asyncio.to_thread(mark.tracker.settled, mark.offset)

    # -- the Wayback Machine -------------------------------------------------------------------

    async def parse_page_count(self, response: Response) -> AsyncIterator[Request]:
        query = self.plan.wayback
        assert query is not None
        try:
            pages = wayback.page_count(response.body)
        except ValueError as exc:
            self.runtime.fail(None, response.url, Reason.ARCHIVE_UNREADABLE, str(exc))
            return
        for number in range(pages):
            url = wayback.query_url(query.base, query.site, query.first, query.last, page=number)
            earlier = await asyncio.to_thread(self.runtime.store.archive_progress, url)
            if earlier is not None and earlier.done:
                continue
            yield Request(url, callback=self.parse_cdx_page, errback=self.cdx_failed, dont_filter=True)

    async def parse_cdx_page(self, response: Response) -> AsyncIterator[Request]:
        query = self.plan.wayback
        assert query is not None
        if response.status >= 400:
            self.runtime.fail(
                None, response.url, reason_for_status(response.status), f"HTTP {response.status}"
            )
            return
        try:
            found = wayback.captures(response.body, query.base)
        except ValueError as exc:
            self.runtime.fail(None, response.url, Reason.ARCHIVE_UNREADABLE, str(exc))
            return
        tracker = ArchiveTracker(self.runtime.store, response.url, self.plan.via, None, self._run_id)
        self.trackers.append(tracker)
        canonical = {capture.original: canonical_url(capture.original) for capture in found}
        unseen = await asyncio.to_thread(self.runtime.store.unseen, [c for c in canonical.values() if c])
        for index, capture in enumerate(found):
            if canonical[capture.original] not in unseen:
                continue
            unseen.discard(canonical[capture.original])  # one capture per article
            tracker.started(index)
            self.runtime.count(CycleCounter.ARTICLES_REQUESTED)
            yield Request(
                capture.capture_url,
                callback=self.parse_capture,
                errback=self.archived_failed,
                dont_filter=True,
                meta={"newswatch_capture": capture, MARK_META: ArchiveMark(tracker, index)},
            )
        await asyncio.to_thread(tracker.finished_reading, None)

    async def parse_capture(self, response: Response) -> AsyncIterator[ArticleItem]:
        capture: wayback.Capture = response.meta["newswatch_capture"]
        mark: ArchiveMark = response.meta[MARK_META]
        if response.status >= 400:
            reason = reason_for_status(response.status)
            self.runtime.fail(None, capture.original, reason, f"capture: HTTP {response.status}")
            await asyncio.to_thread(mark.tracker.settled, mark.offset)
            return
        item = self._item(response, capture.original, capture.captured_at, mark)
        if item is None:
            await asyncio.to_thread(mark.tracker.settled, mark.offset)
            return
        yield item

    async def cdx_failed(self, failure: Failure) -> None:
        reason, detail = reason_for_failure(failure)
        self.runtime.fail(None, failure.request.url, reason, detail)  # type: ignore[attr-defined]

    # -- shared --------------------------------------------------------------------------------

    def _item(self, response: Response, url: str, captured_at: Any, mark: ArchiveMark) -> ArticleItem | None:
        page = html_page(response)
        canonical = canonical_url(url)
        if page is None or not canonical:
            self.runtime.fail(None, url, Reason.NOT_HTML, "archived response is not HTML")
            return None
        host = urlsplit(url).hostname or ""
        return ArticleItem(
            url=url,
            canonical_url=canonical,
            feed_id=None,
            source=self.plan.source_name(host),
            keep="relevant",
            page=page,
            fetched_at=utcnow(),
            via=self.plan.via,
            captured_at=captured_at,
            archive_mark=mark,
        )

    def progress_line(self) -> str:
        """records read and matched, pages stored, bytes and ETA (when the archive's size is known)."""
        counts = self.runtime.counts()
        read = sum(t.reader.records_read for t in self.trackers if t.reader)
        matched = sum(t.reader.records_matched for t in self.trackers if t.reader)
        done_bytes = sum(t.reader.next_offset for t in self.trackers if t.reader)
        line = (
            f"archives {len(self.trackers)}/{len(self.plan.archives) or '?'} · records {read} read · "
            f"{matched} matched · {counts.articles_new} new · {counts.articles_duplicate} duplicates · "
            f"{counts.articles_irrelevant} off-topic · {done_bytes / 1e6:.1f} MB"
        )
        current = self.trackers[-1] if self.trackers else None
        if current is not None and current.reader is not None and current.size:
            line += f" · {100 * current.reader.next_offset / current.size:.0f}% of this archive"
            line += current.eta()
        return line

    def _guard(self) -> bool:
        return bool(self.runtime.crawler.settings.getbool("NEWSWATCH_ADDRESS_GUARD_ENABLED", True))
