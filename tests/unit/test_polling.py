"""Interval adaptation, backoff and Retry-After with a controlled clock (no sleeping, no real time)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from crawler.core.errors import Reason
from crawler.sources.polling import (
    MAX_BACKOFF_SECONDS,
    MAX_RETRY_AFTER_SECONDS,
    adaptive_interval,
    next_check_after_failure,
    next_check_after_success,
    parse_max_age,
    parse_retry_after,
    server_hint_seconds,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
MINUTE, HOUR = 60.0, 3600.0


def every(gap: timedelta, count: int, newest: datetime = NOW) -> list[datetime]:
    return [newest - gap * i for i in range(count)]


def test_busy_feed_is_polled_at_its_configured_minimum():
    dates = every(timedelta(minutes=2), 20)
    assert adaptive_interval(dates, NOW, 15 * MINUTE, 2 * HOUR) == 15 * MINUTE


def test_interval_follows_the_typical_gap_between_items():
    dates = every(timedelta(minutes=40), 20)
    assert adaptive_interval(dates, NOW, 15 * MINUTE, 2 * HOUR) == pytest.approx(40 * MINUTE)


def test_quiet_feed_backs_off_to_its_maximum():
    dates = every(timedelta(days=2), 10)
    assert adaptive_interval(dates, NOW, 15 * MINUTE, 2 * HOUR) == 2 * HOUR


def test_a_feed_that_went_quiet_is_polled_less_in_proportion():
    burst_yesterday = every(timedelta(minutes=5), 20, newest=NOW - timedelta(hours=4))
    assert adaptive_interval(burst_yesterday, NOW, 15 * MINUTE, 2 * HOUR) == pytest.approx(1 * HOUR)


def test_undated_or_future_entries_teach_nothing():
    assert adaptive_interval([None, None, NOW + timedelta(days=1)], NOW, 15 * MINUTE, 2 * HOUR) == 15 * MINUTE


def test_server_hints_are_lower_bounds_capped_at_a_day():
    assert server_hint_seconds(30 * MINUTE, None, None) == 30 * MINUTE
    assert server_hint_seconds(None, 2 * HOUR, 600) == 2 * HOUR
    assert server_hint_seconds(999 * HOUR, None, None) == 24 * HOUR
    assert next_check_after_success(NOW, 15 * MINUTE, 30 * MINUTE) == NOW + timedelta(minutes=30)
    assert next_check_after_success(NOW, 15 * MINUTE, 60) == NOW + timedelta(minutes=15)


def test_backoff_grows_with_consecutive_failures_and_is_capped():
    waits = [
        (next_check_after_failure(NOW, 15 * MINUTE, failures, Reason.HTTP_4XX) - NOW).total_seconds()
        for failures in range(12)
    ]
    assert waits[:3] == [30 * MINUTE, 60 * MINUTE, 120 * MINUTE]
    assert all(a <= b for a, b in itertools.pairwise(waits))
    assert waits[-1] == MAX_BACKOFF_SECONDS


def test_soft_failures_back_off_more_slowly_than_hard_ones():
    soft = next_check_after_failure(NOW, 15 * MINUTE, 3, Reason.TIMEOUT)
    hard = next_check_after_failure(NOW, 15 * MINUTE, 3, Reason.NOT_A_FEED)
    assert soft < hard


def test_retry_after_is_a_lower_bound_and_capped():
    assert next_check_after_failure(NOW, 60, 0, Reason.HTTP_429, 3 * HOUR) == NOW + timedelta(hours=3)
    assert next_check_after_failure(NOW, 60, 0, Reason.HTTP_429, 10**9) == NOW + timedelta(
        seconds=MAX_RETRY_AFTER_SECONDS
    )
    assert next_check_after_failure(NOW, 15 * MINUTE, 0, Reason.HTTP_429, 1) > NOW + timedelta(minutes=15)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Sat, 28 Nov 2026 13:00:00 GMT", 3600.0),
        ("Sat, 28 Nov 2026 11:00:00 GMT", 0.0),  # in the past
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", None),
        ("99999999999999999999", 999999999999.0),  # absurd but parsed; callers cap it
    ],
)
def test_retry_after_header_forms(header, seconds):
    assert parse_retry_after(header, NOW) == seconds


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("max-age=300", 300.0),
        ("public, s-maxage=60", 60.0),
        ("no-cache", None),
        (None, None),
        ("max-age=x", None),
    ],
)
def test_cache_control_max_age(header, seconds):
    assert parse_max_age(header) == seconds
