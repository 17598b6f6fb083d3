"""The date of the lead enforcement event, when the text gives its day.

Every date expression is a candidate: a calendar date ("Aug. 7", "January 8-9, 2026",
"2026-01-16", "7 de agosto"), a weekday, "yesterday", a fixed holiday ("Valentine's Day") or
"the next morning" after a dated day. The first candidate, in reading order (title first),
whose sentence reports an enforcement event (a raid, an arrest, a ruling ...) wins; when
none does, the first whose sentence names the agents who acted; agents' shooting dates a story as
an action does. Relative expressions resolve against the publication date in the direction of the
sentence's tense; in an incident report's source list ("KARE 11 (Jan 9, 2026): ICE arrests ...")
against that line's own date, and in the rest of a report with a source list against the day
most of its sources appeared (a report is often written days after them).

Never an event date: the publication date of a byline or a source line, a date after
publication, even by a day (a hearing, a deadline; after today when the page gives no
publication date), a date introduced as a limit ("by December 16", "since January 6", "before
the January 7 shooting"), a statement's date ("the agency said Monday"), the date of a press
conference, rally or vigil about the event, a range of days ("Weekend (Jan 11-12)"), and weekdays
with no publication date to count from. A table's date cell is no byline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from crawler.core.clock import utcnow
from crawler.topic.facts.place_context import quiet_sections
from crawler.topic.facts.text import any_of, numbered, sentence_bounds

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
# Holidays on a fixed day only: a moving one ("Labor Day") is as often a weekend as a day.
_HOLIDAYS = {
    "valentine's day": (2, 14),
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "fourth of july": (7, 4),
    "independence day": (7, 4),
    "halloween": (10, 31),
}
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    r"\b(?:(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)"
    r"|(?P<month>" + _MONTH + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?P<range>\s*[-\u2013]\s*\d{1,2})?"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    r"|(?P<es_day>\d{1,2})\s+de\s+(?P<es_month>" + any_of(_MONTHS_ES) + r")"
    r"(?:\s+(?:de|del)\s+(?P<es_year>(?:19|20)\d\d))?"
    r"|(?P<weekday>" + any_of(_WEEKDAYS) + r")(?:'s)?"
    r"|(?P<yesterday>yesterday|ayer)"
    r"|(?P<holiday>" + any_of(_HOLIDAYS) + r")"
    r"|(?P<next_day>the next (?:morning|day)|the following (?:morning|day)|a day later))\b",
    re.IGNORECASE,
)
_EVENT_WORDS = re.compile(
    r"\b(?:raid\w*|arrest\w*|detain\w*|detention\w*|deport\w*|apprehen\w*|sweeps?|swept|"
    r"round(?:ed|ing|s)? up|operation\w*|custody|removed|removal|expelled|handcuff\w*|"
    r"subpoena\w*|audit\w*|I-9|checkpoint\w*|indict\w*|swoop\w*|"
    r"redada\w*|operativo\w*|detuv\w*|detenid\w*|arrestad\w*|deportad\w*)\b",
    re.IGNORECASE,
)
# Agents' use of force is the news of many reports ("Shot and killed by ICE agent"), though no
# listed action: it dates the story, but does not make a Context section's dates another story's.
_FORCE_WORDS = re.compile(r"\b(?:shot|shoots|shooting|fatally shoot\w*)\b", re.IGNORECASE)
_RULING_WORDS = re.compile(
    r"\b(?:ruled|ruling|ordered|orders|blocked|upheld|injunction|restraining order|dismissed|granted|"
    r"decisions?|struck down)\b",
    re.IGNORECASE,
)
_COURT = re.compile(r"\b(?:judge|court|justices)\b", re.IGNORECASE)
# The actors of an event, for a sentence that tells what they did without an event word.
_AGENT_WORDS = re.compile(
    r"\b(?:ICE|CBP|HSI|INS|DHS|Border Patrol|FBI|agents?|officers?|deputies|troopers?|police|incident)\b"
)
# Agents named only as the reason for something else: "closed ... due to ICE activity".
_AGENTS_ONLY_AS_CAUSE = re.compile(
    r"\b(?:due to|because of|amid|citing|over|fears? of|in response to|impacted by|affected by)\s+"
    r"(?:the\s+)?(?:(?:increased|heightened|ongoing|recent)\s+)?(?:ICE|CBP|federal|immigration)\s+"
    r"(?:agents'\s+)?(?:activity|activities|presence|operations?|enforcement|surge|concerns?|fears?|threats?)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|announced|told|reported|confirmed|stated|wrote|dijo|informo|anuncio|filed|posted|"
    r"published|acknowledged|tweeted|"
    # "DHS released statement on Friday, December 13"
    r"(?:released|issued|put out|sent)\s+(?:an?\s+|its\s+|the\s+)?(?:(?:press\s+)?release|statement))"
    r"\s+(?:on\s+)?(?:(?:" + any_of(_WEEKDAYS) + r"),?\s+)?$",
    re.IGNORECASE,
)
# A sentence that dates another event to place the story's own ("The incident occurred three
# days after ...", "This standoff followed the detention of Gomez on December 11", "Prior
# incident: June 17, 2025").
# "Jan 7, 2026 - I-130 petition approved (5 days before detention)"
_BACKGROUND_AFTER = re.compile(r"\(\s*(?:\d+|\w+) (?:days?|weeks?|months?) (?:before|after|earlier|later)\b")
_BACKGROUND = re.compile(
    r"\b(?:(?:days?|weeks?|hours?|months?|years?) (?:after|before|earlier|later)|followed|in the wake of|"
    r"prior incidents?|previous(?:ly)?|earlier incidents?|came (?:in response to|after|amid)|"
    r"(?:blocks?|miles?) from where|(?:occurred|happened|came) (?:as|while|near|amid))\b",
    re.IGNORECASE,
)
# "Trump on Friday defended ...": the day of a statement.
# "Jan 18 - Public Works Director Sean Kershaw publicly condemns detention": a statement's day,
# its verb coming before any event word.
_STATEMENT_AFTER = re.compile(
    r"[^.;\n]{0,60}?\b(?:condemn(?:s|ed)|confirm(?:s|ed)|says|said|announc(?:e|es|ed)|acknowledg(?:es|ed)|"
    r"respond(?:s|ed)|stated|tweeted|posted|denie[sd]|defend(?:s|ed)|claim(?:s|ed)|criticiz(?:es|ed)|"
    r"denounc(?:es|ed)|issue[sd] (?:a )?statement)\b",
    re.IGNORECASE,
)
_ATTRIBUTION_AFTER = re.compile(
    r"\W*(?:defended|said|says|announced|told|stated|tweeted|wrote|vowed|pledged|promised|warned|argued)\b",
    re.IGNORECASE,
)
_LIMIT = re.compile(
    r"\b(?:by|since|until|till|through|before|after|as of|deadline|scheduled for|set for|hasta|desde|"
    r"weekend of|week of|between|each|every)\s+(?:the\s+|(?:" + any_of(_WEEKDAYS) + r"),?\s+)?$",
    re.IGNORECASE,
)
_GATHERING = (
    r"(?:press|news) conferences?|news briefings?|rall(?:y|ies)|vigils?|protests?|march(?:es|ers)?|meetings?|"
    r"forums?|pickets?|demonstrations?|hearings?|interviews?|broadcasts?|ceremon(?:y|ies)|retreats?|"
    r"festivals?|concerts?|screenings?|conventions?"
)
# The date of a gathering about the event ("held a press conference on January 22", "the May 1
# march"), or of a deadline ("the December 16 deadline").
_GATHERING_BEFORE = re.compile(
    r"\b(?:" + _GATHERING + r"|gathered|turned out|rallied|marched|picketed|demonstrated)\b"
    r"(?:[^.;]|(?<=\b[A-Z])\.){0,45}$",
    re.IGNORECASE,  # "around the U.S. May 9"
)
# "Chiefs hold joint press conference", "ABC News airs interview": the sentence tells of a gathering
# or broadcast about the event, whoever it names.
_HOLDS_GATHERING = re.compile(
    r"\b(?:holds?|held|holding|calls?|called|airs?|aired|gives?|gave)\s+(?:(?:a|an|the|their|its)\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:" + _GATHERING + r")\b",
    re.IGNORECASE,
)
_GATHERING_AFTER = re.compile(
    r"[,\s]*(?:\d{4}\s+)?(?:for (?:a|an|the)\s+)?(?:[a-z]+\s+)?(?:"
    + _GATHERING
    + r"|deadline|registration deadline"
    # "On June 13, protesters marched from Ontario to Pomona": the day of the protest
    + r"|(?:protesters|marchers|demonstrators|activists|supporters)\s+(?:marched|rallied|picketed|"
    r"demonstrated|gathered|protested))\b",
    re.IGNORECASE,
)
# A date that modifies the event's noun: "the April 24 ICE raid", "Wednesday's arrests".
_NAMES_EVENT_AFTER = re.compile(
    r"(?:'s)?\s+(?:(?:ICE|INS|immigration|workplace|federal)\s+)?(?:raids?|arrests?|sweeps?|detentions?|deportations?)\b",
    re.IGNORECASE,
)
_FOLLOWING = re.compile(r"\bthe (?:following|next) $", re.IGNORECASE)
_NAME_AFTER_DATE = re.compile(r"\s+(?:Committee|Coalition|Movement|Alliance|Network|Campaign)\b")
_FUTURE = re.compile(
    r"\b(?:will|shall|is to|are to|next|this coming|upcoming|scheduled|plans? to|planned|starting this)\b",
    re.IGNORECASE,
)
# "By X | March 2, 2007 | Page 2" and "KARE 11 (Jan 9, 2026): headline" state when a text
# was published, not when anything happened.
_BYLINE = re.compile(r"\|\s*$|^\s*\|\s*Pages?\b", re.IGNORECASE)
_SOURCE_LINE = re.compile(
    r"^[^\n():]{2,80}\((?P<date>(?:" + _MONTH + r")\.?\s+\d{1,2}(?:\s*[-\u2013]\s*\d{1,2})?,?\s+"
    r"(?:19|20)\d\d)\):",
    re.IGNORECASE | re.M,
)
# The attacks, not a day: "the September 11, 2001 attacks", "security following September 11".
_NINE_ELEVEN = re.compile(r"sept(?:ember|\.)?\s+11(?:th)?(?:,\s+2001)?", re.IGNORECASE)
_NINE_ELEVEN_AFTER = re.compile(r"(?:'s)?\s+(?:attacks?|terror\w*|hijack\w*)\b", re.IGNORECASE)
_NINE_ELEVEN_BEFORE = re.compile(r"\b(?:following|post-|since|after|before)\s*$", re.IGNORECASE)
# A lead event is news: in the gold set it is at most 336 days before publication.
_OLDEST_EVENT = timedelta(days=366)
_LAST_YEAR_REACH = 90  # days back a year-less date may reach across New Year


@dataclass(frozen=True)
class EventDate:
    """The day and where the text says it: the date expression's span and its sentence."""

    day: date
    zone: int  # 0: the title, 1: the text
    start: int
    end: int
    sentence: str


