"""`newswatch workers`: the workers sharing a PostgreSQL store, their hosts and heartbeats."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from crawler.app.commands.common import opened_store
from crawler.core.clock import utcnow
from crawler.core.config import Config
from crawler.core.errors import ExitStatus
from crawler.views.terminal import console


def add_commands(commands: Any) -> None:
    workers = commands.add_parser("workers", help="live workers on a shared PostgreSQL store, their hosts")
    workers.add_argument(
        "--all", action="store_true", help="every worker recorded in the last week, stopped ones too"
    )
    workers.set_defaults(handler=workers_command)


def workers_command(args: argparse.Namespace, config: Config) -> int:
    """List live workers: hosts held, articles done, last heartbeat (stopped ones too with --all)."""
    from crawler.views.workers import print_workers

    now = utcnow()
    # A live worker beats at least every third of a lease while it crawls, and a daemon starts a
    # cycle every tick: silent for longer than both, it is gone.
    live_window = timedelta(seconds=2 * config.crawl.host_lease + config.daemon.tick)
    seen_since = now - (timedelta(days=7) if args.all else live_window)
    with opened_store(config.database_url) as store:
        if not store.shared:
            console().print("One machine's SQLite store: no workers share it (cycles take the cycle lock).")
            return ExitStatus.OK
        print_workers(console(), store.workers(seen_since, now, include_stopped=args.all), now)
    return ExitStatus.OK
