"""What can go wrong, named once: exceptions, failure reasons, parse problems, cycle counters, exit statuses.

Dependency-free, like Scrapy's own ``exceptions.py``: any module may import it, and importing it
imports nothing else (the extraction workers and every CLI command load it without Scrapy).

Reasons and counters are stored in the database (``failures.reason``, ``urls.reason``,
``feeds.last_error_reason``, the ``runs`` columns) and shown to users, so a value never
changes once released; new members are added freely.

Three exceptions live with the Scrapy components that raise them, because Scrapy treats their
base classes specially: ``HostBackedOff`` and ``BlockedAddress`` are ``IgnoreRequest`` (not
logged as download errors), ``BodyTooLarge`` is ``StopDownload`` (the only way to stop a
download from a signal handler). Each carries its ``Reason`` as a class attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum, StrEnum


class Reason(StrEnum):
    """Why a feed, a page or a download failed; every failure is counted and shown under one."""

    # what the server answered
    HTTP_4XX = "http-4xx"
    HTTP_429 = "http-429"  # rate limited
    HTTP_5XX = "http-5xx"
    GONE = "gone"  # 410: the feed is retired
    # what the body turned out to be
    NOT_A_FEED = "not-a-feed"
    NOT_A_SITEMAP = "not-a-sitemap"
    NOT_HTML = "not-html"
    FEED_PROBLEM = "feed-problem"  # parsed, with a problem the feed's owner should fix
    TOO_LARGE = "too-large"
    NO_TEXT = "no-text"
    # extracting the article
    EXTRACT_TIMEOUT = "extract-timeout"
    EXTRACT_CRASH = "extract-crash"
    EXTRACT_ERROR = "extract-error"
    POOL_CLOSED = "pool-closed"
    # the network
    TIMEOUT = "timeout"
    DNS = "dns"
    CONNECTION = "connection"
    CONNECTION_REFUSED = "connection-refused"
    DATA_LOSS = "data-loss"
    NETWORK = "network"  # a download error of no known kind
    # refused before or instead of a download
    BLOCKED_ADDRESS = "blocked-address"
    ROBOTS = "robots"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    HOST_BACKOFF = "host-backoff"  # never attempted: the host asked to wait
    IGNORED = "ignored"
    # reading a web archive (`newswatch backfill`)
    ARCHIVE_UNREADABLE = "archive-unreadable"  # the archive cannot be read on: truncated, not a WARC
    BAD_RECORD = "bad-record"  # one record's headers or length make no sense; the next is read

    @property
    def is_permanent(self) -> bool:
        """Retrying the same URL is pointless: the answer or the page will not change by itself."""
        return self in _PERMANENT

    @property
    def is_soft(self) -> bool:
        """Says little about the feed itself (the network, the server's load): backs off half as fast."""
        return self in _SOFT


_PERMANENT = frozenset(
    {
        Reason.HTTP_4XX,
        Reason.GONE,
        Reason.NOT_HTML,
        Reason.NOT_A_FEED,
        Reason.TOO_LARGE,
        Reason.NO_TEXT,
        Reason.BLOCKED_ADDRESS,
        Reason.ROBOTS,
        Reason.EXTRACT_TIMEOUT,
        Reason.EXTRACT_CRASH,
        Reason.EXTRACT_ERROR,  # the same bytes raise the same exception in the same code
        Reason.TOO_MANY_REDIRECTS,
        Reason.IGNORED,
        Reason.ARCHIVE_UNREADABLE,
        Reason.BAD_RECORD,
    }
)
_SOFT = frozenset(
    {
        Reason.TIMEOUT,
        Reason.DNS,
        Reason.CONNECTION,
        Reason.CONNECTION_REFUSED,
        Reason.DATA_LOSS,
        Reason.HTTP_5XX,
        Reason.HTTP_429,
        Reason.HOST_BACKOFF,
    }
)


def reason_for_status(status: int) -> Reason:
    """http-4xx, http-5xx, http-429 (rate limited) or gone (410)."""
    if status == 410:
        return Reason.GONE
    if status == 429:
        return Reason.HTTP_429
    return Reason.HTTP_5XX if status >= 500 else Reason.HTTP_4XX


class ProblemKind(Enum):
    """What kind of thing a lenient parse had to forgive."""

    ILL_FORMED = "ill-formed"  # broken XML or JSON, recovered from
    ENCODING = "encoding"  # a declared encoding that does not fit, or none
    DOCTYPE = "doctype"  # a DOCTYPE removed or ignored: entities are never expanded
    COMPRESSION = "compression"  # gzip without Content-Encoding, truncated, or over the cap
    NO_ITEMS = "no-items"  # a JSON Feed without an items list
    UNFETCHABLE_ENTRIES = "unfetchable-entries"  # entries without a usable link, dropped
    REPEATED_ENTRIES = "repeated-entries"  # entries repeating an earlier link, dropped
    CAPPED = "capped"  # more entries than the cap; the rest were not read
    UNDATED_ENTRIES = "undated-entries"  # a window cannot judge entries without a date
    TOO_DEEP = "too-deep"  # a sitemap index nested deeper than is followed


@dataclass(frozen=True)
class Problem:
    """A recoverable issue in a feed or sitemap: its kind for code, its text for people."""

    kind: ProblemKind
    text: str  # worded for `newswatch feeds status`


class CycleCounter(StrEnum):
    """The counters of one cycle; each value is a column of the ``runs`` table (``CycleCounts``)."""

    FEEDS_DUE = "feeds_due"
    FEEDS_POLLED = "feeds_polled"
    FEEDS_NOT_MODIFIED = "feeds_not_modified"
    FEEDS_FAILED = "feeds_failed"
    ARTICLES_REQUESTED = "articles_requested"
    ARTICLES_NEW = "articles_new"
    ARTICLES_DUPLICATE = "articles_duplicate"
    ARTICLES_IRRELEVANT = "articles_irrelevant"
    ARTICLES_FAILED = "articles_failed"
    ARTICLES_RECHECKED = "articles_rechecked"
    ARTICLES_UPDATED = "articles_updated"
    HOSTS_TAKEN = "hosts_taken"  # host leases this worker took (PostgreSQL)


class ExitStatus(IntEnum):
    """Exit statuses of the `newswatch` command, shared by the CLI and the daemon."""

    OK = 0
    UNEXPECTED = 1  # anything unforeseen
    NOT_FOUND = 1  # `article ID` of an article that is not stored
    DAMAGED = 1  # `check` found the store unsound
    CONFIG = 2  # usage or configuration error
    STORE = 3  # the database cannot be opened or written: nothing was crawled
    LOCKED = 75  # EX_TEMPFAIL: another cycle holds the lock; cron may simply try again next time
    INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it
    BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of a pipe (`| head`) went away


# --- exceptions ------------------------------------------------------------------------------


class ConfigError(Exception):
    """A configuration problem, already worded for the user as FILE: KEY: PROBLEM (exit 2)."""


class TopicError(ValueError):
    """A topic file that cannot be used; the message names the file, the key and the problem."""


class UnusableDatabase(Exception):
    """A database newswatch must not migrate or use; the message says why, in one line (exit 3)."""


class DamagedDatabase(UnusableDatabase):
    """A SQLite database whose pages cannot be read: `check` reports it as damage (exit 1)."""


class CycleRunning(Exception):
    """Another cycle holds the cycle lock (exit 75)."""


class CliError(Exception):
    """A problem already worded for the user: the CLI prints it as one line and exits with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class NotAFeed(ValueError):
    """The body is no RSS, Atom, RDF or JSON feed: an HTML page, other JSON, an empty body..."""

    reason = Reason.NOT_A_FEED


class NotASitemap(ValueError):
    """The body is no sitemap: HTML, JSON, a feed, an empty body, garbage."""

    reason = Reason.NOT_A_SITEMAP

    def __init__(self, message: str, *, is_feed: bool = False) -> None:
        super().__init__(message)
        self.is_feed = is_feed  # an RSS/Atom document: read it as a feed instead


class NotAListing(ValueError):
    """The body is not what the source's type promises (not-a-feed, not-a-sitemap, not-html)."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ExtractionError(Exception):
    """A page the extraction pool could not extract; ``reason`` is what run summaries count."""

    reason: Reason = Reason.EXTRACT_ERROR


class ExtractionTimeout(ExtractionError):
    reason = Reason.EXTRACT_TIMEOUT


class InputTooLarge(ExtractionError):
    reason = Reason.TOO_LARGE


class WorkerCrashed(ExtractionError):
    reason = Reason.EXTRACT_CRASH


class PoolClosed(ExtractionError):
    reason = Reason.POOL_CLOSED
