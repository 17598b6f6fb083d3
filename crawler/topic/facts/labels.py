"""Agencies and enforcement actions: fixed phrase lists with guards against their traps."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class _Label:
    """A fact's value and the pattern that finds it; `unless` is checked near each match."""

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

AGENCIES = [
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

ACTIONS = [
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


def find_labels(labels: list[_Label], title: str, text: str) -> list[str]:
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
