"""Counts of people and what happened to them ("at least 680 workers were detained")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.topic.facts.text import any_of, numbered


@dataclass(frozen=True)
class PeopleCount:
    """A number of people and what happened to them, with the words that said so."""

    number: int
    qualifier: str | None  # "at least", "more than", "nearly", "about", "up to", "fewer than"
    outcome: str  # detained, arrested, released, deported, charged, convicted, sentenced
    phrase: str


def _normalizing(forms: dict[str, str]) -> dict[str, str]:
    """{"detained": "held, jailed"} -> {"detained": "detained", "held": "detained", "jailed": "detained"}."""
    return {form: norm for norm, listed in forms.items() for form in [norm, *listed.split(", ")] if form}


_QUALIFIERS = _normalizing(
    {
        "at least": "al menos, por lo menos",
        "more than": "over, mas de",
        "nearly": "almost, close to, casi",
        "about": "around, roughly, approximately, some, an estimated, unos, unas, alrededor de, cerca de, "
        "aproximadamente",
        "up to": "as many as, at most, hasta",
        "fewer than": "less than, menos de",
    }
)
_SMALL_NUMBERS = {
    **numbered("two three four five six seven eight nine ten eleven twelve thirteen fourteen", start=2),
    **numbered("fifteen sixteen seventeen eighteen nineteen twenty", start=15),
    **numbered("thirty forty fifty sixty seventy eighty ninety", start=30, step=10),
    **numbered("dos tres cuatro cinco seis siete ocho nueve diez", start=2),
    **{"doce": 12, "quince": 15, "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "cien": 100},
}
# The outcome words, normalized: participles, gerunds, nouns and Spanish forms.
_OUTCOMES = _normalizing(
    {
        "detained": "held, jailed, detaining, holding, detention, detentions, detainees, taken into custody, "
        "detenidos, detenidas, detuvieron, detuvo, detenciones, retenidos",
        "arrested": "apprehended, arresting, apprehending, arrest, arrests, apprehensions, rounded up, "
        "booked, arrestados, arrestadas, arrestaron, arresto, arrestos",
        "released": "freed, releasing, freeing, release, liberados, liberadas, liberaron",
        "deported": "removed, expelled, repatriated, deporting, removing, expelling, deportation, "
        "deportations, removal, removals, expulsions, deportees, deportados, deportadas, deportaron, "
        "deportaciones, expulsados, repatriados",
        "charged": "indicted, prosecuted, charging, acusados",
        "convicted": "condenados",
        "sentenced": "sentenciados",
    }
)
_PEOPLE = (
    r"(?:people|persons|individuals|immigrants|migrants|workers|employees|noncitizens|non-citizens|adults|"
    r"children|kids|minors|teenagers|men|women|families|parents|fathers|mothers|detainees|deportees|"
    r"asylum[- ]seekers|foreign nationals|nationals|aliens|residents|farmworkers|laborers|passengers|"
    r"students|suspects|members|personas|inmigrantes|migrantes|trabajadores|indocumentados|detenidos|"
    r"menores|ninos|adultos|familias|jornaleros|empleados|hondurenos|guatemaltecos|mexicanos|venezolanos|"
    r"salvadorenos|cubanos|haitianos|nicaraguenses|ecuatorianos|colombianos|"
    r"(?-i:[A-Z][a-z]+(?:ans|ese|is)))"
)


_QUAL = r"(?:(?P<qual>" + any_of(_QUALIFIERS) + r")\s+)?"
_NUMBER_WORDS = any_of(_SMALL_NUMBERS)
_UNITS = any_of(k for k, v in _SMALL_NUMBERS.items() if v < 10)
_NUMBER = (
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?"
    rf"|(?:a|{_NUMBER_WORDS})\s+dozen|(?:{_NUMBER_WORDS})(?:-(?:{_UNITS}))?)"
)
# Up to three modifiers ("undocumented", "detained", "Guatemalan"), never a unit of time or age.
_MODIFIERS = r"(?P<mods>(?:(?!(?:years?|months?|weeks?|days?|old|percent)\b)[\w'-]+\s+){0,3}?)"
_NUMBER_THEN_PEOPLE = (
    r"\b"
    + _QUAL
    + _NUMBER
    + r"\s+"
    + _MODIFIERS
    + r"(?P<people>"
    + _PEOPLE
    + r"|of (?:them|those|whom)|de ellos|de ellas)\b"
)
_OUTCOME_WORDS = any_of(_OUTCOMES)
# Only auxiliaries and a few adverbs may stand between the people and what happened to them.
_GAP = (
    r"(?:\s+(?:who|that|que|were|was|are|is|have|has|had|been|being|later|also|then|all|since|already|"
    r"eventually|reportedly|subsequently|initially|fueron|han|habian|sido|ya|quickly))*"
)

_COUNT_PATTERNS = [
    # "at least 680 undocumented immigrants were detained", "300 of them had been released"
    re.compile(_NUMBER_THEN_PEOPLE + _GAP + r"\s+(?P<after>" + _OUTCOME_WORDS + r")\b", re.IGNORECASE),
    # "agents arrested 42 people", "detuvieron a 400 migrantes"
    re.compile(
        r"\b(?P<before>" + _OUTCOME_WORDS + r")\s+(?:a\s+)?(?:a total of\s+)?" + _NUMBER_THEN_PEOPLE,
        re.IGNORECASE,
    ),
    # "the detention of at least 680 immigrants", "la deportacion de 120 hondurenos"
    re.compile(r"\b(?P<before>" + _OUTCOME_WORDS + r")\s+(?:of|de)\s+" + _NUMBER_THEN_PEOPLE, re.IGNORECASE),
    # "680 detained workers" (the participle is among the modifiers), "60 detainees"
    re.compile(_NUMBER_THEN_PEOPLE, re.IGNORECASE),
    # "1,500 removals", "2,000 immigration arrests", "12 were arrested"
    re.compile(
        r"\b" + _QUAL + _NUMBER + r"\s+(?:(?:immigration|enforcement|border)\s+)?(?P<after>arrests|removals|"
        r"deportations|detentions|apprehensions|expulsions|deportaciones|arrestos|detenciones)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b"
        + _QUAL
        + _NUMBER
        + r"\s+(?:were|have been|had been|fueron|han sido)"
        + _GAP
        + r"\s+(?P<after>"
        + _OUTCOME_WORDS
        + r")\b",
        re.IGNORECASE,
    ),
]
_NAMING_WORDS = re.compile(
    r"(?:\b(?:title|section|article|rule|no|number|chapter|form|interstate|highway|route|proposition|prop|"
    r"district|precinct|room|unit|flight|gate|bill|sb|hb|ley|titulo)\.?\s*|[$#\w-])$",
    re.IGNORECASE,
)
_ANY_NUMBER = re.compile(r"\d|\b(?:" + _NUMBER_WORDS + r")\b", re.IGNORECASE)
_AFTER_NUMBER_TRAPS = re.compile(r"\s*(?:%|percent|por ciento|-year|years? old|a[nñ]os)", re.IGNORECASE)


def find_counts(text: str) -> list[PeopleCount]:
    """Counts of people with their outcome, in text order, one per (number, outcome)."""
    found: dict[tuple[int, str], tuple[int, PeopleCount]] = {}
    for offset, paragraph in _paragraphs_with_numbers(text):
        for pattern in _COUNT_PATTERNS:
            for match in pattern.finditer(paragraph):
                count = _count_from(match, paragraph)
                position = offset + match.start()
                if count is not None:
                    key = (count.number, count.outcome)
                    if key not in found or position < found[key][0]:
                        found[key] = (position, count)
    return [count for _, count in sorted(found.values(), key=lambda item: item[0])]


def _paragraphs_with_numbers(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) for the paragraphs worth the count patterns: most have no number."""
    found = []
    offset = 0
    for paragraph in text.split("\n"):
        if _ANY_NUMBER.search(paragraph):
            found.append((offset, paragraph))
        offset += len(paragraph) + 1
    return found


