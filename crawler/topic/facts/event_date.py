"""The date of the event, when the text ties a date to an action word."""

from __future__ import annotations

import re
from datetime import date, timedelta

from crawler.topic.facts.text import any_of, numbered

_MONTHS_EN = numbered("jan feb mar apr may jun jul aug sep oct nov dec", start=1)
_MONTHS_ES = {
    **numbered(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre", start=1
    ),
    "setiembre": 9,
}
_WEEKDAYS = {
    **numbered("monday tuesday wednesday thursday friday saturday sunday", start=0),
    **numbered("lunes martes miercoles jueves viernes sabado domingo", start=0),
}
_DATE = re.compile(
    r"\b(?:(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    r"|(?P<es_day>\d{1,2})\s+de\s+(?P<es_month>" + any_of(_MONTHS_ES) + r")"
    r"(?:\s+(?:de|del)\s+(?P<es_year>(?:19|20)\d\d))?"
    r"|(?P<weekday>" + any_of(_WEEKDAYS) + r")(?:'s)?"
    r"|(?P<yesterday>yesterday|ayer))\b",
    re.IGNORECASE,
)
_EVENT_WORDS = re.compile(
    r"\b(?:raid\w*|arrest\w*|detain\w*|detention\w*|deport\w*|apprehen\w*|sweep\w*|operation\w*|"
    r"redada\w*|operativo\w*|detuv\w*|detenid\w*|arrestad\w*|deportad\w*|custody)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|announced|told|reported|confirmed|dijo|informo|anuncio)\s+(?:on\s+)?$", re.IGNORECASE
)
_EVENT_DATE_REACH = 40  # characters between the date and the action word
_LAST_YEAR_REACH = 90  # days back a year-less date may reach across New Year
_SENTENCE_END = re.compile(r"[.!?]\s+|\n")


def find_event_date(title: str, text: str, published: date | None) -> date | None:
    """The first date expression close to an action word, resolved against `published`."""
    for source in (title, text):
        for match in _DATE.finditer(source):
            if _ATTRIBUTION.search(source[max(0, match.start() - 25) : match.start()]):
                continue  # "the agency said Monday" dates the statement, not the event
            if not _EVENT_WORDS.search(_sentence_window(source, match, _EVENT_DATE_REACH)):
                continue
            resolved = _resolve_date(match.groupdict(), published)
            if resolved is not None:
                return resolved
    return None


def _sentence_window(source: str, match: re.Match[str], near: int) -> str:
    """Up to `near` characters either side of a match, without crossing a sentence end."""
    start = max(0, match.start() - near)
    end = min(len(source), match.end() + near)
    for boundary in _SENTENCE_END.finditer(source, start, match.start()):
        start = boundary.end()
    after = _SENTENCE_END.search(source, match.end(), end)
    return source[start : after.start() if after else end]


def _resolve_date(groups: dict[str, str | None], published: date | None) -> date | None:
    """A calendar date for a matched expression; None when it cannot be pinned down."""
    if groups["weekday"] or groups["yesterday"]:
        if published is None:
            return None  # "on Wednesday" needs the publication date
        if groups["yesterday"]:
            return published - timedelta(days=1)
        # The most recent such weekday on or before publication: news reports the past.
        weekday = _WEEKDAYS[str(groups["weekday"]).lower()]
        return published - timedelta(days=(published.weekday() - weekday) % 7)
    if groups["month"]:
        month, day_text, year_text = _MONTHS_EN[groups["month"].lower()[:3]], groups["day"], groups["year"]
    else:
        month, day_text, year_text = (
            _MONTHS_ES[str(groups["es_month"]).lower()],
            groups["es_day"],
            groups["es_year"],
        )
    if year_text:
        year = int(year_text)
    elif published is not None:
        year = published.year
    else:
        return None  # "Aug. 7" of which year?
    try:
        resolved = date(year, month, int(str(day_text)))
    except ValueError:
        return None
    if published is None:
        return resolved
    if year_text is None and resolved > published + timedelta(days=7):
        # "Dec. 30" in a January story is last year's; "Dec. 12" in an August one is a hearing.
        resolved = resolved.replace(year=year - 1)
        if published - resolved > timedelta(days=_LAST_YEAR_REACH):
            return None
    # A date after publication is a scheduled hearing or a deadline, not the event.
    return resolved if resolved <= published + timedelta(days=1) else None
