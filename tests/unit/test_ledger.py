"""The cycle ledger's decisions, one owner each: what a failed article costs, when a failed re-check
is looked at again, which parse problems are recorded, and what is due."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import TextResponse

from crawler.core.clock import utcnow
from crawler.core.config import Config, load_config
from crawler.core.errors import CycleCounter, Problem, ProblemKind, Reason
from crawler.cycle.ledger import CycleLedger
from crawler.sources.listings import ListedLink, Listing
from crawler.store import FeedState, NewEntry, PendingUrl, PollOutcome, Store
from tests.support.cli import write_config
from tests.support.database import query
from tests.support.records import record

FEED_URL = "https://example.org/feed.xml"


@dataclass
class Runtime:
    """The part of CycleRuntime the ledger uses, without a crawl: counters and failures in memory."""

    config: Config
    store: Store
    cycle_id: int | None = None
    host_share: None = None  # one machine's store: no host leases
    counted: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def count(self, counter: CycleCounter, amount: int = 1) -> None:
        self.counted[counter] += amount

    def fail(self, feed_id: int | None, url: str, reason: Reason, detail: str) -> None:
        self.failures.append((reason, detail))
        self.store.record_failure(self.cycle_id, feed_id, url, reason, detail, utcnow())


@pytest.fixture
def runtime(tmp_path: Path, sqlite_url: str):
    config = load_config(
        write_config(tmp_path, sqlite_url, [{"name": "f", "url": FEED_URL}], crawl={"max_url_attempts": 3})
    )
    with Store.opened(config.database_url) as store:
        yield Runtime(config, store)


@pytest.fixture
def ledger(runtime: Runtime) -> CycleLedger:
    return CycleLedger(runtime)  # type: ignore[arg-type]


def feed_of(runtime: Runtime) -> FeedState:
    runtime.store.sync_feeds(runtime.config.feeds, utcnow())
    [feed] = runtime.store.feeds()
    return feed


def pending_article(runtime: Runtime) -> PendingUrl:
    feed = feed_of(runtime)
    entry = NewEntry("https://example.org/story", "https://example.org/story", "Story", None)
    runtime.store.record_poll(
        feed.id, PollOutcome(at=utcnow(), next_check_at=utcnow(), succeeded=True), [entry]
    )
    [pending] = runtime.store.pending_urls([feed.id])
    return pending


def status_of(runtime: Runtime, url: str) -> tuple[str, int]:
    [row] = query(
        runtime.config.database_url, f"SELECT status, attempts FROM urls WHERE canonical_url = '{url}'"
    )
    return row


@pytest.mark.parametrize("reason", [Reason.TIMEOUT, Reason.HTTP_5XX, Reason.POOL_CLOSED])
def test_a_transient_failure_keeps_the_article_pending_until_its_attempts_run_out(
    runtime: Runtime, ledger: CycleLedger, reason: Reason
):
    pending = pending_article(runtime)
    for attempt in (1, 2):
        ledger.article_failed(pending, reason, "try again")
        assert status_of(runtime, pending.canonical_url) == ("pending", attempt)
    ledger.article_failed(pending, reason, "third time")
    assert status_of(runtime, pending.canonical_url) == ("failed", 3)
    assert runtime.counted[CycleCounter.ARTICLES_FAILED] == 3


@pytest.mark.parametrize(
    "reason", [Reason.NOT_HTML, Reason.NO_TEXT, Reason.EXTRACT_TIMEOUT, Reason.TOO_LARGE]
)
def test_a_failure_permanent_by_nature_is_given_up_at_once(
    runtime: Runtime, ledger: CycleLedger, reason: Reason
):
    pending = pending_article(runtime)
    ledger.article_failed(pending, reason, "no use trying again")
    assert status_of(runtime, pending.canonical_url) == ("failed", 1)


def test_a_host_that_asked_to_wait_costs_the_article_no_attempt(runtime: Runtime, ledger: CycleLedger):
    pending = pending_article(runtime)
    ledger.article_failed(pending, Reason.HOST_BACKOFF, "host-backoff: wait 60s")
    assert status_of(runtime, pending.canonical_url) == ("pending", 0)
    assert runtime.failures == [(Reason.HOST_BACKOFF, "host-backoff: wait 60s")]


def test_a_failed_recheck_keeps_the_stored_version_and_is_looked_at_again_later(
    runtime: Runtime, ledger: CycleLedger
):
    now = utcnow()
    saved = runtime.store.save_article(
        record(
            "https://example.org/story", "text", fetched_at=now, next_recheck_at=now - timedelta(minutes=1)
        )
    )
    [target] = runtime.store.due_for_recheck(now, 10)
    ledger.recheck_failed(target, Reason.HTTP_5XX, "HTTP 503")
    assert runtime.store.due_for_recheck(now, 10) == []
    assert runtime.store.article(saved.article_id or 0)["next_recheck_at"] > now  # type: ignore[index]
    assert runtime.failures == [(Reason.HTTP_5XX, "re-check: HTTP 503")]


def test_repeated_entries_are_not_recorded_but_other_problems_are(runtime: Runtime, ledger: CycleLedger):
    feed = feed_of(runtime)
    listing = Listing(
        [ListedLink("https://example.org/a")],
        problems=[
            Problem(ProblemKind.REPEATED_ENTRIES, "dropped 2 entries repeating an earlier location"),
            Problem(ProblemKind.ILL_FORMED, "ill-formed XML: mismatched tag at line 3"),
        ],
    )
    response = TextResponse(FEED_URL, body=b"", request=Request(FEED_URL))
    follow_up = ledger.feed_listed(feed, response, listing)
    assert runtime.failures == [(Reason.FEED_PROBLEM, "ill-formed XML: mismatched tag at line 3")]
    assert [pending.url for pending in follow_up.articles] == ["https://example.org/a"]


def test_due_is_one_rule_and_a_named_feed_is_due_now(runtime: Runtime, ledger: CycleLedger):
    feed = feed_of(runtime)
    later = utcnow() + timedelta(hours=1)
    runtime.store.record_poll(feed.id, PollOutcome(at=utcnow(), next_check_at=later, succeeded=True))
    assert ledger.feeds_to_poll([])[1] == []
    assert [due.name for due in ledger.feeds_to_poll(["f"])[1]] == ["f"]
    assert runtime.store.due_feeds(utcnow(), ["f"]) == []
