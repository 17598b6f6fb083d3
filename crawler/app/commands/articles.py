"""The stored articles: `export`, `report`, `article ID`, `stories` and `search`."""

from __future__ import annotations

import argparse
from typing import Any

from crawler.app.commands.common import console, iso_date, opened_store, output, positive_int
from crawler.core.config import Config
from crawler.core.errors import CliError, ExitStatus


def add_commands(commands: Any) -> None:
    export = commands.add_parser("export", help="write stored articles as jsonl, csv or parquet")
    export.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    export.add_argument("--output", help="file to write (default: standard output; required for parquet)")
    export.add_argument(
        "--since", type=iso_date, help="only articles first seen on or after this date/time (ISO 8601)"
    )
    export.add_argument(
        "--relevant-only", action="store_true", help="only articles above the relevance threshold"
    )
    for flag, example in (("agency", "ICE"), ("action", "raid"), ("state", "MS")):
        export.add_argument(
            f"--{flag}",
            action="append",
            default=[],
            metavar=example,
            help=f"only articles whose signals name this {flag} (repeatable)",
        )
    export.set_defaults(handler=export_articles)

    report = commands.add_parser("report", help="relevant stories per state and week, as CSV for charting")
    report.add_argument("--since", type=iso_date, help="only articles first seen on or after this date")
    report.add_argument("--output", help="file to write (default: standard output)")
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

    search = commands.add_parser("search", help="find stored articles containing every word of QUERY")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=positive_int, default=20)
    search.set_defaults(handler=search_articles)


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
        rows = store.export_rows(args.since, args.relevant_only)
        if args.agency or args.action or args.state:
            from crawler.views.analyst import filter_rows

            rows = filter_rows(rows, args.agency, args.action, args.state)
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

    from crawler.views.analyst import state_week_counts

    with opened_store(config.database_url) as store:
        counts = state_week_counts(store.export_rows(args.since, relevant_only=True))
    with output(args.output) as out:
        writer = csv.writer(out)
        writer.writerow(["week", "state", "stories"])
        writer.writerows(counts)
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
    """Print matching articles, newest first, with a snippet around the first match."""
    from crawler.views.articles import print_search_hits

    with opened_store(config.database_url) as store:
        hits = store.search(args.query, limit=args.limit)
    print_search_hits(console(), hits, args.query[0])
    return ExitStatus.OK
