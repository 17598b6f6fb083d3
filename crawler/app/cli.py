"""The `newswatch` command line: the argparse front; each command group is a module of
``crawler.app.commands``.

Exit status: 0 when the command ran (feed failures are recorded and summarised, not fatal),
2 for a usage or configuration error, 3 for a store that cannot be opened or written, 75 when
another cycle already holds the lock, 1 for anything else. Every error is one line on stderr;
``--debug`` shows the traceback of an unexpected one.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from crawler.core.errors import CliError, ConfigError, ExitStatus
from crawler.core.secrets import mask_secrets


def main(argv: Sequence[str] | None = None, *, whole_process: bool = False) -> int:
    """Entry point of the `newswatch` console script: every failure ends as one line and a status.

    `newswatch run` with nothing due is answered before the commands (and SQLAlchemy and
    pydantic with them) are imported; see crawler.app.idle_cycle. ``whole_process``: the
    process is this command's alone (`program`), so what start-up loaded is frozen for good.
    """
    from crawler.app.collector import collector_paused

    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        with collector_paused():  # start-up: what loads here is kept
            from crawler.app.idle_cycle import answer_if_nothing_due

            status = answer_if_nothing_due(arguments)
        if status is not None:
            sys.stdout.flush()
            return status
    except BrokenPipeError:
        return _reader_gone()
    with collector_paused():  # the commands load: nothing there for the collector to free
        from crawler.app.commands.common import configuration, first_line

        args = parser().parse_args(arguments)  # usage errors: argparse prints usage and exits 2
    try:
        if args.needs_config:
            with collector_paused():
                config = configuration(args.config)
            if whole_process:
                # The modules and the configuration live until the exit: later collections
                # need not walk them (nor catch up on the allocations the pause let through).
                gc.freeze()
            status = args.handler(args, config)
        else:
            status = args.handler(args)
        sys.stdout.flush()  # a reader gone away shows here, inside this net, not in Python's exit
        return int(status or 0)
    except ConfigError as exc:
        print(f"newswatch: configuration error:\n{mask_secrets(str(exc))}", file=sys.stderr)
        return ExitStatus.CONFIG
    except CliError as exc:
        print(f"newswatch: {mask_secrets(str(exc))}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("newswatch: interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        return _reader_gone()
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"newswatch: unexpected error: {type(exc).__name__}: {mask_secrets(first_line(exc))} "
            "(run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return ExitStatus.UNEXPECTED


def _reader_gone() -> int:
    # Nothing left to say, and saying it would fail too; so would Python's flush at exit.
    # (rich's Console does the same for what it prints, with status 1.)
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return ExitStatus.BROKEN_PIPE


def parser() -> argparse.ArgumentParser:
    """The whole command line: global options, then each group's commands."""
    from crawler.app.commands import alerts, articles, backfill, cycle, feeds, init, maintenance, workers

    front = argparse.ArgumentParser(
        prog="newswatch",
        description="Watch news feeds for a topic and keep clean, deduplicated article text.",
    )
    front.add_argument(
        "--config",
        type=Path,
        help="configuration file (default: $NEWSWATCH_CONFIG, ./newswatch.yaml, config/newswatch.yaml)",
    )
    front.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    front.set_defaults(needs_config=True)
    commands = front.add_subparsers(dest="command", required=True)
    for group in (init, cycle, backfill, feeds, articles, alerts, maintenance, workers):
        group.add_commands(commands)
    return front


def program() -> int:
    """The `newswatch` program (console script, ``python -m crawler.app.cli``): `main`, then
    an exit without the garbage collector's passes over what the command loaded."""
    status = main(whole_process=True)
    # Python's shutdown runs full collections while it tears the modules down, each walking
    # every object Scrapy, Twisted, SQLAlchemy and pydantic made: 0.25-0.35 s of CPU, 0.85 s
    # of wall after a crawl on the loaded bench machine. Nothing left needs a collection to
    # finish (stores are disposed, the pool is shut down, logging's atexit flushes its
    # handlers), so freezing leaves that memory to the OS. Not in `main`: tests call it in
    # their own process.
    gc.freeze()
    return status


if __name__ == "__main__":
    raise SystemExit(program())
