"""An alert rule as the store's filter and full-text queries."""

from __future__ import annotations

from datetime import datetime, timedelta

from crawler.core.config import AlertConfig
from crawler.core.search_syntax import SearchQuery, parse_query
from crawler.store import ArticleFilter

# How far back a cycle looks for stories it has not alerted on yet: a cycle killed after
# storing leaves its stories to the next one, which may come days later if the daemon was down.
LOOKBACK = timedelta(days=7)


def rule_filter(rule: AlertConfig, since: datetime) -> ArticleFilter:
    """Relevant by the topic's threshold unless the rule sets its own; every other filter as given."""
    return ArticleFilter(
        since=since,
        relevant_only=rule.min_relevance is None,
        min_relevance=rule.min_relevance,
        agencies=tuple(rule.agencies),
        actions=tuple(rule.actions),
        states=tuple(rule.states),
    )


def rule_terms(rule: AlertConfig) -> list[SearchQuery]:
    """The rule's terms (any of them must match), each in the search syntax."""
    return [parse_query(term) for term in rule.terms]


def first_moment(rule_since: datetime, now: datetime) -> datetime:
    """The earliest first sighting a story may have to be alerted now."""
    return max(rule_since, now - LOOKBACK)