def find_event_date(title: str, text: str, published: date | None) -> EventDate | None:
    """The lead event's day (see the module docstring), resolved against `published`."""
    weak: EventDate | None = None
    ruling: EventDate | None = None
    # An event told only in a Context or Background section: the lead when the story's own news
    # is no enforcement event (school closures, a visit), and agents acting elsewhere are not.
    background: EventDate | None = None
    cause: EventDate | None = None
    # An event the text reports has happened by the day it was published (by today, when the
    # page gives no publication date).
    latest = published if published is not None else utcnow().date()
    for zone, source in enumerate((title, text)):
        source_lines = {match.start(): match for match in _SOURCE_LINE.finditer(source)}
        quiet = quiet_sections(source) if zone == 1 else []
        counted_from = _sources_day(source_lines.values(), published)
        previous: date | None = None
        for match in _DATE.finditer(source):
            reference = _reference_date(source, match, source_lines, counted_from)
            if isinstance(reference, _Marker):
                continue
            if _is_relative(match) and _quoted(source, match.start()):
                continue  # "We had an ICE scare yesterday": the speaker's day, not the page's
            resolved = _resolve(match, source, reference, previous)
            if resolved is None:
                continue
            if not match.group("next_day"):
                previous = resolved
            if resolved > latest:
                continue  # a hearing, a deadline: not the event, which was reported so is past
            if published is not None and published - resolved > _OLDEST_EVENT:
                continue  # "arrested in 1999", "(SW, September 20, 2002)": history, not the news
            if _names_the_attacks(source, match):
                continue
            if match.group("range"):
                continue  # "Weekend (Jan 11-12)", "closed January 8-9": no single day
            if source_lines.get(source.rfind("\n", 0, match.start()) + 1) and resolved == reference:
                continue  # "(Jan 17, 2026): ... updates on Saturday, Jan. 17": the source's own day
            if _excluded(source, match):
                continue
            # "Context\nThis incident occurred on January 7, 2026, ...": the story's own day
            in_background = _in_background_section(source, match.start()) and not _OWN_INCIDENT.search(
                source, max(0, match.start() - 50), match.start()
            )
            if in_background and background is not None:
                continue
            if any(start <= match.start() < end for start, end in quiet):
                continue  # a roundup's item that never mentions immigration: another story's day
            start, end = sentence_bounds(source, match.start(), match.end())
            if _BACKGROUND.search(source, start, match.start()) or _BACKGROUND_AFTER.search(
                source, match.end(), end
            ):
                continue  # "three days after ICE agents shot Renee Good on January 7": another event
            context = _context(source, start, end, relative=bool(match.group("next_day")))
            found = EventDate(resolved, zone, match.start(), match.end(), source[start:end].strip())
            if in_background:
                if (
                    _in_context_section(source, match.start())
                    and _reports_action(context, match.start() - start)
                    and not _tells_own_action(source)
                ):
                    background = found
                continue
            if _reports_event(context, match.start() - start):
                if ruling is not None and found.day >= ruling.day:
                    continue  # a later step of the story than the ruling read first
                if ruling is None and _RULING_WORDS.search(context) and _COURT.search(context):
                    ruling = found  # the lead event may be the earlier action it rules on
                    continue
                return found
            if weak is None and _AGENT_WORDS.search(context) and not _HOLDS_GATHERING.search(context):
                if not _AGENT_WORDS.search(_AGENTS_ONLY_AS_CAUSE.sub("", context)):
                    cause = cause or found  # "schools closed ... due to ICE activity": no agent acted
                else:
                    weak = found  # agents acting, not a press conference or broadcast about them
    return ruling or weak or background or cause


