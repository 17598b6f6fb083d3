"""Cycles (one row each in the `runs` table, with its counts) and typed failures.

The table is called `runs` (a public name: analysts query it); in code a run is a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, func, select, update

from crawler.store.cycle_rows import finished_cycle, started_cycle
from crawler.store.engine import read_transaction, write_transaction
from crawler.store.records import CycleCounts
from crawler.store.schema import articles, failures, feeds, runs


class CyclesMixin:
    """Store methods for cycles (the `runs` table) and failures."""

    engine: Engine

    def start_cycle(self, trigger: str, now: datetime, worker: str | None = None) -> int:
        """A new `runs` row, status running; returns the cycle id."""
        with write_transaction(self.engine) as conn:
            result = conn.execute(runs.insert().values(**started_cycle(trigger, now, worker)))
            assert result.inserted_primary_key is not None
            return int(result.inserted_primary_key[0])

    def finish_cycle(
        self, cycle_id: int, counts: CycleCounts, status: str, reason: str, now: datetime
    ) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == cycle_id)
                .values(**finished_cycle(counts, status, reason, now))
            )

    def record_failure(
        self, cycle_id: int | None, feed_id: int | None, url: str, reason: str, detail: str, now: datetime
    ) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(
                failures.insert().values(
                    run_id=cycle_id,
                    feed_id=feed_id,
                    url=url[:4000],
                    reason=reason,
                    detail=detail[:2000],
                    at=now,
                )
            )

    def cycle(self, cycle_id: int) -> dict[str, Any] | None:
        """The cycle's `runs` row."""
        with read_transaction(self.engine) as conn:
            row = conn.execute(select(runs).where(runs.c.id == cycle_id)).mappings().first()
            return dict(row) if row else None

    def cycle_failures(self, cycle_id: int) -> list[dict[str, Any]]:
        """Failures of one cycle with their feed names, for the cycle summary."""
        query = (
            select(failures.c.url, failures.c.reason, failures.c.detail, feeds.c.name.label("feed"))
            .select_from(failures.outerjoin(feeds, failures.c.feed_id == feeds.c.id))
            .where(failures.c.run_id == cycle_id)
            .order_by(failures.c.id)
        )
        with read_transaction(self.engine) as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def last_cycle_of_pid(self, pid: int) -> dict[str, Any] | None:
        """The newest cycle a given process wrote (the daemon knows its child's pid)."""
        with read_transaction(self.engine) as conn:
            row = (
                conn.execute(select(runs).where(runs.c.pid == pid).order_by(runs.c.id.desc()).limit(1))
                .mappings()
                .first()
            )
            return dict(row) if row else None

    def close_dead_cycles(self, host: str, alive: Callable[[int], bool], now: datetime) -> None:
        """'running' rows of this host whose process is gone were killed (kill -9, power cut)."""
        with read_transaction(self.engine) as conn:
            stale = (
                conn.execute(
                    select(runs.c.pid).where(and_(runs.c.status == "running", runs.c.host == host)).distinct()
                )
                .scalars()
                .all()
            )
        for pid in stale:
            if not alive(pid):
                self.mark_cycles_killed(pid, now, reason="process died", host=host)

    def mark_cycles_killed(
        self, pid: int, now: datetime, reason: str = "time limit", host: str | None = None
    ) -> None:
        """A child killed at its limit cannot close its run row; the daemon does, counting what it stored."""
        running = and_(runs.c.pid == pid, runs.c.status == "running")
        if host is not None:
            running = and_(running, runs.c.host == host)
        with write_transaction(self.engine) as conn:
            for cycle_id in conn.scalars(select(runs.c.id).where(running)).all():
                stored = select(func.count()).select_from(articles).where(articles.c.run_id == cycle_id)
                conn.execute(
                    update(runs)
                    .where(runs.c.id == cycle_id)
                    .values(
                        status="killed",
                        finish_reason=reason,
                        finished_at=now,
                        articles_new=conn.scalar(stored.where(articles.c.duplicate_of.is_(None))),
                        articles_duplicate=conn.scalar(stored.where(articles.c.duplicate_of.is_not(None))),
                    )
                )

    def prune_failures(self, before: datetime) -> int:
        """Delete failure records older than `before`; returns how many."""
        with write_transaction(self.engine) as conn:
            return conn.execute(failures.delete().where(failures.c.at < before)).rowcount or 0
