"""`newswatch run` with nothing due, answered without SQLAlchemy, pydantic, Scrapy or workers.

Most cycles of a cron or daemon setup find nothing due, and such a cycle used to cost 1.2-1.4 s
of CPU, nearly all of it imports (SQLAlchemy, pydantic) and validating the configuration. This
path needs neither, and answers only what it is sure of:

- the configuration is the very file (same bytes, same place) that a full `newswatch run`
  validated before: that run kept the few facts a due check needs (``IdleFacts``) in the
  built-index cache (``crawler.core.built_index``), keyed by the bytes and by the source of the
  code that validates them; a configuration with alerts is never answered here (a cycle owes
  its alerts a round);
- the topic file passed its check before (``crawler.topic.topic_check``);
- the store is a SQLite file at this code's schema, no cycle is recorded as running and the
  feeds table already matches the configuration (``crawler.store.idle_reader``);
- nothing is due, as ``crawler.cycle.due_work`` decides it, the same function a crawl asks.

Then it takes the cycle lock, records the cycle (finish reason ``nothing-due``) and prints the
summary the full path prints. Anything else, or any doubt, returns None and the full path runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.app.cycle_lock import CycleLock
from crawler.core.built_index import keep_built, load_built
from crawler.core.clock import utcnow
from crawler.core.config_paths import default_config_path
from crawler.core.errors import CycleRunning, ExitStatus
from crawler.cycle.due_work import due_work
from crawler.store.idle_reader import IdleReader, NeedsFullCycle
from crawler.topic.topic_check import PARSED_WITH, topic_passed_before

if TYPE_CHECKING:
    from crawler.core.config import Config

# The code whose change could make a kept IdleFacts wrong: what validates the configuration
# (crawler.core) and what reads the facts out of it (this module).
FACTS_FROM = ["crawler.core", "crawler.app.idle_cycle"]


@dataclass(frozen=True)
class FeedFacts:
    """What the feeds table and the due check use of a configured feed (``FeedConfig``)."""

    name: str
    url: str
    type: str
    keep: str
    interval: float
    enabled: bool


@dataclass(frozen=True)
class RecheckFacts:
    enabled: bool
    max_per_cycle: int


@dataclass(frozen=True)
class IdleFacts:
    """What a nothing-due check needs of a validated configuration without alerts on SQLite."""

    database: str  # the SQLite file
    topic: str  # the topic file
    feeds: tuple[FeedFacts, ...]
    recheck: RecheckFacts


def remember_facts(config: Config) -> None:
    """Keep the facts of this validated configuration for later nothing-due checks (the full
    path calls it once the configuration, the topic and the store were found usable)."""
    from sqlalchemy.engine import make_url

    from crawler.core.config import load_config

    parsed = make_url(config.database_url)
    if config.alerts or parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    try:
        content = config.source_path.read_bytes()
    except OSError:
        return
    if load_config(config.source_path) != config:  # the file changed since it was read
        return
    facts = IdleFacts(
        database=str(parsed.database),
        topic=str(config.topic_path),
        feeds=tuple(
            FeedFacts(feed.name, feed.url, feed.type, feed.keep, feed.interval, feed.enabled)
            for feed in config.feeds
        ),
        recheck=RecheckFacts(config.recheck.enabled, config.recheck.max_per_cycle),
    )
    keep_built(
        "idle-facts",
        facts,
        packages=FACTS_FROM,
        distributions=PARSED_WITH,
        inputs=_key(config.source_path, content),
    )


def answer_if_nothing_due(argv: Sequence[str]) -> int | None:
    """The exit status of `newswatch [--config PATH] run` when it had nothing to do and said so;
    None when the full path is to run the command."""
    path = _config_path(argv)
    if path is None:
        return None
    try:
        content = path.read_bytes()
    except OSError:
        return None
    facts = load_built(
        "idle-facts", packages=FACTS_FROM, distributions=PARSED_WITH, inputs=_key(path, content)
    )
    if not isinstance(facts, IdleFacts) or not topic_passed_before(Path(facts.topic)):
        return None
    database = Path(facts.database)
    try:
        with IdleReader.opened(database) as reader, CycleLock.beside(database):
            reader.check_usable()
            if not due_work(reader, facts, [], utcnow()).nothing:
                return None
            cycle = reader.cycle(reader.record_nothing_due("cli", utcnow()))
    except (CycleRunning, NeedsFullCycle, sqlite3.Error, OSError):
        return None  # the full path says what is wrong, or does the work
    from crawler.views.cycle_summary import print_cycle_summary
    from crawler.views.terminal import console

    print_cycle_summary(console(), cycle, [])
    return ExitStatus.OK


def _config_path(argv: Sequence[str]) -> Path | None:
    """The configuration of exactly `[--config PATH] run`; None for any other command line."""
    args = list(argv)
    path = None
    if args[:1] == ["--config"] and len(args) > 1:
        path, args = Path(args[1]), args[2:]
    elif args[:1] and args[0].startswith("--config="):
        path, args = Path(args[0].removeprefix("--config=")), args[1:]
    if args != ["run"]:
        return None
    return path or default_config_path()


def _key(path: Path, content: bytes) -> list[bytes]:
    return [content, str(path.resolve()).encode()]
