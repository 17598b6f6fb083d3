"""`newswatch feeds list|status`: what is configured, and how each feed is doing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rich import box
from rich.console import Console
from rich.table import Table

from crawler.core.config import Config
from crawler.core.durations import format_duration
from crawler.core.secrets import masked_url
from crawler.core.urls import host_of
from crawler.store import FeedState, HostLease, Store

SILENT_WINDOW = timedelta(days=2)
HISTORY_WINDOW = timedelta(days=28)
SILENT_EXPECTED_ITEMS = 3  # flag a feed when its own history predicts at least this many in the window


def print_feed_list(console: Console, config: Config) -> None:
    table = Table(title=f"Feeds in {config.source_path}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("name", "type", "interval", "keep", "enabled", "url"):
        table.add_column(column, no_wrap=column in ("name", "url"))
    for feed in config.feeds:
        table.add_row(
            feed.name,
            feed.type,
            format_duration(feed.interval),
            feed.keep,
            "yes" if feed.enabled else "no",
            masked_url(feed.url),
        )
    console.print(table)


def is_silent(recent_items: int, history_items: int) -> bool:
    """No items lately although the feed's own history says several were due."""
    history_days = (HISTORY_WINDOW - SILENT_WINDOW) / timedelta(days=1)
    expected = history_items / history_days * (SILENT_WINDOW / timedelta(days=1))
    return recent_items == 0 and expected >= SILENT_EXPECTED_ITEMS


@dataclass(frozen=True)
class FeedTrouble:
    name: str
    health: str  # "silent", "failing" or "retired"
    detail: str


def troubled_feeds(config: Config, store: Store, now: datetime) -> list[FeedTrouble]:
    """The configured feeds that are retired, failing, or silent by their own history."""
    states = {state.name: state for state in store.feeds([feed.name for feed in config.feeds])}
    recent = store.item_counts(now - SILENT_WINDOW)
    history = store.item_counts(now - HISTORY_WINDOW, until=now - SILENT_WINDOW)
    found = []
    for feed in config.feeds:
        state = states.get(feed.name)
        if state is None or state.last_polled_at is None:
            continue
        if state.retired_at is not None:
            found.append(FeedTrouble(feed.name, "retired", _error(state, now)))
        elif state.consecutive_failures:
            detail = f"failed {state.consecutive_failures}x in a row; last: {_error(state, now)}"
            found.append(FeedTrouble(feed.name, "failing", detail))
        elif is_silent(recent.get(state.id, 0), history.get(state.id, 0)):
            window = format_duration(SILENT_WINDOW.total_seconds())
            detail = f"no new items in {window}; last ok {_ago(state.last_success_at, now)}"
            found.append(FeedTrouble(feed.name, "silent", detail))
    return found


def print_feed_status(console: Console, config: Config, store: Store, now: datetime) -> None:
    """Health per feed: last success, last error and reason, failures, interval, next check, items."""
    states = {state.name: state for state in store.feeds([feed.name for feed in config.feeds])}
    last_day = store.item_counts(now - timedelta(days=1))
    last_week = store.item_counts(now - timedelta(days=7))
    recent = store.item_counts(now - SILENT_WINDOW)
    history = store.item_counts(now - HISTORY_WINDOW, until=now - SILENT_WINDOW)
    stored = store.article_counts()
    leases = store.host_leases() if store.shared else None
    table = Table(
        title="Feed health",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        caption="items: new links the feed listed in the last 24 h / 7 days; stored: articles kept",
    )
    columns = ["feed", "health", "last ok", "last error", "fails", "every", "next", "items", "stored"]
    if leases is not None:  # workers share the store: who holds each feed's host, until when
        columns.append("host lease")
    for column in columns:
        table.add_column(
            column,
            justify="right" if column in ("fails", "items", "stored") else "left",
            no_wrap=column in ("feed", "items"),
        )
    for feed in config.feeds:
        state = states.get(feed.name)
        if state is None:
            table.add_row(feed.name, "[dim]never polled[/dim]", *["-"] * (len(columns) - 2))
            continue
        silent = is_silent(recent.get(state.id, 0), history.get(state.id, 0))
        table.add_row(
            feed.name,
            _health(state, silent),
            _ago(state.last_success_at, now),
            _error(state, now),
            str(state.consecutive_failures),
            format_duration(state.effective_interval),
            _until(state.next_check_at, now) if state.retired_at is None else "retired",
            f"{last_day.get(state.id, 0)}/{last_week.get(state.id, 0)}",
            str(stored.get(state.id, 0)),
            *([] if leases is None else [_lease(leases.get(host_of(state.fetch_url)), now)]),
        )
    console.print(table)


def _lease(lease: HostLease | None, now: datetime) -> str:
    """``worker until 12:04:31 (in 3m)``, or free; and a pause the host asked for."""
    if lease is None:
        return "free"
    text = (
        f"{lease.owner} until {lease.expires_at:%H:%M:%S} ({_until(lease.expires_at, now)})"
        if lease.held(now) and lease.expires_at
        else "free"
    )
    if lease.backoff_until is not None and lease.backoff_until > now:
        text += f"; host asked to wait {_until(lease.backoff_until, now)}"
    return text


def _health(state: FeedState, silent: bool) -> str:
    if state.retired_at is not None:
        return "[red]retired[/red]"
    if state.last_polled_at is None:
        return "[dim]never polled[/dim]"
    if state.consecutive_failures:
        return "[yellow]failing[/yellow]" if state.consecutive_failures < 3 else "[red]failing[/red]"
    return "[yellow]silent[/yellow]" if silent else "[green]ok[/green]"


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
