"""Workers that share one store: registered with each cycle, kept alive by their heartbeat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, and_, select, update

from crawler.store.engine import read_transaction, write_transaction
from crawler.store.records import WorkerStatus
from crawler.store.schema import hosts, workers
from crawler.store.upsert import insert_for


class WorkersMixin:
    """Store methods for the workers table."""

    engine: Engine

    def register_worker(
        self, worker: str, machine: str, pid: int, cycle_id: int | None, now: datetime
    ) -> int:
        """Record that `worker` runs `cycle_id` now; returns the articles it had done before."""
        with write_transaction(self.engine) as conn:
            statement = insert_for(conn, workers).values(
                id=worker, machine=machine, pid=pid, started_at=now, heartbeat_at=now, cycle_id=cycle_id
            )
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["id"],
                    set_={"pid": pid, "heartbeat_at": now, "stopped_at": None, "cycle_id": cycle_id},
                )
            )
            return int(conn.scalar(select(workers.c.articles_done).where(workers.c.id == worker)) or 0)

    def worker_heartbeat(
        self, worker: str, articles_done: int, now: datetime, *, stopped: bool = False
    ) -> None:
        values: dict[str, object] = {"heartbeat_at": now, "articles_done": articles_done}
        if stopped:
            values["stopped_at"] = now
        with write_transaction(self.engine) as conn:
            conn.execute(update(workers).where(workers.c.id == worker).values(**values))

    def stop_worker(self, worker: str, now: datetime) -> None:
        """The worker has stopped: its leases go back and it is no longer listed as live."""
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(hosts)
                .where(hosts.c.lease_owner == worker)
                .values(lease_owner=None, lease_expires_at=None)
            )
            conn.execute(update(workers).where(workers.c.id == worker).values(stopped_at=now))

    def workers(
        self, seen_since: datetime, now: datetime, *, include_stopped: bool = False
    ) -> list[WorkerStatus]:
        """Workers whose heartbeat is newer than `seen_since` (and not stopped), newest first,
        each with the hosts it validly holds at `now`."""
        query = (
            select(workers)
            .where(workers.c.heartbeat_at >= seen_since)
            .order_by(workers.c.heartbeat_at.desc())
        )
        if not include_stopped:
            query = query.where(workers.c.stopped_at.is_(None))
        held = select(hosts.c.lease_owner, hosts.c.host).where(
            and_(hosts.c.lease_owner.is_not(None), hosts.c.lease_expires_at > now)
        )
        with read_transaction(self.engine) as conn:
            by_owner: dict[str, list[str]] = {}
            for owner, host in conn.execute(held):
                by_owner.setdefault(owner, []).append(host)
            return [
                WorkerStatus(
                    id=row.id,
                    machine=row.machine,
                    pid=row.pid,
                    started_at=row.started_at,
                    heartbeat_at=row.heartbeat_at,
                    stopped_at=row.stopped_at,
                    cycle_id=row.cycle_id,
                    articles_done=row.articles_done,
                    hosts=tuple(sorted(by_owner.get(row.id, ()))),
                )
                for row in conn.execute(query)
            ]
