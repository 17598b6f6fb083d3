"""The store API: the only way spiders, pipelines and the CLI touch the database.

Every write is one short transaction (IMMEDIATE on SQLite), so a crash between two calls
leaves a consistent database and a rerun picks up where it stopped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Engine

from crawler.store import migrate
from crawler.store.alerts_store import AlertsMixin
from crawler.store.articles_store import ArticlesMixin
from crawler.store.backfill_store import BackfillMixin
from crawler.store.cycles_store import CyclesMixin
from crawler.store.edits_store import EditsMixin
from crawler.store.engine import make_engine
from crawler.store.feed_state_store import FeedsMixin
from crawler.store.frontier import FrontierMixin
from crawler.store.full_text import SearchMixin
from crawler.store.host_leases_store import HostLeasesMixin
from crawler.store.queries import QueriesMixin
from crawler.store.reports import ReportsMixin
from crawler.store.robots_store import RobotsTxtMixin
from crawler.store.workers_store import WorkersMixin


class Store(
    FeedsMixin,
    FrontierMixin,
    ArticlesMixin,
    EditsMixin,
    QueriesMixin,
    SearchMixin,
    ReportsMixin,
    AlertsMixin,
    CyclesMixin,
    RobotsTxtMixin,
    BackfillMixin,
    HostLeasesMixin,
    WorkersMixin,
):
    """Feeds' polling state, the seen-URL frontier, articles, their search, alerts, cycles,
    robots.txt, backfills, host leases and workers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect and bring the schema up to date."""
        engine = make_engine(url)
        migrate.upgrade(engine)
        return cls(engine)

    @classmethod
    @contextlib.contextmanager
    def opened(cls, url: str) -> Iterator[Store]:
        """``with Store.opened(url) as store:`` — opened (and migrated) for the block, then closed."""
        store = cls.open(url)
        try:
            yield store
        finally:
            store.close()

    @property
    def shared(self) -> bool:
        """Whether workers share this store through host leases (PostgreSQL); SQLite is one machine's."""
        return self.engine.dialect.name == "postgresql"

    def close(self) -> None:
        self.engine.dispose()
