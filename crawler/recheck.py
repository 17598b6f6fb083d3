"""When a stored article is next checked for edits (None once it is too old to watch)."""

from __future__ import annotations

from datetime import datetime, timedelta

from crawler.clock import utcnow
from crawler.config import Config
from crawler.store import RecheckTarget


def next_recheck_after(config: Config, first_seen: datetime, now: datetime) -> datetime | None:
    """`recheck.every` from now, while the article is younger than `recheck.window`."""
    settings = config.recheck
    if not settings.enabled:
        return None
    moment = now + timedelta(seconds=settings.every)
    return moment if moment - first_seen <= timedelta(seconds=settings.window) else None


def next_recheck(config: Config, target: RecheckTarget) -> datetime | None:
    return next_recheck_after(config, target.first_seen, utcnow())
