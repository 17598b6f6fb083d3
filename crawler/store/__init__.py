"""The database: schema, engines, migrations and the store API.

The names below are looked up when first used (PEP 562), so importing a light module of this
package (``crawler.store.records``, ``crawler.store.idle_reader``) does not import SQLAlchemy:
a cycle with nothing due reads the store without it (README "What a cycle costs").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_MODULE_OF = {
    "ArticleFilter": "crawler.store.article_filter",
    "SearchHit": "crawler.store.full_text",
    "Store": "crawler.store.store",
} | {name: "crawler.store.records" for name in __all__ if name not in ("ArticleFilter", "SearchHit", "Store")}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'crawler.store' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