def _sources_day(lines: Iterable[re.Match[str]], published: date | None) -> date | None:
    """The day a report's "Sunday morning" counts from: the day most of its sources appeared (the
    earliest of equals), as the report may be written days after them; else the publication date."""
    days = Counter(day for line in lines if (day := _parse_absolute(line.group("date"), None)) is not None)
    if not days or published is None:
        return published
    most = max(days.values())
    day = min(day for day, count in days.items() if count == most)
    return day if day <= published else published


class _Marker:
    pass


_IS_PUBLICATION_DATE = _Marker()


def _reference_date(
    source: str, match: re.Match[str], source_lines: dict[int, re.Match[str]], published: date | None
) -> date | _Marker | None:
    """The date relative expressions count from; the marker when the match is a publication date."""
    line_start = source.rfind("\n", 0, match.start()) + 1
    line = source_lines.get(line_start)
    if line is not None:
        if line.start("date") <= match.start() < line.end("date"):
            return _IS_PUBLICATION_DATE
        parsed = _parse_absolute(line.group("date"), None)
        return parsed or published
    if source.startswith("|", line_start):
        return published  # "| Renee Good | Jan 7, 2026 | Shot ... |": a table's cell, not a byline
    if _BYLINE.search(source[match.end() : match.end() + 12]) or _BYLINE.search(
        source[max(0, match.start() - 3) : match.start()]
    ):
        return _IS_PUBLICATION_DATE
    return published


