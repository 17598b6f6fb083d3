"""The cycle's ledger: every decision about what a cycle does and what each outcome costs, made once.

The spider routes requests and the pipelines transform items; both report to the ledger,
which decides and writes: which feeds are polled, what a poll changes in a feed's state, which
links become pending articles, whether a failed article is tried again, when an article that
could not be re-checked is looked at again, and what is counted. Nothing else in a cycle writes
the frontier or a feed's polling state.

Every method writes to the store; call them in a thread (``asyncio.to_thread``), never on the
reactor: a database busy with another writer must never stall the downloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from scrapy.http import Response

from crawler.core.clock import utcnow
from crawler.core.errors import CycleCounter, NotAListing, ProblemKind, Reason, reason_for_status
from crawler.core.secrets import carry_credentials
from crawler.core.urls import canonical_url, host_of, site_of
from crawler.cycle import due_work
from crawler.cycle.item import ArticleItem
from crawler.cycle.responses import header, permanent_redirect_target
from crawler.dedup.versions import compare_versions, next_recheck, next_recheck_after
from crawler.sources.listings import ListedLink, Listing
from crawler.sources.polling import (
    adaptive_interval,
    next_check_after_failure,
    next_check_after_success,
    parse_max_age,
    parse_retry_after,
    server_hint_seconds,
)
from crawler.store import (
    ArticleRecord,
    FeedState,
    NewEntry,
    PendingUrl,
    PollOutcome,
    RecheckTarget,
    SaveOutcome,
)

if TYPE_CHECKING:
    from crawler.cycle.runtime import CycleRuntime

MAX_SITEMAP_DEPTH = 2  # an index of indexes, no deeper
MAX_CHILD_SITEMAPS = 50  # per index document
# Problems that are merely untidy: recorded on every poll, they would bury the ones worth fixing.
QUIET_PROBLEMS = frozenset({ProblemKind.REPEATED_ENTRIES})


@dataclass(frozen=True)
class FollowUp:
    """What a listing leads to: child sitemaps to fetch and articles to request."""

    sitemaps: list[str]
    articles: list[PendingUrl]


class CycleLedger:
    """Decisions and records of one cycle; one per CycleRuntime (``runtime.ledger``)."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime

    # -- what the cycle does ---------------------------------------------------------------

    def feeds_to_poll(self, names: Sequence[str]) -> tuple[list[FeedState], list[FeedState]]:
        """(the selected feeds, those polled now); see ``due_work.feeds_to_poll``."""
        states, due = due_work.feeds_to_poll(self.runtime.store, self.runtime.config, names, utcnow())
        self.runtime.count(CycleCounter.FEEDS_DUE, len(due))
        return states, due

    def pending_articles(self, feeds: list[FeedState]) -> list[tuple[PendingUrl, FeedState | None]]:
        """Articles a crashed or interrupted cycle still owes these feeds, with their feed."""
        by_id = {feed.id: feed for feed in feeds}
        pending = due_work.pending_articles(self.runtime.store, feeds)
        self.runtime.count(CycleCounter.ARTICLES_REQUESTED, len(pending))
        return [(url, by_id.get(url.feed_id) if url.feed_id is not None else None) for url in pending]

    def due_rechecks(self, named: bool) -> list[RecheckTarget]:
        """Stored articles to look at again for edits; none in a cycle over named feeds only."""
        targets = due_work.due_rechecks(self.runtime.store, self.runtime.config, named, utcnow())
        self.runtime.count(CycleCounter.ARTICLES_RECHECKED, len(targets))
        return targets

    # -- feeds -----------------------------------------------------------------------------

    def feed_answered(self, feed: FeedState, response: Response) -> bool:
        """Record a poll that needs no reading (304, an HTTP error); True when the body is to be read."""
        self.runtime.count(CycleCounter.FEEDS_POLLED)
        if response.status == 304:
            if not (feed.etag or feed.last_modified):
                self.feed_failed(feed, response.url, Reason.NOT_A_FEED, "304 to a request without validators")
                return False
            self.runtime.count(CycleCounter.FEEDS_NOT_MODIFIED)
            self._record_success(
                feed,
                response,
                [],
                interval=feed.effective_interval,
                validators=(feed.etag, feed.last_modified),
            )
            return False
        if response.status >= 400:
            retry_after = parse_retry_after(header(response, b"Retry-After"), utcnow())
            reason = reason_for_status(response.status)
            self.feed_failed(feed, response.url, reason, f"HTTP {response.status}", retry_after)
            return False
        return True

    def feed_unreadable(self, feed: FeedState, url: str, error: NotAListing) -> None:
        self.feed_failed(feed, url, error.reason, str(error))

    def feed_listed(self, feed: FeedState, response: Response, listing: Listing) -> FollowUp:
        """Record a successful poll and its new entries (in one transaction); what to fetch next."""
        self._record_problems(feed, response.url, listing)
        unchanged = listing.link_set_hash is not None and listing.link_set_hash == feed.link_set_hash
        new_entries = [] if unchanged else self._new_entries(listing.links)
        if unchanged:
            self.runtime.count(CycleCounter.FEEDS_NOT_MODIFIED)  # a section page whose links did not change
        shortest, longest = self.runtime.config.feed(feed.name).interval_bounds
        self._record_success(
            feed,
            response,
            new_entries,
            interval=adaptive_interval(listing.dated, utcnow(), shortest, longest),
            validators=(header(response, b"ETag"), header(response, b"Last-Modified")),
            hint_seconds=listing.hint_seconds,
            link_set_hash=listing.link_set_hash,
        )
        return FollowUp(listing.children[:MAX_CHILD_SITEMAPS], self._requested(new_entries, feed))

    def feed_failed(
        self, feed: FeedState, url: str, reason: Reason, detail: str, retry_after: float | None = None
    ) -> None:
        """A failed poll: typed, counted, and the feed backs off (410 retires it)."""
        now = utcnow()
        self.runtime.count(CycleCounter.FEEDS_FAILED)
        self.runtime.fail(feed.id, url, reason, detail)
        outcome = PollOutcome(
            at=now,
            next_check_at=next_check_after_failure(
                now, feed.effective_interval, feed.consecutive_failures, reason, retry_after
            ),
            succeeded=False,
            failure_reason=reason,
            failure_detail=detail,
            retire=reason is Reason.GONE,
        )
        self.runtime.store.record_poll(feed.id, outcome)

    def _record_success(
        self,
        feed: FeedState,
        response: Response,
        new_entries: list[NewEntry],
        *,
        interval: float,
        validators: tuple[str | None, str | None],
        hint_seconds: float = 0.0,
        link_set_hash: str | None = None,
    ) -> None:
        now = utcnow()
        max_age = parse_max_age(header(response, b"Cache-Control"))
        hint = max(hint_seconds, server_hint_seconds(None, None, max_age))
        etag, last_modified = validators
        outcome = PollOutcome(
            at=now,
            next_check_at=next_check_after_success(now, interval, hint),
            succeeded=True,
            interval_seconds=interval,
            etag=etag,
            last_modified=last_modified,
            moved_to=carry_credentials(feed.fetch_url, permanent_redirect_target(response)),
            link_set_hash=link_set_hash,
        )
        self.runtime.store.record_poll(feed.id, outcome, new_entries)

    def _record_problems(self, feed: FeedState, url: str, listing: Listing) -> None:
        # The lenient parse kept what it could; the problem is still the feed's to fix.
        for problem in listing.problems:
            if problem.kind not in QUIET_PROBLEMS:
                self.runtime.fail(feed.id, url, Reason.FEED_PROBLEM, problem.text)

    def _new_entries(self, links: list[ListedLink]) -> list[NewEntry]:
        """Links whose canonical URL the store has never seen, one per canonical URL."""
        by_canonical: dict[str, ListedLink] = {}
        for link in links:
            key = canonical_url(link.url)
            if key and key not in by_canonical:
                by_canonical[key] = link
        unseen = self.runtime.store.unseen(by_canonical)
        return [
            NewEntry(canonical_url=key, url=link.url, title=link.title, published=link.published)
            for key, link in by_canonical.items()
            if key in unseen
        ]

    def _requested(self, entries: list[NewEntry], feed: FeedState) -> list[PendingUrl]:
        share = self.runtime.host_share
        if share is not None:
            # On a shared store a new article is fetched now only if this worker holds its host;
            # otherwise it stays pending for the worker that takes that host.
            entries = [
                entry for entry in entries if share.take_pending(host_of(entry.url), entry.canonical_url)
            ]
        self.runtime.count(CycleCounter.ARTICLES_REQUESTED, len(entries))
        return [
            PendingUrl(entry.canonical_url, entry.url, feed.id, 0, entry.title, entry.published)
            for entry in entries
        ]

    # -- child sitemaps (of an index, or listed in robots.txt) ----------------------------------

    def child_listed(self, feed: FeedState, url: str, listing: Listing, depth: int) -> FollowUp:
        """Add a child sitemap's new entries as pending; follow its own children up to the depth cap."""
        self._record_problems(feed, url, listing)
        new_entries = self._new_entries(listing.links)
        self.runtime.store.add_pending(feed.id, new_entries, utcnow())
        children = listing.children[:MAX_CHILD_SITEMAPS] if depth < MAX_SITEMAP_DEPTH else []
        if listing.children and depth >= MAX_SITEMAP_DEPTH:
            detail = f"sitemap index nested deeper than {MAX_SITEMAP_DEPTH}; not followed"
            self.runtime.fail(feed.id, url, Reason.FEED_PROBLEM, detail)
        return FollowUp(children, self._requested(new_entries, feed))

    def child_failed(self, feed: FeedState, url: str, reason: Reason, detail: str) -> None:
        """A child sitemap that failed costs the feed nothing but the record: its parent was read."""
        self.runtime.fail(feed.id, url, reason, detail)

    # -- articles --------------------------------------------------------------------------

    def article_failed(self, pending: PendingUrl, reason: Reason, detail: str) -> None:
        """An article request that failed before any page reached the pipelines."""
        self._give_up(pending.feed_id, pending.url, pending.canonical_url, reason, detail)

    def item_failed(self, item: ArticleItem, reason: Reason, detail: str) -> None:
        """A fetched page the pipelines could not use (extraction failed, no text)."""
        if item.recheck is not None:
            self.recheck_failed(item.recheck, reason, detail)
        else:
            self._give_up(item.feed_id, item.url, item.pending_key, reason, detail)

    def _give_up(self, feed_id: int | None, url: str, pending_key: str, reason: Reason, detail: str) -> None:
        """The one failure policy for an article: what is permanent by nature is given up at once;
        anything else stays pending for the next cycle, up to crawl.max_url_attempts tries; a
        request the host asked us to hold back was never tried and costs no attempt."""
        self.runtime.count(CycleCounter.ARTICLES_FAILED)
        self.runtime.fail(feed_id, url, reason, detail)
        if reason is Reason.HOST_BACKOFF:
            return
        self.runtime.store.fail_url(
            pending_key,
            reason,
            detail,
            utcnow(),
            permanent=reason.is_permanent,
            max_attempts=self.runtime.config.crawl.max_url_attempts,
        )

    def alias_if_stored(self, pending_key: str, canonical: str) -> bool:
        """Whether the page turned out (after redirects, or by its declared canonical URL) to be
        an article already dealt with; if so the pending URL becomes its alias, a duplicate."""
        store = self.runtime.store
        if not store.is_stored(canonical):
            return False
        self.runtime.count(CycleCounter.ARTICLES_DUPLICATE)
        store.alias_url(pending_key, canonical, utcnow())
        return True

    def off_topic(self, item: ArticleItem, score: float) -> None:
        """Remember an off-topic article as seen, without its text."""
        self.runtime.count(CycleCounter.ARTICLES_IRRELEVANT)
        self.runtime.store.mark_irrelevant(item.pending_key, item.canonical_url, item.url, score, utcnow())

    def store_article(self, item: ArticleItem) -> SaveOutcome:
        """Store a new article (exact and near copies are linked to their original by the store)."""
        now = utcnow()
        record = article_record(
            item,
            self.runtime.cycle_id,
            next_recheck_after(self.runtime.config, now, now),
            with_signature=self.runtime.config.dedupe.near_duplicates,
        )
        outcome = self.runtime.store.save_article(record)
        if outcome.status == "new":
            self.runtime.count(CycleCounter.ARTICLES_NEW)
        elif outcome.status == "duplicate":
            self.runtime.count(CycleCounter.ARTICLES_DUPLICATE)
        return outcome

    # -- re-checks for edits ---------------------------------------------------------------

    def store_recheck(self, item: ArticleItem) -> None:
        """Keep a new version when the re-fetched article changed; the old one is kept with a diff."""
        target, extracted = item.recheck, item.extracted
        assert target is not None and extracted is not None and item.content_hash is not None
        title = extracted.title or item.entry_title
        minimum = self.runtime.config.recheck.min_changed_words
        change = self.runtime.store.record_recheck(
            target.article_id,
            title,
            extracted.text,
            item.content_hash,
            utcnow(),
            next_recheck(self.runtime.config, target.first_seen),
            lambda old_title, old_text: compare_versions(old_title, old_text, title, extracted.text, minimum),
        )
        if change is not None:
            self.runtime.count(CycleCounter.ARTICLES_UPDATED)

    def recheck_failed(self, target: RecheckTarget, reason: Reason, detail: str) -> None:
        """An article that cannot be re-checked keeps its stored version; it is looked at again later."""
        self.runtime.fail(target.feed_id, target.url, reason, f"re-check: {detail}")
        self.runtime.store.postpone_recheck(
            target.article_id, next_recheck(self.runtime.config, target.first_seen)
        )


