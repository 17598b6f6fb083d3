"""`newswatch feeds list|status|discover`: what is configured, how each feed is doing, what a site offers."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crawler.app.commands.common import opened_store
from crawler.core.clock import utcnow
from crawler.core.config import Config
from crawler.core.errors import ConfigError, ExitStatus
from crawler.views.terminal import console


def add_commands(commands: Any) -> None:
    feeds = commands.add_parser("feeds", help="configured feeds and their health; discover a site's feeds")
    feeds.add_argument("action", choices=["list", "status", "discover"])
    feeds.add_argument("url", nargs="?", help="discover: the site or page to inspect")
    feeds.add_argument("--add", action="store_true", help="discover: append the entries to the config file")
    feeds.add_argument(
        "--prefix", help="discover: name prefix for the new entries (default: the site's name)"
    )
    feeds.set_defaults(handler=feeds_command)


def feeds_command(args: argparse.Namespace, config: Config) -> int:
    """List configured feeds, show each feed's health, or discover a site's feeds."""
    from crawler.views.feed_status import print_feed_list, print_feed_status

    if args.action == "discover":
        return discover(args, config)
    if args.url or args.add:
        print("newswatch: a URL and --add only go with `feeds discover`", file=sys.stderr)
        return ExitStatus.CONFIG
    if args.action == "list":
        print_feed_list(console(), config)
        return ExitStatus.OK
    with opened_store(config.database_url) as store:
        print_feed_status(console(), config, store, utcnow())
    return ExitStatus.OK


def discover(args: argparse.Namespace, config: Config) -> int:
    """Print ready-to-paste entries for the feeds and sitemaps a site offers; --add appends them."""
    from crawler.app.config_editing import append_to_config, config_entries
    from crawler.app.crawls import discover_sources
    from crawler.core.urls import is_fetchable_url, site_of

    if not args.url or not is_fetchable_url(args.url):
        print("newswatch: feeds discover needs an http(s) URL", file=sys.stderr)
        return ExitStatus.CONFIG
    sources = discover_sources(config.source_path, args.url)
    if not sources:
        print(f"no feeds or sitemaps found at {args.url}", file=sys.stderr)
        return ExitStatus.OK
    prefix = args.prefix or site_of(args.url).split(".")[0]
    entries = config_entries(sources, prefix, taken=[feed.name for feed in config.feeds])
    print(entries, end="")
    if args.add:
        try:
            names = append_to_config(config.source_path, entries)
        except ConfigError as exc:
            print(f"newswatch: not added: {exc}", file=sys.stderr)
            return ExitStatus.CONFIG
        print(f"added {len(names)} entries to {config.source_path}: {', '.join(names)}", file=sys.stderr)
    return ExitStatus.OK
