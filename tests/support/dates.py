"""Dates for tests, always relative to the clock the code uses (``crawler.clock.utcnow``).

A literal date in a test meets a window ("entries newer than two days"), a staleness rule
("silent for two days") or a plausibility bound sooner or later, and the suite turns red on a
day nobody changed anything. Every date a test serves or expects is derived from now.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from email.utils import format_datetime

from crawler.core.clock import OFFSET_VARIABLE, utcnow
from crawler.core.durations import parse_duration


def ago(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    """An aware UTC moment this long before now, to the second (feeds and pages carry seconds)."""
    moment = utcnow() - timedelta(days=days, hours=hours, minutes=minutes)
    return moment.replace(microsecond=0)


def ahead(days: float = 0, hours: float = 0) -> datetime:
    """An aware UTC moment this long after now, to the second."""
    return (utcnow() + timedelta(days=days, hours=hours)).replace(microsecond=0)


def clock_later(duration: str) -> dict[str, str]:
    """The environment for a child process whose clock runs `duration` later than this one's.

    The suite itself may run under a clock offset (a year ahead, to show no test depends on the
    date): a child given a bare offset would be that much *earlier* than the cycles before it.
    """
    current = os.environ.get(OFFSET_VARIABLE, "").strip()
    sign = -1 if current.startswith("-") else 1
    seconds = sign * parse_duration(current.lstrip("+-"), allow_zero=True) if current else 0.0
    total = round(seconds + parse_duration(duration))
    return {OFFSET_VARIABLE: f"-{-total}s" if total < 0 else f"{total}s"}


def latest_weekday(weekday: int, at_least_days_ago: int, hour: int = 12, minute: int = 0) -> datetime:
    """The most recent given weekday (Monday 0) at least `at_least_days_ago` days back, at hour:minute.

    Stories whose text says "on Thursday" need a publication day of a known weekday.
    """
    day = (utcnow() - timedelta(days=at_least_days_ago)).date()
    day -= timedelta(days=(day.weekday() - weekday) % 7)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=utcnow().tzinfo)


def monday_of(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def http_date(moment: datetime) -> str:
    """RFC 9110 date, as in Last-Modified and RSS pubDate: 'Sat, 22 Nov 2026 22:00:00 GMT'."""
    return format_datetime(moment, usegmt=True)


def w3c(moment: datetime) -> str:
    """W3C datetime as sitemaps write it: '2026-11-27T10:00:00Z'."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
