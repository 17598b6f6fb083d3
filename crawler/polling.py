"""When a feed is due next: its interval after success, growing backoff after failures.

Pure functions of the clock and the feed's state, so tests drive them with any `now`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from crawler.failures import SOFT_REASONS

MAX_BACKOFF_SECONDS = 24 * 3600
MAX_RETRY_AFTER_SECONDS = 6 * 3600


def next_check_after_success(now: datetime, interval_seconds: float, ttl_seconds: float | None = None) -> datetime:
    """The configured interval, or the feed's own <ttl> when that asks for longer."""
    wait = max(interval_seconds, ttl_seconds or 0)
    return now + timedelta(seconds=min(wait, MAX_BACKOFF_SECONDS))


def next_check_after_failure(
    now: datetime,
    interval_seconds: float,
    consecutive_failures: int,
    reason: str,
    retry_after_seconds: float | None = None,
) -> datetime:
    """Exponential backoff on consecutive failures; soft errors (timeouts, 5xx) grow it half as fast.

    `consecutive_failures` counts earlier failures, not this one. A server's Retry-After is
    honoured as a lower bound, capped so an absurd value cannot silence a feed for weeks.
    """
    weight = 0.5 if reason in SOFT_REASONS else 1.0
    exponent = min(weight * (consecutive_failures + 1), 16)
    wait = min(interval_seconds * 2**exponent, MAX_BACKOFF_SECONDS)
    if retry_after_seconds is not None:
        wait = max(wait, min(retry_after_seconds, MAX_RETRY_AFTER_SECONDS))
    return now + timedelta(seconds=wait)
