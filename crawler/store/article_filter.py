"""The filters `export`, `search`, `report` and alerts share, as SQL on indexed columns.

Signal filters are EXISTS probes on `article_signals` (kind, casefolded value), so none of them
reads an article's JSON: several values of one kind mean any of them, several kinds all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select

from crawler.store.schema import article_signals, articles
from crawler.store.signal_rows import SignalKind


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a command looks at; empty fields filter nothing."""

    since: datetime | None = None  # first seen on or after
    sources: tuple[str, ...] = ()  # feed names
    relevant_only: bool = False
    agencies: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    min_relevance: float | None = None

    @property
    def signal_filters(self) -> dict[SignalKind, tuple[str, ...]]:
        wanted = {
            SignalKind.AGENCY: self.agencies,
            SignalKind.ACTION: self.actions,
            SignalKind.STATE: self.states,
        }
        return {kind: values for kind, values in wanted.items() if values}


NO_FILTER = ArticleFilter()


def has_signal(kind: SignalKind, values: Iterable[str], article_id: Any) -> ColumnElement[bool]:
    """The article has a signal of this kind with one of these values (case-insensitive)."""
    keys = sorted({value.casefold() for value in values})
    return exists(
        select(article_signals.c.id).where(
            and_(
                article_signals.c.kind == kind.value,
                article_signals.c.value_key.in_(keys),
                article_signals.c.article_id == article_id,
            )
        )
    )


def conditions(chosen: ArticleFilter, table: Any = articles) -> list[ColumnElement[bool]]:
    """WHERE conditions on `table` (the articles table or an alias of it) for a filter."""
    found: list[ColumnElement[bool]] = []
    if chosen.since is not None:
        found.append(table.c.first_seen >= chosen.since)
    if chosen.sources:
        found.append(table.c.source.in_(chosen.sources))
    if chosen.relevant_only:
        found.append(table.c.relevant.is_(True))
    if chosen.min_relevance is not None:
        found.append(table.c.relevance >= chosen.min_relevance)
    found.extend(has_signal(kind, values, table.c.id) for kind, values in chosen.signal_filters.items())
    return found
