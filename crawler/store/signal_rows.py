"""An article's facts (the `signals` mapping) as rows of `article_signals`, one per fact.

The mapping is read leniently, so any extractor's facts fit: a list of plain values
(``"agencies": ["ICE"]``) or of mappings that carry the words that said so
(``{"value": "ICE", "evidence": "Immigration and Customs Enforcement", "span": [10, 45]}``);
counts of people are mappings with ``number`` and ``outcome``. Plain values find their words in
an ``evidence`` mapping by kind and value (``"evidence": {"agencies": {"ICE": {"evidence":
"...", "span": [10, 45]}}}``), as `crawler.topic.facts` writes them. Keys it does not know are left
in the JSON column, where the export still carries them.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any


class SignalKind(StrEnum):
    """What a row of `article_signals` says; stored, so a value never changes once released."""

    AGENCY = "agency"
    ACTION = "action"
    STATE = "state"
    CITY = "city"
    COUNT = "count"  # value: the outcome (detained, arrested ...); amount: how many people
    EVENT_DATE = "event_date"  # value: an ISO date


# The key of each list in the signals mapping.
LIST_KEYS = {
    "agencies": SignalKind.AGENCY,
    "actions": SignalKind.ACTION,
    "states": SignalKind.STATE,
    "cities": SignalKind.CITY,
}
_VALUE_KEYS = ("value", "label", "name", "code")
_EVIDENCE_KEYS = ("evidence", "phrase", "text")


def signal_rows(article_id: int, signals: Any) -> Iterator[dict[str, Any]]:
    """The `article_signals` rows of one article's signals mapping (nothing for a missing one)."""
    if not isinstance(signals, dict):
        return
    evidence = _mapping(signals.get("evidence"))
    for key, kind in LIST_KEYS.items():
        said = _mapping(evidence.get(key))
        for item in signals.get(key) or []:
            value = _first(item, _VALUE_KEYS) if isinstance(item, dict) else item
            if value is not None and str(value).strip():
                yield _row(article_id, kind, str(value), item if isinstance(item, dict) else said.get(value))
    for item in signals.get("counts") or []:
        if isinstance(item, dict) and item.get("outcome"):
            row = _row(article_id, SignalKind.COUNT, str(item["outcome"]), item)
            number = item.get("number")
            row["amount"] = number if isinstance(number, int) else None
            yield row
    event_date = signals.get("event_date")
    if isinstance(event_date, dict):
        event_date = _first(event_date, (*_VALUE_KEYS, "date"))
    if event_date:
        said = _mapping(evidence.get("event_date"))
        item = signals.get("event_date")
        yield _row(
            article_id,
            SignalKind.EVENT_DATE,
            str(event_date),
            item if isinstance(item, dict) else said.get(event_date),
        )


def _row(article_id: int, kind: SignalKind, value: str, item: Any) -> dict[str, Any]:
    start, end = _span(item.get("span") if isinstance(item, dict) else None)
    evidence = _first(item, _EVIDENCE_KEYS) if isinstance(item, dict) else None
    return {
        "article_id": article_id,
        "kind": kind.value,
        "value": value,
        "value_key": value.casefold(),
        "amount": None,
        "evidence": str(evidence) if evidence is not None else None,
        "span_start": start,
        "span_end": end,
    }


def _mapping(item: Any) -> dict[str, Any]:
    return item if isinstance(item, dict) else {}


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((item[key] for key in keys if item.get(key) is not None), None)


def _span(span: Any) -> tuple[int | None, int | None]:
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(edge, int) for edge in span):
        return span[0], span[1]
    return None, None
