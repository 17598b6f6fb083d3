"""`newswatch backfill`: stories from before the first poll, read from web archives through
the live cycle's pipeline; `newswatch backfill status`: how far each archive was read."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from crawler.app.commands.common import opened_store, start_extraction_server
from crawler.core.config import Config
from crawler.core.errors import CliError, ExitStatus
from crawler.sources import cc_news, wayback
from crawler.sources.archives import (
    VIA_CC_NEWS,
    VIA_WARC,
    VIA_WAYBACK,
    BackfillPlan,
    WaybackQuery,
    site_of_host_name,
    watched_sites,
)
from crawler.views.terminal import console


def add_commands(commands: Any) -> None:
    backfill = commands.add_parser(
        "backfill",
        help="read archived pages (WARC files, CC-NEWS, the Wayback Machine) through the pipeline",
        description="Exactly one source: --warc, --cc-news or --wayback. `backfill status` shows progress.",
    )
    backfill.add_argument(
        "action", nargs="?", choices=["status"], help="status: how far each archive was read"
    )
    source = backfill.add_mutually_exclusive_group()
    source.add_argument(
        "--warc", nargs="+", metavar="FILE_OR_URL", help="WARC/ARC files, gzip or not, local or http(s)"
    )
    source.add_argument("--cc-news", metavar="FROM..TO", help="CC-NEWS files of these months or days")
    source.add_argument("--wayback", metavar="SITE", help="the Wayback Machine's captures of this site")
    backfill.add_argument("--from", dest="first", metavar="DATE", help="--wayback: first day (YYYY-MM-DD)")
    backfill.add_argument("--to", dest="last", metavar="DATE", help="--wayback: last day (YYYY-MM-DD)")
    backfill.add_argument(
        "--archive-base", default=cc_news.DEFAULT_BASE, metavar="URL", help="where CC-NEWS paths are listed"
    )
    backfill.add_argument(
        "--wayback-base", default=wayback.DEFAULT_BASE, metavar="URL", help="the Wayback server"
    )
    backfill.add_argument(
        "--site", action="append", default=[], metavar="HOST", help="only this site's pages (repeatable)"
    )
    backfill.add_argument(
        "--any-site", action="store_true", help="every site's pages; the topic decides what is kept"
    )
    backfill.add_argument("-v", "--verbose", action="store_true", help="log each record and decision")
    backfill.set_defaults(handler=backfill_command)


def backfill_command(args: argparse.Namespace, config: Config) -> int:
    if args.action == "status":
        return show_status(config)
    from crawler.app.crawls import run_backfill
    from crawler.core.allocator import fix_mmap_threshold
    from crawler.topic.relevance import load_topic  # here: every other command's start-up skips it
    from crawler.views.backfill_status import print_backfill_summary

    plan = backfill_plan(args, config)
    fix_mmap_threshold()  # before the forkserver starts: it and its workers read it at start
    load_topic(config)  # a bad relevance.topic stops here (exit 2)
    start_extraction_server(config)  # a backfill reads archives to extract them: it needs the workers
    with opened_store(config.database_url):
        pass  # an unusable store stops here (exit 3), before any archive is read
    cycle_id = run_backfill(
        config.source_path,
        plan,
        progress=sys.stderr.isatty(),
        log_level="DEBUG" if args.verbose else "WARNING",
    )
    if cycle_id is None:
        print("newswatch: the backfill did not start; see the log above", file=sys.stderr)
        return ExitStatus.UNEXPECTED
    with opened_store(config.database_url) as store:
        cycle = store.cycle(cycle_id)
        assert cycle is not None
        print_backfill_summary(console(), cycle, store.cycle_failures(cycle_id), store.all_archive_progress())
    if cycle["finish_reason"] == "store-unavailable":
        return ExitStatus.STORE
    return ExitStatus.OK


def backfill_plan(args: argparse.Namespace, config: Config) -> BackfillPlan:
    """The plan from the arguments; a usage problem is one line and exit 2."""
    site_names = watched_sites((feed.name, feed.url) for feed in config.feeds)
    if args.site:
        sites = {site_of_host_name(host.strip()): host.strip() for host in args.site if host.strip()}
        site_names = {site: site_names.get(site, name) for site, name in sites.items()}
    if not site_names and not args.any_site:
        raise _usage("no site to backfill: the config watches none; pass --site HOST or --any-site")
    common: dict[str, Any] = {
        "sites": frozenset(site_names),
        "site_names": site_names,
        "any_site": args.any_site,
    }
    if args.warc:
        return BackfillPlan(via=VIA_WARC, archives=tuple(args.warc), **common)
    if args.cc_news:
        return BackfillPlan(via=VIA_CC_NEWS, archives=tuple(cc_news_files(args, config)), **common)
    if args.wayback:
        if not args.first or not args.last:
            raise _usage("--wayback needs --from DATE and --to DATE")
        first, last = _day(args.first, "--from"), _day(args.last, "--to")
        if last < first:
            raise _usage("--to is before --from")
        site = site_of_host_name(
            args.wayback.strip().removeprefix("https://").removeprefix("http://").strip("/")
        )
        common["sites"] = frozenset({site})
        common["site_names"] = {site: site_names.get(site, site)}
        query = WaybackQuery(site, first, last, args.wayback_base)
        return BackfillPlan(via=VIA_WAYBACK, wayback=query, **common)
    raise _usage("say what to read: --warc FILE..., --cc-news FROM..TO or --wayback SITE")


def cc_news_files(args: argparse.Namespace, config: Config) -> list[str]:
    """Every CC-NEWS WARC of the period, from the monthly paths listings."""
    from crawler.sources.archive_stream import ArchiveOpenError, read_small

    try:
        period = cc_news.parse_period(args.cc_news)
    except ValueError as exc:
        raise _usage(f"--cc-news: {exc}") from None
    files: list[str] = []
    for year, month in period.months():
        listing = cc_news.listing_url(args.archive_base, year, month)
        try:
            data = read_small(listing, guard=not config.crawl.allow_private_addresses)
        except ArchiveOpenError as exc:
            raise CliError(ExitStatus.UNEXPECTED, f"cannot read the CC-NEWS listing: {exc}") from None
        files.extend(cc_news.files_in(data, args.archive_base, period))
    return files


def show_status(config: Config) -> int:
    from crawler.views.backfill_status import print_backfill_status

    with opened_store(config.database_url) as store:
        print_backfill_status(console(), store.all_archive_progress())
    return ExitStatus.OK


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _usage(f"{option}: expected a day like 2024-01-31, got {text!r}") from None


def _usage(message: str) -> CliError:
    return CliError(ExitStatus.CONFIG, f"backfill: {message}")
