"""The database: schema, engines, migrations and the store API."""

from crawler.store.records import (
    ArticleRecord,
    CycleCounts,
    FeedState,
    NewEntry,
    PendingUrl,
    PollOutcome,
    RecheckTarget,
    SaveOutcome,
)
from crawler.store.store import Store

__all__ = [
    "ArticleRecord",
    "CycleCounts",
    "FeedState",
    "NewEntry",
    "PendingUrl",
    "PollOutcome",
    "RecheckTarget",
    "SaveOutcome",
    "Store",
]
