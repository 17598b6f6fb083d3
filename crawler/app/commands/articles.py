"""The stored articles: `export`, `report`, `article ID`, `stories` and `search`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from crawler.app.commands.common import iso_date, opened_store, output, positive_int
from crawler.core.config import Config
from crawler.core.errors import CliError, ExitStatus
from crawler.views.terminal import console

if TYPE_CHECKING:  # imported when used, as every command imports the store
    from crawler.store import ArticleFilter


def add_commands(commands: Any) -> None:
    export = commands.add_parser("export", help="write stored articles as jsonl, csv or parquet")
    export.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    export.add_argument("--output", help="file to write (default: standard output; required for parquet)")
    add_filter_arguments(export)
    export.set_defaults(handler=export_articles)

    report = commands.add_parser(
        "report", help="relevant stories per state and week, as CSV, or as an HTML page of charts"
    )
    report.add_argument("--output", help="file to write (default: standard output)")
    report.add_argument(
        "--html",
        metavar="FILE",
        help="write one self-contained HTML page (charts, works offline) instead of the CSV",
    )
    report.add_argument(
        "--stack-by",
        choices=["agency", "action"],
        default="agency",
        help="what the weekly chart of --html stacks [agency]",
    )
    add_filter_arguments(report, relevance=False)
    report.set_defaults(handler=report_states)

    article = commands.add_parser("article", help="show one stored article; --history shows its edits")
    article.add_argument("id", type=int)
    article.add_argument("--history", action="store_true", help="every earlier version with what changed")
    article.set_defaults(handler=show_article)

    stories = commands.add_parser("stories", help="stories with every outlet that ran them (copies linked)")
    stories.add_argument("--newest", action="store_true", help="newest first (default: largest first)")
    stories.add_argument("--since", type=iso_date, help="only stories first seen on or after this date")
    stories.add_argument("--limit", type=positive_int, default=20)
    stories.set_defaults(handler=show_stories)

    search = commands.add_parser(
        "search",
        help='full-text search: words (all must match), "a phrase", a OR b, -word; best first',
        description='Words match as words, stemmed ("raid" finds "raids", never "afraid"). Quote a '
        "phrase for the shell as well: newswatch search '\"workplace raid\" OR sweep -hockey'. "
        "Copies of one story are one hit, with how many outlets ran it.",
    )
    search.add_argument("query", nargs="+", help="the query; its arguments are joined with spaces")
    search.add_argument("--limit", type=positive_int, default=20, help="hits per page [20]")
    search.add_argument("--page", type=positive_int, default=1, help="which page of hits [1]")
    search.add_argument("--format", choices=["text", "jsonl"], default="text")
    add_filter_arguments(search)
    search.set_defaults(handler=search_articles)


def add_filter_arguments(parser: argparse.ArgumentParser, relevance: bool = True) -> None:
    """The article filters export, search and report share (see crawler.store.ArticleFilter)."""
    parser.add_argument(
        "--since", type=iso_date, help="only articles first seen on or after this date/time (ISO 8601)"
    )
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="FEED",
        help="only articles from this feed (repeatable)",
    )
    if relevance:
        parser.add_argument(
            "--relevant-only", action="store_true", help="only articles above the relevance threshold"
        )
    for flag, example in (("agency", "ICE"), ("action", "raid"), ("state", "MS")):
        parser.add_argument(
            f"--{flag}",
            action="append",
            default=[],
            metavar=example,
            help=f"only articles whose signals name this {flag} (repeatable: any of them)",
        )


def article_filter(args: argparse.Namespace) -> ArticleFilter:
    from crawler.store import ArticleFilter

    return ArticleFilter(
        since=args.since,
        sources=tuple(args.source),
        relevant_only=getattr(args, "relevant_only", False),
        agencies=tuple(args.agency),
        actions=tuple(args.action),
        states=tuple(args.state),
    )


def export_articles(args: argparse.Namespace, config: Config) -> int:
    """Stream stored articles with the contract's fields."""
    import sys

    from crawler.views import export

    if args.format == "parquet":
        if not args.output:
            raise CliError(ExitStatus.CONFIG, "export --format parquet needs --output PATH")
        if not export.parquet_available():
            raise CliError(
                ExitStatus.CONFIG, f"export --format parquet needs pyarrow: {export.PARQUET_INSTALL}"
            )
    with opened_store(config.database_url) as store:
        rows = store.export_rows(article_filter(args))
        if args.format == "parquet":
            with output(args.output, binary=True) as out:
                count = export.write_parquet(rows, out)
        else:
            writer = export.write_jsonl if args.format == "jsonl" else export.write_csv
            with output(args.output) as out:
                count = writer(rows, out)
    print(f"exported {count} articles", file=sys.stderr)
    return ExitStatus.OK


