"""The one clock: timezone-aware UTC. Every "now" in newswatch comes from here, and so does the
rule for which dates are plausible at all.

``NEWSWATCH_CLOCK_OFFSET`` (a duration such as ``7d`` or ``-1h``) moves it. Nothing in normal
use sets it; the test suite is run with the clock a week, a month and a year ahead to show
that no test depends on the day it runs, which only holds because nothing reads the system
clock around this function.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from crawler.core.durations import parse_duration

OFFSET_VARIABLE = "NEWSWATCH_CLOCK_OFFSET"

# Publication dates before this are placeholders (Unix time 0, .NET's DateTime.MinValue, a
# CMS's 1900-01-01), not news: the web's news archives start in the 1990s.
EARLIEST_PLAUSIBLE_DATE = datetime(1990, 1, 1, tzinfo=UTC)
# Time zones (UTC+14 is the furthest ahead) and clock skew; a date later than this is a
# scheduled post or a typo, not a publication date.
FUTURE_TOLERANCE = timedelta(days=1)


def _offset() -> timedelta:
    value = os.environ.get(OFFSET_VARIABLE, "").strip()
    if not value:
        return timedelta(0)
    sign = -1 if value.startswith("-") else 1
    try:
        seconds = parse_duration(value.lstrip("+-"), allow_zero=True)
    except ValueError as exc:
        raise SystemExit(f"newswatch: {OFFSET_VARIABLE}: {exc}") from None
    return timedelta(seconds=sign * seconds)


_OFFSET = _offset()


def utcnow() -> datetime:
    return datetime.now(UTC) + _OFFSET


def scheduler_now() -> datetime:
    """The system clock, unshifted: APScheduler keeps time with it, so its run times must too."""
    return datetime.now(UTC)


def is_plausible_date(value: datetime, now: datetime | None = None) -> bool:
    """Not a placeholder and not later than FUTURE_TOLERANCE ahead of `now` (the clock's)."""
    return EARLIEST_PLAUSIBLE_DATE <= value <= (now or utcnow()) + FUTURE_TOLERANCE
