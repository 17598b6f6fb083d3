"""CC-NEWS: Common Crawl's daily WARC files of news pages, listed per month.

Each month has a listing, ``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz``, one path per line
relative to the archive base; file names carry their start time
(``CC-NEWS-20241201093512-00042.warc.gz``), which narrows a listing to days.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from datetime import date

DEFAULT_BASE = "https://data.commoncrawl.org/"
_FILE_TIME = re.compile(r"CC-NEWS-(\d{4})(\d{2})(\d{2})\d{6}-\d+\.warc(?:\.gz)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """Inclusive days; given as months (2024-01..2024-03) or days (2024-01-05..2024-01-09)."""

    first: date
    last: date

    def months(self) -> list[tuple[int, int]]:
        year, month, out = self.first.year, self.first.month, []
        while (year, month) <= (self.last.year, self.last.month):
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def parse_period(text: str) -> Period:
    """`FROM..TO`, or one month or day; ValueError with the expected forms otherwise."""
    first_text, _, last_text = text.partition("..")
    last_text = last_text or first_text
    first, last = _bound(first_text.strip(), start=True), _bound(last_text.strip(), start=False)
    if last < first:
        raise ValueError(f"{text!r}: the period ends before it starts")
    return Period(first, last)


def _bound(text: str, *, start: bool) -> date:
    if match := _DAY.match(text):
        return date(int(match[1]), int(match[2]), int(match[3]))
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if start:
            return date(year, month, 1)
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    raise ValueError(f"{text!r}: expected a month (2024-01) or a day (2024-01-05), or FROM..TO")


def listing_url(base: str, year: int, month: int) -> str:
    return f"{base.rstrip('/')}/crawl-data/CC-NEWS/{year:04d}/{month:02d}/warc.paths.gz"


def files_in(listing: bytes, base: str, period: Period) -> list[str]:
    """The URLs of the month's WARC files whose start day falls in `period`, in listed order."""
    try:
        text = gzip.decompress(listing).decode("utf-8", "replace")
    except (OSError, EOFError):
        text = listing.decode("utf-8", "replace")  # served already decompressed
    out = []
    for line in text.splitlines():
        path = line.strip()
        if not path or path.startswith("#"):
            continue
        match = _FILE_TIME.search(path)
        if match and not period.first <= date(int(match[1]), int(match[2]), int(match[3])) <= period.last:
            continue
        out.append(f"{base.rstrip('/')}/{path.lstrip('/')}")
    return out
