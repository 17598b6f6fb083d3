"""The database: schema, engines, migrations and the store API."""

from crawler.store.article_filter import ArticleFilter
from crawler.store.full_text import SearchHit
from crawler.store.records import (
    ArticleRecord,
    CycleCounts,
    FeedState,
    HostLease,
    NewEntry,
    PendingUrl,
    PollOutcome,
    RecheckTarget,
    SaveOutcome,
    StoredRobotsTxt,
    WorkerStatus,
)
from crawler.store.store import Store

__all__ = [
    "ArticleFilter",
    "ArticleRecord",
    "CycleCounts",
    "FeedState",
    "HostLease",
    "NewEntry",
    "PendingUrl",
    "PollOutcome",
    "RecheckTarget",
    "SaveOutcome",
    "SearchHit",
    "Store",
    "StoredRobotsTxt",
    "WorkerStatus",
]
