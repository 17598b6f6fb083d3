"""Whether a place is named where nothing of the story happens, judged from the words around it.

A state or city counts where events take place (package docstring). These mentions name a
place for another reason, and do not count:

* contact and signature lines: "call 401-525-1957", "Box 31642, Seattle, WA 98103", a letter
  signed "John Green, Davis, Calif.";
* where a person comes from: "born in New Mexico", "a native of Ohio", "grew up in Texas", "went
  to high school in the town of Washingtonville, N.Y.";
* an incident report's source outlet: "Alaska's News Source (Jan 13, 2026): ...", and its
  "Background:" line, a person's history ("Iraq veteran (Indiana National Guard)");
* a statistic of deaths: "700 people have died trying to cross into California";
* comparisons and models: "just as in New Orleans", "unlike in Texas", "following the example of
  ... in Chicago", "the size of the state of Delaware";
* homes of organisations and regions of statistics: "based in Arizona", "border areas in Texas";
* the capital as the government: "lobbying in Washington, D.C.";
* events that have not happened: "activists are organizing rallies in New York", "In San
  Francisco, organizers are planning a march", "Prevent transfer to ... El Paso, Texas", "would
  be tried in Virginia"; screenings and congressional hearings;
* states as lawmakers: "some states--including Florida, Michigan and Kansas--allow ...";
* the places of the September 11 attacks ("attacks in New York and Washington, D.C.");
* every place of a roundup's item (heading to heading) that never mentions immigration.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from itertools import pairwise

from crawler.topic.facts.text import sentence_bounds

_CONTACT = re.compile(
    r"\(?\b\d{3}\)?[ .-]\d{3}-\d{4}\b|[\w.+-]+@[\w-]+\.[\w.]+|\b(?:P\.?\s?O\.?\s)?Box \d+|"
    r",\s*[A-Z]{2}\s+\d{5}\b"
)
# A line that is only a name and a town: the signature under a letter or a report.
_SIGNATURE_LINE = re.compile(
    r"(?:[A-Z][\w.'-]*\s+){1,3}[A-Z][\w'-]*\s*,\s*(?:[A-Z][\w.'-]*\s+){0,3}[A-Z][\w.'-]*,\s*"
    r"[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\.?\s*"
)
_TRIGGERS = (
    r"born (?:and raised )?in|natives? of|grew up in|raised in|hails? from|hometown (?:of|in)|"
    r"(?:went to|attended) (?:high |grade |middle )?school in|"
    # a statistic of deaths, no event: "at least 700 people have died trying to cross into California"
    r"died (?:while )?(?:trying to )?cross(?:ing)?(?: into)?|"
    r"home (?:state|town|city) (?:of|in)|"
    r"(?:activists?|delegations?|supporters) (?:came )?from|"
    # where people came from: "an influx of Hmong immigrants from Minnesota and Wisconsin"
    r"(?:immigrants|migrants|refugees|families|residents|newcomers|people|workers) (?:who came )?from|"
    # a law elsewhere as the model: "local laws, like the one passed in Hazelton, Pa."
    r"like (?:the ones?|those|that) (?:passed|adopted|enacted) in|"
    # where someone lives: "has lived for three years in New Jersey", "who lives in London"
    r"(?:lives|lived|living|resides|resided|residing)(?: for (?:\w+ ){1,3}?(?:years?|months?|decades?))? in|"
    r"just as in|as it did in|unlike in|much as in|lobby(?:ing|ied)? (?:in|on)|"
    # an organisation's home, a measure of size, a statistic's region: "a group based in Arizona",
    # "a desert the size of the state of Delaware", "other border areas in Texas, New Mexico and Arizona"
    r"(?:based|headquartered) in|(?:the )?size of(?: the state of)?|"
    r"border (?:areas?|regions?) (?:in|of|along)|"
    r"(?:September 11|9/11) attacks? (?:in|on)|"
    r"states\W+(?:such as|including|like)|"
    # where politics happened, not enforcement: "a candidates' debate in South Carolina"
    r"(?:debates?|conventions?|fundraisers?|summits?|caucus(?:es)?|primar(?:y|ies)|screenings?|premieres?|"
    r"(?:congressional|Senate|House|legislative) hearings?|"
    r"(?<!press )(?<!news )conferences?) (?:in|at)"
)
_TRIGGER = re.compile(r"\b(?:" + _TRIGGERS + r")\b", re.IGNORECASE)
# The trigger, then the place or a list of places ending with this one.
_BEFORE = re.compile(
    r"(?i:\b(?:"
    + _TRIGGERS
    + r")\s+(?:(?:the|an?|upstate|downstate|northern|southern|eastern|western|central|"
    r"rural)\s+)?(?:(?:town|city|village) of\s+)?)"
    r"(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*(?:,\s*|\s+(?:and|or|to)\s+|,\s+(?:and|or)\s+))*$"
)
# Events that have not happened: "activists are organizing rallies in New York", "actions are
# already planned in Boston, Chicago ...", "a march will be held in Austin".
_PLANNED = re.compile(
    r"\b(?:(?:are|is) (?:already )?(?:planned|planning|organizing|preparing|calling for)|resolved to|"
    r"will (?:be held|march|rally|"
    r"protest|gather|take place)|plans? (?:to|for) (?:a |an )?(?:rall|march|protest|vigil|picket)\w*|"
    r"upcoming|scheduled for|"
    # what may yet happen: "Prevent transfer to detention facility in El Paso", "would be tried in Virginia"
    r"(?:prevent|avoid|stop|block|fight|fear)(?:s|ed|ing)? (?:an? |the |his |her |their |any )?"
    r"(?:transfer|move|removal|deportation)|"
    r"(?:would|could|might|may) (?:soon |later )?be (?:tried|sent|transferred|moved|flown|held))\b",
    re.IGNORECASE,
)
_REACH = 120  # characters before a place that the phrases above may stand in
# A model to follow, anywhere earlier in the sentence: "following the example of the 40,000 people
# who turned out to demonstrate in Chicago", "the model of students' protests in Los Angeles".
_EXAMPLE_BEFORE = re.compile(
    r"\b(?:(?:follow\w*|after|on|like) the (?:example|model|lead)s? of|inspired by|modeled on)\b",
    re.IGNORECASE,
)
# A plan told after the places: "In San Francisco, organizers ... are planning a Noon march",
# "congregations in Phoenix, Kansas City, and Miami are likely to join".
_PLANNED_AFTER = re.compile(
    # the rest of a list of places, then one clause (its subject after a comma at most)
    r"(?:(?:,\s*(?:and\s+)?|\s+and\s+)[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)*(?:,\s*)?[^.;!?,]{0,60}?"
    r"\b(?:(?:are|is) (?:also |now |already )?(?:planning|organizing|preparing|calling for|likely to|"
    r"expected to|set to|due to)|will (?:hold|march|rally|protest|gather|join))\b",
    re.IGNORECASE,
)
# ...unless the sentence also tells what happened there.
_HAPPENED = re.compile(
    r"\b(?:raided|arrested|detained|deported|rounded up|held|rallied|marched|protested|picketed|"
    r"gathered|turned out|demonstrated|ruled|blocked|jailed)\b",
    re.IGNORECASE,
)


# "Chicago immigrant rights activist Elvira Arellano", "a Minneapolis attorney": where a person is from.
_PERSON_AFTER = re.compile(
    r"(?:'s)?\s+(?:(?:immigrant[- ]rights|community|civil[- ]rights|labor|political|longtime)\s+)?"
    r"(?:activists?|organizers?|residents?|attorneys?|lawyers?|businessman|businesswoman|rappers?|artists?|"
    r"voters|drivers|taxpayers)\b"
)


# An incident report's source line, "Alaska's News Source (Jan 13, 2026): CNN affiliate coverage":
# what stands before the date is the outlet's name.
_SOURCE_OUTLET = re.compile(
    r"[^\n():]{2,80}\((?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:\s*[-\u2013]\s*\d{1,2})?,?\s+\d{4})\):"
)


def incidental_place(source: str, start: int, end: int) -> bool:
    """True when the place at source[start:end] is named for a reason other than the events."""
    if _PERSON_AFTER.match(source, end):
        return True
    line_start = source.rfind("\n", 0, start) + 1
    if source.startswith("Background:", line_start):
        return True  # a person's history: "Background: Iraq veteran (Indiana National Guard)."
    outlet = _SOURCE_OUTLET.match(source, line_start)
    if outlet and start < outlet.end() - 1 and "(" not in source[line_start:start]:
        return True
    line_end = source.find("\n", end)
    line = source[line_start : line_end if line_end >= 0 else len(source)]
    if len(line) <= 80 and _SIGNATURE_LINE.fullmatch(line):
        return True
    window = source[max(line_start, start - _REACH) : start]
    if _TRIGGER.search(window) and _BEFORE.search(window):
        return True
    sentence_start, sentence_end = sentence_bounds(source, start, end)
    if _PLANNED.search(source, sentence_start, start) or _EXAMPLE_BEFORE.search(
        source, sentence_start, start
    ):
        return True
    if _PLANNED_AFTER.match(source[end:sentence_end]) and not _HAPPENED.search(
        source, sentence_start, sentence_end
    ):
        return True
    contacts = _contacts(source)
    if not contacts:
        return False
    at = bisect.bisect_left(contacts, sentence_start)
    return at < len(contacts) and contacts[at] < sentence_end


@lru_cache(maxsize=8)
def _contacts(source: str) -> list[int]:
    """Where the text's phone numbers, e-mail and postal addresses start (one pass per text)."""
    return [match.start() for match in _CONTACT.finditer(source)]


