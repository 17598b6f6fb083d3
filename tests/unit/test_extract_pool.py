"""Behaviour of crawler.pages.pool: worker processes, deadlines, crashes, caps, recycling.

The stand-in target (tests/support/extract_pool_targets.py) takes its orders from the page text, so
each test says exactly what a worker does. Nothing waits on the clock except the deadline
tests, which wait for the deadline itself.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future
from pathlib import Path

import pytest

from crawler.core.errors import ExtractionError, ExtractionTimeout, InputTooLarge, PoolClosed, WorkerCrashed
from crawler.pages.extraction import ExtractedArticle
from crawler.pages.pool import ExtractionPool
from tests.support.extract_pool_targets import scripted

URL = "https://news.example.org/a"
GENEROUS = 120.0  # seconds: only reached when a test is failing


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    with ExtractionPool(workers=2, deadline_seconds=GENEROUS, target=scripted) as two_workers:
        yield two_workers


def run(pool: ExtractionPool, html: str) -> object:
    return pool.submit(html, URL).result(timeout=GENEROUS)


def worker_pid(pool: ExtractionPool) -> int:
    pid = run(pool, "pid")
    assert isinstance(pid, int)
    return pid


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_pages_are_extracted_in_worker_processes(pool: ExtractionPool) -> None:
    assert run(pool, "hello") == "HELLO"
    assert worker_pid(pool) != os.getpid()


def test_workers_inherit_the_gazetteer_instead_of_loading_it(pool: ExtractionPool) -> None:
    assert run(pool, "gazetteer-loaded") is True


def test_default_target_is_the_real_extractor() -> None:
    paragraph = "The county board voted on Tuesday to end its agreement with federal authorities. " * 5
    html = f"<html lang='en'><body><article><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
    with ExtractionPool(workers=1, deadline_seconds=GENEROUS) as pool:
        article = pool.submit(html, URL).result(timeout=GENEROUS)
    assert isinstance(article, ExtractedArticle)
    assert article.text.startswith("The county board voted")
    assert article.language == "en"


def test_default_worker_count_is_one_more_than_the_cpu_count() -> None:
    with ExtractionPool(target=scripted) as pool:
        assert pool.workers == (os.cpu_count() or 1) + 1


def test_workers_extract_pages_in_parallel(pool: ExtractionPool, tmp_path: Path) -> None:
    # each job blocks on a FIFO until the other opens it: both finish only if both run at once
    fifo = tmp_path / "meet"
    os.mkfifo(fifo)
    writer = pool.submit(f"fifo-write:{fifo}", URL)
    reader = pool.submit(f"fifo-read:{fifo}", URL)
    assert writer.result(timeout=GENEROUS) is True
    assert reader.result(timeout=GENEROUS) is True


def test_results_can_be_awaited_from_asyncio(pool: ExtractionPool) -> None:
    async def extract_both() -> list[object]:
        futures = [asyncio.wrap_future(pool.submit(page, URL)) for page in ("one", "two")]
        return list(await asyncio.gather(*futures))

    assert asyncio.run(extract_both()) == ["ONE", "TWO"]


def test_page_past_the_deadline_times_out_and_its_worker_is_replaced() -> None:
    with ExtractionPool(workers=1, deadline_seconds=2.0, target=scripted) as pool:
        first_pid = worker_pid(pool)
        with pytest.raises(ExtractionTimeout) as raised:
            pool.submit("hang", URL).result(timeout=GENEROUS)
        assert raised.value.reason == "extract-timeout"
        assert not is_running(first_pid)  # killed, not left hanging
        second_pid = worker_pid(pool)
        assert second_pid != first_pid
        assert run(pool, "still serving") == "STILL SERVING"


def test_timeout_leaves_the_other_worker_alone() -> None:
    with ExtractionPool(workers=2, deadline_seconds=5.0, target=scripted) as pool:
        hung = pool.submit("hang", URL)
        # the hung page holds one worker, so these all go to the other one
        other_pids = {worker_pid(pool) for _ in range(3)}
        assert len(other_pids) == 1
        with pytest.raises(ExtractionTimeout):
            hung.result(timeout=GENEROUS)
        assert is_running(other_pids.pop())
        assert [run(pool, page) for page in ("a", "b", "c")] == ["A", "B", "C"]


@pytest.mark.parametrize("crash", ["exit", "segfault", "memory"])
def test_dead_worker_is_reported_and_replaced(crash: str) -> None:
    with ExtractionPool(workers=1, deadline_seconds=GENEROUS, target=scripted) as pool:
        first_pid = worker_pid(pool)
        with pytest.raises(WorkerCrashed) as raised:
            pool.submit(crash, URL).result(timeout=GENEROUS)
        assert raised.value.reason == "extract-crash"
        assert worker_pid(pool) != first_pid
        assert run(pool, "after") == "AFTER"


def test_target_exception_fails_the_page_not_the_worker(pool: ExtractionPool) -> None:
    with pytest.raises(ExtractionError, match="ValueError: bad page") as raised:
        pool.submit("raise:bad page", URL).result(timeout=GENEROUS)
    assert raised.value.reason == "extract-error"
    assert run(pool, "fine") == "FINE"


def test_result_that_cannot_be_sent_back_fails_the_page(pool: ExtractionPool) -> None:
    with pytest.raises(ExtractionError, match="could not be sent back"):
        pool.submit("unpicklable", URL).result(timeout=GENEROUS)
    assert run(pool, "fine") == "FINE"


def test_input_over_the_cap_is_refused_before_any_worker() -> None:
    with ExtractionPool(workers=1, max_input_chars=10, target=scripted) as pool:
        future = pool.submit("x" * 11, URL)
        assert future.done()  # refused in submit(), nothing was queued
        with pytest.raises(InputTooLarge) as raised:
            future.result()
        assert raised.value.reason == "too-large"
        assert run(pool, "x" * 10) == "X" * 10


def test_worker_is_recycled_after_its_task_budget() -> None:
    with ExtractionPool(
        workers=1, deadline_seconds=GENEROUS, max_tasks_per_worker=2, target=scripted
    ) as pool:
        pids = [worker_pid(pool) for _ in range(5)]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    assert len(set(pids)) == 3


def test_close_is_idempotent_and_refuses_new_pages() -> None:
    pool = ExtractionPool(workers=1, target=scripted)
    assert run(pool, "x") == "X"
    pool.close()
    pool.close()
    assert pool.closed
    with pytest.raises(RuntimeError):
        pool.submit("late", URL)


def test_context_manager_closes_the_pool() -> None:
    with ExtractionPool(workers=1, target=scripted) as pool:
        worker = worker_pid(pool)
    assert pool.closed
    assert not is_running(worker)


def test_close_does_not_wait_for_a_hung_page() -> None:
    pool = ExtractionPool(workers=1, deadline_seconds=GENEROUS, target=scripted)
    futures = [pool.submit("hang", URL), pool.submit("queued", URL)]
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < GENEROUS / 4  # far below the deadline it would otherwise wait
    for future in futures:
        assert_cancelled_or_closed(future)


def assert_cancelled_or_closed(future: Future[ExtractedArticle | None]) -> None:
    assert future.done()
    try:
        future.result(timeout=0)
    except CancelledError:
        return
    except PoolClosed as closed:
        assert closed.reason == "pool-closed"
        return
    pytest.fail("a page outlived the pool's close()")