def report_states(args: argparse.Namespace, config: Config) -> int:
    """CSV of week, state, stories: relevant originals counted once per state they name."""
    import csv

    if args.html:
        return report_html(args, config)
    with opened_store(config.database_url) as store:
        counts = store.state_week_counts(article_filter(args))
    with output(args.output) as out:
        writer = csv.writer(out)
        writer.writerow(["week", "state", "stories"])
        writer.writerows(counts)
    return ExitStatus.OK


def report_html(args: argparse.Namespace, config: Config) -> int:
    """The HTML page: weekly stories stacked by agency or action, states, outlets, syndication, feeds."""
    import sys
    from pathlib import Path

    from crawler.core.clock import utcnow
    from crawler.store.signal_rows import SignalKind
    from crawler.views.feed_status import troubled_feeds
    from crawler.views.html_report import ReportData, render

    chosen = article_filter(args)
    stack = SignalKind.AGENCY if args.stack_by == "agency" else SignalKind.ACTION
    now = utcnow()
    with opened_store(config.database_url) as store:
        weekly = store.signal_week_counts(stack, chosen)
        # a story without the stacked signal still counts in the period through its state
        weeks = {week for week, _, _ in weekly} | {week for week, _, _ in store.state_week_counts(chosen)}
        data = ReportData(
            generated=now,
            period=f"weeks of {min(weeks)} to {max(weeks)}" if weeks else "no relevant stories",
            filters={
                "since": (args.since.isoformat(),) if args.since else (),
                "source": tuple(args.source),
                "state": tuple(args.state),
                "agency": tuple(args.agency),
                "action": tuple(args.action),
            },
            stack_by=args.stack_by,
            weekly=weekly,
            states=store.signal_totals(SignalKind.STATE, chosen),
            outlets=store.outlet_counts(chosen),
            syndicated=store.syndicated_stories(chosen),
            feeds=troubled_feeds(config, store, now),
        )
    target = Path(args.html)
    try:
        target.write_text(render(data), encoding="utf-8")
    except OSError as exc:
        raise CliError(ExitStatus.CONFIG, f"report --html: cannot write {target}: {exc.strerror}") from exc
    print(f"wrote {target}", file=sys.stderr)
    return ExitStatus.OK


def show_article(args: argparse.Namespace, config: Config) -> int:
    """One article with its metadata and text, or with --history each edit seen."""
    from crawler.views.articles import print_article

    with opened_store(config.database_url) as store:
        article = store.article(args.id)
        if article is None:
            raise CliError(ExitStatus.NOT_FOUND, f"no article {args.id}")
        print_article(console(), article, store.versions(args.id), args.history)
    return ExitStatus.OK


def show_stories(args: argparse.Namespace, config: Config) -> int:
    """Stories (an original and its linked copies), largest or newest first."""
    from crawler.views.articles import print_stories

    with opened_store(config.database_url) as store:
        stories = store.stories(args.limit, "newest" if args.newest else "largest", args.since)
        print_stories(console(), stories)
    return ExitStatus.OK


def search_articles(args: argparse.Namespace, config: Config) -> int:
    """Print the stories matching the query, best first, each with a highlighted snippet."""
    from crawler.core.search_syntax import SearchSyntaxError, parse_query
    from crawler.views.search_hits import print_hits, write_hits_jsonl

    try:
        query = parse_query(" ".join(args.query))
    except SearchSyntaxError as exc:
        raise CliError(ExitStatus.CONFIG, f"search: {exc}") from None
    with opened_store(config.database_url) as store:
        hits = store.search(
            query, article_filter(args), limit=args.limit, offset=(args.page - 1) * args.limit
        )
    if args.format == "jsonl":
        import sys

        write_hits_jsonl(hits, sys.stdout)
    else:
        print_hits(console(), hits)
    return ExitStatus.OK
