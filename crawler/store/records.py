"""Plain records passed across the store API (no SQLAlchemy types leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from crawler.dedup.minhash import MinHashSignature

UrlStatus = Literal["pending", "stored", "duplicate", "irrelevant", "failed"]


@dataclass(frozen=True)
class FeedState:
    """A feed as the store knows it: configuration plus polling state."""

    id: int
    name: str
    url: str
    fetch_url: str
    type: str
    keep: str
    interval_seconds: float
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    next_check_at: datetime | None
    retired_at: datetime | None
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error_reason: str | None = None
    last_error_detail: str | None = None
    current_interval_seconds: float | None = None
    link_set_hash: str | None = None  # section pages: the link set last seen (column content_fingerprint)

    def is_due(self, now: datetime, *, named: bool = False) -> bool:
        """Not retired, and its next check has come; a feed named on the command line is due now."""
        return self.retired_at is None and (named or self.next_check_at is None or self.next_check_at <= now)

    @property
    def effective_interval(self) -> float:
        """The adapted interval, or the configured one before the first successful poll."""
        return self.current_interval_seconds or self.interval_seconds


@dataclass(frozen=True)
class NewEntry:
    """A feed entry whose canonical URL the store has never seen."""

    canonical_url: str
    url: str
    title: str | None
    published: datetime | None


@dataclass(frozen=True)
class PendingUrl:
    """A URL the crawler still owes an article request (survives crashes)."""

    canonical_url: str
    url: str
    feed_id: int | None
    attempts: int
    entry_title: str | None
    entry_published: datetime | None


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of a feed changed in its state."""

    at: datetime
    next_check_at: datetime
    succeeded: bool
    interval_seconds: float | None = None  # the adapted interval, on success
    link_set_hash: str | None = None  # section pages: the link set seen (column content_fingerprint)
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None  # permanent redirect target
    retire: bool = False
    failure_reason: str | None = None
    failure_detail: str | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """An extracted, scored, hashed and signed article ready to be stored."""

    url: str
    canonical_url: str
    feed_id: int | None
    source: str
    site: str
    title: str | None
    text: str
    authors: list[str]
    published: datetime | None
    language: str | None
    sitename: str | None
    description: str | None
    page_canonical_url: str | None
    relevance: float
    relevant: bool
    matched_terms: list[str]
    content_hash: str
    fetched_at: datetime
    cycle_id: int | None = None  # column run_id
    signals: dict[str, Any] | None = None  # the facts (ArticleItem.facts), under the column's name
    frontier_url: str | None = None  # the pending URL that led here, when redirects changed it
    next_recheck_at: datetime | None = None  # when to look for edits (None: never)
    signature: MinHashSignature | None = None  # near-duplicate signature (None: too short to judge)
    via: str = "live"  # live | cc-news | wayback | warc (crawler.sources.archives)
    captured_at: datetime | None = None  # when an archive captured the page (its first_seen)
    kind: str = "article"  # article | liveblog (ExtractedArticle.kind)


@dataclass(frozen=True)
class RecheckTarget:
    """A stored article due for a look for edits."""

    article_id: int
    url: str
    canonical_url: str
    feed_id: int | None
    source: str
    first_seen: datetime


@dataclass(frozen=True)
class SaveOutcome:
    """How the store took an article: new, linked to an earlier copy, or already there."""

    status: Literal["new", "duplicate", "seen", "irrelevant"]
    article_id: int | None = None
    duplicate_of: int | None = None


@dataclass
class CycleCounts:
    """Counters of one cycle, written to its `runs` row: one field per CycleCounter, same name."""

    feeds_due: int = 0
    feeds_polled: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    articles_requested: int = 0
    articles_new: int = 0
    articles_duplicate: int = 0
    articles_irrelevant: int = 0
    articles_failed: int = 0
    articles_rechecked: int = 0
    articles_updated: int = 0
    hosts_taken: int = 0
    failures: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredRobotsTxt:
    """A robots.txt as fetched for one origin ("https://example.org:443"), and until when it holds."""

    origin: str
    status: int
    body: bytes
    fetched_at: datetime
    expires_at: datetime

    def is_fresh(self, now: datetime) -> bool:
        return self.fetched_at <= now < self.expires_at


@dataclass(frozen=True)
class HostLease:
    """Who holds a host on a shared store, until when, and how long the host asked us to wait."""

    host: str
    owner: str | None
    expires_at: datetime | None
    backoff_until: datetime | None

    def held(self, now: datetime) -> bool:
        return self.owner is not None and self.expires_at is not None and self.expires_at > now


@dataclass(frozen=True)
class WorkerStatus:
    """A worker as `newswatch workers` lists it."""

    id: str
    machine: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    stopped_at: datetime | None
    cycle_id: int | None
    articles_done: int
    hosts: tuple[str, ...]  # hosts it holds a valid lease on
