"""The Wayback Machine: its CDX index lists a site's captures; each capture is fetched raw.

The query asks for status-200 HTML captures of the site, one per URL (``collapse=urlkey``),
within the period, a page of results at a time; ``showNumPages`` says how many pages there
are. A capture is fetched with the ``id_`` flag, which returns the page as archived, without
the Wayback banner or rewritten links.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from crawler.core.clock import is_plausible_date
from crawler.sources.section_pages import is_article_url

DEFAULT_BASE = "https://web.archive.org"
FIELDS = "timestamp,original,mimetype,statuscode"


@dataclass(frozen=True)
class Capture:
    original: str  # the archived page's own URL: the article is stored under it
    timestamp: str  # 14 digits, UTC
    capture_url: str  # where to fetch it raw

    @property
    def captured_at(self) -> datetime | None:
        try:
            value = datetime.strptime(self.timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            return None
        return value if is_plausible_date(value) else None


def query_url(base: str, site: str, first: date, last: date, page: int | None) -> str:
    """The CDX query for one page of captures (page None: ask for the number of pages)."""
    params: list[tuple[str, str]] = [
        ("url", f"{site}/*"),
        ("from", first.strftime("%Y%m%d")),
        ("to", last.strftime("%Y%m%d")),
        ("output", "json"),
        ("fl", FIELDS),
        ("filter", "statuscode:200"),
        ("filter", "mimetype:text/html"),
        ("collapse", "urlkey"),
    ]
    params.append(("showNumPages", "true") if page is None else ("page", str(page)))
    return f"{base.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def page_count(body: bytes) -> int:
    """The answer to a showNumPages query: a bare number (or a JSON number)."""
    text = body.decode("ascii", "replace").strip()
    try:
        value = json.loads(text)
    except ValueError:
        raise ValueError(f"not a CDX page count: {text[:80]!r}") from None
    if not isinstance(value, int) or value < 0:
        raise ValueError(f"not a CDX page count: {text[:80]!r}")
    return value


def captures(body: bytes, base: str, *, allow: Sequence[str] = (), deny: Sequence[str] = ()) -> list[Capture]:
    """The article-looking captures on one CDX result page (JSON: a header row, then rows)."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return []
    try:
        rows = json.loads(text)
    except ValueError:
        raise ValueError("the CDX answer is not JSON") from None
    if not isinstance(rows, list) or not rows:
        return []
    header, out = rows[0], []
    if not isinstance(header, list) or "timestamp" not in header or "original" not in header:
        raise ValueError(f"unexpected CDX header row: {str(header)[:100]}")
    at_time, at_url = header.index("timestamp"), header.index("original")
    for row in rows[1:]:
        if not isinstance(row, list) or len(row) <= max(at_time, at_url):
            continue
        timestamp, original = str(row[at_time]), str(row[at_url])
        if not timestamp.isdigit() or not original.startswith(("http://", "https://")):
            continue
        if not is_article_url(original, allow, deny):
            continue
        out.append(Capture(original, timestamp, f"{base.rstrip('/')}/web/{timestamp}id_/{original}"))
    return out
