"""Crash safety: `kill -9` at random points of a real cycle never costs the store anything.

Rounds of real `newswatch run` processes are killed with SIGKILL after a random delay, against a
local server whose article pages answer slowly enough that the kills land in every phase of a
cycle: start-up and migration, the feed poll, article downloads, extraction and store writes.
After every kill the SQLite file must pass its integrity check, every article row must be
whole and matched by its URL row, and nothing stored earlier may be gone. Then one cycle runs
to completion and every article must be there exactly once, with nothing left pending.

The delays come from ``random.Random(seed)``; the seed is printed (``-s`` shows it, a failure
shows it always) and ``NEWSWATCH_CRASH_SEED=N`` replays the same delays. A replay is not exact:
where a delay lands depends on how fast the machine is, which is why every round checks
everything instead of predicting where a kill will land.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from tests.support import REPO
from tests.support.cli import cli_command, newswatch, write_config
from tests.support.database import query
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, rss
from tests.support.slow_stories import STORIES, SlowPages, canonical
from tests.support.waiting import wait_for

# SIGKILLs that must land while a cycle is running. The aimed test below lands one in each phase
# for sure; these are extra coverage, one in each of nine equal slices of a cycle's span.
KILLS_WANTED = 9
KILLS_PER_ROUND = 3
MAX_ROUNDS = 15  # bounds the test; kills that find a cycle ended narrow the span of later ones
SHORTEST_KILL_DELAY = 0.2
SLOW_PAGE_SECONDS = 0.3
FEED_PATH = "/crash/feed.xml"
FETCHING = "fetching/extracting (nothing stored yet by this run)"


def publish(server: MockServer, stories: list[Story], feed_path: str, slow: SlowPages | None) -> None:
    """Serve the stories (slowly, or at once) and a feed with validators listing all of them."""
    for story in stories:
        page = Page(article_html(story))
        server.serve(story.path, slow.behaviour(page) if slow else page)
    items = [(story.title, server.url(story.path), story.published) for story in stories]
    feed = rss("Crash Test Daily", server.base, items)
    server.serve(feed_path, Page(feed, content_type="application/rss+xml", etag='"crash-v1"'))


@dataclass(frozen=True)
class StoreState:
    """What a check of the store found: the articles stored and the URLs still owed a request."""

    stored: frozenset[str]  # canonical URLs with an article row
    pending: frozenset[str]
    feed_polled: bool
    migrated: bool = True  # the schema exists (the first migration committed)


@dataclass(frozen=True)
class KillOutcome:
    """One attempt: where the kill landed, judged from what the store shows afterwards."""

    delay: float  # seconds until the kill, or until the cycle ended by itself
    pid: int
    killed: bool  # False: the cycle had ended by itself before the delay ran out
    run_status: str | None  # of the run row the cycle wrote; None if it had not written one
    before: StoreState
    after: StoreState

    @property
    def phase(self) -> str:
        if not self.killed:
            return "cycle had already ended"
        if not self.after.migrated:
            return "start-up (schema not created yet)"
        if self.run_status is None:
            return "start-up (no run row yet)"
        if self.run_status != "running":
            return "exiting (run row already closed)"
        if not self.after.feed_polled:
            return "before the feed poll was recorded"
        if len(self.after.stored) == len(self.before.stored):
            return FETCHING if self.after.pending else "closing down"
        return "storing" if self.after.pending else "after the last article was stored"

    def describe(self) -> str:
        return (
            f"kill after {self.delay:4.2f}s: {self.phase:<52} stored {len(self.before.stored):2} -> "
            f"{len(self.after.stored):2}, pending {len(self.after.pending):2}"
        )


def crash_seed() -> int:
    """NEWSWATCH_CRASH_SEED replays a run's delays; otherwise each run explores new kill points."""
    return int(os.environ.get("NEWSWATCH_CRASH_SEED") or random.SystemRandom().randrange(10**6))


class KillDelays:
    """Random kill delays, `block` at a time, one in each equal slice of the span a cycle lasts.

    The span starts as one measured uninterrupted cycle. A loaded machine stretches or squeezes
    cycles unpredictably, so each kill that finds its cycle already ended narrows the span to
    how long that cycle really took: later draws land inside running cycles instead of after
    them, whatever the machine's speed.
    """

    def __init__(self, rng: random.Random, span: float, block: int) -> None:
        self.rng, self.span, self.block = rng, span, block
        self._queue: list[float] = []

    def next(self) -> float:
        if not self._queue:
            width = (self.span - SHORTEST_KILL_DELAY) / self.block
            self._queue = [SHORTEST_KILL_DELAY + width * (i + self.rng.random()) for i in range(self.block)]
            self.rng.shuffle(self._queue)
        return self._queue.pop()

    def cycle_ended_within(self, seconds: float) -> None:
        if seconds < self.span:
            self.span = max(seconds, SHORTEST_KILL_DELAY * 2)
            self._queue.clear()


