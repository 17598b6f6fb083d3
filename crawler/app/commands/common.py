"""What every command shares: the configuration it runs on, the store, output, argument types."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.core.config import Config, load_config
from crawler.core.config_paths import DEFAULT_CONFIG_PATH, LOCAL_CONFIG_PATH, default_config_path
from crawler.core.errors import CliError, ExitStatus, UnusableDatabase

if TYPE_CHECKING:  # imported when used: `newswatch feeds list` and `init` never open a database
    from crawler.store import Store


def configuration(path: Path | None) -> Config:
    """--config, else $NEWSWATCH_CONFIG, ./newswatch.yaml, config/newswatch.yaml."""
    if path is None:
        path = default_config_path()
        if path == DEFAULT_CONFIG_PATH and not path.exists():
            raise CliError(
                ExitStatus.CONFIG,
                f"no configuration: neither ./{LOCAL_CONFIG_PATH} nor {DEFAULT_CONFIG_PATH} exists here; "
                "`newswatch init` writes a starter, or pass --config PATH",
            )
    return load_config(path)


@contextlib.contextmanager
def opened_store(database_url: str) -> Iterator[Store]:
    """``with opened_store(url) as store:`` — the store (created or migrated) for the block, or a
    CliError (exit 3) saying in one line why not: the server is unreachable, the file is not a
    database, or it is another application's or a newer newswatch's (left untouched)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from crawler.store import Store

    try:
        store = Store.open(database_url)
    except (SQLAlchemyError, OSError, UnusableDatabase) as exc:
        reason = first_line(getattr(exc, "orig", None) or exc)
        shown = make_url(database_url).render_as_string(hide_password=True)
        raise CliError(ExitStatus.STORE, f"cannot use the store: {shown}: {reason}") from None
    try:
        yield store
    finally:
        store.close()


def first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else "(no message)"


def output(path: str | None, binary: bool = False) -> Any:
    """``--output PATH`` opened for writing (standard output, not closed, without one), or a
    CliError (exit 2) naming the path and the problem."""
    if path is None:
        return contextlib.nullcontext(sys.stdout)
    try:
        return open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(ExitStatus.CONFIG, f"--output {path}: cannot write: {exc.strerror or exc}") from None


def positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def iso_date(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_extraction_server(config: Config) -> None:
    """Start the extraction workers' forkserver before Scrapy: its imports, the topic and the
    language model (~1.1 s of CPU) load on the other core while this process imports and starts
    the crawl, instead of after it, when the first page is waiting for a worker."""
    from crawler.pages.analysis import name_worker_topic
    from crawler.pages.pool import start_worker_server

    name_worker_topic(config.topic_path)
    start_worker_server()
