"""`newswatch report --html`: one self-contained HTML page of charts drawn by plotly.

The page embeds plotly's JavaScript once and each chart's data, so it opens offline and
nothing is fetched when it is viewed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

from crawler.views.feed_status import FeedTrouble

CHART_IDS = ("weekly", "states", "outlets", "syndicated")


@dataclass(frozen=True)
class ReportData:
    """Everything the page shows, gathered from the store by the command."""

    generated: datetime
    period: str  # the weeks covered, or "no stories"
    filters: dict[str, tuple[str, ...]]
    stack_by: str  # "agency" or "action"
    weekly: list[tuple[str, str, int]]  # (week, agency or action, stories)
    states: list[tuple[str, int]]
    outlets: list[tuple[str, int]]
    syndicated: list[tuple[str, int, int]]  # (title, outlets, copies)
    feeds: list[FeedTrouble] = field(default_factory=list)


def render(data: ReportData) -> str:
    import plotly.io as pio

    charts = [
        _weekly_figure(data),
        _bar_figure(data.states, "Relevant stories by state", "stories"),
        _bar_figure(data.outlets, "Top outlets (relevant articles, copies included)", "articles"),
        _syndicated_figure(data.syndicated),
    ]
    parts = []
    for index, (chart_id, figure) in enumerate(zip(CHART_IDS, charts, strict=True)):
        # the first chart carries plotly's script; the others reuse it
        parts.append(
            pio.to_html(
                figure,
                include_plotlyjs=index == 0,
                full_html=False,
                div_id=chart_id,
                config={"displaylogo": False, "responsive": True},
            )
        )
    return _PAGE.format(
        generated=escape(data.generated.strftime("%Y-%m-%d %H:%M UTC")),
        period=escape(data.period),
        filters=escape(_filter_text(data.filters)),
        charts="\n".join(f'<section class="chart">{part}</section>' for part in parts),
        feeds=_feed_table(data.feeds),
    )


def _weekly_figure(data: ReportData) -> Any:
    import plotly.graph_objects as go

    weeks = sorted({week for week, _, _ in data.weekly})
    groups = sorted({group for _, group, _ in data.weekly})
    counts = {(week, group): number for week, group, number in data.weekly}
    figure = go.Figure(
        [go.Bar(name=group, x=weeks, y=[counts.get((week, group), 0) for week in weeks]) for group in groups]
    )
    figure.update_layout(
        barmode="stack",
        title=f"Relevant stories per week, by {data.stack_by}",
        xaxis={"title": "week (Monday)", "type": "category"},
        yaxis={"title": "stories"},
    )
    return figure


def _bar_figure(rows: list[tuple[str, int]], title: str, unit: str) -> Any:
    import plotly.graph_objects as go

    ranked = list(reversed(rows))  # plotly draws horizontal bars bottom-up: largest on top
    figure = go.Figure(
        go.Bar(x=[count for _, count in ranked], y=[name for name, _ in ranked], orientation="h")
    )
    figure.update_layout(title=title, xaxis={"title": unit}, height=max(300, 40 + 28 * len(rows)))
    return figure


def _syndicated_figure(rows: list[tuple[str, int, int]]) -> Any:
    import plotly.graph_objects as go

    titles = [title if len(title) <= 90 else title[:89] + "…" for title, _, _ in rows]
    figure = go.Figure(
        go.Table(
            header={"values": ["story", "outlets", "copies"], "align": "left"},
            cells={
                "values": [titles, [outlets for _, outlets, _ in rows], [copies for _, _, copies in rows]],
                "align": ["left", "right", "right"],
            },
            columnwidth=[8, 1, 1],
        )
    )
    figure.update_layout(title="Most-syndicated stories", height=max(300, 120 + 30 * len(rows)))
    return figure


def _filter_text(filters: dict[str, tuple[str, ...]]) -> str:
    chosen = [f"{name}: {', '.join(values)}" for name, values in filters.items() if values]
    return "; ".join(chosen) if chosen else "none (every relevant story)"


def _feed_table(feeds: list[FeedTrouble]) -> str:
    if not feeds:
        return "<p>Every configured feed is polling normally.</p>"
    rows = "\n".join(
        f"<tr><td>{escape(feed.name)}</td><td>{escape(feed.health)}</td><td>{escape(feed.detail)}</td></tr>"
        for feed in feeds
    )
    return f"<table><thead><tr><th>feed</th><th>health</th><th>detail</th></tr></thead>\n{rows}</table>"


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>newswatch report</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; color: #222; }}
section.chart {{ margin-bottom: 1.5em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }}
</style>
</head>
<body>
<h1>newswatch report</h1>
<p>Period: {period}. Filters: {filters}. Generated {generated}.</p>
{charts}
<h2>Feeds that went silent or are failing</h2>
{feeds}
</body>
</html>
"""
