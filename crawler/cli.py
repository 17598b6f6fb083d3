"""The `newswatch` command line.

Exit status: 0 when the command ran (feed failures are recorded and summarised, not fatal),
2 for a usage or configuration error, 3 for a store that cannot be opened or written, 75 when
another cycle already holds the lock, 1 for anything else. Every error is one line on stderr;
``--debug`` shows the traceback of an unexpected one.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import socket
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from crawler.cli_codes import EXIT_CONFIG, EXIT_LOCKED, EXIT_STORE, CliError
from crawler.clock import utcnow
from crawler.config import (
    DEFAULT_CONFIG_PATH,
    LOCAL_CONFIG_PATH,
    Config,
    ConfigError,
    default_config_path,
    load_config,
    load_topic,
)
from crawler.cycle_lock import CycleLock, CycleRunning

if TYPE_CHECKING:
    from crawler.store import Store

EXIT_UNEXPECTED = 1
EXIT_NOT_FOUND = 1  # `article ID` of an article that is not in the store
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of a pipe (`| head`) went away


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newswatch` console script: every failure ends as one line and a status."""
    args = _parser().parse_args(argv)  # usage errors: argparse prints usage and exits 2
    try:
        status = args.handler(args, _config(args.config)) if args.needs_config else args.handler(args)
        sys.stdout.flush()  # a reader gone away shows here, inside this net, not in Python's exit
        return int(status or 0)
    except ConfigError as exc:
        print(f"newswatch: configuration error:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    except CliError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("newswatch: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Nothing left to say, and saying it would fail too; so would Python's flush at exit.
        # (rich's Console does the same for what it prints, with status 1.)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"newswatch: unexpected error: {type(exc).__name__}: {_first_line(exc)} "
            "(run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


def _config(path: Path | None) -> Config:
    """--config, else $NEWSWATCH_CONFIG, ./newswatch.yaml, config/newswatch.yaml (DESIGN.md)."""
    if path is None:
        path = default_config_path()
        if path == DEFAULT_CONFIG_PATH and not path.exists():
            raise CliError(
                EXIT_CONFIG,
                f"no configuration: neither ./{LOCAL_CONFIG_PATH} nor {DEFAULT_CONFIG_PATH} exists here; "
                "`newswatch init` writes a starter, or pass --config PATH",
            )
    return load_config(path)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else "(no message)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="Watch news feeds for a topic and keep clean, deduplicated article text.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="configuration file (default: $NEWSWATCH_CONFIG, ./newswatch.yaml, config/newswatch.yaml)",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    parser.set_defaults(needs_config=True)
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="write a commented starter newswatch.yaml and data/ in DIR")
    init.add_argument("dir", nargs="?", default=".", type=Path, metavar="DIR", help="default: .")
    init.add_argument("--force", action="store_true", help="replace an existing newswatch.yaml")
    init.set_defaults(handler=_init, needs_config=False)

    run = commands.add_parser("run", help="one cycle: poll due (or named) feeds, fetch new articles, exit")
    run.add_argument(
        "--feed", action="append", default=[], metavar="NAME", help="poll this feed now (repeatable)"
    )
    run.add_argument("-v", "--verbose", action="store_true", help="log each request and decision")
    run.set_defaults(handler=_run)

    daemon = commands.add_parser("daemon", help="long-running scheduler; SIGTERM/SIGINT stop it cleanly")
    daemon.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="json: one object per line, for log shippers",
    )
    daemon.set_defaults(handler=_daemon)

    feeds = commands.add_parser("feeds", help="configured feeds and their health; discover a site's feeds")
    feeds.add_argument("action", choices=["list", "status", "discover"])
    feeds.add_argument("url", nargs="?", help="discover: the site or page to inspect")
    feeds.add_argument("--add", action="store_true", help="discover: append the entries to the config file")
    feeds.add_argument(
        "--prefix", help="discover: name prefix for the new entries (default: the site's name)"
    )
    feeds.set_defaults(handler=_feeds)

    export = commands.add_parser("export", help="write stored articles as jsonl, csv or parquet")
    export.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    export.add_argument("--output", help="file to write (default: standard output; required for parquet)")
    export.add_argument(
        "--since", type=_date, help="only articles first seen on or after this date/time (ISO 8601)"
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

    report = commands.add_parser("report", help="relevant stories per state and week, as CSV for charting")
    report.add_argument("--since", type=_date, help="only articles first seen on or after this date")
    report.add_argument("--output", help="file to write (default: standard output)")
    report.set_defaults(handler=_report)
    export.set_defaults(handler=_export)

    article = commands.add_parser("article", help="show one stored article; --history shows its edits")
    article.add_argument("id", type=int)
    article.add_argument("--history", action="store_true", help="every earlier version with what changed")
    article.set_defaults(handler=_article)

    stories = commands.add_parser("stories", help="stories with every outlet that ran them (copies linked)")
    stories.add_argument("--newest", action="store_true", help="newest first (default: largest first)")
    stories.add_argument("--since", type=_date, help="only stories first seen on or after this date")
    stories.add_argument("--limit", type=_positive_int, default=20)
    stories.set_defaults(handler=_stories)

    search = commands.add_parser("search", help="find stored articles containing every word of QUERY")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=_positive_int, default=20)
    search.set_defaults(handler=_search)
    return parser


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def _date(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _init(args: argparse.Namespace) -> int:
    """Write a commented starter newswatch.yaml (the shipped sources) and data/ in DIR."""
    from crawler.starter import write_starter

    folder: Path = args.dir
    try:
        written = write_starter(folder, force=args.force)
    except FileExistsError:
        raise CliError(
            EXIT_CONFIG, f"{folder / LOCAL_CONFIG_PATH} already exists; not replacing it (--force does)"
        ) from None
    except OSError as exc:
        raise CliError(EXIT_CONFIG, f"init: cannot write in {folder}: {exc.strerror or exc}") from None
    config = load_config(written.config)  # the starter must load; a ConfigError here is a packaging bug
    print(f"wrote {written.config}: {len(config.feeds)} feeds, with comments")
    print(f"made  {written.data}{os.sep} for the database ({config.database_url})")
    here = folder.resolve() == Path.cwd().resolve()
    print("next:  newswatch run" if here else f"next:  cd {shlex.quote(str(folder))} && newswatch run")
    return 0


def _run(args: argparse.Namespace, config: Config) -> int:
    """Run one cycle under the cycle lock and print its summary."""
    from crawler.cycle import run_cycle
    from crawler.store import Store
    from crawler.summary import print_run_summary

    unknown = [name for name in args.feed if name not in {feed.name for feed in config.feeds}]
    if unknown:
        print(
            f"newswatch: {config.source_path}: feeds: no feed named {', '.join(map(repr, unknown))}",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    load_topic(config)  # a bad relevance.topic stops here (exit 2), not half-way through a cycle
    problem = store_problem(config.database_url)
    if problem:
        print(f"newswatch: {problem}; nothing was crawled", file=sys.stderr)
        return EXIT_STORE
    try:
        with CycleLock.for_database(config.database_url):
            close_dead_runs(config.database_url)
            run_id = run_cycle(
                config.source_path,
                args.feed,
                trigger="cli",
                progress=sys.stderr.isatty(),
                log_level="DEBUG" if args.verbose else "WARNING",
            )
    except CycleRunning as exc:
        print(f"newswatch: {exc}; not starting another", file=sys.stderr)
        return EXIT_LOCKED
    if run_id is None:
        print("newswatch: the cycle did not start; see the log above", file=sys.stderr)
        return 1
    store = Store.open(config.database_url)
    try:
        run = store.run(run_id)
        assert run is not None
        print_run_summary(_console(), run, store.run_failures(run_id))
    finally:
        store.close()
    return exit_status_of(run["finish_reason"])


# How a crawl that closed for these reasons ran: as it should (feed failures are in the summary).
CLEAN_FINISHES = frozenset({"finished", "closespider_timeout", "shutdown"})


def exit_status_of(finish_reason: str | None) -> int:
    """0 for a cycle that ran; 3 when the store gave out; 1 when the crawl itself broke (start_error…)."""
    if finish_reason in CLEAN_FINISHES:
        return 0
    if finish_reason == "store-unavailable":
        return EXIT_STORE
    print(f"newswatch: the cycle ended with {finish_reason!r}; see the log above", file=sys.stderr)
    return 1


def close_dead_runs(database_url: str) -> None:
    """Runs of this host left 'running' by a killed `newswatch run` are closed as killed.

    Called while holding the cycle lock, so no live cycle of this store on this host is affected.
    """
    from crawler.store import Store

    store = Store.open(database_url)
    try:
        store.close_dead_runs(socket.gethostname()[:255], _pid_alive, utcnow())
    finally:
        store.close()


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
        _open_store(database_url).close()
    except CliError as exc:
        return str(exc)
    return None


def _open_store(database_url: str) -> Store:
    """The store (created or migrated), or a CliError (exit 3) saying in one line why not: the
    server is unreachable, the file is not a database, or it is another application's or a
    newer newswatch's (left untouched, see crawler.store.migrate)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from crawler.store import Store
    from crawler.store.migrate import UnusableDatabase

    try:
        return Store.open(database_url)
    except (SQLAlchemyError, OSError, UnusableDatabase) as exc:
        reason = _first_line(getattr(exc, "orig", None) or exc)
        shown = make_url(database_url).render_as_string(hide_password=True)
        raise CliError(EXIT_STORE, f"cannot use the store: {shown}: {reason}") from None


def _output(path: str, binary: bool = False) -> Any:
    """``--output PATH`` opened for writing, or a CliError (exit 2) naming the path and the problem."""
    try:
        return open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(EXIT_CONFIG, f"--output {path}: cannot write: {exc.strerror or exc}") from None


def _daemon(args: argparse.Namespace, config: Config) -> int:
    """Run cycles on a schedule until stopped; each cycle is a `newswatch run` child process."""
    from crawler.daemon import Daemon
    from crawler.logsetup import configure_logging

    load_topic(config)  # every cycle would fail on it: refuse to start instead
    configure_logging(args.log_format)
    return Daemon(config).run()


def _feeds(args: argparse.Namespace, config: Config) -> int:
    """List configured feeds, or show each feed's health."""
    from crawler.feed_status import print_feed_list, print_feed_status

    console = _console()
    if args.action == "discover":
        return _discover(args, config)
    if args.url or args.add:
        print("newswatch: a URL and --add only go with `feeds discover`", file=sys.stderr)
        return EXIT_CONFIG
    if args.action == "list":
        print_feed_list(console, config)
        return 0
    store = _open_store(config.database_url)
    try:
        print_feed_status(console, config, store, utcnow())
    finally:
        store.close()
    return 0


def _discover(args: argparse.Namespace, config: Config) -> int:
    """Print ready-to-paste entries for the feeds and sitemaps a site offers; --add appends them."""
    from crawler.discovery import append_to_config, config_entries
    from crawler.discovery_run import discover_sources
    from crawler.urls import is_fetchable_url, site_of

    if not args.url or not is_fetchable_url(args.url):
        print("newswatch: feeds discover needs an http(s) URL", file=sys.stderr)
        return EXIT_CONFIG
    sources = discover_sources(config.source_path, args.url)
    if not sources:
        print(f"no feeds or sitemaps found at {args.url}", file=sys.stderr)
        return 0
    prefix = args.prefix or site_of(args.url).split(".")[0]
    entries = config_entries(sources, prefix, taken=[feed.name for feed in config.feeds])
    print(entries, end="")
    if args.add:
        try:
            names = append_to_config(config.source_path, entries)
        except ConfigError as exc:
            print(f"newswatch: not added: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        print(f"added {len(names)} entries to {config.source_path}: {', '.join(names)}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, config: Config) -> int:
    """Stream stored articles with the contract's fields."""
    from crawler import export

    if args.format == "parquet":
        if not args.output:
            raise CliError(EXIT_CONFIG, "export --format parquet needs --output PATH")
        if not export.parquet_available():
            raise CliError(EXIT_CONFIG, f"export --format parquet needs pyarrow: {export.PARQUET_INSTALL}")
    store = _open_store(config.database_url)
    try:
        rows = store.export_rows(args.since, args.relevant_only)
        if args.agency or args.action or args.state:
            from crawler.analysis import filter_rows

            rows = filter_rows(rows, args.agency, args.action, args.state)
        if args.format == "parquet":
            with _output(args.output, binary=True) as out:
                count = export.write_parquet(rows, out)
        else:
            writer = export.write_jsonl if args.format == "jsonl" else export.write_csv
            with _output(args.output) if args.output else _stdout() as out:
                count = writer(rows, out)
    finally:
        store.close()
    print(f"exported {count} articles", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace, config: Config) -> int:
    """CSV of week, state, stories: relevant originals counted once per state they name."""
    import csv

    from crawler.analysis import state_week_counts

    store = _open_store(config.database_url)
    try:
        counts = state_week_counts(store.export_rows(args.since, relevant_only=True))
    finally:
        store.close()
    with _output(args.output) if args.output else _stdout() as out:
        writer = csv.writer(out)
        writer.writerow(["week", "state", "stories"])
        writer.writerows(counts)
    return 0


def _stdout() -> Any:
    """Standard output as a context manager that does not close it."""
    return contextlib.nullcontext(sys.stdout)


def _article(args: argparse.Namespace, config: Config) -> int:
    """One article with its metadata and text, or with --history each edit seen."""
    from crawler.article_view import print_article

    store = _open_store(config.database_url)
    try:
        article = store.article(args.id)
        if article is None:
            raise CliError(EXIT_NOT_FOUND, f"no article {args.id}")
        print_article(_console(), article, store.versions(args.id), args.history)
    finally:
        store.close()
    return 0


def _stories(args: argparse.Namespace, config: Config) -> int:
    """Stories (an original and its linked copies), largest or newest first."""
    from crawler.article_view import print_stories

    store = _open_store(config.database_url)
    try:
        print_stories(
            _console(), store.stories(args.limit, "newest" if args.newest else "largest", args.since)
        )
    finally:
        store.close()
    return 0


def _search(args: argparse.Namespace, config: Config) -> int:
    """Print matching articles, newest first, with a snippet around the first match."""

    store = _open_store(config.database_url)
    try:
        hits = store.search(args.query, limit=args.limit)
    finally:
        store.close()
    console = _console()
    for hit in hits:
        when = (hit["published"] or hit["first_seen"]).date().isoformat()
        console.print(
            f"[bold]{hit['id']}[/bold] {when} [cyan]{hit['source']}[/cyan] {hit['title'] or '(untitled)'}"
        )
        console.print(f"    {_snippet(hit['text'] or '', args.query[0])}", highlight=False)
        console.print(f"    [dim]{hit['url']}[/dim]")
    if not hits:
        console.print("no matches")
    return 0


def _console() -> Console:
    """The terminal's width on a terminal; wide enough for whole rows in a log or a pipe."""
    return Console() if sys.stdout.isatty() else Console(width=200)


def _snippet(text: str, word: str, width: int = 160) -> str:
    at = text.lower().find(word.lower())
    start = max(0, at - width // 3) if at >= 0 else 0
    return ("…" if start else "") + " ".join(text[start : start + width].split()) + "…"


if __name__ == "__main__":
    raise SystemExit(main())
