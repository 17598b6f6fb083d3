"""Passwords never shown: URLs with credentials are printed with the password masked.

Configuration holds URLs that may carry credentials (``storage.url``'s password, a feed behind
basic auth as ``https://user:secret@host/``). Anything that prints, logs or records text that
may contain one of them passes it through here first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

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
