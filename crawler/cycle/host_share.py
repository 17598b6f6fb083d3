"""This worker's share of a PostgreSQL frontier: the hosts it leases, their work, and giving them back.

On a shared store the cycle does not take every due feed and pending URL: it takes hosts. It
claims the hosts whose work is most overdue, as many as its downloads can keep busy
(``concurrent_requests / concurrent_requests_per_host``), fetches everything those hosts owe —
due feeds, pending articles, re-checks — renews the leases while it works, and gives each host
back when its last request and last item are through the pipelines, so that a host is never
handed to another worker while one of its pages is still unsettled. Then it claims more.

Work is counted per host: one unit per request the spider makes for the host and one per item
still in the pipelines. The counts change on the reactor thread (callbacks, item signals) and
in the spider's worker threads (requests built there), hence the lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from crawler.core.clock import utcnow
from crawler.core.errors import CycleCounter
from crawler.core.urls import host_of
from crawler.core.worker import machine_name, worker_id
from crawler.store import FeedState, PendingUrl, RecheckTarget

if TYPE_CHECKING:
    from crawler.cycle.runtime import CycleRuntime

logger = logging.getLogger(__name__)
NEVER_POLLED = datetime.min.replace(tzinfo=UTC)  # a feed never polled is the most overdue
# A worker that has room looks for hosts freed by others this often (and sooner when one of
# its own hosts finishes).
LOOK_AGAIN_SECONDS = 2.0
# Due re-checks read per claim, of which only those on the hosts just taken are kept.
RECHECK_SCAN = 5000


@dataclass
class HostWork:
    """What one host owes this cycle, taken with its lease."""

    host: str
    feeds: list[FeedState] = field(default_factory=list)
    pending: list[tuple[PendingUrl, FeedState | None]] = field(default_factory=list)  # with its feed
    rechecks: list[RecheckTarget] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.feeds) + len(self.pending) + len(self.rechecks)


class HostShare:
    """The hosts this cycle holds; one per CycleRuntime on a shared store (``runtime.host_share``)."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime
        crawl = runtime.config.crawl
        self.worker = worker_id()
        self.lease_seconds = crawl.host_lease
        self.capacity = max(1, math.ceil(crawl.concurrent_requests / crawl.concurrent_requests_per_host))
        self.started_at = utcnow()
        self._outstanding: dict[str, int] = {}  # held host -> units of work not yet settled
        self._touched: set[str] = set()  # every host held during this cycle
        self._polled: set[int] = set()  # feed ids polled this cycle
        self._requested: set[str] = set()  # pending URLs requested this cycle
        self._rechecks_left = runtime.config.recheck.max_per_cycle if runtime.config.recheck.enabled else 0
        self._lock = threading.Lock()
        self._changed: asyncio.Event | None = None
        self._by_id: dict[int, FeedState] = {}  # the selected feeds, as last read
        self._articles_before = 0
        self._closed = False

    # -- what this worker holds -----------------------------------------------------------------

    def take(self, host: str) -> bool:
        """Count a request for `host` if this worker holds it; False (nothing counted) if not."""
        with self._lock:
            if host not in self._outstanding:
                return False
            self._outstanding[host] += 1
            return True

    @property
    def held(self) -> list[str]:
        with self._lock:
            return list(self._outstanding)

    def add(self, host: str, units: int = 1) -> None:
        """More work on a held host: a request built for it, an item entering the pipelines."""
        with self._lock:
            if host in self._outstanding:
                self._outstanding[host] += units

    def done(self, host: str) -> None:
        """One unit of the host's work is settled; at zero the host may be given back."""
        with self._lock:
            if host not in self._outstanding:
                return
            self._outstanding[host] -= 1
            finished = self._outstanding[host] <= 0
        if finished and self._changed is not None:
            self._changed.set()

    # -- claiming and giving back (store calls: run these in a thread) ---------------------------

    def register(self) -> None:
        """Say who runs this cycle, so `newswatch workers` lists it."""
        self._articles_before = self.runtime.store.register_worker(
            self.worker, machine_name(), os.getpid(), self.runtime.cycle_id, utcnow()
        )

    def next_work(self, names: Sequence[str]) -> list[HostWork]:
        """Give back the hosts whose work is done (or take their new work), then claim more."""
        store, config = self.runtime.store, self.runtime.config
        selected = list(names) or [feed.name for feed in config.feeds if feed.enabled]
        feeds = store.feeds(selected)
        self._by_id = {feed.id: feed for feed in feeds}
        feed_ids = list(self._by_id)
        now = utcnow()
        due = {
            feed.id: feed
            for feed in feeds
            if feed.is_due(now, named=bool(names)) and feed.id not in self._polled
        }
        work: list[HostWork] = []
        finished = [host for host, units in self._snapshot().items() if units <= 0]
        released = []
        for host in finished:
            more = self._work_on(host, due, feed_ids, now)
            if more.size:
                work.append(self._hold(more))
                continue
            with self._lock:  # a held host's feed may have just found it new work
                if self._outstanding.get(host, 0) <= 0:
                    self._outstanding.pop(host, None)
                    released.append(host)
        store.release_hosts(self.worker, released)
        room = self.capacity - len(self.held)
        if room > 0:
            wanted = self._wanted(due, feed_ids)
            taken = store.claim_hosts(self.worker, wanted, room, now, self.lease_seconds)
            rechecks = self._due_rechecks(set(taken), bool(names), now)
            for host in taken:
                claimed = self._work_on(host, due, feed_ids, now)
                claimed.rechecks = rechecks.get(host, [])[: self._rechecks_left]
                self._rechecks_left -= len(claimed.rechecks)
                self.runtime.count(CycleCounter.HOSTS_TAKEN)
                if claimed.size:
                    work.append(self._hold(claimed))
                else:  # another worker finished it between our look and our claim
                    with self._lock:
                        self._touched.add(host)
                    store.release_hosts(self.worker, [host])
        return work

    def _wanted(self, due: dict[int, FeedState], feed_ids: list[int]) -> list[str]:
        """Hosts with work, most overdue first, without those this worker holds or has emptied."""
        overdue: dict[str, datetime] = {}
        for feed in due.values():
            host = host_of(feed.fetch_url)
            since = feed.next_check_at or NEVER_POLLED
            overdue[host] = min(since, overdue.get(host, since))
        for host, oldest in self.runtime.store.pending_hosts(feed_ids, self.started_at).items():
            overdue[host] = min(oldest, overdue.get(host, oldest))
        held = set(self.held)
        wanted = [
            host for host in sorted(overdue, key=lambda h: (overdue[h], h)) if host and host not in held
        ]
        # A host held earlier in this cycle comes back only with work this worker has not done.
        return [
            host
            for host in wanted
            if host not in self._touched or self._work_on(host, due, feed_ids, utcnow(), peek=True).size
        ]

    def _work_on(
        self, host: str, due: dict[int, FeedState], feed_ids: list[int], now: datetime, *, peek: bool = False
    ) -> HostWork:
        feeds = [feed for feed in due.values() if host_of(feed.fetch_url) == host]
        pending = [
            url
            for url in self.runtime.store.pending_on_host(host, feed_ids, self.started_at)
            if url.canonical_url not in self._requested
        ]
        if not peek:
            with self._lock:
                self._polled.update(feed.id for feed in feeds)
                self._requested.update(url.canonical_url for url in pending)
            for feed in feeds:
                due.pop(feed.id, None)
            self.runtime.count(CycleCounter.FEEDS_DUE, len(feeds))
            self.runtime.count(CycleCounter.ARTICLES_REQUESTED, len(pending))
        owned = [(url, self._by_id.get(url.feed_id) if url.feed_id is not None else None) for url in pending]
        return HostWork(host, feeds, owned)

    def _due_rechecks(self, hosts: set[str], named: bool, now: datetime) -> dict[str, list[RecheckTarget]]:
        if named or not hosts or self._rechecks_left <= 0:
            return {}
        by_host: dict[str, list[RecheckTarget]] = {}
        for target in self.runtime.store.due_for_recheck(now, RECHECK_SCAN):
            host = host_of(target.url)
            if host in hosts:
                by_host.setdefault(host, []).append(target)
        return by_host

    def _hold(self, work: HostWork) -> HostWork:
        with self._lock:
            self._outstanding[work.host] = self._outstanding.get(work.host, 0) + work.size
            self._touched.add(work.host)
        self.runtime.count(CycleCounter.ARTICLES_RECHECKED, len(work.rechecks))
        return work

    def _snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._outstanding)

    def take_pending(self, host: str, canonical: str) -> bool:
        """Count a request for a pending URL a held host's feed just found, if this worker holds
        the URL's host (it is then never requested again in this cycle)."""
        with self._lock:
            if host not in self._outstanding:
                return False
            self._outstanding[host] += 1
            self._requested.add(canonical)
            return True

    def renew(self) -> None:
        """Extend the leases held and beat the worker's heart; a lease found lost is dropped."""
        store = self.runtime.store
        held = self.held
        renewed = store.renew_leases(self.worker, held, utcnow(), self.lease_seconds)
        lost = set(held) - renewed
        if lost:
            logger.warning(
                "host lease lost (expired and taken by another worker): %s", ", ".join(sorted(lost))
            )
            with self._lock:
                for host in lost:
                    self._outstanding.pop(host, None)
        store.worker_heartbeat(self.worker, self.articles_done(), utcnow())

    def articles_done(self) -> int:
        counts = self.runtime.counts()
        done = (
            counts.articles_new
            + counts.articles_duplicate
            + counts.articles_irrelevant
            + counts.articles_failed
        )
        return self._articles_before + done

    def close(self, *, stopped: bool) -> None:
        """Give every lease back and record the worker's last heartbeat (``stopped``: it exits)."""
        if self._closed:
            return
        self._closed = True
        store = self.runtime.store
        try:
            store.release_hosts(self.worker, self.held)
            store.worker_heartbeat(self.worker, self.articles_done(), utcnow(), stopped=stopped)
        except Exception as exc:  # the database went away: the leases expire on their own
            logger.warning(
                "could not give back host leases (%s); they expire in %gs", exc, self.lease_seconds
            )

    # -- waiting (on the reactor's event loop) ---------------------------------------------------

    async def changed(self, timeout: float = LOOK_AGAIN_SECONDS) -> None:
        """Until one of the held hosts finishes, or `timeout` passes."""
        if self._changed is None:
            self._changed = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)
        self._changed.clear()

    async def keep_renewed(self) -> None:
        """Renew the leases every third of their length until cancelled."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                await asyncio.to_thread(self.renew)
            except Exception as exc:  # a database blip: the next renewal may get through
                logger.warning("could not renew host leases: %s", exc)