def article_record(
    item: ArticleItem,
    cycle_id: int | None,
    next_recheck_at: datetime | None = None,
    *,
    with_signature: bool = True,
) -> ArticleRecord:
    """The stored form of an item that went through every stage."""
    extracted, relevance = item.extracted, item.relevance
    assert extracted is not None and relevance is not None and item.content_hash is not None
    return ArticleRecord(
        url=item.url,
        canonical_url=item.canonical_url,
        feed_id=item.feed_id,
        source=item.source,
        site=site_of(item.url),
        title=extracted.title or item.entry_title,
        text=extracted.text,
        authors=list(extracted.authors),
        published=extracted.published or item.entry_published,
        language=item.language or extracted.language,
        kind=extracted.kind,
        sitename=extracted.sitename,
        description=extracted.description,
        page_canonical_url=extracted.page_canonical_url,
        relevance=relevance.score,
        relevant=relevance.relevant,
        matched_terms=list(relevance.matched_terms),
        content_hash=item.content_hash,
        fetched_at=item.fetched_at,
        cycle_id=cycle_id,
        signals=item.facts,
        frontier_url=item.frontier_url,
        next_recheck_at=next_recheck_at,
        signature=item.signature if with_signature else None,  # near-duplicates off: exact copies only
        via=item.via,
        captured_at=item.captured_at,
    )