# A heading that announces background: "Context", "Broader Context", "Related Incidents", "Background".
_BACKGROUND_HEADING = re.compile(
    r"^(?:[A-Z][\w'-]*\s+){0,3}(?:Context|Background|History|Related(?:\s+\w+)?|Prior\s+\w+|Previous\s+\w+)"
    r"(?::[^\n.!?]{0,60})?$",
    re.M,
)
_ANY_HEADING = re.compile(r"^[A-Z][^\n.!?:;|]{0,50}(?<![.\"'])$", re.M)


def _in_background_section(source: str, at: int) -> bool:
    """Whether `at` lies in a section headed "Context", "Background" or "Related ...": the dates
    there place the story among others, they are not its own."""
    return any(start <= at < end for start, end in _background_sections(source))


@lru_cache(maxsize=8)
def _background_sections(source: str) -> list[tuple[int, int]]:
    sections = []
    for heading in _BACKGROUND_HEADING.finditer(source):
        following = _ANY_HEADING.search(source, heading.end() + 1)
        # A section ends at the next heading line of a few words.
        while following and len(following.group().split()) > 6:
            following = _ANY_HEADING.search(source, following.end() + 1)
        sections.append((heading.end(), following.start() if following else len(source)))
    return sections


_OWN_INCIDENT = re.compile(
    r"\b(?:This|The) (?:incident|encounter|detention|arrest|raid|confrontation) "
    r"(?:occurred|happened|took place)(?: on)?\s*$"
)
# "Context" or "Broader Context" (not "Legal Context", "Related Incidents"): the events around the
# story, one of which may be its lead when the story's own news is no enforcement event.
_CONTEXT_HEADING = re.compile(r"^(?:(?:Broader|Regional|Wider)\s+)?Context$", re.M)


