"""The database schema (SQLAlchemy Core), one definition for SQLite and PostgreSQL.

Alembic migrations in ``crawler/migrations`` create exactly these tables; a test compares them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

# Polling state per configured source: what is due, validators for conditional GET, health.
feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("url", Text, nullable=False),  # as configured
    Column("fetch_url", Text, nullable=False),  # follows permanent redirects
    Column("type", String(20), nullable=False),
    Column("keep", String(20), nullable=False),
    Column("interval_seconds", Float, nullable=False),  # configured base interval
    Column("current_interval_seconds", Float),  # adapted to how often the feed publishes
    Column("content_fingerprint", String(64)),  # section pages: the link set hash (FeedState.link_set_hash)
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_polled_at", UTCDateTime()),
    Column("last_success_at", UTCDateTime()),
    Column("last_error_at", UTCDateTime()),
    Column("last_error_reason", String(40)),
    Column("last_error_detail", Text),
    Column("consecutive_failures", Integer, nullable=False, server_default=text("0")),
    Column("next_check_at", UTCDateTime()),
    Column("retired_at", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Every canonical URL newswatch has dealt with: the cross-run "already seen" set and the
# crash-safe frontier (status 'pending' until the article is stored or given up).
urls = Table(
    "urls",
    metadata,
    Column("canonical_url", Text, primary_key=True),
    Column("url", Text, nullable=False),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="SET NULL")),
    Column("status", String(20), nullable=False),  # pending|stored|duplicate|irrelevant|failed
    Column("reason", String(40)),
    Column("detail", Text),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("entry_title", Text),
    Column("entry_published", UTCDateTime()),
    Column("relevance", Float),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="SET NULL")),
    Column("first_seen", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # The URL's host as Scrapy's per-host slot names it: pending URLs are fetched by the worker
    # holding that host's lease. Set for every pending URL; settled URLs need none.
    Column("host", String(255)),
    Index("ix_urls_status_feed", "status", "feed_id"),
    Index("ix_urls_status_host", "status", "host"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="SET NULL")),
    Column("source", String(100), nullable=False),
    Column("site", String(255), nullable=False),
    Column("title", Text),
    Column("text", Text),  # NULL for an exact duplicate: the text lives once, on the first copy
    Column("authors", JSON, nullable=False),
    Column("published", UTCDateTime()),
    Column("language", String(16)),
    Column("kind", String(16), nullable=False, server_default=text("'article'")),  # article | liveblog
    Column("sitename", Text),
    Column("description", Text),
    Column("page_canonical_url", Text),
    Column("relevance", Float, nullable=False),
    Column("relevant", Boolean, nullable=False),
    Column("matched_terms", JSON, nullable=False),
    Column("signals", JSON),  # the facts of a relevant article (crawler.topic.facts; exported as `signals`)
    Column("duplicate_of", Integer, ForeignKey("articles.id", ondelete="SET NULL")),
    # Why a copy's original is that article: published (earliest publication date),
    # canonical_host (the host the copies cite as canonical), first_seen (no date to go by).
    Column("original_basis", String(20)),
    # The story (write-thrus and rewrites of one wire story): the id of its first version's
    # original; an article of its own story keeps NULL.
    Column("story_id", Integer),
    Column("content_hash", String(64), nullable=False),
    Column("text_length", Integer, nullable=False),
    Column("first_seen", UTCDateTime(), nullable=False),
    Column("fetched_at", UTCDateTime(), nullable=False),
    # The cycle that stored it (ArticleRecord.cycle_id): the `runs` table keeps its public name.
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="SET NULL")),
    # Edits: the row always holds the latest version; earlier ones are in article_versions.
    Column("version_count", Integer, nullable=False, server_default=text("1")),
    Column("updated_at", UTCDateTime()),
    Column("next_recheck_at", UTCDateTime()),
    # Where the page came from: live (a cycle fetched it) or an archive (`newswatch backfill`),
    # and when the archive captured it.
    Column("via", String(16), nullable=False, server_default=text("'live'")),
    Column("captured_at", UTCDateTime()),
    Index("ix_articles_content_hash", "content_hash"),
    Index("ix_articles_next_recheck_at", "next_recheck_at"),
    Index("ix_articles_duplicate_of", "duplicate_of"),  # a story's copies, for `newswatch stories`
    # One original per text: a second writer racing with the same text gets a conflict
    # and links its copy instead of storing it twice.
    Index(
        "ux_articles_original_hash",
        "content_hash",
        unique=True,
        sqlite_where=text("duplicate_of IS NULL"),
        postgresql_where=text("duplicate_of IS NULL"),
    ),
    Index("ix_articles_first_seen", "first_seen"),
    Index("ix_articles_story_id", "story_id"),
    Index("ix_articles_source", "source"),
)

# One row per cycle, with its counts; `failures` holds {reason: count}.
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("status", String(20), nullable=False),  # running|finished|failed
    Column("finish_reason", String(60)),
    Column("trigger", String(20), nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("feeds_due", Integer, nullable=False, server_default=text("0")),
    Column("feeds_polled", Integer, nullable=False, server_default=text("0")),
    Column("feeds_not_modified", Integer, nullable=False, server_default=text("0")),
    Column("feeds_failed", Integer, nullable=False, server_default=text("0")),
    Column("articles_requested", Integer, nullable=False, server_default=text("0")),
    Column("articles_new", Integer, nullable=False, server_default=text("0")),
    Column("articles_duplicate", Integer, nullable=False, server_default=text("0")),
    Column("articles_irrelevant", Integer, nullable=False, server_default=text("0")),
    Column("articles_failed", Integer, nullable=False, server_default=text("0")),
    Column("articles_rechecked", Integer, nullable=False, server_default=text("0")),
    Column("articles_updated", Integer, nullable=False, server_default=text("0")),
    Column("hosts_taken", Integer, nullable=False, server_default=text("0")),  # leases taken (PostgreSQL)
    Column("failures", JSON, nullable=False),
    Column("worker", String(200)),  # the worker id (crawler.core.worker) that ran it
)

# Each failure, typed, against its run, feed and URL: the evidence behind `feeds status`.
failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE")),  # the cycle that recorded it
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE")),
    Column("url", Text, nullable=False),
    Column("reason", String(40), nullable=False),
    Column("detail", Text),
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_failures_feed_at", "feed_id", "at"),
    Index("ix_failures_run", "run_id"),
)

# One row per archive a backfill reads (a WARC file, a CDX page): how far it got, so an
# interrupted backfill resumes there and a repeated one reads nothing twice.
backfill_progress = Table(
    "backfill_progress",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("archive", Text, nullable=False, unique=True),  # the WARC's path or URL, or a CDX query page
    Column("via", String(16), nullable=False),  # cc-news | wayback | warc
    Column("resume_offset", BigInteger, nullable=False, server_default=text("0")),
    Column("records_read", Integer, nullable=False, server_default=text("0")),
    Column("records_matched", Integer, nullable=False, server_default=text("0")),
    Column("bytes_read", BigInteger, nullable=False, server_default=text("0")),
    Column("layout", String(12)),  # per-record | whole-gzip (how a resume reaches the offset)
    Column("done", Boolean, nullable=False, server_default=text("false")),
    Column("error", Text),  # why the archive could not be read to its end
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="SET NULL")),  # the last backfill that read it
    Column("updated_at", UTCDateTime(), nullable=False),
)

# Every earlier state of an edited article, with when it was seen and a compact diff to the next.
article_versions = Table(
    "article_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("title", Text),
    Column("text", Text),
    Column("content_hash", String(64), nullable=False),
    Column("seen_at", UTCDateTime(), nullable=False),  # when this version was fetched
    Column("replaced_at", UTCDateTime(), nullable=False),  # when a newer one was found
    Column("diff", Text, nullable=False),  # unified diff from this version to the next
    Column("summary", Text, nullable=False),
    Index("ux_article_versions", "article_id", "version", unique=True),
)

# One row per fact of an article (agency, action, state, city, count of people, event date), so
# filters and reports are indexed SQL, and an analyst can `select value, count(*) ... group by`.
# Generic on purpose: any extractor's facts fit, with the words that said so when it keeps them.
article_signals = Table(
    "article_signals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # SignalKind: agency|action|state|city|count|event_date
    Column("value", Text, nullable=False),  # "ICE", "raid", "MS", "Canton, MS", "detained", "2026-11-26"
    Column("value_key", Text, nullable=False),  # the value casefolded: filters ignore case
    Column("amount", Integer),  # count: how many people
    Column("evidence", Text),  # the words that said so, when the extractor keeps them
    Column("span_start", Integer),  # their character offsets in the text, when known
    Column("span_end", Integer),
    Index("ix_article_signals_kind_key", "kind", "value_key", "article_id"),
    Index("ix_article_signals_article", "article_id", "kind"),
)

# Objects the full-text search keeps beside the tables above, which SQLAlchemy cannot declare:
# on SQLite the FTS5 index `articles_fts` (external content: the text stays in `articles`) with
# its shadow tables and the triggers that keep it in step; on PostgreSQL the generated tsvector
# column `articles.search_vector` and its GIN index. Migration 0003 creates them.
FULL_TEXT_TABLES = frozenset(
    {"articles_fts", "articles_fts_data", "articles_fts_idx", "articles_fts_docsize", "articles_fts_config"}
)
FULL_TEXT_COLUMN = "search_vector"
FULL_TEXT_INDEX = "ix_articles_search_vector"
# SQLite only (migration 0011): what a filtered search reads of each match, so it never reads
# the article's row (its text, and every column stored after it, spills to overflow pages).
SEARCH_FILTER_INDEX = "ix_articles_search_filter"
SEARCH_FILTER_COLUMNS = ("id", "story_id", "duplicate_of", "source", "relevant", "relevance", "first_seen")

# robots.txt per origin (scheme://host:port) as last fetched, reused by later cycles and
# processes until `expires_at`; `body` is what the parser reads (empty for a failed fetch).
robots_txt = Table(
    "robots_txt",
    metadata,
    Column("origin", String(300), primary_key=True),
    Column("status", Integer, nullable=False),  # HTTP status of the robots.txt response
    Column("body", LargeBinary, nullable=False),
    Column("fetched_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
)

# Alert rules as first seen: a rule alerts on stories first seen after it was added, not the backlog.
alert_rules = Table(
    "alert_rules",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
)

# One row per (rule, target, story) to send: queued in one transaction with the match, marked
# sent once the target accepted it. A story's copies share its story_id, so they are never sent
# again; the URL of a target is never stored (its secrets), only a hash of it.
alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule", String(100), nullable=False),
    Column("target_key", String(32), nullable=False),
    Column("story_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("digest", Boolean, nullable=False),
    Column("status", String(10), nullable=False),  # pending|sent|failed (failed is retried)
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("matched_at", UTCDateTime(), nullable=False),
    Column("last_attempt_at", UTCDateTime()),
    Column("sent_at", UTCDateTime()),
    Index("ux_alert_deliveries", "rule", "target_key", "story_id", unique=True),
    Index("ix_alert_deliveries_status", "status", "rule"),
)

# Per-host crawl state shared by every worker on one store: who holds the host's lease and until
# when (only the holder polls its feeds and fetches its pages), and how long it asked us to wait.
hosts = Table(
    "hosts",
    metadata,
    Column("host", String(255), primary_key=True),
    Column("lease_owner", String(200)),  # a worker id; NULL when nobody holds it
    Column("lease_expires_at", UTCDateTime()),
    Column("lease_renewed_at", UTCDateTime()),
    Column("lease_taken_at", UTCDateTime()),
    Column("backoff_until", UTCDateTime()),  # Retry-After: no worker takes it before this
    Column("backoff_detail", Text),
)

# Workers that ran cycles on this store, with their last heartbeat: `newswatch workers`.
workers = Table(
    "workers",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("machine", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("heartbeat_at", UTCDateTime(), nullable=False),
    Column("stopped_at", UTCDateTime()),
    Column("cycle_id", Integer),  # the cycle it runs (or ran last)
    Column("articles_done", Integer, nullable=False, server_default=text("0")),
)
