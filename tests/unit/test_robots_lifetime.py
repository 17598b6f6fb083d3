"""How long a robots.txt answer may be reused: a day at most, less when the answer says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy.http import Response

from crawler.core.clock import utcnow
from crawler.scrapy_components.robots_cache import MAX_LIFETIME, robots_lifetime

URL = "https://news.example.org/robots.txt"


def answer(status: int = 200, **headers: str) -> Response:
    return Response(URL, status=status, headers={k.replace("_", "-"): v for k, v in headers.items()})


def test_plain_answer_is_reused_for_a_day() -> None:
    assert robots_lifetime(answer(), utcnow()) == MAX_LIFETIME == timedelta(hours=24)


def test_not_found_is_reused_like_a_plain_answer() -> None:
    assert robots_lifetime(answer(404), utcnow()) == MAX_LIFETIME


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_is_not_reused(status: int) -> None:
    assert robots_lifetime(answer(status), utcnow()) == timedelta(0)


@pytest.mark.parametrize(
    ("cache_control", "lifetime"),
    [
        ("max-age=600", timedelta(minutes=10)),
        ("public, max-age=3600", timedelta(hours=1)),
        ("max-age=604800", MAX_LIFETIME),  # a week asked; a day at most
        ("no-cache", timedelta(0)),
        ("private, no-store", timedelta(0)),
        ("max-age=0", timedelta(0)),
    ],
)
def test_cache_control_sets_the_lifetime(cache_control: str, lifetime: timedelta) -> None:
    assert robots_lifetime(answer(Cache_Control=cache_control), utcnow()) == lifetime


def test_expires_counts_from_the_servers_date() -> None:
    served = datetime(2026, 3, 1, 12, tzinfo=UTC)  # the server's clock, unlike ours
    headers = {"Date": format_datetime(served, usegmt=True)}
    expires = format_datetime(served + timedelta(hours=2), usegmt=True)
    assert robots_lifetime(answer(Expires=expires, **headers), utcnow()) == timedelta(hours=2)


def test_invalid_or_past_expires_is_not_reused() -> None:
    now = utcnow()
    assert robots_lifetime(answer(Expires="0"), now) == timedelta(0)
    past = format_datetime(now - timedelta(hours=1), usegmt=True)
    assert robots_lifetime(answer(Expires=past), now) == timedelta(0)


def test_max_age_wins_over_expires() -> None:
    now = utcnow()
    later = format_datetime(now + timedelta(hours=5), usegmt=True)
    assert robots_lifetime(answer(Cache_Control="max-age=60", Expires=later), now) == timedelta(minutes=1)
