"""Host leases on a shared PostgreSQL store: the frontier handed out host by host.

A worker takes a host by writing itself as the lease owner with an expiry, inside a
transaction that locked the host's row with ``FOR UPDATE SKIP LOCKED``: two workers asking at
once get different hosts, never the same one, and neither waits for the other. While the lease
is valid only its owner polls the host's feeds and fetches its pages, so the per-host limits of
one Scrapy process are the host's whole traffic. A dead worker's leases simply expire.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, String, and_, bindparam, case, func, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from crawler.store.engine import read_transaction, write_transaction
from crawler.store.frontier import read_pending_urls
from crawler.store.records import HostLease, PendingUrl
from crawler.store.schema import hosts, urls
from crawler.store.upsert import insert_for


class HostLeasesMixin:
    """Store methods for the hosts table and the pending URLs of each host."""

    engine: Engine

    def pending_hosts(self, feed_ids: Iterable[int], tried_before: datetime) -> dict[str, datetime]:
        """Hosts with pending URLs of these feeds, each with its oldest pending URL's first sighting.

        A URL tried since `tried_before` (the start of this cycle) and still pending failed
        transiently: it waits for the next cycle rather than being tried again at once.
        """
        query = (
            select(urls.c.host, func.min(urls.c.first_seen))
            .where(_untried_pending(list(feed_ids), tried_before))
            .group_by(urls.c.host)
        )
        with read_transaction(self.engine) as conn:
            return {host: oldest for host, oldest in conn.execute(query) if host}

    def pending_on_host(self, host: str, feed_ids: Iterable[int], tried_before: datetime) -> list[PendingUrl]:
        """The pending URLs of one host (see pending_hosts), oldest first."""
        query = (
            select(urls)
            .where(and_(urls.c.host == host, _untried_pending(list(feed_ids), tried_before)))
            .order_by(urls.c.first_seen, urls.c.canonical_url)
        )
        return read_pending_urls(self.engine, query)

    def claim_hosts(
        self, owner: str, wanted: Sequence[str], count: int, now: datetime, lease_seconds: float
    ) -> list[str]:
        """Take up to `count` of `wanted` (most wanted first) that nobody else validly holds and
        that asked for no pause; returns those taken. PostgreSQL only."""
        if not wanted or count <= 0:
            return []
        order = func.array_position(bindparam("wanted", list(wanted), type_=ARRAY(String)), hosts.c.host)
        free = or_(
            hosts.c.lease_owner.is_(None), hosts.c.lease_owner == owner, hosts.c.lease_expires_at <= now
        )
        rested = or_(hosts.c.backoff_until.is_(None), hosts.c.backoff_until <= now)
        with write_transaction(self.engine) as conn:
            known = set(conn.scalars(select(hosts.c.host).where(hosts.c.host.in_(list(wanted)))))
            new = sorted(set(wanted) - known)
            if new:
                # In one order for every worker: two inserting the same new hosts cannot deadlock.
                conn.execute(
                    insert_for(conn, hosts).on_conflict_do_nothing(index_elements=["host"]),
                    [{"host": host} for host in new],
                )
            taken = list(
                conn.scalars(
                    select(hosts.c.host)
                    .where(and_(hosts.c.host.in_(list(wanted)), free, rested))
                    .order_by(order)
                    .limit(count)
                    .with_for_update(skip_locked=True)
                )
            )
            if taken:
                conn.execute(
                    update(hosts)
                    .where(hosts.c.host.in_(taken))
                    .values(
                        lease_owner=owner,
                        lease_expires_at=now + timedelta(seconds=lease_seconds),
                        lease_renewed_at=now,
                        lease_taken_at=now,
                    )
                )
        return taken

    def renew_leases(self, owner: str, held: Iterable[str], now: datetime, lease_seconds: float) -> set[str]:
        """Extend this owner's still-valid leases; returns the hosts renewed (the others were lost)."""
        held = list(held)
        if not held:
            return set()
        with write_transaction(self.engine) as conn:
            renewed = conn.scalars(
                update(hosts)
                .where(
                    and_(hosts.c.host.in_(held), hosts.c.lease_owner == owner, hosts.c.lease_expires_at > now)
                )
                .values(lease_expires_at=now + timedelta(seconds=lease_seconds), lease_renewed_at=now)
                .returning(hosts.c.host)
            )
            return set(renewed)

    def release_hosts(self, owner: str, released: Iterable[str]) -> None:
        """Give hosts back (their work is done, or the worker is stopping)."""
        released = list(released)
        if not released:
            return
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(hosts)
                .where(and_(hosts.c.host.in_(released), hosts.c.lease_owner == owner))
                .values(lease_owner=None, lease_expires_at=None)
            )

    def back_off_host(self, host: str, until: datetime, detail: str) -> None:
        """No worker takes `host` before `until` (it answered Retry-After); a longer pause wins."""
        with write_transaction(self.engine) as conn:
            statement = insert_for(conn, hosts).values(host=host, backoff_until=until, backoff_detail=detail)
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["host"],
                    set_={
                        "backoff_until": case(
                            (hosts.c.backoff_until > statement.excluded.backoff_until, hosts.c.backoff_until),
                            else_=statement.excluded.backoff_until,
                        ),
                        "backoff_detail": statement.excluded.backoff_detail,
                    },
                )
            )

    def host_backoff(self, host: str) -> datetime | None:
        """Until when `host` asked every worker to wait (None: it did not)."""
        with read_transaction(self.engine) as conn:
            return conn.scalar(select(hosts.c.backoff_until).where(hosts.c.host == host))

    def host_leases(self) -> dict[str, HostLease]:
        """Every host's lease and back-off, by host."""
        with read_transaction(self.engine) as conn:
            return {
                row.host: HostLease(row.host, row.lease_owner, row.lease_expires_at, row.backoff_until)
                for row in conn.execute(select(hosts))
            }


def _untried_pending(feed_ids: list[int], tried_before: datetime) -> ColumnElement[bool]:
    return and_(
        urls.c.status == "pending",
        urls.c.feed_id.in_(feed_ids),
        or_(urls.c.attempts == 0, urls.c.updated_at < tried_before),
    )
