"""The names of what went wrong: stored and shown to users, so their values are pinned here."""

from __future__ import annotations

from dataclasses import fields

from crawler.core.errors import CycleCounter, Reason, reason_for_status
from crawler.store import CycleCounts
from crawler.store.schema import runs


def test_reasons_keep_the_values_the_database_holds():
    assert sorted(reason.value for reason in Reason) == sorted(
        [
            "http-4xx",
            "http-429",
            "http-5xx",
            "gone",
            "not-a-feed",
            "not-a-sitemap",
            "not-html",
            "feed-problem",
            "too-large",
            "no-text",
            "extract-timeout",
            "extract-crash",
            "extract-error",
            "pool-closed",
            "timeout",
            "dns",
            "connection",
            "connection-refused",
            "data-loss",
            "network",
            "blocked-address",
            "robots",
            "too-many-redirects",
            "host-backoff",
            "ignored",
            "archive-unreadable",
            "bad-record",
        ]
    )


def test_permanent_and_soft_reasons():
    assert {reason for reason in Reason if reason.is_permanent} == {
        Reason.HTTP_4XX, Reason.GONE, Reason.NOT_HTML, Reason.NOT_A_FEED, Reason.TOO_LARGE,
        Reason.NO_TEXT, Reason.BLOCKED_ADDRESS, Reason.ROBOTS, Reason.EXTRACT_TIMEOUT,
        Reason.EXTRACT_CRASH, Reason.EXTRACT_ERROR, Reason.TOO_MANY_REDIRECTS, Reason.IGNORED,
        Reason.ARCHIVE_UNREADABLE, Reason.BAD_RECORD,
    }  # fmt: skip
    assert {reason for reason in Reason if reason.is_soft} == {
        Reason.TIMEOUT, Reason.DNS, Reason.CONNECTION, Reason.CONNECTION_REFUSED, Reason.DATA_LOSS,
        Reason.HTTP_5XX, Reason.HTTP_429, Reason.HOST_BACKOFF,
    }  # fmt: skip
    assert not any(reason.is_permanent and reason.is_soft for reason in Reason)


def test_status_codes_map_to_reasons():
    assert [reason_for_status(status) for status in (404, 410, 429, 500, 503)] == [
        Reason.HTTP_4XX, Reason.GONE, Reason.HTTP_429, Reason.HTTP_5XX, Reason.HTTP_5XX,
    ]  # fmt: skip


def test_each_cycle_counter_is_a_field_of_cycle_counts_and_a_column_of_runs():
    counters = {counter.value for counter in CycleCounter}
    assert counters == {field.name for field in fields(CycleCounts)} - {"failures"}
    assert counters <= set(runs.c.keys())
