"""One layer of gzip on a body that arrived still compressed (a .xml.gz served without
Content-Encoding), decompressed with a size cap. Feeds and sitemaps apply their own policy
to what comes back."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

GZIP_MAGIC = b"\x1f\x8b"


class BadGzip(ValueError):
    """Corrupt gzip, gzip inside gzip, or nothing that decompresses."""


@dataclass(frozen=True)
class Gunzipped:
    data: bytes
    overflow: bool  # more than the cap once decompressed: `data` is the start only
    truncated: bool  # the compressed stream ended early: `data` is what it held


def is_gzip(body: bytes) -> bool:
    return body.startswith(GZIP_MAGIC)


def gunzip_one_layer(body: bytes, limit: int) -> Gunzipped:
    """Decompress at most `limit` bytes of a gzip body; raise BadGzip for what cannot be read."""
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        data = inflater.decompress(body, limit)
    except zlib.error as exc:
        raise BadGzip(f"corrupt gzip body: {exc}") from exc
    if data.startswith(GZIP_MAGIC):
        raise BadGzip("gzip body inside a gzip body")
    if not data and not inflater.eof:
        raise BadGzip("corrupt gzip body: nothing could be decompressed")
    overflow = bool(inflater.unconsumed_tail) or len(data) >= limit
    return Gunzipped(data, overflow, truncated=not inflater.eof and not overflow)
