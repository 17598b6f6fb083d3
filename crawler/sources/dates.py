"""Dates as feeds and sitemaps publish them: validated, plausible UTC datetimes, or None.

feedparser normalizes impossible dates instead of refusing them (31 February becomes 2 or 3
March, an offset of +99:99 is accepted), so ISO 8601 and RFC 822 feed dates are parsed and
checked here; other formats fall back to feedparser's parsed struct. Sitemaps use W3C
Datetime, which some CMSs replace with an RSS-style date. Whether a date is plausible at all
is the clock's rule (``crawler.core.clock.is_plausible_date``), shared with page extraction.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from crawler.core.clock import is_plausible_date, utcnow

_ISO_DATE = re.compile(
    r"(?P<year>\d{4})(?:-?(?P<month>\d{2})(?:-?(?P<day>\d{2})"
    r"(?:[Tt ]\s*(?P<hour>\d{2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)
_ISO_LIKE = re.compile(r"[+-]?\d{4,}-")  # looks like ISO 8601 but did not match: malformed
_RFC822_DATE = re.compile(
    r"(?:[A-Za-z]{2,9}\.?,?\s*)?(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3})[A-Za-z]*\.?,?\s+"
    r"(?P<year>\d{4}|\d{2})(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<zone>[A-Za-z]{1,5}|[+-]\d{2}:?\d{2}))?)?"
)
_MONTHS = {
    month: number
    for number, month in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# fmt: off
_ZONE_HOURS = {"ut": 0, "utc": 0, "gmt": 0, "z": 0, "edt": -4, "est": -5, "cdt": -5, "cst": -6,
               "mdt": -6, "mst": -7, "pdt": -7, "pst": -8}
# fmt: on


# W3C Datetime (what the sitemap protocol asks for): YYYY[-MM[-DD[Thh:mm[:ss[.s]]TZD]]].
_W3C_DATE = re.compile(
    r"(\d{4})(?:-(\d\d)(?:-(\d\d)(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,]\d{1,9})?)?"
    r"\s*([Zz]|[+-]\d\d:?\d\d)?)?)?)?"
)


def feed_date(text: object, parsed: object, now: datetime, *, rfc3339_only: bool = False) -> datetime | None:
    """A plausible UTC datetime from a feed date, or None; never raises.

    ISO 8601 and RFC 822 dates are validated here, because feedparser normalizes
    impossible ones (31 Feb becomes 2 or 3 March, +99:99 is accepted). Other formats
    fall back to feedparser's parsed struct.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        value = _strict_date(text.strip(), parsed, rfc3339_only)
        value = value.astimezone(UTC) if value is not None else None
    except (ValueError, OverflowError, TypeError):
        return None
    return value if value is not None and is_plausible_date(value, now) else None


def sitemap_date(text: str | None) -> datetime | None:
    """A plausible UTC datetime from a W3C (or, leniently, RFC 822) date; None otherwise."""
    if not text or len(text) > 64:
        return None
    try:
        value = _w3c_date(text) or _rfc822_date(text)
    except (ValueError, OverflowError):  # 31 Feb, hour 25, offsets of a day or more
        return None
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value if is_plausible_date(value, utcnow()) else None


def _strict_date(text: str, parsed: object, rfc3339_only: bool) -> datetime | None:
    if match := _ISO_DATE.fullmatch(text):
        return _datetime(
            match.group("year"),
            match.group("month") or 1,
            match.group("day") or 1,
            match.group("hour"),
            match.group("minute"),
            match.group("second"),
            _numeric_zone(match.group("zone")),
        )
    if rfc3339_only or _ISO_LIKE.match(text):
        return None
    if (match := _RFC822_DATE.fullmatch(text)) and match.group("month").lower() in _MONTHS:
        year = int(match.group("year"))
        if len(match.group("year")) == 2:
            year += 2000 if year < 50 else 1900
        return _datetime(
            year,
            _MONTHS[match.group("month").lower()],
            match.group("day"),
            match.group("hour"),
            match.group("minute"),
            match.group("second"),
            _rfc822_zone(match.group("zone")),
        )
    if isinstance(parsed, tuple) and len(parsed) >= 6:  # time.struct_time, already UTC
        year, month, day, hour, minute, second = parsed[:6]
        return _datetime(year, month, day, hour, minute, second, UTC)
    return None


def _datetime(
    year: object, month: object, day: object, hour: object, minute: object, second: object, zone: timezone
) -> datetime:
    seconds = min(int(str(second or 0)), 59)  # a leap second is not worth losing the date
    return datetime(
        int(str(year)),
        int(str(month)),
        int(str(day)),
        int(str(hour or 0)),
        int(str(minute or 0)),
        seconds,
        tzinfo=zone,
    )


def _numeric_zone(zone: str | None) -> timezone:
    if not zone or zone in "Zz":
        return UTC
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes > 59:
        raise ValueError(f"impossible UTC offset {zone}")
    offset = timedelta(hours=hours, minutes=minutes)  # timezone() rejects 24 h or more
    return timezone(-offset if zone[0] == "-" else offset)


def _rfc822_zone(zone: str | None) -> timezone:
    if zone and zone[0] in "+-":
        return _numeric_zone(zone)
    # Unknown names (CEST, IST...) are ambiguous; UTC is at most hours off.
    return timezone(timedelta(hours=_ZONE_HOURS.get((zone or "utc").lower(), 0)))


def _w3c_date(text: str) -> datetime | None:
    match = _W3C_DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    return datetime(
        int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
        min(int(second or 0), 59), tzinfo=_w3c_zone(zone),
    )  # fmt: skip


def _w3c_zone(zone: str | None) -> timezone:
    if not zone or zone in "Zz":
        return UTC  # a date without a zone: UTC is at most hours off
    hours, minutes = int(zone[1:3]), int(zone[-2:])
    if minutes > 59:
        raise ValueError(f"impossible UTC offset {zone}")
    offset = timedelta(hours=hours, minutes=minutes)  # timezone() refuses a day or more
    return timezone(-offset if zone[0] == "-" else offset)


def _rfc822_date(text: str) -> datetime | None:
    """Some CMSs write lastmod like an RSS pubDate."""
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