def _count_from(match: re.Match[str], text: str) -> PeopleCount | None:
    groups = match.groupdict()
    outcome = _outcome_of(groups)
    number = _number_of(match.group("num"))
    start = match.start("num")
    if outcome is None or number is None or number < 2:
        return None
    if _NAMING_WORDS.search(text[max(0, start - 14) : start]) or _AFTER_NUMBER_TRAPS.match(
        text, match.end("num")
    ):
        return None
    if re.fullmatch(r"(?:19|20)\d\d", match.group("num")):
        return None  # a year: "in 2019 workers were detained" is not a count of 2,019
    qualifier = _QUALIFIERS.get((groups.get("qual") or "").lower())
    return PeopleCount(number, qualifier, outcome, " ".join(match.group().split()))


def _outcome_of(groups: dict[str, str | None]) -> str | None:
    for key in ("after", "before"):
        word = groups.get(key)
        if word:
            return _OUTCOMES.get(" ".join(word.lower().split()))
    for word in [*(groups.get("mods") or "").split(), groups.get("people") or ""]:
        outcome = _OUTCOMES.get(word.lower())
        if outcome:
            return outcome  # "680 detained workers", "60 detainees", "120 deportados"
    return None


def _number_of(raw: str) -> int | None:
    words = raw.lower().split()
    if words[-1] == "dozen":
        return 12 * (1 if words[0] == "a" else _SMALL_NUMBERS[words[0]])
    if words[-1] in ("million", "thousand"):
        return round(float(words[0]) * (1_000_000 if words[-1] == "million" else 1_000))
    if raw[0].isdigit():
        return int(float(raw.replace(",", "")))
    tens, _, units = raw.lower().partition("-")
    return _SMALL_NUMBERS[tens] + (_SMALL_NUMBERS[units] if units else 0)
