"""Credentials in URLs: masked wherever shown, moved to a header for fetching."""

from __future__ import annotations

import base64
import logging
import sys

import pytest

from crawler.core.secrets import (
    MaskingFilter,
    carry_credentials,
    mask_secrets,
    masked_url,
    without_credentials,
)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://root:s3cr%40t@127.0.0.1:5432/db", "postgresql://root:***@127.0.0.1:5432/db"),
        ("https://reader:pw@example.org/feed.xml", "https://reader:***@example.org/feed.xml"),
        ("https://:pw@example.org/", "https://:***@example.org/"),
        ("postgresql://root@127.0.0.1/db", "postgresql://root@127.0.0.1/db"),
        ("sqlite:////var/lib/newswatch.db", "sqlite:////var/lib/newswatch.db"),
    ],
)
def test_masked_url_hides_the_password_and_keeps_the_rest(url: str, shown: str):
    assert masked_url(url) == shown
    assert mask_secrets(f"cannot use {url}: refused") == f"cannot use {shown}: refused"


def test_every_url_in_a_text_is_masked():
    text = "a postgresql+psycopg://u:one@h/db then http://x:two@y/z, and mailto:me@example.org"
    assert (
        mask_secrets(text)
        == "a postgresql+psycopg://u:***@h/db then http://x:***@y/z, and mailto:me@example.org"
    )


def test_credentials_move_to_a_basic_authorization_header():
    bare, header = without_credentials("https://reader:p%40ss@example.org:8443/feed.xml?x=1")
    assert bare == "https://example.org:8443/feed.xml?x=1"
    assert header == "Basic " + base64.b64encode(b"reader:p@ss").decode()
    assert without_credentials("https://example.org/feed.xml") == ("https://example.org/feed.xml", None)


@pytest.mark.parametrize(
    ("moved_to", "kept"),
    [
        ("https://example.org/new.xml", "https://reader:p%40ss@example.org/new.xml"),
        ("http://example.org/new.xml", "http://reader:p%40ss@example.org/new.xml"),
        ("https://other.example/new.xml", "https://other.example/new.xml"),
        ("https://example.org:8443/new.xml", "https://example.org:8443/new.xml"),
        (None, None),
    ],
)
def test_a_feed_moved_within_its_host_keeps_its_credentials(moved_to: str | None, kept: str | None):
    assert carry_credentials("https://reader:p%40ss@example.org/feed.xml", moved_to) == kept


def test_a_feed_without_credentials_moves_as_it_is():
    assert carry_credentials("https://example.org/feed.xml", "https://example.org/new.xml") == (
        "https://example.org/new.xml"
    )


def test_log_records_are_masked_in_message_arguments_and_tracebacks():
    try:
        raise ValueError("cannot reach postgresql://u:hunter2@db/x")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "fetching %s", ("http://a:hunter2@h/",), None
        )
        record.exc_info = sys.exc_info()
    MaskingFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "hunter2" not in formatted
    assert "http://a:***@h/" in formatted and "postgresql://u:***@db/x" in formatted
