"""`newswatch run` and `newswatch daemon`: one cycle now, or cycles on a schedule."""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sys
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from crawler.app.collector import collector_paused
from crawler.app.commands.common import first_line, opened_store, start_extraction_server
from crawler.app.idle_cycle import remember_facts
from crawler.core.clock import utcnow
from crawler.core.config import Config
from crawler.core.errors import CliError, CycleRunning, ExitStatus
from crawler.topic.topic_check import check_topic
from crawler.views.terminal import console

if TYPE_CHECKING:
    from crawler.alerts.delivery import AlertRound

# How a crawl that closed for these reasons ran: as it should (feed failures are in the summary).
ALERTS_LOCK_KEY = 7268042  # pg_advisory_lock key: one worker sends alerts at a time
CLEAN_FINISHES = frozenset({"finished", "closespider_timeout", "shutdown", "nothing-due"})


def add_commands(commands: Any) -> None:
    run = commands.add_parser("run", help="one cycle: poll due (or named) feeds, fetch new articles, exit")
    run.add_argument(
        "--feed", action="append", default=[], metavar="NAME", help="poll this feed now (repeatable)"
    )
    run.add_argument("-v", "--verbose", action="store_true", help="log each request and decision")
    run.set_defaults(handler=run_once)

    daemon = commands.add_parser("daemon", help="long-running scheduler; SIGTERM/SIGINT stop it cleanly")
    daemon.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="json: one object per line, for log shippers",
    )
    daemon.set_defaults(handler=run_daemon)


def run_once(args: argparse.Namespace, config: Config) -> int:
    """Run one cycle under the cycle lock and print its summary."""
    from crawler.views.cycle_summary import print_cycle_summary

    unknown = [name for name in args.feed if name not in {feed.name for feed in config.feeds}]
    if unknown:
        print(
            f"newswatch: {config.source_path}: feeds: no feed named {', '.join(map(repr, unknown))}",
            file=sys.stderr,
        )
        return ExitStatus.CONFIG
    check_topic(config)  # a bad relevance.topic stops here (exit 2), not half-way through a cycle
    problem = store_problem(config.database_url)
    if problem:
        print(f"newswatch: {problem}; nothing was crawled", file=sys.stderr)
        return ExitStatus.STORE
    remember_facts(config)  # the next cycle with nothing due needs neither pydantic nor SQLAlchemy
    alerts: AlertRound | None = None
    try:
        with cycle_guard(config.database_url):
            close_dead_cycles(config.database_url)
            if config.alerts:
                from crawler.app.commands.alerts import register_rules

                register_rules(config)  # before the crawl: a cycle killed after storing still owes its alerts
            cycle_id = cycle_without_work(config, args.feed)
            if cycle_id is None:
                with collector_paused():
                    from crawler.app.crawls import run_cycle  # Scrapy and Twisted: only for a crawl

                cycle_id = run_cycle(
                    config.source_path,
                    args.feed,
                    trigger="cli",
                    progress=sys.stderr.isatty(),
                    log_level="DEBUG" if args.verbose else "WARNING",
                )
            if cycle_id is not None and config.alerts:
                alerts = send_alerts(config)
    except CycleRunning as exc:
        print(f"newswatch: {exc}; not starting another", file=sys.stderr)
        return ExitStatus.LOCKED
    if cycle_id is None:
        print("newswatch: the cycle did not start; see the log above", file=sys.stderr)
        return ExitStatus.UNEXPECTED
    try:
        with opened_store(config.database_url) as store:
            cycle = store.cycle(cycle_id)
            assert cycle is not None
            print_cycle_summary(console(), cycle, store.cycle_failures(cycle_id))
    except SQLAlchemyError as exc:  # the database went away during the cycle
        reason = first_line(getattr(exc, "orig", None) or exc)
        print(f"newswatch: the store became unavailable ({reason}); the next cycle resumes", file=sys.stderr)
        return ExitStatus.STORE
    if config.alerts and alerts is not None:
        from crawler.app.commands.alerts import print_round

        print_round(alerts)
    return exit_status_of(cycle["finish_reason"])