def check_store(database: Path) -> StoreState:
    """Integrity and completeness that must hold after any crash; returns what is stored and pending."""
    if not database.exists():  # killed before the engine created the file
        return StoreState(frozenset(), frozenset(), feed_polled=False, migrated=False)
    assert query(database, "PRAGMA integrity_check") == [("ok",)]
    assert query(database, "PRAGMA foreign_key_check") == []
    tables = {name for (name,) in query(database, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "articles" not in tables:  # killed inside the first migration: it rolled back as a whole
        assert "runs" not in tables and "urls" not in tables
        return StoreState(frozenset(), frozenset(), feed_polled=False, migrated=False)
    incomplete = query(
        database,
        """
        SELECT canonical_url FROM articles
        WHERE (text IS NULL AND duplicate_of IS NULL) OR text_length <= 0 OR length(content_hash) != 64
           OR title IS NULL OR source = '' OR site = '' OR relevance IS NULL OR matched_terms IS NULL
           OR authors IS NULL OR fetched_at IS NULL OR first_seen IS NULL OR feed_id IS NULL""",
    )
    assert incomplete == [], f"articles stored incomplete: {incomplete}"
    stored_twice = query(
        database, "SELECT canonical_url FROM articles GROUP BY canonical_url HAVING count(*) > 1"
    )
    assert stored_twice == [], f"canonical URLs stored twice: {stored_twice}"
    # Both halves of Store.save_article commit together, or neither does.
    url_without_article = query(
        database,
        """
        SELECT u.canonical_url FROM urls u LEFT JOIN articles a ON a.id = u.article_id
        WHERE u.status IN ('stored', 'duplicate') AND (a.id IS NULL OR a.canonical_url != u.canonical_url)""",
    )
    assert url_without_article == [], f"URL rows marked stored without their article: {url_without_article}"
    article_without_url = query(
        database,
        """
        SELECT a.canonical_url FROM articles a LEFT JOIN urls u ON u.canonical_url = a.canonical_url
        WHERE u.status IS NULL OR u.status NOT IN ('stored', 'duplicate') OR u.article_id != a.id""",
    )
    assert article_without_url == [], f"articles whose URL row does not say stored: {article_without_url}"
    # A kill is not a failure of the page: nothing may be given up on or counted against it.
    unexpected = query(
        database,
        "SELECT canonical_url, status, attempts FROM urls "
        "WHERE status NOT IN ('pending', 'stored') OR attempts != 0",
    )
    assert unexpected == [], f"URLs charged for a crash: {unexpected}"
    pending = query(database, "SELECT canonical_url FROM urls WHERE status = 'pending'")
    return StoreState(
        stored=frozenset(url for (url,) in query(database, "SELECT canonical_url FROM articles")),
        pending=frozenset(url for (url,) in pending),
        feed_polled=bool(query(database, "SELECT 1 FROM feeds WHERE last_polled_at IS NOT NULL")),
    )


def processes_in_group(group: int) -> list[psutil.Process]:
    """Live (not zombie) members of a process group: a cycle, its forkserver, its extraction workers."""
    members = []
    for process in psutil.process_iter(["status"]):
        try:
            if os.getpgid(process.pid) == group and process.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(process)
        except (ProcessLookupError, psutil.Error):
            continue
    return members


def kill_a_cycle(
    config: Path, database: Path, delay: float, log: Path, when: Callable[[], bool] | None = None
) -> KillOutcome:
    """Start `newswatch run`, SIGKILL it (the main process only, as the OOM killer would) after
    `delay`, or as soon as `when()` holds if given (checked every 20 ms, `delay` then a bound)."""
    before = check_store(database)
    with log.open("wb") as output:
        cycle = subprocess.Popen(
            cli_command(config, "run"),
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            start_new_session=True,  # a group of its own, so its worker processes can be found
        )
    started = time.monotonic()
    try:
        try:
            if when is None:
                cycle.wait(timeout=delay)  # the delay itself, cut short only if the cycle ends first
            else:
                while cycle.poll() is None and not when() and time.monotonic() < started + delay:
                    time.sleep(0.02)
                delay = time.monotonic() - started  # reported as when the kill came
                cycle.wait(timeout=0)  # still running: TimeoutExpired, and the kill below
            killed = False
            delay = time.monotonic() - started  # ended by itself: how long it ran
        except subprocess.TimeoutExpired:
            cycle.send_signal(signal.SIGKILL)
            cycle.wait(timeout=30)
            killed = True
        # Orphaned extraction workers must notice that their parent is gone and exit, or every
        # crash would leave processes (and their memory) behind.
        wait_for(lambda: not processes_in_group(cycle.pid), 30, "the killed cycle's worker processes to exit")
    finally:
        for leftover in processes_in_group(cycle.pid):
            leftover.kill()
    assert killed or cycle.returncode == 0, f"exit status {cycle.returncode}:\n{log.read_text()[-3000:]}"
    after = check_store(database)
    assert after.stored >= before.stored, f"stored articles lost: {sorted(before.stored - after.stored)}"
    run = query(database, "SELECT status FROM runs WHERE pid = ?", cycle.pid) if after.migrated else []
    return KillOutcome(delay, cycle.pid, killed, run[0][0] if run else None, before, after)


def storing_has_begun(database: Path) -> Callable[[], bool]:
    """True once a cycle has stored an article into this store while others are still owed."""
    stored_before = len(check_store(database).stored)

    def check() -> bool:
        try:
            ((stored, pending),) = query(
                database,
                "SELECT (SELECT count(*) FROM articles),"
                " (SELECT count(*) FROM urls WHERE status = 'pending')",
            )
        except sqlite3.Error:  # not created yet, or locked for a moment: not yet
            return False
        return stored > stored_before and pending > 0

    return check


def complete_the_round(
    server: MockServer, slow: SlowPages, config: Path, database: Path, expected: dict[str, str]
) -> None:
    """A cycle run to the end fetches exactly what the kills left owed; then everything is there once."""
    before = check_store(database)
    publish(server, STORIES, FEED_PATH, slow=None)  # the slow pages are there for the kills to land in
    slow.wait_until_answered()  # requests of the last killed cycle must not count as this cycle's
    server.clear_log()

    result = newswatch("run", "--feed", "crash", config=config)

    assert result.returncode == 0, result.stderr
    after = check_store(database)
    assert after.stored == set(expected), f"missing after a cycle: {sorted(set(expected) - after.stored)}"
    assert after.pending == frozenset()
    assert query(database, "SELECT count(*), count(duplicate_of) FROM articles") == [(len(expected), 0)]
    requested = sorted(path for path in server.paths_requested() if path in expected.values())
    owed = sorted(path for url, path in expected.items() if url not in before.stored)
    assert requested == owed, "the completing cycle must fetch each owed page once, and no stored one"


def assert_only_killed_runs_left_running(database: Path, outcomes: list[KillOutcome]) -> None:
    """A SIGKILLed `newswatch run` cannot close its run row: the next `run` closes it as killed
    ("process died"); nothing else may be left 'running' or end otherwise than finished."""
    killed = {outcome.pid for outcome in outcomes if outcome.killed}
    if not check_store(database).migrated:
        return  # killed before the schema existed: no run rows at all
    rows = query(database, "SELECT pid, status, finish_reason FROM runs")
    left_running = {pid for pid, status, _ in rows if status == "running"}
    assert left_running <= killed, f"left 'running' by cycles that were not killed: {left_running - killed}"
    closed_as_killed = {pid for pid, status, reason in rows if (status, reason) == ("killed", "process died")}
    assert closed_as_killed <= killed, f"closed as killed but never killed: {closed_as_killed - killed}"
    others = [(pid, status, reason) for pid, status, reason in rows if status not in ("running", "killed")]
    assert {status for _, status, _ in others} <= {"finished"}, f"runs that did not finish: {others}"


def fresh_store(server: MockServer, folder: Path) -> tuple[Path, Path]:
    """(config, database) for an empty store watching the crash feed."""
    folder.mkdir()
    database = folder / "nw.db"
    feed: dict[str, object] = {"name": "crash", "url": server.url(FEED_PATH), "keep": "all"}
    # Autothrottle would pace the one local host to a request per ~0.15 s: longer cycles, no new phases.
    return write_config(folder, f"sqlite:///{database}", [feed], crawl={"autothrottle": False}), database


def time_a_whole_cycle(server: MockServer, slow: SlowPages, folder: Path, expected: dict[str, str]) -> float:
    """Wall time of one uninterrupted cycle into an empty store: the span the kills are spread over.

    Measured rather than assumed, so the kills cover every phase on a fast machine and a slow one.
    """
    config, database = fresh_store(server, folder)
    publish(server, STORIES, FEED_PATH, slow)
    started = time.monotonic()
    result = newswatch("run", config=config)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert check_store(database).stored == set(expected), "without kills, the cycle must store everything"
    return seconds


STARTING = "start-up (schema not created yet)"
AIMED_TRIES = 3  # an aimed kill that races past its phase is aimed again in a fresh store


def at_once() -> Callable[[], bool]:
    """Kill as soon as the cycle is started: it is still importing, before any schema exists."""
    return lambda: True


def fetching_has_begun(database: Path) -> Callable[[], bool]:
    """True once the feed poll is recorded with articles owed and none stored yet."""

    def check() -> bool:
        try:
            ((polled, stored, pending),) = query(
                database,
                "SELECT (SELECT count(*) FROM feeds WHERE last_polled_at IS NOT NULL),"
                " (SELECT count(*) FROM articles),"
                " (SELECT count(*) FROM urls WHERE status = 'pending')",
            )
        except sqlite3.Error:  # not created yet, or locked for a moment: not yet
            return False
        return polled > 0 and stored == 0 and pending > 0

    return check


@pytest.mark.slow
@pytest.mark.parametrize(
    ("phase", "aim"),
    [(STARTING, lambda database: at_once()), (FETCHING, fetching_has_begun), ("storing", storing_has_begun)],
    ids=["start-up", "fetching", "storing"],
)
def test_kill_9_aimed_at_each_phase_never_corrupts_loses_or_duplicates(
    server: MockServer, tmp_path: Path, phase: str, aim: Callable[[Path], Callable[[], bool]]
):
    """The kill is aimed by what the store shows, not by a delay: it lands in its phase on any machine."""
    expected = {canonical(server.url(story.path)): story.path for story in STORIES}
    slow = SlowPages(SLOW_PAGE_SECONDS)
    landed: list[str] = []
    for attempt in range(AIMED_TRIES):
        config, database = fresh_store(server, tmp_path / f"attempt-{attempt}")
        publish(server, STORIES, FEED_PATH, slow)
        outcome = kill_a_cycle(config, database, 120, database.parent / "cycle.log", when=aim(database))
        print(f"aimed at {phase}: {outcome.describe()}")
        assert_only_killed_runs_left_running(database, [outcome])
        complete_the_round(server, slow, config, database, expected)
        landed.append(outcome.phase)
        if outcome.phase == phase:
            break
    assert landed[-1] == phase, f"{AIMED_TRIES} kills aimed at {phase!r} landed in {landed}"


@pytest.mark.slow
def test_kill_9_at_random_points_never_corrupts_loses_or_duplicates(server: MockServer, tmp_path: Path):
    """Extra coverage beyond the aimed kills: wherever random delays land, nothing is lost."""
    seed = crash_seed()
    print(f"crash seed {seed} (replay with NEWSWATCH_CRASH_SEED={seed})")
    expected = {canonical(server.url(story.path)): story.path for story in STORIES}
    slow = SlowPages(SLOW_PAGE_SECONDS)
    whole_cycle = time_a_whole_cycle(server, slow, tmp_path / "uninterrupted", expected)
    print(f"seed {seed}: an uninterrupted cycle takes {whole_cycle:.1f}s, the span the kills are spread over")
    delays = KillDelays(random.Random(seed), whole_cycle, KILLS_WANTED)
    outcomes: list[KillOutcome] = []
    for round_number in range(MAX_ROUNDS):
        # A fresh store per round: kills into an empty store hit start-up and migration, and a
        # store that has everything finishes too fast for later kills to land mid-cycle.
        config, database = fresh_store(server, tmp_path / f"round-{round_number}")
        publish(server, STORIES, FEED_PATH, slow)
        round_outcomes: list[KillOutcome] = []
        for attempt in range(KILLS_PER_ROUND):
            outcome = kill_a_cycle(config, database, delays.next(), database.parent / f"cycle-{attempt}.log")
            print(f"seed {seed} round {round_number}: {outcome.describe()}")
            round_outcomes.append(outcome)
            if not outcome.killed:
                # Only a cycle into an empty store did a whole cycle's work, as the span measured;
                # one that found little owed ends early and says nothing about the span.
                if not outcome.before.stored:
                    delays.cycle_ended_within(outcome.delay)
                break  # the cycle finished the store's work: later kills would only find idle cycles
        assert_only_killed_runs_left_running(database, round_outcomes)
        complete_the_round(server, slow, config, database, expected)
        outcomes += round_outcomes
        if sum(outcome.killed for outcome in outcomes) >= KILLS_WANTED:
            break
    phases = Counter(outcome.phase for outcome in outcomes)
    print(f"seed {seed}: {len(outcomes)} attempts, landed: {dict(phases)}")
    landed = sum(outcome.killed for outcome in outcomes)
    assert landed >= KILLS_WANTED, f"only {landed} kills landed mid-cycle in {MAX_ROUNDS} rounds: {phases}"
