"""A pool of extraction worker processes with a size cap, a per-page deadline and recycling.

trafilatura has neither a timeout nor a size limit, and a hostile page can hang it or take
the interpreter down with it. So extraction never runs in the crawling process: each worker
slot is one dispatcher thread here and one child process there, talking over a pipe. The
thread sends one page, waits at most the deadline, and on silence kills *that* child only;
the next page that slot takes starts a fresh one. Workers are also retired after a number
of pages, which bounds what a leaky parse can hold on to.

Futures are ``concurrent.futures.Future``, so asyncio code awaits them with
``asyncio.wrap_future`` and Scrapy's reactor thread never blocks.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any

from crawler.core.errors import ExtractionError, ExtractionTimeout, InputTooLarge, PoolClosed, WorkerCrashed
from crawler.pages.encoded_page import EncodedPage

logger = logging.getLogger(__name__)

WORKER_START_TIMEOUT = 60.0  # seconds for a new worker to import its modules and report ready
_EXIT_OUT_OF_MEMORY = 75  # worker exit status after a MemoryError, for the crash message


# A page is HTML text, or bytes the target decodes (crawler.pages.encoded_page): anything with a len().
PageInput = str | EncodedPage
_Job = tuple["Future[Any]", PageInput, str]
_STOP = None  # queue sentinel: one per dispatcher thread at close


def extract_article(page: str, url: str) -> Any:
    """The default target: ``crawler.pages.extraction.extract_article``, imported in the worker
    (the crawling process that builds the pool never imports trafilatura)."""
    from crawler.pages.extraction import extract_article as extract

    return extract(page, url)


class ExtractionPool:
    """Run ``target(page, url)`` (``extract_article`` by default) in worker processes.

    ``target`` must be a top-level function, importable by the workers; tests pass stand-ins.
    """

    def __init__(
        self,
        workers: int | None = None,
        deadline_seconds: float = 30.0,
        max_input_chars: int = 5_000_000,
        max_tasks_per_worker: int = 500,
        target: Callable[[Any, str], Any] = extract_article,
    ) -> None:
        # One worker more than cores: a worker waiting for its dispatcher thread (which needs
        # this process's GIL, shared with Scrapy's reactor) would otherwise leave a core idle.
        # The extra worker costs memory; `bench/throughput.py --workers N` measures the trade.
        self.workers = workers or (os.cpu_count() or 1) + 1
        self.deadline_seconds = deadline_seconds
        self.max_input_chars = max_input_chars
        self.max_tasks_per_worker = max_tasks_per_worker
        self._target = target
        self._context = _process_context()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()  # orders submit() against close()
        self._closed = False
        self._slots = [_WorkerSlot(self, index) for index in range(self.workers)]
        for slot in self._slots:
            slot.thread.start()

    def submit(self, page: PageInput, url: str) -> Future[Any]:
        """Queue one page; the future holds what the target returns, or fails with an
        ExtractionError subclass; it never hangs."""
        future: Future[Any] = Future()
        if len(page) > self.max_input_chars:
            # refused here: a page this size never reaches a worker
            unit = "characters" if isinstance(page, str) else "bytes"
            future.set_exception(InputTooLarge(f"{len(page)} {unit}, limit {self.max_input_chars}"))
            return future
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to a closed ExtractionPool")
            self._jobs.put((future, page, url))
        return future

    def close(self) -> None:
        """Stop the pool: queued pages are cancelled, running ones fail with PoolClosed.

        Idempotent, and returns without waiting for a hung extraction.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._cancel_queued()
            for _ in self._slots:
                self._jobs.put(_STOP)
        for slot in self._slots:
            slot.kill_worker()  # wakes a dispatcher waiting on it; it then sees the pool closed
        for slot in self._slots:
            slot.thread.join()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _cancel_queued(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job[0].cancel()


def start_worker_server() -> None:
    """Start the workers' forkserver now, so that it loads what they preload while this process
    goes on with its own start-up (a backfill's Scrapy and store); pools started later in this
    process fork their workers from it. Without forkserver (spawn) there is nothing to start."""
    if _process_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _process_context() -> multiprocessing.context.BaseContext:
    # forkserver: safe to start from a threaded process (the reactor's, ours), and fast,
    # because the server has loaded trafilatura and the gazetteer once and each worker is a
    # fork of it.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["crawler.pages.worker_preload"])
    return context


class _WorkerSlot:
    """One dispatcher thread and the worker process it feeds (started on demand)."""

    def __init__(self, pool: ExtractionPool, index: int) -> None:
        self.pool = pool
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None
        self.tasks_done = 0
        self._lock = threading.Lock()  # guards process/conn against close() from another thread
        self.thread = threading.Thread(target=self._dispatch, name=f"extract-dispatch-{index}", daemon=True)

    def _dispatch(self) -> None:
        self._prestart()
        while (job := self.pool._jobs.get()) is not None:  # None: the _STOP sentinel
            future, page, url = job
            if future.set_running_or_notify_cancel():
                self._run(future, page, url)
        self.stop_worker(kill=True)

    def _prestart(self) -> None:
        """Start the worker before the first page arrives, so the crawl never waits for imports."""
        try:
            self._ready_worker()
        except Exception:  # the first page will try again and fail with a typed reason
            if not self.pool.closed:  # a short cycle may close the pool while workers still start
                logger.warning("could not start an extraction worker ahead of time", exc_info=True)

    def _run(self, future: Future[Any], page: PageInput, url: str) -> None:
        try:
            future.set_result(self._extract(page, url))
        except ExtractionError as exc:
            closed = PoolClosed("the pool was closed while this page was being extracted")
            future.set_exception(closed if self.pool.closed else exc)
        except Exception as exc:  # e.g. no process could be started: fail the page, keep the slot
            logger.exception("extraction worker failure for %s", url)
            future.set_exception(WorkerCrashed(f"could not run an extraction worker: {exc}"))

    def _extract(self, page: PageInput, url: str) -> Any:
        conn = self._ready_worker()
        try:
            conn.send((page, url))
            if not conn.poll(self.pool.deadline_seconds):
                self.stop_worker(kill=True)
                raise ExtractionTimeout(f"no result within {self.pool.deadline_seconds:g} s for {url}")
            ok, value = conn.recv()
        except (EOFError, OSError) as exc:
            raise self._crashed(f"extracting {url}") from exc
        self.tasks_done += 1
        if not ok:
            raise ExtractionError(value)
        return value

    def _ready_worker(self) -> Connection:
        """The live worker's pipe, retiring a worked-out one and starting one if needed."""
        if self.conn is not None and self.tasks_done >= self.pool.max_tasks_per_worker:
            self.stop_worker(kill=False)
        if self.process is not None and not self.process.is_alive():  # died while idle
            self.stop_worker(kill=True)
        if self.conn is None:
            self._start_worker()
        assert self.conn is not None
        return self.conn

    def _start_worker(self) -> None:
        parent_end, child_end = self.pool._context.Pipe()
        process = self.pool._context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child_end, self.pool._target), daemon=True
        )
        with self._lock:
            if self.pool.closed:
                raise PoolClosed("the pool is closed")
            process.start()
            self.process, self.conn, self.tasks_done = process, parent_end, 0
        child_end.close()
        try:
            if not parent_end.poll(WORKER_START_TIMEOUT) or parent_end.recv() != "ready":
                raise EOFError("worker did not report ready")
        except (EOFError, OSError) as exc:
            raise self._crashed("while starting") from exc

    def _crashed(self, when: str) -> WorkerCrashed:
        process = self.process
        self.stop_worker(kill=True)
        code = process.exitcode if process is not None else None
        return WorkerCrashed(f"extraction worker died (exit status {code}) {when}")

    def kill_worker(self) -> None:
        """Kill the current worker from another thread; its pipe stays for the dispatcher to close."""
        with self._lock:
            if self.process is not None:
                self.process.kill()

    def stop_worker(self, *, kill: bool) -> None:
        """End the current worker (dispatcher thread only): closing its pipe lets it exit."""
        with self._lock:
            process, conn = self.process, self.conn
            self.process = self.conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return
        if kill:
            process.kill()
        process.join(timeout=5)
        if process.exitcode is None:  # ignored its closed pipe: do not leave it behind
            process.kill()
            process.join()


def _worker_main(conn: Connection, target: Callable[[Any, str], Any]) -> None:
    """Worker process loop: one (page, url) in, one (ok, value) out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    conn.send("ready")
    while True:
        try:
            page, url = conn.recv()
        except EOFError:
            return
        try:
            reply: tuple[bool, Any] = (True, target(page, url))
        except MemoryError:
            # the interpreter may be in no state to go on; the parent reports a crash
            os._exit(_EXIT_OUT_OF_MEMORY)
        except Exception as exc:
            reply = (False, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except OSError:  # the parent closed the pipe: the pool is done with us
            return
        except Exception as exc:  # pickling failed before anything was written
            conn.send((False, f"the result could not be sent back: {exc}"))