def _in_context_section(source: str, at: int) -> bool:
    heading = None
    for candidate in _CONTEXT_HEADING.finditer(source, 0, at):
        heading = candidate
    if heading is None:
        return False
    return any(start == heading.end() and start <= at < end for start, end in _background_sections(source))


# An action word that tells no action of the story: "a felony arrest warrant", "school operations".
_WARRANT_AFTER = re.compile(r"\s+warrants?\b", re.IGNORECASE)


@lru_cache(maxsize=8)
def _tells_own_action(source: str) -> bool:
    """Whether the text, outside its background sections and source lists, tells of an action of
    its own ("Agents detained a man."): then a Context section's dated action is another story's."""
    skipped = list(_background_sections(source))
    for line in _SOURCE_LINE.finditer(source):
        line_end = source.find("\n", line.start())
        skipped.append((line.start(), line_end if line_end >= 0 else len(source)))
    for word in _EVENT_WORDS.finditer(source):
        if any(start <= word.start() < end for start, end in skipped):
            continue
        if not (word.group().lower().startswith("operation") or _WARRANT_AFTER.match(source, word.end())):
            return True
    return False


def _is_relative(match: re.Match[str]) -> bool:
    return bool(match.group("weekday") or match.group("yesterday") or match.group("holiday"))


def _quoted(source: str, at: int) -> bool:
    """Whether `at` is inside a quotation that opened on its own line (an odd number of quote marks
    before it): a quoted speaker's "yesterday" counts from when they spoke, which the text rarely says."""
    line_start = source.rfind("\n", 0, at) + 1
    return source.count('"', line_start, at) % 2 == 1


def _excluded(source: str, match: re.Match[str]) -> bool:
    if _NAME_AFTER_DATE.match(source, match.end()):
        return True  # "the March 10 Committee": a group named after a day
    before = source[max(0, match.start() - 40) : match.start()]
    if _ATTRIBUTION.search(before) or _LIMIT.search(before) or _ATTRIBUTION_AFTER.match(source, match.end()):
        return True
    statement = _STATEMENT_AFTER.match(source, match.end())
    if statement and not _EVENT_WORDS.search(source, match.end(), statement.end()):
        return True
    if match.group("weekday") or match.group("yesterday"):
        # "Monday, Jan 13" and "Yesterday [Wednesday, October 24]": the calendar date decides.
        following = _DATE.search(source, match.end(), match.end() + 25)
        if following and (following.group("month") or following.group("iso") or following.group("weekday")):
            return True
    if _NAMES_EVENT_AFTER.match(source, match.end()):
        return False  # "the protest over the April 24 ICE raid": the date is the raid's
    gathering_before = source[max(0, match.start() - 70) : match.start()]
    return bool(_GATHERING_BEFORE.search(gathering_before) or _GATHERING_AFTER.match(source, match.end()))


def _context(source: str, start: int, end: int, *, relative: bool) -> str:
    """The date's sentence, read on into the next one after "The next morning, things got worse.",
    after a heading line ("The Claim (October 30, 2025)") and before "They detained ..."."""
    sentence = source[start:end]
    heading = not sentence.rstrip().endswith((".", "!", "?", '"')) and len(sentence.split()) <= 8
    if relative or heading or re.match(r"\s*(?:They|Agents|Officers)\b", source[end : end + 12]):
        next_start, next_end = sentence_bounds(source, min(end + 1, len(source)), min(end + 2, len(source)))
        return sentence + " " + source[next_start:next_end]
    return sentence


