"""Passwords never shown: URLs with credentials are printed with the password masked.

Configuration holds URLs that may carry credentials (``storage.url``'s password, a feed behind
basic auth as ``https://user:secret@host/``). Anything that prints, logs or records text that
may contain one of them passes it through here first.
"""

from __future__ import annotations

import base64
import logging
import re
from urllib.parse import unquote, urlsplit, urlunsplit

MASK = "***"

# scheme://user:password@ — the password is everything up to the last @ before the host's end.
_CREDENTIALS = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*):(?P<password>[^\s/@]*)@")


def masked_url(url: str) -> str:
    """``url`` with its password (if any) replaced by ***; the user name stays, to say whose."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_secrets(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}"))


def mask_secrets(text: str) -> str:
    """Every ``scheme://user:password@`` in ``text`` with the password masked."""
    return _CREDENTIALS.sub(lambda match: f"{match['head']}:{MASK}@", text)


def without_credentials(url: str) -> tuple[str, str | None]:
    """(the URL without ``user:password@``, its ``Authorization: Basic`` value or None).

    Scrapy cannot fetch a URL with credentials in it (its host would be ``user:pw@host``), and
    a URL is logged and recorded wherever it goes: the credentials travel in a header instead.
    """
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
    bare = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    return bare, "Basic " + base64.b64encode(pair.encode()).decode("ascii")


def carry_credentials(from_url: str, to_url: str | None) -> str | None:
    """``to_url`` with ``from_url``'s ``user:password@`` when both are on the same host.

    A feed behind basic auth that moves permanently within its site must keep its credentials,
    or every later poll is a 401. A move to another host gets none: Scrapy does not send
    ``Authorization`` across hosts either, so the credentials were never the new host's.
    """
    if to_url is None:
        return None
    source, target = urlsplit(from_url), urlsplit(to_url)
    if source.username is None and source.password is None:
        return to_url
    if target.username is not None or target.hostname != source.hostname or target.port != source.port:
        return to_url
    userinfo = source.netloc.rpartition("@")[0]
    return urlunsplit(target._replace(netloc=f"{userinfo}@{target.netloc}"))


class MaskingFilter(logging.Filter):
    """Masks credentials in a log record's message and traceback before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_secrets(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_secrets(logging.Formatter().formatException(record.exc_info))
        return True


def mask_logged_secrets() -> None:
    """Every handler on the root logger masks credentials (call after the handlers are set up)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(existing, MaskingFilter) for existing in handler.filters):
            handler.addFilter(MaskingFilter())