# A heading line: a few words, no sentence end, no figures (a timeline entry has them); not a byline.
_HEADING = re.compile(r"^(?!By )[A-Z\"'][^\n!?:;\d|]{0,60}(?<![.\"'])$", re.M)
_HEADING_WORDS = 8
# What an item about immigration enforcement mentions somewhere (an arrest alone may be a
# protester's, a raid a police one).
_ENFORCEMENT = re.compile(
    r"\b(?:ICE|INS|CBP|HSI|DHS|Border Patrol|la migra|[Ii]mmigra\w*|[Dd]eport\w*|[Dd]etain\w*|"
    r"[Dd]etention|[Uu]ndocumented|[Mm]igrants?|[Aa]sylum|[Rr]efugees?|[Ss]anctuary|[Vv]isas?|"
    r"[Cc]itizenship|[Ff]ederal (?:agents?|officers?|authorities))\b"
)


_REPORT_HEADING = re.compile(r"^(?:Summary|Timeline|Sources)$", re.M)


def is_incident_report(text: str) -> bool:
    """An incident report (Summary, Sources, Timeline ...): every section of it is the one story's,
    wherever it took place, though a section may name no agency (a timeline of a school's day)."""
    return bool(_REPORT_HEADING.search(text))


def quiet_sections(text: str) -> list[tuple[int, int]]:
    """The spans of a text's sections (each from a heading line to the next) that never mention
    immigration enforcement: the antiwar and labour items of a news roundup. Their places are
    where other stories happened."""
    starts = [0]
    for heading in _HEADING.finditer(text):
        if len(heading.group().split()) <= _HEADING_WORDS and heading.start() > 0:
            starts.append(heading.start())
    if len(starts) < 3:
        return []  # one story, perhaps with a subheading: every part of it is about the events
    bounds = [*starts, len(text)]
    return [(start, end) for start, end in pairwise(bounds) if not _ENFORCEMENT.search(text, start, end)]
