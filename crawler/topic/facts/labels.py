"""Agencies and enforcement actions: fixed phrase lists with guards against their traps."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.topic.facts.scope import reported_as_happening
from crawler.topic.facts.text import Mention, sentence_bounds


@dataclass(frozen=True)
class _Label:
    """A fact's value and the pattern that finds it; `unless` is checked near each match,
    `unless_before` against the words just before it. A text holding none of the `needles`
    (lowercase, or as written for an exact-case pattern) is not searched: a substring test
    costs a fraction of a regex pass."""

    label: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    unless_before: re.Pattern[str] | None = None
    needles: tuple[str, ...] = ()
    exact_case: bool = False

    def may_occur(self, source: str, lowered: str) -> bool:
        haystack = source if self.exact_case else lowered
        return not self.needles or any(needle in haystack for needle in self.needles)


def _label(
    label: str,
    pattern: str,
    unless: str | None = None,
    *,
    exact_case: bool = False,
    unless_before: str | None = None,
    needles: str = "",
) -> _Label:
    flags = 0 if exact_case else re.IGNORECASE
    return _Label(
        label,
        re.compile(pattern, flags),
        re.compile(unless, re.IGNORECASE) if unless else None,
        re.compile(unless_before + r"\s*$", re.IGNORECASE) if unless_before else None,
        tuple(needle for needle in needles.split("|") if needle),
        exact_case,
    )


_ICE_TRAPS = (
    r"\b(?:trains?|deutsche bahn|intercity|railway|engines?|vehicles?|cars?|models?|combustion|"
    r"EVs?|hybrids?|shares|stock|exchange|intercontinental|futures|cube|spice|rapper)\b"
)

# Who held the office since 1993: "Attorney General Keith Ellison" is Minnesota's, and a state's
# attorney general often goes unnamed by state.
_US_ATTORNEYS_GENERAL = (
    r"Janet Reno|John Ashcroft|Alberto Gonzales|Michael Mukasey|Eric Holder|Loretta Lynch|Jeff Sessions|"
    r"William Barr|Bill Barr|Merrick Garland|Pam Bondi"
)

_US_AG_NEEDLES = "Reno|Ashcroft|Gonzales|Mukasey|Holder|Lynch|Sessions|Barr|Garland|Bondi"

# Police of another country are not a local force: its name or demonym just before "police".
_FOREIGN = (
    r"\b(?:Mexic(?:o|an)|El Salvador|Salvadoran|Guatemal(?:a|an)|Hondura(?:s|n)|Nicaragu(?:a|an)|"
    r"Cuba|Cuban|Haiti|Haitian|Venezuela|Venezuelan|Colombia|Colombian|Ecuador(?:ian)?|Peru(?:vian)?|"
    r"Brazil(?:ian)?|Dominican|Canad(?:a|ian)|Chin(?:a|ese)|India|Indian|Pakistan(?:i)?|Somali(?:a)?|"
    r"Ethiopia|Ethiopian|Eritrea|Eritrean|Kenya|Kenyan|Nigeria|Nigerian|Iraq|Iraqi|Iran|Iranian|"
    r"Afghan(?:istan)?|Syria|Syrian|Turk(?:ey|ish)|Russia|Russian|Ukrain(?:e|ian)|Israel(?:i)?|"
    r"British|French|German|Italian|Spanish|foreign)(?:'s)?(?:\s+[\w-]+)?\s*"
)

AGENCIES = [
    _label(
        "ICE",
        r"\b(?:Immigrations? and Customs Enforcement|Servicio de Inmigracion y Control de Aduanas)\b",
        needles="customs enforcement|control de aduanas",
    ),
    _label(
        "ICE",
        r"\bICE\b",
        # an addressee told to keep away, as a chant is ("told ICE to stay away from schools")
        _ICE_TRAPS + r"|\b(?:told|tells?|telling|urg\w+|demand\w*|ask\w*)\s+ICE\s+to\s+"
        r"[\"']?(?:stay|keep|get)\s+(?:away|out)\b",
        exact_case=True,
        needles="ICE",
    ),
    _label("ERO", r"\bEnforcement and Removal Operations\b", needles="removal operations"),
    _label("ERO", r"\bERO\b", exact_case=True, needles="ERO"),
    _label(
        "HSI",
        r"\b(?:Homeland Security Investigations?|Investigaciones de Seguridad Nacional)\b",
        needles="security investigation|investigaciones de",
    ),
    _label("HSI", r"\bHSI\b", exact_case=True, needles="HSI"),
    _label(
        "CBP",
        r"\b(?:Customs and Border (?:Protection|Patrol)|Aduanas y Proteccion Fronteriza)\b",
        needles="border protection|border patrol|proteccion fronteriza",
    ),
    _label("CBP", r"\bCBP\b(?! One)", exact_case=True, needles="CBP"),  # CBP One is an app
    _label(
        "Border Patrol",
        # "the United States Border Patrol Auxiliary" is a vigilante group
        # (and "self-styled border patrol groups", "the Minutemen's border patrols" are vigilantes)
        r"\b(?:Border Patrol(?! Auxiliary|s?\s+(?:groups?|militias?|volunteers))|Patrulla Fronteriza)\b",
        # "Customs and Border Patrol": CBP misnamed
        # "groups like the American Border Patrol": a vigilante group's name
        unless_before=r"\b(?:Customs and|self-styled|vigilantes?'?|civilian|citizens'?|volunteer|armed|"
        r"(?-i:American))",
        needles="border patrol|patrulla",
    ),
    _label(
        "USCIS",
        r"\b(?:Citizenship and Immigration Services|Servicio de Ciudadania e Inmigracion)\b",
        needles="immigration services|ciudadania",
    ),
    _label("USCIS", r"\bUSCIS\b", exact_case=True, needles="USCIS"),
    _label(
        "DHS",
        r"\b(?:Department of Homeland Security|Secretary of Homeland Security|"
        r"Homeland Security (?:Department|Secretary|secretary|head|chief|office|officials?|spokes\w+|"
        r"agents?|officers?)|"
        r"Departamento de Seguridad Nacional)\b",
        needles="homeland security|seguridad nacional",
    ),
    _label(
        "DHS",
        # the department by its short name: "contacted Homeland Security about the case"
        r"(?<!of )\bHomeland Security(?! (?:Investigations|Act|Committee|Council|Advisory|Task Force|grants?|"
        r"funding|Subcommittee|Department|Secretary|secretary|head|chief|office|officials?|spokes\w+|"
        r"agents?|officers?)\b)",
        # its building as the place of a protest: "demonstrations ... in front Homeland Security"
        unless_before=r"\b(?:in front|outside|at|to)(?: of)?(?: the)?",
        needles="homeland security",
    ),
    _label("DHS", r"\bDHS\b", exact_case=True, needles="DHS"),
    _label(
        "DOJ",
        r"\b(?:Justice Department|Department of Justice|Departamento de Justicia|"
        r"U\.? ?S\.? Attorney|federal prosecutors?|fiscales federales)\b",
        needles="justice|attorney|prosecutor|fiscales",
    ),
    _label("DOJ", r"\bDOJ\b", exact_case=True, needles="DOJ"),
    # The U.S. Attorney General heads the Justice Department; "Minnesota Attorney General" is a state's.
    _label(
        "DOJ",
        r"\b(?:U\.S\. Attorney General|Attorney General of the United States|"
        r"(?:Attorney General|ATTORNEY GENERAL) (?:" + _US_ATTORNEYS_GENERAL + r"))\b",
        exact_case=True,
        needles="Attorney General|ATTORNEY GENERAL",
    ),
    # the Attorney General by name alone: "John Ashcroft and his witch-hunters"
    _label("DOJ", r"\b(?:" + _US_ATTORNEYS_GENERAL + r")\b", exact_case=True, needles=_US_AG_NEEDLES),
    _label("FBI", r"\b(?:FBI|Federal Bureau of Investigation)\b", needles="fbi|federal bureau"),
    _label(
        "INS",
        r"\b(?:Immigration and Naturalization Services?|INS)\b",
        exact_case=True,
        needles="INS|Naturalization",
    ),
    _label(
        "National Guard",
        r"\b(?:National Guard|Guardia Nacional)\b(?! (?:facility|base|armory))",
        unless_before=r"\b(?:facility|base|armory|camp) of the(?:\s+\w+)?",
        needles="national guard|guardia nacional",
    ),
    # Officers under a 287(g) agreement are local police or deputies doing immigration work.
    _label("local police", r"(?<!\w)287\s?\(g\)", needles="287"),
    _label(
        "local police",
        # "police powers", "police surveillance will increase", "the police forces of two cities": the
        # institution in general, not a force that acted
        # "to police the border": the verb
        # "revised their police policies", "the military does police work": what police do in general
        r"\b(?:police(?! state| powers?| surveillance| forces? of| polic(?:y|ies)| work| practices|"
        r" procedures)"
        r"(?!(?<=\bto police)\s+(?:(?:the|our|their|its|this|that|these|those)\s+(?:[\w.-]+\s+)?)?"
        r"(?:borders?|streets?|neighbou?rhoods?|communit(?:y|ies)|cit(?:y|ies)|country|desert|crowds?|laws?)\b)"
        r"|cops?|policemen|policewomen|"
        r"local law enforcement|local (?:and federal )?officers|polic[ií]a local)\b",
        unless_before=r"\b(?:state|border|park|military|secret|federal|capitol|national|tribal|"
        r"(?:justice|in charge of) (?:and )?the|"
        # a person's past job ("a former cop"); what a detainer asks of police in general
        r"former|retired|ex-|requests? for|asking|asks|"
        # agents passing themselves off as police ("Pretending to be local police")
        r"(?:pretend(?:s|ed|ing)? to be|pos(?:e|es|ed|ing) as|impersonat(?:e|es|ed|ing)|"
        # "identifying themselves as the police", "claiming to be police": what agents said they were
        r"identif(?:y|ies|ied|ying) (?:themselves|himself|herself) as|claim(?:s|ed|ing)? to be)"
        r" (?:the )?(?:local )?|"
        # a condition, not a call made ("they would need to call police for identification")
        r"(?:would|'d|will) need (?:to (?:call|get|involve) )?(?:the )?|"
        # another country's force ("El Salvador's corrupt police", "Mexican police")
        rf"{_FOREIGN}|"
        # a law that restricts police in general ("an ordinance that restricts city police from")
        r"(?:restrict|prohibit|forbid|bar)(?:s|ed|ing|red|ring)? (?:the )?(?:city |local |county )?|"
        # a person's background: "commended by Hopkins Police Department for snowstorm assistance"
        r"(?:commended|honou?red|praised|thanked|recogni[sz]ed|awarded) by (?:the )?(?:[A-Z][\w.]* ){0,3}|"
        # a metaphor ("their historic role as labor cops"), a law's powers ("expands the ability of the
        # police and FBI to"), agents acting alone ("without coordination with local law enforcement")
        r"(?:labor|real|fake|toy|play|rent-a-)-?|(?:the )?abilit(?:y|ies) of (?:the )?|"
        r"without (?:any )?(?:coordinat\w+|cooperat\w+|notify\w*|notice to|informing|contacting)"
        r"(?: with| to)? (?:the )?|"
        # how communities feel about police in general ("may avoid ... cooperating with police")
        r"(?:avoid\w*|afraid|fear\w*|(?:dis|mis)?trust\w*|reluctant|wary)\b[^.;]{0,40})",
        needles="police|cop|law enforcement|local|polic",
    ),
    _label(
        "sheriff",
        r"\b(?:sheriffs?|sheriff's|deputies|sheriff's deputies|alguacil)\b",
        needles="sheriff|deputies|alguacil",
    ),
    _label(
        "state police",
        r"\b(?:state police|state troopers?|troopers?|highway patrol|state patrol|"
        r"Department of Public Safety)\b",
        # a trooper as the victim of a crime ("the 1973 murder of a New Jersey state trooper")
        unless_before=r"\b(?:murder|killing|shooting|death|assault) of (?:an? |the )?(?:[\w-]+ ){0,3}",
        needles="state police|trooper|patrol|public safety",
    ),
]

_GAME_MILITARY_DRUGS = (
    r"\b(?:game|gamers?|players?|boss|guild|legends|warcraft|destiny|fortnite|pokemon|dungeon|"
    r"troops|soldiers|militants?|military|special forces|israeli|viking|hamas|peacekeepers|"
    r"drugs?|narcotics?|fentanyl|cocaine|antidrogas|gambling|casino|swat)\b"
)
_AGENTS = (
    r"(?:ICE|INS|FBI|the Border Patrol|Border Patrol|immigration|federal|agents|officers|police|authorities)"
)

ACTIONS = [
    _label("raid", r"\b(?:raid(?:s|ed|ing)?|redadas?)\b", _GAME_MILITARY_DRUGS),
    _label(
        "arrest",
        r"\b(?:arrest(?:s|ed|ing)?|apprehen(?:d|ds|ded|ding|sions?)|taken into custody|"
        r"took into custody|round(?:s|ed|ing)? up|roundups?|swept up|sweeps? up|"
        r"picked up by " + _AGENTS + r"|"
        r"arrestad[oa]s?|arrestaron|arrest[oó]|arrestos?)\b",
        r"\b(?:cardiac|house) arrest|\barrest (?:warrants?|detainers?)\b|"
        # a digest of news, not a sweep ("our weekly roundup", "a roundup of the headlines")
        r"\b(?:news|weekly|daily|week's|morning|evening) roundup\b|"
        r"\broundup of (?:the )?(?:news|stories|links|headlines|events|reactions?)\b",
    ),
    _label(
        "detention",
        r"\b(?:detain(?:s|ed|ing)?|detentions?|detainees?|detainments?|detenid[oa]s?|detenci[oó]n(?:es)?|"
        # "The Feds jailed, and then secretly deported Rabih Haddad"
        r"jailed|jailing|"
        r"detuvieron|detuvo|held in custody|in (?:[A-Z][\w.]*'s |ICE |federal |immigration |state )?custody|"
        r"locked up|locking up|held (?:him|her|them)|"
        # "was held for three months", "are held in the prison"
        r"(?:was|were|is|are|been|being) held (?:for (?:\w+ )?(?:days?|weeks?|months?|years?)|"
        r"in (?:an? |the )?(?:[\w-]+ )?(?:jail|prison|cell|facility|detention center)))\b",
        # school detention (a punishment), a stormwater basin; not "entered school grounds, detained"
        r"\b(?:after-school|school|lunch|saturday)\s+detentions?\b|\bdetention\s+(?:basins?|ponds?)\b|"
        r"\b(?:basin|stormwater)\b",
    ),
    _label(
        "deportation",
        # "Deporten A La Migra" is a coalition's name
        r"\b(?:(?!Deporten A La Migra)deport(?!ment)\w*|removal(?:s| proceedings| orders?| flights?)|"
        r"removed from the|ordered removed|expedited removal|expel(?:s|led|ling)?|expulsions?|"
        r"deportad[oa]s?|deportaci[oó]n(?:es)?|deportaron|expulsad[oa]s?)\b",
        r"\b(?:jews|jewish|holocaust|nazis?|auschwitz|soviet|snow|trees?|trash|statue)\b|"
        # "ordered deported--but was told that he couldn't be deported": the order was not carried out
        r"\bdeport\w*\W+but\b[^.;]{0,30}?(?:could ?not|couldn't|cannot|can't|can not)\b",
        unless_before=r"\bself-",
    ),
    _label(
        "audit",
        r"\b(?:audits?|notices? of inspection|I-9 (?:inspections?|audits?|subpoenas?|forms)|"
        r"auditor[ií]as?)\b",
        r"\b(?:tax|irs|financial|budget|election|pentagon|accounting|audit committee)\b",
    ),
    _label(
        "checkpoint",
        r"\b(?:checkpoints?|roadblocks?|ret[eé]n(?:es)?|puntos? de control)\b",
        r"\b(?:dui|sobriety|drunk|inhibitors?|immunotherapy)\b",
    ),
    _label(
        "court ruling",
        r"\b(?:judges?|courts?|justices|juez|jueza|tribunal|corte)\b[^.;]{0,80}?\b(?:ruled|rules|"
        r"ruling|block|blocked|blocks|blocking|halted|halts|ordered|orders|order|upheld|upholding|"
        r"struck down|sided|enjoined|dismissed|rejected|granted|barring|barred|decided|found|overturned|"
        r"declared|let stand|"
        r"threw out|reversed|vacated|fallo|bloque[oó]|bloquea|"
        r"orden[oó]|ordena|frena|suspendi[oó])\b",
        # "the judge had given deadlines in order to", "a judge has not yet ruled"
        r"\bin order to\b|\b(?:not|never)\s+(?:yet\s+)?(?:ruled|rule|decided|ordered|blocked)\b|"
        r"\byet to (?:rule|decide)\b|"
        # rules in general ("compliance with existing court orders and policies")
        r"\b(?:compl(?:y|ies|ied|iance|ying) with|existing|applicable) (?:all )?(?:existing )?court orders\b",
    ),
    _label(
        "court ruling",
        # an immigration judge's order: "was sentenced to be deported", "he was ordered deported"
        r"\b(?:sentenced to be|ordered(?: (?:him|her|them))?) (?:deported|removed)\b|"
        r"\bjudges? (?:[\w.'-]+ ){0,3}?(?:released|freed) (?:him|her|them|[A-Z])",
    ),
    _label(
        "court ruling",
        r"\b(?:injunction|restraining order|ruling|fallo judicial|(?:judge|court)'s (?:order|decision)|"
        r"(?:in|under) (?:his|her|its) (?:order|ruling|opinion)|"
        r"(?:case|charges) (?:against [^.;]{1,40}? )?(?:was|were) dismissed|"
        r"dismissal of (?:his|her|their|the) (?:[\w']+ ){0,2}(?:case|charges)[^.;]{0,30}\bcourt)\b",
        r"\bruling (?:party|coalition|class|elite|family)\b|"
        r"\b(?:delay\w* in|before|without|awaiting|pending|yet to issue a) ruling\b",
        # what a lawsuit asks for: "Relief sought: Statewide injunction against racial profiling"
        unless_before=r"\b(?:relief sought|sought|seek(?:s|ing)?|request(?:s|ed|ing)?|ask(?:s|ed|ing)? for|"
        r"mov(?:e|es|ed|ing) for|petition(?:s|ed|ing)? for|fil(?:e|es|ed|ing) for)\b:?\s*(?:an?\s+|the\s+)?"
        r"(?:[\w-]+\s+){0,3}",
    ),
]


# "a picket in front of the Department of Homeland Security headquarters": the agency's building
# as the place of a protest, not the agency acting.
_BUILDING_BEFORE = re.compile(
    r"\b(?:in front of|outside(?: of)?|at|to)\s+(?:the\s+)?(?:(?:local|regional|nearby|main)\s+)?"
    r"(?:[A-Z][\w.]*\s+){0,3}$"
)
_BUILDING_AFTER = re.compile(r"(?:'s)?\s+(?:headquarters|building|offices?|field office)\b")
_GATHERING = re.compile(
    r"\b(?:picket\w*|rall(?:y|ies|ied)|protest\w*|vigils?|march(?:ed|es)?|gathered|demonstrat\w*)\b",
    re.IGNORECASE,
)


def find_labels(
    labels: list[_Label], title: str, text: str, *, scoped: bool = False, actors: bool = False
) -> dict[str, Mention]:
    """Each label found, with its first mention (title first), in order of first mention.

    `scoped`: only mentions reported as happening or planned count (`scope.reported_as_happening`).
    `actors`: a mention that is only the building where a protest took place does not count, nor
    one in an incident report's "Background:" line, a person's history ("Background: Joined ICE
    2015. Iraq veteran (Indiana National Guard). Border Patrol agent since 2007.").
    """
    firsts: dict[str, Mention] = {}
    for zone, source in enumerate((title, text)):
        if zone == 0 and _is_shouting(title):
            continue  # "ICE STORM" in an all-caps headline says nothing about the agency
        lowered = source.lower()
        history = _background_lines(source) if actors and zone == 1 else []
        for item in labels:
            known = firsts.get(item.label)
            if (known is not None and known.zone <= zone) or not item.may_occur(source, lowered):
                continue
            for match in item.pattern.finditer(source):
                if history and any(start <= match.start() < end for start, end in history):
                    continue
                if _counts(item, source, match, scoped) and not (actors and _protest_site(source, match)):
                    mention = Mention(zone, match.start(), match.end())
                    if known is None or (mention.zone, mention.start) < (known.zone, known.start):
                        firsts[item.label] = mention
                    break
    return dict(sorted(firsts.items(), key=lambda entry: (entry[1].zone, entry[1].start)))


def _counts(item: _Label, source: str, match: re.Match[str], scoped: bool) -> bool:
    if item.unless is not None and item.unless.search(_window(source, match, 40)):
        return False
    before = source[max(0, match.start() - 60) : match.start()]
    if item.unless_before is not None and item.unless_before.search(before):
        return False
    return not scoped or reported_as_happening(source, match.start(), match.end())


_BACKGROUND_LINE = re.compile(r"^Background:[^\n]*", re.M)


def _background_lines(source: str) -> list[tuple[int, int]]:
    if "Background:" not in source:
        return []
    return [line.span() for line in _BACKGROUND_LINE.finditer(source)]


def _protest_site(source: str, match: re.Match[str]) -> bool:
    if not (
        _BUILDING_AFTER.match(source, match.end())
        and _BUILDING_BEFORE.search(source[max(0, match.start() - 60) : match.start()])
    ):
        return False
    start, end = sentence_bounds(source, match.start(), match.end())
    return bool(_GATHERING.search(source, start, end))


def _window(source: str, match: re.Match[str], near: int) -> str:
    return source[max(0, match.start() - near) : match.end() + near]


def _is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7
