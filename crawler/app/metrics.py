"""Prometheus metrics served by the daemon (cycles, durations, articles, failures, feed lag)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Metric, start_http_server
from prometheus_client.registry import Collector

from crawler.core.errors import CycleCounter as C
from crawler.store import FeedState

# newswatch_articles_total{outcome}
ARTICLE_OUTCOMES = {
    "new": C.ARTICLES_NEW,
    "duplicate": C.ARTICLES_DUPLICATE,
    "irrelevant": C.ARTICLES_IRRELEVANT,
    "failed": C.ARTICLES_FAILED,
}


class DaemonMetrics:
    """The daemon's metrics in their own registry (no global state shared with other code).

    On a shared store every sample carries ``worker="machine:pid"``, so one dashboard can tell
    the workers apart.
    """

    def __init__(self, worker: str | None = None) -> None:
        self.worker = worker
        self.registry = CollectorRegistry()
        self.cycles = Counter("newswatch_cycles", "Cycles by outcome", ["outcome"], registry=self.registry)
        self.cycle_seconds = Histogram(
            "newswatch_cycle_duration_seconds",
            "Wall time of a cycle",
            registry=self.registry,
            buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600),
        )
        self.feeds_polled = Counter(
            "newswatch_feeds_polled", "Feed polls", ["result"], registry=self.registry
        )
        self.articles = Counter(
            "newswatch_articles", "Articles by outcome", ["outcome"], registry=self.registry
        )
        self.failures = Counter(
            "newswatch_failures", "Failures by typed reason", ["reason"], registry=self.registry
        )
        self.job_errors = Counter(
            "newswatch_job_errors", "Scheduler job errors and misses", ["kind"], registry=self.registry
        )
        self.feed_lag = Gauge(
            "newswatch_feed_lag_seconds",
            "Seconds since a feed's last successful poll",
            ["feed"],
            registry=self.registry,
        )
        self.last_cycle = Gauge(
            "newswatch_last_cycle_timestamp_seconds",
            "End of the last cycle (unix time)",
            registry=self.registry,
        )

    def serve(self, address: str, port: int) -> None:
        registry = self.registry
        if self.worker is not None:
            registry = CollectorRegistry()
            registry.register(WorkerLabelled(self.registry, self.worker))
        start_http_server(port, addr=address, registry=registry)

    def observe_cycle(self, cycle: dict[str, Any]) -> None:
        """Add one finished cycle's counts (its `runs` row)."""
        polled, not_modified = cycle[C.FEEDS_POLLED], cycle[C.FEEDS_NOT_MODIFIED]
        failed = cycle[C.FEEDS_FAILED]
        self.feeds_polled.labels("not-modified").inc(not_modified)
        self.feeds_polled.labels("failed").inc(failed)
        self.feeds_polled.labels("changed").inc(max(polled - not_modified - failed, 0))
        for outcome, counter in ARTICLE_OUTCOMES.items():
            self.articles.labels(outcome).inc(cycle[counter])
        for reason, count in (cycle["failures"] or {}).items():
            self.failures.labels(reason).inc(count)

    def observe_feeds(self, feeds: list[FeedState], now: datetime) -> None:
        for feed in feeds:
            if feed.last_success_at is not None:
                self.feed_lag.labels(feed.name).set((now - feed.last_success_at).total_seconds())


class WorkerLabelled(Collector):
    """Every metric of `inner`, with a worker label added to each sample."""

    def __init__(self, inner: CollectorRegistry, worker: str) -> None:
        self.inner = inner
        self.worker = worker

    def collect(self) -> Iterator[Metric]:
        for metric in self.inner.collect():
            labelled = Metric(metric.name, metric.documentation, metric.type, metric.unit)
            labelled.samples = [
                sample._replace(labels={**sample.labels, "worker": self.worker}) for sample in metric.samples
            ]
            yield labelled