_EVENT_REACH_WORDS = 8  # an event word further from the date is in another clause's story


def _reports_event(context: str, date_at: int) -> bool:
    """Whether the context tells of an enforcement event close enough to the date to be its."""
    if _reports_action(context, date_at) or _near(_FORCE_WORDS, context, date_at):
        return True
    return bool(_RULING_WORDS.search(context) and _COURT.search(context))


def _reports_action(context: str, date_at: int) -> bool:
    """An action word near the date: a ruling in a Context section is the law around the story."""
    return _near(_EVENT_WORDS, context, date_at)


def _near(words: re.Pattern[str], context: str, date_at: int) -> bool:
    reach = _EVENT_REACH_WORDS
    return any(_words_between(context, word.start(), date_at) <= reach for word in words.finditer(context))


def _words_between(text: str, one: int, other: int) -> int:
    """Words from one offset to the other; a bracket or dash alone is no word ("irritants (Jan 7)")."""
    low, high = sorted((one, other))
    return len(_WORD.findall(text, low, high))


_WORD = re.compile(r"\S*\w\S*")


def _resolve(match: re.Match[str], source: str, reference: date | None, previous: date | None) -> date | None:
    groups = match.groupdict()
    if groups["next_day"]:
        return previous + timedelta(days=1) if previous else None
    if groups["iso"]:
        try:
            return date.fromisoformat(groups["iso"])
        except ValueError:
            return None
    if groups["weekday"] or groups["yesterday"]:
        if reference is None:
            return None  # "on Wednesday" needs a date to count from
        if groups["yesterday"]:
            return reference - timedelta(days=1)
        start, _ = sentence_bounds(source, match.start(), match.end())
        clause = re.split(r"[,;]|\b(?:after|before|when|while)\b", source[start : match.start()])[-1]
        if _FUTURE.search(clause):
            return None  # "starting this Sunday": later than the text, so never the event
        weekday = _WEEKDAYS[str(groups["weekday"]).lower()]
        if previous is not None and _FOLLOWING.search(source, max(0, match.start() - 16), match.start()):
            # "on Friday, September 28 ... on the following Monday": counted on from that day
            return previous + timedelta(days=(weekday - previous.weekday() - 1) % 7 + 1)
        return reference - timedelta(days=(reference.weekday() - weekday) % 7)
    if groups["holiday"]:
        if reference is None:
            return None
        month, day = _HOLIDAYS[str(groups["holiday"]).lower()]
        return _in_year_before(reference, month, day)
    return _parse_absolute(match.group(), reference)


def _parse_absolute(expression: str, reference: date | None) -> date | None:
    match = _DATE.fullmatch(expression.strip())
    if match is None:
        return None
    groups = match.groupdict()
    if groups["month"]:
        month, day_text, year_text = _MONTHS_EN[groups["month"].lower()[:3]], groups["day"], groups["year"]
    elif groups["es_month"]:
        month = _MONTHS_ES[str(groups["es_month"]).lower()]
        day_text, year_text = groups["es_day"], groups["es_year"]
    else:
        return None
    if year_text:
        try:
            return date(int(year_text), month, int(str(day_text)))
        except ValueError:
            return None
    if reference is None:
        return None  # "Aug. 7" of which year?
    try:
        resolved = date(reference.year, month, int(str(day_text)))
    except ValueError:
        return None
    if resolved > reference + timedelta(days=7):
        # "Dec. 30" in a January story is last year's; "Dec. 12" in an August one is a hearing.
        earlier = resolved.replace(year=reference.year - 1)
        return earlier if reference - earlier <= timedelta(days=_LAST_YEAR_REACH) else None
    return resolved


def _in_year_before(reference: date, month: int, day: int) -> date:
    this_year = date(reference.year, month, day)
    return this_year if this_year <= reference else date(reference.year - 1, month, day)


def _names_the_attacks(source: str, match: re.Match[str]) -> bool:
    if not _NINE_ELEVEN.fullmatch(match.group()):
        return False
    return bool(
        _NINE_ELEVEN_AFTER.match(source, match.end())
        or _NINE_ELEVEN_BEFORE.search(source[max(0, match.start() - 12) : match.start()])
    )
