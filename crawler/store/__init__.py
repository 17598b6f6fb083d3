"""The database: schema, engines, migrations and the store API."""

from crawler.store.records import (
    ArticleRecord,
    FeedState,
    NewEntry,
    PendingUrl,
    PollOutcome,
    RecheckTarget,
    RunCounts,
    SaveOutcome,
)
from crawler.store.store import Store

__all__ = [
    "ArticleRecord",
    "FeedState",
    "NewEntry",
    "PendingUrl",
    "PollOutcome",
    "RecheckTarget",
    "RunCounts",
    "SaveOutcome",
    "Store",
]
