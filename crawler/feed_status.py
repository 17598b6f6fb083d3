"""`newswatch feeds list|status`: what is configured, and how each feed is doing."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich import box
from rich.console import Console
from rich.table import Table

from crawler.config import Config
from crawler.durations import format_duration
from crawler.store import FeedState, Store


def print_feed_list(console: Console, config: Config) -> None:
    table = Table(title=f"Feeds in {config.source_path}", title_justify="left")
    for column in ("name", "type", "interval", "keep", "enabled", "url"):
        table.add_column(column)
    for feed in config.feeds:
        table.add_row(
            feed.name, feed.type, format_duration(feed.interval), feed.keep, "yes" if feed.enabled else "no", feed.url
        )
    console.print(table)


def print_feed_status(console: Console, config: Config, store: Store, now: datetime) -> None:
    """Health per configured feed: last success, last error and reason, failures, next check, articles."""
    states = {state.name: state for state in store.feeds([feed.name for feed in config.feeds])}
    last_day = store.article_counts(now - timedelta(days=1))
    last_week = store.article_counts(now - timedelta(days=7))
    total = store.article_counts()
    table = Table(title="Feed health", title_justify="left", caption="articles: last 24 h / 7 days / all",
                  box=box.SIMPLE_HEAD)
    for column in ("feed", "health", "last ok", "last error", "fails", "every", "next", "articles"):
        table.add_column(column, justify="right" if column in ("fails", "articles") else "left",
                         no_wrap=column in ("feed", "articles"))
    for feed in config.feeds:
        state = states.get(feed.name)
        if state is None:
            table.add_row(feed.name, "[dim]never polled[/dim]", *["-"] * 6)
            continue
        table.add_row(
            feed.name,
            _health(state),
            _ago(state.last_success_at, now),
            _error(state, now),
            str(state.consecutive_failures),
            format_duration(state.interval_seconds),
            _until(state.next_check_at, now) if state.retired_at is None else "retired",
            f"{last_day.get(state.id, 0)}/{last_week.get(state.id, 0)}/{total.get(state.id, 0)}",
        )
    console.print(table)


def _health(state: FeedState) -> str:
    if state.retired_at is not None:
        return "[red]retired[/red]"
    if state.last_polled_at is None:
        return "[dim]never polled[/dim]"
    if state.consecutive_failures == 0:
        return "[green]ok[/green]"
    return "[yellow]failing[/yellow]" if state.consecutive_failures < 3 else "[red]failing[/red]"


def _error(state: FeedState, now: datetime) -> str:
    if state.last_error_at is None:
        return "-"
    return f"{state.last_error_reason}, {_ago(state.last_error_at, now)}"


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    seconds = (now - moment).total_seconds()
    return "now" if seconds < 1 else f"{format_duration(seconds)} ago"


def _until(moment: datetime | None, now: datetime) -> str:
    if moment is None or moment <= now:
        return "due now"
    return f"in {format_duration((moment - now).total_seconds())}"
