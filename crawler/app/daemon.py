"""`newswatch daemon`: APScheduler 3.x starting one cycle per tick, each in a child process.

A child per cycle because Twisted's reactor cannot restart, a hung crawl must be killable,
and memory is returned when the child exits. The child is `newswatch run`, so the daemon,
cron and a user at a terminal share the cycle lock and can never run two cycles at once.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import make_url

from crawler.app.metrics import DaemonMetrics
from crawler.core.clock import scheduler_now, utcnow
from crawler.core.config import Config
from crawler.core.errors import ExitStatus
from crawler.core.secrets import mask_logged_secrets
from crawler.core.worker import WORKER_ID_ENV, machine_name
from crawler.store import Store
from crawler.store.engine import make_engine

logger = logging.getLogger("newswatch.daemon")


class Daemon:
    """The scheduler, the running child (if any) and a clean stop on SIGTERM/SIGINT."""

    def __init__(self, config: Config, metrics: DaemonMetrics | None = None) -> None:
        self.config = config
        # Every cycle process of this daemon is one worker: the same owner on host leases.
        self.worker = f"{machine_name()}:{os.getpid()}"
        shared = make_url(config.database_url).get_backend_name() == "postgresql"
        self.metrics = metrics or DaemonMetrics(worker=self.worker if shared else None)
        tick = config.daemon.tick
        self.scheduler = BlockingScheduler(
            timezone="UTC",
            job_defaults={
                # After downtime or a long cycle, missed ticks collapse into one run (no burst);
                # a tick later than one interval is skipped, since the next tick comes soon anyway.
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(int(tick), 1),
            },
        )
        self.stopping = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None
        self._child_lock = threading.Lock()
        self._store: Store | None = None
        self._cycle_done = threading.Event()
        self._cycle_done.set()

    @property
    def hard_limit(self) -> float:
        """Scrapy closes the crawl itself at cycle_time_limit; this is the backstop after that."""
        return self.config.crawl.cycle_time_limit + self.config.daemon.stop_grace

    def run(self) -> int:
        """Serve until SIGTERM/SIGINT; exit status 0 after a clean stop."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        if self.config.daemon.metrics_port:
            self.metrics.serve(self.config.daemon.metrics_address, self.config.daemon.metrics_port)
        # A tick that finds the previous cycle still running is simply skipped (max_instances=1):
        # expected whenever a cycle outlasts the tick, so neither logged as a warning nor counted.
        logging.getLogger("apscheduler.scheduler").addFilter(_SkipMaxInstancesNotice())
        self.scheduler.add_listener(self._on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self.scheduler.add_job(
            self.cycle,
            IntervalTrigger(seconds=self.config.daemon.tick),
            id="cycle",
            name="cycle",
            next_run_time=scheduler_now(),  # one catch-up cycle at start: every overdue feed is due in it
        )
        self.scheduler.add_job(
            self.prune,
            IntervalTrigger(days=1),
            id="prune",
            name="prune failures",
            next_run_time=scheduler_now() + timedelta(minutes=5),
        )
        logger.info(
            "daemon started",
            extra={"event": "daemon_started", "tick": self.config.daemon.tick, "hard_limit": self.hard_limit},
        )
        self.scheduler.start()  # blocks until shutdown
        self._cycle_done.wait(self.config.daemon.stop_grace + 10)
        self._worker_stopped()
        logger.info("daemon stopped", extra={"event": "daemon_stopped"})
        return 0

    def cycle(self) -> None:
        """One cycle in a child process, killed if it outlives the hard limit."""
        if self.stopping.is_set():
            return
        self._cycle_done.clear()
        started = time.monotonic()
        try:
            outcome, pid = self._run_child()
        finally:
            self._cycle_done.set()
        seconds = time.monotonic() - started
        self._observe_store(pid, outcome)  # first: a scrape that sees this cycle sees its articles too
        self.metrics.cycles.labels(outcome).inc()
        self.metrics.cycle_seconds.observe(seconds)
        self.metrics.last_cycle.set(utcnow().timestamp())
        logger.info(
            "cycle %s after %.1fs",
            outcome,
            seconds,
            extra={"event": "cycle_done", "outcome": outcome, "seconds": round(seconds, 2), "pid": pid},
        )

    def _run_child(self) -> tuple[str, int]:
        command = [sys.executable, "-m", "crawler.app.cli", "--config", str(self.config.source_path), "run"]
        with self._child_lock:
            if self.stopping.is_set():
                return "skipped", 0
            child = self._child = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                cwd=Path.cwd(),
                env={**os.environ, WORKER_ID_ENV: self.worker},
            )
        try:
            code = child.wait(timeout=self.hard_limit)
        except subprocess.TimeoutExpired:
            logger.error(
                "cycle exceeded %.0fs; stopping it",
                self.hard_limit,
                extra={"event": "cycle_timeout", "pid": child.pid},
            )
            code = self._stop_child(child)
            return "killed", child.pid
        finally:
            with self._child_lock:
                self._child = None
        if code == ExitStatus.LOCKED:
            return "skipped", child.pid
        if code < 0:  # ended by a signal: stopped with the daemon, or killed after its grace period
            return "killed", child.pid
        return ("finished" if code == 0 else "failed"), child.pid

    def _stop_child(self, child: subprocess.Popen[bytes]) -> int:
        """SIGTERM (Scrapy finishes in-flight work), then SIGKILL after the grace period."""
        child.terminate()
        try:
            return child.wait(timeout=self.config.daemon.stop_grace)
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait()

    def _observe_store(self, pid: int, outcome: str) -> None:
        try:
            # Connect without migrating each time: the child cycle has brought the schema up to date.
            store = self._store or Store(make_engine(self.config.database_url))
            self._store = store
            if outcome == "killed":
                reason = "stopped with the daemon" if self.stopping.is_set() else "time limit"
                store.mark_cycles_killed(pid, utcnow(), reason=reason, host=socket.gethostname()[:255])
            cycle = store.last_cycle_of_pid(pid) if pid else None
            if cycle is not None and cycle["status"] != "running":
                self.metrics.observe_cycle(cycle)
            self.metrics.observe_feeds(store.feeds([f.name for f in self.config.feeds]), utcnow())
        except Exception:  # metrics must never take the daemon down
            logger.exception("could not read the store after a cycle")

    def _worker_stopped(self) -> None:
        """On a shared store: this worker is gone (its cycle gave its leases back already)."""
        if self.metrics.worker is None:
            return
        try:
            store = self._store or Store(make_engine(self.config.database_url))
            store.stop_worker(self.worker, utcnow())
        except Exception:  # the store may be gone; the leases expire by themselves
            logger.exception("could not record that this worker stopped")

    def prune(self) -> None:
        """Maintenance: drop failure records older than the retention period."""
        with Store.opened(self.config.database_url) as store:
            removed = store.prune_failures(utcnow() - timedelta(seconds=self.config.daemon.failure_retention))
        logger.info("pruned %d old failure records", removed, extra={"event": "pruned", "removed": removed})

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        kind = "error" if event.code == EVENT_JOB_ERROR else "missed"
        self.metrics.job_errors.labels(kind).inc()
        if event.code == EVENT_JOB_ERROR:
            logger.error(
                "job %s raised: %r",
                event.job_id,
                event.exception,
                extra={"event": "job_error", "job": event.job_id, "traceback": event.traceback},
            )
        else:
            logger.warning(
                "job %s %s", event.job_id, kind, extra={"event": "job_" + kind, "job": event.job_id}
            )

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        """Stop taking work; the running cycle gets the grace period to finish, then is killed."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        logger.info("received %s; stopping", signal.Signals(signum).name, extra={"event": "stopping"})
        with self._child_lock:
            child = self._child
        if child is not None:
            child.terminate()
            timer = threading.Timer(self.config.daemon.stop_grace, _kill_if_alive, args=(child,))
            timer.daemon = True
            timer.start()
        self.scheduler.shutdown(wait=False)


class _SkipMaxInstancesNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


def _kill_if_alive(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.kill()


# --- logging: readable text, or one JSON object per line for log shippers ------------------

# Attributes every LogRecord has; anything else was passed with `extra=` and belongs in the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """{"ts", "level", "logger", "msg", ...extra fields}."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items() if key not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    """Send logs to stderr in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    mask_logged_secrets()
