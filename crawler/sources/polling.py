"""When a feed is due next: an interval that follows how often it publishes, and backoff on failure.

Pure functions of the clock and the feed's state, so tests drive them with any `now`.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from crawler.core.errors import Reason

MAX_BACKOFF_SECONDS = 24 * 3600
MAX_RETRY_AFTER_SECONDS = 6 * 3600
MAX_SERVER_HINT_SECONDS = 24 * 3600  # a <ttl> or max-age beyond a day is not honoured past a day
RECENT_ENTRIES = 20  # the entries whose spacing tells how often a feed publishes


def adaptive_interval(
    published: Sequence[datetime | None],
    now: datetime,
    min_seconds: float,
    max_seconds: float,
) -> float:
    """Poll about once per item the feed publishes, within [min_seconds, max_seconds].

    The typical gap is the median spacing of the newest entries' dates (robust to a burst or
    a lull); a feed that has been quiet for longer than that is polled less, in proportion.
    Without two dated entries there is nothing to learn from: the minimum (the configured
    interval) stands.
    """
    dates = sorted((d for d in published if d is not None and d <= now), reverse=True)[:RECENT_ENTRIES]
    if len(dates) < 2:
        return min_seconds
    gaps = [(newer - older).total_seconds() for newer, older in itertools.pairwise(dates)]
    typical_gap = statistics.median(gaps)
    quiet_for = (now - dates[0]).total_seconds()
    wanted = max(typical_gap, quiet_for / 4)
    return min(max(wanted, min_seconds), max_seconds)


def server_hint_seconds(
    ttl_seconds: float | None, update_period_seconds: float | None, cache_max_age: float | None
) -> float:
    """The longest of the feed's own hints (RSS <ttl>, sy:updatePeriod, Cache-Control max-age), capped."""
    hints = [hint for hint in (ttl_seconds, update_period_seconds, cache_max_age) if hint]
    return min(max(hints, default=0.0), MAX_SERVER_HINT_SECONDS)


def next_check_after_success(now: datetime, interval_seconds: float, hint_seconds: float = 0.0) -> datetime:
    """The (adapted) interval, or the server's hint when that asks for longer."""
    return now + timedelta(seconds=max(interval_seconds, hint_seconds))


def next_check_after_failure(
    now: datetime,
    interval_seconds: float,
    consecutive_failures: int,
    reason: Reason,
    retry_after_seconds: float | None = None,
) -> datetime:
    """Exponential backoff on consecutive failures; soft errors (timeouts, 5xx) grow it half as fast.

    `consecutive_failures` counts earlier failures, not this one. A server's Retry-After is
    honoured as a lower bound, capped so an absurd value cannot silence a feed for weeks.
    """
    weight = 0.5 if reason.is_soft else 1.0
    exponent = min(weight * (consecutive_failures + 1), 16)
    wait = min(interval_seconds * 2**exponent, MAX_BACKOFF_SECONDS)
    if retry_after_seconds is not None:
        wait = max(wait, min(retry_after_seconds, MAX_RETRY_AFTER_SECONDS))
    return now + timedelta(seconds=wait)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent or absurd."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value[:12]))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        return None
    return max((moment - now).total_seconds(), 0.0)


def parse_max_age(cache_control: str | None) -> float | None:
    """max-age (or s-maxage) seconds from a Cache-Control header."""
    if not cache_control:
        return None
    for directive in cache_control.lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name in ("max-age", "s-maxage") and value.strip().isdigit():
            return float(int(value.strip()[:9]))
    return None