def cycle_without_work(config: Config, feed_names: list[str]) -> int | None:
    """With no feed due, no article owed and no re-check due, record the cycle as done (its
    `runs` row, finish reason ``nothing-due``) and return its id; None when there is work, for
    a crawl to do. Scrapy is never imported and no worker started for a cycle with nothing to do.
    When that work all but surely extracts pages (``DueWork.extracts_pages``), the workers'
    forkserver is started here, so that it loads while Scrapy does."""
    from crawler.cycle.due_work import due_work
    from crawler.store import CycleCounts

    with opened_store(config.database_url) as store:
        work = due_work(store, config, feed_names, utcnow())
        if not work.nothing:
            if work.extracts_pages:
                start_extraction_server(config)
            return None
        cycle_id = store.start_cycle("cli", utcnow())
        store.finish_cycle(cycle_id, CycleCounts(), "finished", "nothing-due", utcnow())
        return cycle_id


def send_alerts(config: Config) -> AlertRound | None:
    """The alerts owed after the cycle, sent by one process at a time (two must not send the same
    delivery): under the cycle lock on SQLite, under an advisory lock on PostgreSQL, where a
    worker that finds another sending leaves what is owed to the next cycle. A failure to send
    is recorded and retried, never fatal to the run."""
    from crawler.app.commands.alerts import deliver
    from crawler.store.engine import make_engine, try_advisory_lock

    try:
        if make_url(config.database_url).get_backend_name() != "postgresql":
            return deliver(config)
        engine = make_engine(config.database_url)
        try:
            with try_advisory_lock(engine, ALERTS_LOCK_KEY) as alone:
                return deliver(config) if alone else None
        finally:
            engine.dispose()
    except CliError as exc:
        print(f"newswatch: alerts not sent: {exc}", file=sys.stderr)
        return None


def cycle_guard(database_url: str) -> contextlib.AbstractContextManager[object]:
    """The cycle lock on SQLite (one cycle at a time); nothing on PostgreSQL, where any number
    of workers share the store through host leases."""
    from crawler.app.cycle_lock import CycleLock

    if make_url(database_url).get_backend_name() == "postgresql":
        return contextlib.nullcontext()
    return CycleLock.for_database(database_url)


def exit_status_of(finish_reason: str | None) -> int:
    """0 for a cycle that ran; 3 when the store gave out; 1 when the crawl itself broke (start_error…)."""
    if finish_reason in CLEAN_FINISHES:
        return ExitStatus.OK
    if finish_reason == "store-unavailable":
        from crawler.cycle.runtime import store_errors

        why = store_errors[0] if store_errors else "it stopped taking writes"
        print(
            f"newswatch: the store could not be written ({why}); the cycle stopped, what it stored is "
            "kept, and the next cycle fetches the rest",
            file=sys.stderr,
        )
        return ExitStatus.STORE
    print(f"newswatch: the cycle ended with {finish_reason!r}; see the log above", file=sys.stderr)
    return ExitStatus.UNEXPECTED


def close_dead_cycles(database_url: str) -> None:
    """Cycles of this host left 'running' by a killed `newswatch run` are closed as killed.

    Called while holding the cycle lock, so no live cycle of this store on this host is affected.
    """
    with opened_store(database_url) as store:
        store.close_dead_cycles(socket.gethostname()[:255], _pid_alive, utcnow())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def store_problem(database_url: str) -> str | None:
    """Open the store (creating or migrating it) and say why not, in one line, if that fails."""
    try:
        with opened_store(database_url):
            return None
    except CliError as exc:
        return str(exc)


def run_daemon(args: argparse.Namespace, config: Config) -> int:
    """Run cycles on a schedule until stopped; each cycle is a `newswatch run` child process."""
    from crawler.app.daemon import Daemon, configure_logging
    from crawler.topic.relevance import load_topic

    load_topic(config)  # every cycle would fail on it: refuse to start instead
    configure_logging(args.log_format)
    return Daemon(config).run()
