"""Counts of people and what happened to them ("at least 680 workers were detained")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.topic.facts.scope import reported_as_happening
from crawler.topic.facts.text import any_of, numbered


@dataclass(frozen=True)
class PeopleCount:
    """A number of people and what happened to them, with the words that said so."""

    number: int
    qualifier: str | None  # "at least", "more than", "nearly", "about", "up to", "fewer than"
    outcome: str  # detained, arrested, released, deported, charged, convicted, sentenced, separated
    phrase: str
    # The phrase's span in the text searched: where it is, not what it says (not compared).
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


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
        "detained": "held, jailed, jailing, detaining, detains, holding, detention, detentions, detainees, "
        "taken into custody, locked up, locking up, in custody, in detention, behind bars, "
        "detenidos, detenidas, detuvieron, detuvo, detenciones, retenidos",
        "arrested": "apprehended, arresting, apprehending, apprehend, arrest, arrests, apprehensions, "
        "rounded up, rounding up, round up, rounds up, swept up, sweeping up, picked up, captured, nabbed, "
        "booked, arrestados, arrestadas, arrestaron, arresto, arrestos",
        "released": "freed, releasing, freeing, release, liberados, liberadas, liberaron",
        "deported": "removed, expelled, repatriated, deporting, removing, expelling, deportation, "
        "deportations, deports, removal, removals, expulsions, deportees, sent back, deportados, deportadas, "
        "deportaron, deportaciones, expulsados, repatriados",
        "charged": "indicted, prosecuted, charging, indictment, indictments, acusados",
        "convicted": "condenados",
        "sentenced": "sentenciados",
        "separated": "separating, separation, separations",
    }
)
_PEOPLE = (
    r"(?:people|persons|individuals|immigrants|migrants|workers|employees|noncitizens|non-citizens|adults|"
    r"children|kids|minors|teenagers|men|women|families|parents|fathers|mothers|detainees|deportees|"
    r"asylum[- ]seekers|foreign nationals|nationals|aliens|residents|farmworkers|laborers|passengers|"
    r"students|suspects|defendants|members|day laborers|executives|managers|supervisors|officials|activists|"
    r"protesters|demonstrators|clergy|pastors|priests|ministers|nuns|rabbis|faith leaders|"
    r"bystanders|observers|evacuees|riders|janitors|(?:border )?crossers|family units|refugees|teens|"
    r"citizens|Americans|others|relatives|fugitives|cooks|drivers|staffers|volunteers|inmates|prisoners|"
    r"patients|customers|shoppers|worshippers|congregants|boys|girls|sons|daughters|siblings|brothers|sisters|"
    r"neighbors|tenants|infants|toddlers|babies|juveniles|youths|"
    r"personas|inmigrantes|migrantes|trabajadores|indocumentados|detenidos|"
    r"menores|ninos|adultos|familias|jornaleros|empleados|hondurenos|guatemaltecos|mexicanos|venezolanos|"
    r"salvadorenos|cubanos|haitianos|nicaraguenses|ecuatorianos|colombianos|"
    r"(?-i:[A-Z][a-z]+(?:ans|ese|is)))"
)


_QUAL = r"(?:(?P<qual>" + any_of(_QUALIFIERS) + r")\s+)?"
_NUMBER_WORDS = any_of(_SMALL_NUMBERS)
_UNITS = any_of(k for k, v in _SMALL_NUMBERS.items() if v < 10)
_WORD_NUMBER = rf"(?:{_NUMBER_WORDS})(?:-(?:{_UNITS}|one))?"
_NUMBER = (
    # not the minutes of a clock time ("~20:30 - Three people are detained")
    r"(?<!\d:)(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?"
    rf"|(?:{_NUMBER_WORDS})\s+hundred(?:\s+(?:and\s+)?{_WORD_NUMBER})?"
    rf"|(?:a|{_NUMBER_WORDS})\s+dozen|{_WORD_NUMBER})"
)
# Up to four modifiers ("undocumented", "detained", "Guatemalan", "so-called"), never a unit of
# time or age, another number or "of" ("19 of the 107 people arrested" counts the 107).
_MODIFIERS = (
    r"(?P<mods>(?:cases of\s+)?(?:(?:September|Sept\.?) 11(?:th)?\s+)?"  # "the 1,000 September 11 detainees"
    r"(?:(?!(?:years?|months?|weeks?|days?|old|percent|of|busloads?)\b)"
    # a clause of its own ("the 7-11 parking lot where workers were arrested") or a street address
    # ("830 N. Hampden Ave. Workers were detained") is not the people counted
    r"(?!(?:where|when|which|who|whom|whose)\b)(?!(?:Ave|Avenue|St|Street|Blvd|Boulevard|Rd|Road)\b)"
    r"(?!\d)[\w'\".-]+\s+){0,4}?)"
)
# After the number: the people it counts ("undocumented immigrants", "of them").
# "30 to 40 detainees", "7,000 to 9,000 people": a range counts by its first number.
_RANGE_END = r"(?:\s+(?:to|or)\s+[\d,]+(?:\s+(?:million|thousand))?|\s*[-\u2013]\s*[\d,]+)?"
_THEN_PEOPLE = (
    _RANGE_END
    + r"\s+"
    + _MODIFIERS
    + r"(?P<people>"
    + _PEOPLE
    + r"|of (?:them|those|whom)|de ellos|de ellas)\b"
)
_OUTCOME_WORDS = any_of(_OUTCOMES)
# Only auxiliaries and a few adverbs may stand between the people and what happened to them.
# Words of a clause of its own: "300 people at a rally where two were arrested" counts the two.
_CLAUSE_WORD = (
    r"(?!(?:where|when|while|who|whom|which|that|after|before|because|as|but|said|says|and\s+(?:were|was))\b)"
)
_GAP = (
    # "workers in his union were", "workers from Mexico, Honduras and El Salvador were", "workers at
    # Swift and Co. meatpacking plants in five states were", "activists in the group, X and Y, were":
    # a place or group of a few words, then an aside or the auxiliary
    r"(?:\s+(?:in|at|from|with)\s+(?:the\s+|his\s+|her\s+|their\s+)?" + _CLAUSE_WORD + r"[\w'&-]+\.?"
    r"(?:(?:,\s+|\s+and\s+(?:the\s+)?|\s+)" + _CLAUSE_WORD + r"(?!\d)[\w'&-]+\.?){0,8}"
    r"(?=\s+(?:were|was|had|have|(?:detained|arrested|deported|released) (?:by|with|at|in|on|from))\b"
    r"|,|\s*(?:--|[\u2013\u2014])))?"
    # "300,000 people facing deportation orders were", "men accused of overstaying visas were"
    r"(?:\s+(?:facing|awaiting|accused of|suspected of|charged with|seeking|fleeing)(?:\s+[\w'-]+){1,4}?"
    r"(?=\s+(?:were|was|had been|have been)\b))?"
    # an aside between dashes (hyphenated words allowed: "--cleaners for Wal-Mart--") or commas
    r"(?:\s*--(?:[^-\n]|-(?!-)){1,80}--|\s*[\u2013\u2014][^\u2013\u2014\n]{1,80}[\u2013\u2014]"
    r"|\s*\([^)\n]{1,60}\)|,\s[^,\n]{1,40},|,(?=\s+who\b))?"
    r"(?:(?:\s+|(?<=--)|(?<=[\u2013\u2014]))"
    r"(?:who|that|que|were|was|are|is|have|has|had|been|being|later|also|then|all|since|already|"
    r"eventually|reportedly|subsequently|initially|fueron|han|habian|sido|ya|quickly|remain|remained|"
    r"remains|still|in total|in all|all told|altogether|finally|ultimately|recently|immediately|allegedly|"
    r"temporarily|briefly|wrongfully|unlawfully|illegally|indefinitely|currently|now|"
    # "two U.S. citizens were among those detained"
    r"among (?:those|the people|the)))*"
)
_CUSTODY = (
    # "in Minnesota's custody", "taken into ICE custody", "in ICE detention"
    r"(?:(?:taken|placed)\s+)?(?:in|into)\s+(?:[A-Z][\w.]*'s\s+|ICE\s+|state\s+|federal\s+|immigration\s+)?"
    r"(?:custody|detention)"
    r"|on\s+(?:an?\s+)?(?:ICE\s+|immigration\s+)?detainers?"
)
# "were arrested and released", "were arrested by ICE and released the same day"
_AND_OUTCOME = (
    r"(?:(?:\s+(?:by|at|in)\s+(?:the\s+)?(?:[A-Za-z.'-]+\s+){0,2}?[A-Za-z.'-]+)?\s+and\s+(?:later\s+)?"
    r"(?P<after2>" + _OUTCOME_WORDS + r"))?"
)
_ACTIVE_VERBS = (
    r"arrested|arresting|detained|detaining|deported|deporting|rounded up|rounding up|round up|swept up|"
    r"apprehended|apprehend|removed|released|freed|charged|indicted|convicted|sentenced|"
    # headlines' present tense: "ICE detains 12 in Houston" (the bare "deport" is mostly a goal)
    r"detains|deports|arrests"
)


def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Patterns matched at a number ("1,360 aliens in Minnesota's custody"), each with what may come
# just before the number (anchored at the number; a qualifier is read separately).
_AT_NUMBER = [
    # "at least 680 undocumented immigrants were detained", "300 of them had been released",
    # "Thirty-five people were arrested and released", "1,360 aliens in Minnesota's custody"
    _compiled(
        _NUMBER
        + _THEN_PEOPLE
        + _GAP
        + r"(?:\s+|(?<=--)|(?<=[\u2013\u2014]))(?:(?P<after>"
        + _OUTCOME_WORDS
        + r")|(?P<custody>"
        + _CUSTODY
        + r"))\b"
        + _AND_OUTCOME
    ),
    # "680 detained workers" (the participle is among the modifiers), "60 detainees"
    _compiled(_NUMBER + _THEN_PEOPLE),
    # "1,500 removals", "2,000 immigration arrests", "Three total arrests"
    _compiled(
        _NUMBER + r"\s+(?:(?:total|immigration|enforcement|border|ICE|workplace|new|more|additional|"
        r"[a-z]+-related)\s+){0,2}"
        r"(?P<after>arrests|removals|deportations|detentions|apprehensions|expulsions|deportaciones|arrestos|"
        r"detenciones)\b"
    ),
    # "12 were arrested", "30 detained by ICE", "three still held", "five people in total were detained"
    _compiled(
        _NUMBER
        + r"(?:\s+(?:were|have been|had been|are|was|fueron|han sido))?"
        + _GAP
        + r"\s+(?:(?P<after>arrested|detained|deported|apprehended|held|released|charged|indicted|convicted|"
        r"sentenced|separated|rounded up|swept up|locked up|taken into custody)|(?P<custody>"
        + _CUSTODY
        + r"))\b"
        + _AND_OUTCOME
    ),
    # "three of the detained workers"
    _compiled(
        _NUMBER
        + r"\s+of\s+(?:the|these|those)\s+(?P<after>detained|arrested|deported|released)\s+(?:"
        + _PEOPLE
        + r")\b"
    ),
    # "100 of 1,700 Swift plant workers in his union were detained": the part, not the whole
    _compiled(
        _NUMBER
        + r"\s+of\s+(?:the\s+|their\s+|these\s+)?(?:\d[\d,]*\s+)?"
        + _MODIFIERS.replace("?P<mods>", "?:")
        + r"(?:"
        + _PEOPLE
        + r")"
        + _GAP
        + r"(?:\s+|(?<=--)|(?<=[\u2013\u2014]))(?:were|was|had been|have been)\s+(?P<after>"
        + _OUTCOME_WORDS
        + r")\b"
    ),
]
# A number that ends its phrase: the sentence ends or goes on with a place, a time, a rate.
_STATISTIC_END = (
    # "2.5 million": the point of a decimal does not end the number "2"
    r"(?=\s*(?:\.(?!\d)|[;:)]|,(?!\d)|--|[\u2013\u2014]|$)"
    r"|\s+(?:in|at|on|from|during|since|across|last|this|over|after|and|a|per|yesterday|today|overnight|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b)"
)
# Words of a statistic's growth: "deportations rose to 200,000".
_RISEN = (
    r"(?:rose|risen|rising|grew|grown|climbed|reached|hit|jumped|increased|soared|topped|totaled|"
    r"totalled|numbered|(?:been\s+)?(?:occurring|running|going)\s+at\s+a\s+(?:pace|rate)\s+of)"
)
# "apprehended just 8,347 migrants": a word that weighs the number without changing it.
_FILLER = r"(?:(?:just|only|another)\s+)?"
_PEOPLE_FROM_NUMBER = _compiled(_NUMBER + _THEN_PEOPLE)
_STATISTIC = _compiled(_NUMBER + _STATISTIC_END)
# Patterns whose outcome comes first: (the words before the number, the words from it, a word the
# words before must hold, "" for none).
_OUTCOME_FIRST: list[tuple[re.Pattern[str], re.Pattern[str], str]] = [
    # "agents arrested 42 people", "detuvieron a 400 migrantes", "to round up 1,100 Swift workers"
    (
        _compiled(
            r"\b(?P<before>" + _OUTCOME_WORDS + r")\s+(?:a\s+|the\s+|these\s+|those\s+)?(?:a total of\s+|"
            r"another\s+|a record\s+|"
            r"an additional\s+|a further\s+|(?:along|together) with\s+)?" + _FILLER + _QUAL + r"$"
        ),
        _PEOPLE_FROM_NUMBER,
        "",
    ),
    # "the detention of at least 680 immigrants", "la deportacion de 120 hondurenos"
    (
        _compiled(r"\b(?P<before>" + _OUTCOME_WORDS + r")\s+(?:of|de)\s+[\"']?" + _QUAL + r"$"),
        _PEOPLE_FROM_NUMBER,
        "",
    ),
    # "Deportations have since risen to 200,000 in 2005", "arrests ... at a pace of some 675 per week"
    (
        _compiled(
            r"\b(?P<before>arrests|removals|deportations|detentions|apprehensions|expulsions)\b"
            r"(?:\s+[\w,-]+){0,6}?\s+(?:(?:have|has|had)\s+)?(?:(?:since|now|already)\s+)?"
            + _RISEN
            + r"(?:\s+to)?\s+"
            + _QUAL
            + r"$"
        ),
        _STATISTIC,
        "",
    ),
    # "admitted to arresting 200", "arresting 4" (no people named, the sentence ends or goes on)
    (
        _compiled(r"\b(?P<before>" + _ACTIVE_VERBS + r")\s+(?:a total of\s+)?" + _FILLER + _QUAL + r"$"),
        _STATISTIC,
        "",
    ),
    # "the number of people deported rose to 400,000", "the number in detention reached 61,226"
    (
        _compiled(
            r"\bnumber of\s+(?:[\w-]+\s+){0,2}?(?P<before>" + _OUTCOME_WORDS + r")\b(?:\s+[\w,-]+){0,4}?\s+"
            r"(?:(?:has|have|had)\s+)?(?:(?:since|now|already)\s+)?"
            + _RISEN
            + r"(?:\s+to)?\s+"
            + _QUAL
            + r"$"
        ),
        _STATISTIC,
        "number of",
    ),
    # "agents took 120 workers into custody"
    (
        _compiled(r"\b(?:took|taken|taking|takes|take)\s+" + _FILLER + _QUAL + r"$"),
        _compiled(_NUMBER + _THEN_PEOPLE + r"\s+(?P<custody>into\s+(?:[\w.']+\s+)?custody)\b"),
        "",
    ),
    # "Among those detained were 12 children", "The detainees included 40 women"
    (
        _compiled(
            r"\b(?P<before>detained|arrested|deported|released|detainees|deportees)\s+"
            r"(?:were|was|are|included|include|includes)\s+" + _QUAL + r"$"
        ),
        _PEOPLE_FROM_NUMBER,
        "",
    ),
    # a list after the outcome: "raids swept up 90 people in the Twin Cities, 55 people in West
    # Michigan and 34 in Colorado" (each later item keeps the verb; the first is read above)
    (
        _compiled(
            r"\b(?P<before>"
            + _ACTIVE_VERBS
            + r")\s+(?:[\d,]+\s+(?:[\w-]+\s+)?(?:in|at|from)\s+(?:[^,;.\n]|\.(?=\s[A-Z])){1,50}?"
            r"(?:,\s+(?:and\s+)?|\s+and\s+)){1,4}" + _QUAL + r"$"
        ),
        _compiled(_NUMBER + r"(?:" + _THEN_PEOPLE + r"|(?=\s+(?:in|at|from)\s))"),
        "",
    ),
    # an incident report's fields: "Others detained: At least 3 additional people"
    (
        _compiled(r"\b(?P<before>" + _OUTCOME_WORDS + r"):\s*" + _QUAL + r"$"),
        _PEOPLE_FROM_NUMBER,
        ":",
    ),
    # "indictments against 110 workers"
    (
        _compiled(r"\b(?P<before>indictments?)\s+(?:of|against)\s+" + _QUAL + r"$"),
        _PEOPLE_FROM_NUMBER,
        "indictment",
    ),
]
_QUAL_BEFORE = _compiled(r"\b(?P<qual>" + any_of(_QUALIFIERS) + r")\s+$")
_NUMBER_START = _compiled(r"(?<![\d,.])\b(?=\d|(?:" + _NUMBER_WORDS + r"|a\s+dozen)\b)")
_NAMING_WORDS = re.compile(
    r"(?:\b(?:title|section|article|rule|no|number|chapter|form|interstate|highway|route|proposition|prop|"
    r"district|precinct|room|unit|flight|gate|bill|sb|hb|ley|titulo|local|channel|ward)\.?\s*|[$#\w-]"
    # a day after its month ("the September 11 detainees", "Jan. 7 arrests")
    r"|\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?[ \t]"
    # a name in capitals before the number: a station ("KARE 11", "FOX 9"), a bill ("HR 4437")
    # \Z, not $: a number opening a line is not glued to the word that ended the line before
    r"|(?-i:\b[A-Z]{2,}[ \t]))\Z",
    re.IGNORECASE,
)
# A time of day ("from 6 a.m. to Midnight. Detainees are ...", "~8:00 AM - Detained") counts nobody.
_AFTER_NUMBER_TRAPS = re.compile(
    r"\s*(?:%|percent|por ciento|-year|years? old|a[nñ]os|[ap]\.?\s?m\b\.?|o'clock|:\d\d)", re.IGNORECASE
)
# "a father of two from Hopkins, was detained": the number counts someone's children.
_PARENT_OF = re.compile(
    r"\b(?:father|mother|parent|mom|dad|grand(?:father|mother|parent))s?\s+of\s+$", re.IGNORECASE
)


def find_counts(text: str) -> list[PeopleCount]:
    """Counts of people with their outcome, in text order, one per (number, outcome)."""
    found: dict[tuple[int, str], PeopleCount] = {}
    for number in _NUMBER_START.finditer(text):
        at = number.start()
        line_start = text.rfind("\n", 0, at) + 1
        before = text[max(line_start, at - 100) : at]
        qualifier = _QUAL_BEFORE.search(before)
        candidates: list[tuple[dict[str, str | None], int, int]] = []
        for pattern in _AT_NUMBER:
            match = pattern.match(text, at)
            if match:
                groups = {**match.groupdict(), "qual": qualifier.group("qual") if qualifier else None}
                begin = at - (len(before) - qualifier.start()) if qualifier else at
                candidates.append((groups, begin, match.end()))
        # Keyed by id(): hashing a compiled pattern hashes its whole program.
        rest_matches: dict[int, re.Match[str] | None] = {}
        lowered = before.lower()
        for lead, rest, needed in _OUTCOME_FIRST:
            # The anchored match first (once per pattern): it fails fast, the search for the lead
            # words does not; a word the lead needs is a cheaper test still.
            if id(rest) not in rest_matches:
                rest_matches[id(rest)] = rest.match(text, at)
            match = rest_matches[id(rest)]
            head = lead.search(before) if match and needed in lowered else None
            if head and match:
                candidates.append(
                    ({**match.groupdict(), **head.groupdict()}, at - len(before) + head.start(), match.end())
                )
        for groups, begin, end in candidates:
            for count in _counts_from(groups, text, begin, end):
                key = (count.number, count.outcome)
                if key not in found or count.start < found[key].start:
                    found[key] = count
    return sorted(found.values(), key=lambda count: count.start)


# "five or six people": a range counts by its first number, in words too.
_INSIDE_NUMBER = re.compile(
    r"(?:\b(?:hundred|thousand|million)(?:\s+and)?|\d[\d,]*\s+(?:to|or)|\d\s*[-\u2013]|"
    r"\b(?:" + _NUMBER_WORDS + r")\s+(?:to|or))\s*$",
    re.I,
)
# "planning a mass deportation of as many as 100": a plan counts nobody yet; "ordered ICE to halt
# the deportation of 110": a stopped outcome neither (the action, wanted ended, is still news).
_PLANNED = re.compile(
    r"\b(?:plan(?:s|ned|ning)?|preparing|prepares?|slated|intends?|intending|expects? to|set to|"
    r"to (?:stop|end|halt)|(?:end|stop|halt) (?:to|of))\b"
    r"[^.;:!?]{0,40}$",
    re.IGNORECASE,
)
# "were detained" says what happened to the part; "the 107 people arrested" describes the whole.
_PREDICATE = re.compile(r"\b(?:were|was|are|is|been)\b", re.IGNORECASE)
_PART_OF = re.compile(r"\b(?:\d[\d,]*|" + _NUMBER_WORDS + r")\s+of\s+(?:the\s+|their\s+)?$", re.IGNORECASE)
# "held a silent march", "held signs": the people held something, nobody held them.
_HELD_SOMETHING = re.compile(
    r"\s+(?:a|an|the|their|its|up|hands|signs|banners|rallies|protests?|vigils?|meetings?)\b"
)


def _counts_from(groups: dict[str, str | None], text: str, begin: int, end: int) -> list[PeopleCount]:
    raw = str(groups["num"])
    start = text.find(raw, begin)
    number = _number_of(raw)
    if number is None or number < 2 or "\n" in text[begin:end]:
        return []
    if _INSIDE_NUMBER.search(text[max(0, start - 30) : start]):
        return []  # "sixty-one" of "three hundred and sixty-one", the 40 of "30 to 40"
    if (
        _NAMING_WORDS.search(text[max(0, start - 14) : start])
        or _AFTER_NUMBER_TRAPS.match(text, start + len(raw))
        or _PARENT_OF.search(text[max(0, start - 20) : start])
    ):
        return []
    if (groups.get("people") or "").lower().startswith("of") and (groups.get("mods") or "").strip():
        return []  # "660 prisoners--most of whom were captured": a part of them, not the 660
    if re.fullmatch(r"(?:19|20)\d\d", raw):
        return []  # a year: "in 2019 workers were detained" is not a count of 2,019
    if _PART_OF.search(text[max(0, start - 30) : start]) and _PREDICATE.search(text, start, end):
        return []  # "100 of 1,700 workers were detained": the part is counted, not the whole
    if not reported_as_happening(text, begin) or _PLANNED.search(text, max(0, begin - 60), begin):
        return []  # "a goal of deporting 75,000", "barring ICE from deporting 110 workers"
    outcomes = [_outcome_of(groups)]
    after = groups.get("after")
    if after and after.lower() in ("held", "holding") and _HELD_SOMETHING.match(text, end):
        return []
    second = groups.get("after2")
    if second:
        outcomes.append(_OUTCOMES.get(" ".join(second.lower().split())))
    qualifier = _QUALIFIERS.get((groups.get("qual") or "").lower())
    phrase = " ".join(text[begin:end].split())
    return [
        PeopleCount(number, qualifier, outcome, phrase, begin, end)
        for outcome in outcomes
        if outcome is not None
    ]


def _outcome_of(groups: dict[str, str | None]) -> str | None:
    if groups.get("custody"):
        return "detained"
    for key in ("after", "before"):
        word = groups.get(key)
        if word:
            return _OUTCOMES.get(" ".join(word.lower().split()))
    for word in [*(groups.get("mods") or "").split(), groups.get("people") or ""]:
        outcome = _OUTCOMES.get(word.lower().strip("\"'"))
        if outcome:
            return outcome  # "680 detained workers", "60 detainees", "120 deportados"
    return None


def _number_of(raw: str) -> int | None:
    words = raw.lower().replace(" and ", " ").split()
    if words[-1] == "dozen":
        return 12 * (1 if words[0] == "a" else _SMALL_NUMBERS[words[0]])
    if words[-1] in ("million", "thousand"):
        return round(float(words[0]) * (1_000_000 if words[-1] == "million" else 1_000))
    if raw[0].isdigit():
        return int(float(raw.replace(",", "")))
    if len(words) >= 2 and words[1] == "hundred":
        rest = _word_number(words[2]) if len(words) > 2 else 0
        return _SMALL_NUMBERS[words[0]] * 100 + rest
    return _word_number(words[0])


def _word_number(word: str) -> int:
    tens, _, units = word.partition("-")
    return _SMALL_NUMBERS[tens] + ({**_SMALL_NUMBERS, "one": 1}[units] if units else 0)
