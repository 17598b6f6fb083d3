"""Crash safety (HOSTILE 28): `kill -9` at random points of a real cycle never costs the store anything.

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
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psutil
import pytest

from crawler.core.urls import canonical_url
from tests.conftest import REPO, cli_command, newswatch, write_config
from tests.mockserver import Behaviour, MockServer, Page
from tests.pages import Story, article_html, rss
from tests.support.dates import ago
from tests.test_daemon import wait_for

KILLS_WANTED = 21  # SIGKILLs that must land while a cycle is running
KILLS_PER_ROUND = 3
MAX_ROUNDS = 30  # bounds the test; kills that find a cycle ended narrow the span of later ones
SHORTEST_KILL_DELAY = 0.2
SLOW_PAGE_SECONDS = 0.3
FEED_PATH = "/crash/feed.xml"
FETCHING = "fetching/extracting (nothing stored yet by this run)"
STORIES_PUBLISHED = ago(days=60)  # thirty stories an hour apart, two months back

# (slug, title, lead, detail): thirty different stories, so no two texts share a content hash.
_STORY_TEXTS = [
    (
        "ice-poultry-plant",
        "ICE agents detain 84 workers at Mississippi poultry plant",
        "Immigration and Customs Enforcement agents detained 84 workers on Tuesday at a poultry processing "
        "plant in Forest, Mississippi, in what the agency called a targeted worksite enforcement operation.",
        "Church volunteers in Scott County opened a gymnasium for children whose parents did not come home,"
        " and a local school district sent buses to collect students from the plant's day care.",
    ),
    (
        "border-patrol-checkpoint",
        "Border Patrol expands interior checkpoint hours near Laredo",
        "The Border Patrol said it would keep its Interstate 35 checkpoint north of Laredo open around the "
        "clock, citing an increase in smuggling attempts detected by agents during the spring.",
        "Truck drivers told the Laredo Morning Times that waits at the checkpoint now reach two hours on "
        "weekday afternoons, and a trade group asked Customs and Border Protection for a dedicated "
        "commercial lane.",
    ),
    (
        "287g-sheriff-agreement",
        "County sheriff signs 287(g) agreement despite protests",
        "The Gwinnett County sheriff signed a 287(g) agreement with federal immigration authorities on "
        "Monday, allowing jailers to question inmates about their status and hold them for transfer to ICE.",
        "More than two hundred residents packed the commission chamber to oppose the deal, and a coalition "
        "of pastors said it would start a rapid response hotline for families of people booked into the "
        "jail.",
    ),
    (
        "everify-audit-farms",
        "E-Verify audits hit Central Valley dairy farms",
        "Federal auditors notified at least eleven dairy farms in Tulare County that their hiring records "
        "would be reviewed under E-Verify rules, according to a farm bureau letter obtained by reporters.",
        "Dairy owners said losing experienced milkers during an audit could force them to sell herds, while"
        " labor organizers urged workers not to sign any document they could not read in Spanish.",
    ),
    (
        "detention-center-deaths",
        "Inspector general faults medical care at Georgia detention center",
        "A report from the Homeland Security inspector general found that detainees at the Stewart "
        "Detention Center waited weeks for medical appointments and that nurses falsified some sick call "
        "logs.",
        "The private operator that runs the facility disputed several findings, and two members of Congress"
        " asked ICE to suspend new transfers to Lumpkin until an independent physician reviews every file.",
    ),
    (
        "court-blocks-expedited-removal",
        "Federal judge blocks expansion of expedited removal",
        "A federal judge in Washington blocked the administration from applying expedited removal to "
        "immigrants arrested anywhere in the country who cannot prove two years of continuous presence.",
        "The ruling said the policy denied people a meaningful chance to contest deportation before an "
        "immigration judge, and government lawyers said they would seek an emergency stay from the appeals "
        "court.",
    ),
    (
        "courthouse-arrests-denver",
        "Plainclothes agents arrest immigrants outside Denver courthouse",
        "Plainclothes ICE officers arrested three men outside the Lindsey-Flanigan courthouse in Denver "
        "after their traffic cases were heard, according to public defenders who witnessed the arrests.",
        "Colorado law bars civil immigration arrests at courthouses, and the state attorney general said "
        "his office was reviewing video of the encounters to decide whether to bring a lawsuit.",
    ),
    (
        "deportation-flight-guatemala",
        "Charter flights return 260 Guatemalans in a single week",
        "Four charter flights operated for ICE landed in Guatemala City this week carrying 260 deportees, "
        "the Guatemalan Migration Institute said, the highest weekly total since the start of the year.",
        "Officials at the La Aurora air force base reception center said many of those returned had lived "
        "in the United States for more than a decade and arrived without identity documents or phone "
        "numbers.",
    ),
    (
        "meatpacking-raid-nebraska",
        "Workplace raid at Nebraska meatpacking plant leaves town reeling",
        "Agents from Homeland Security Investigations executed search warrants at a beef plant in "
        "Lexington, Nebraska, and detained 97 workers accused of using stolen identities to get hired.",
        "The mayor said Lexington's Guatemalan and Somali communities were both shaken, and the plant "
        "halted its second shift while managers tried to figure out who could still report for work.",
    ),
    (
        "asylum-seekers-bus-chicago",
        "Chicago shelters brace as Texas resumes asylum seeker buses",
        "Chicago officials said five buses carrying asylum seekers from Texas arrived at Union Station "
        "overnight, the first since the governor announced that Operation Lone Star transports would start "
        "again.",
        "Volunteers handed out winter coats at the station, and a city spokesperson said the shelter system"
        " had room for about four hundred more people before it would need to reopen the park district "
        "sites.",
    ),
    (
        "tps-venezuela-ruling",
        "Appeals court lets termination of Venezuelan TPS proceed",
        "A federal appeals court allowed the government to end Temporary Protected Status for about 350,000"
        " Venezuelans, lifting an order that had kept their work permits valid during the litigation.",
        "Immigration lawyers in Doral said their phones had not stopped ringing, and employers asked "
        "whether they were now required to dismiss workers whose permits had been extended by the earlier "
        "ruling.",
    ),
    (
        "ice-detainer-jail-oregon",
        "Oregon jail released man despite ICE detainer, agency says",
        "ICE said the Multnomah County jail released a man wanted for removal without honoring a detainer, "
        "and the agency publicly named him in a statement criticizing the county's sanctuary ordinance.",
        "County officials replied that a detainer is a request, not a warrant signed by a judge, and that "
        "Oregon's sanctuary law forbids local staff from holding anyone past a release date for civil "
        "reasons.",
    ),
    (
        "family-detention-dilley",
        "Families held longer at Dilley as family detention returns",
        "Lawyers with the RAICES legal team said families at the South Texas Family Residential Center in "
        "Dilley are now being held for more than a month, well beyond the limit of the Flores settlement.",
        "A pediatrician who toured the facility described toddlers losing weight and parents who had not "
        "been told when they would see an asylum officer, and the monitor overseeing the settlement asked "
        "for records.",
    ),
    (
        "port-of-entry-wait",
        "Customs officers at San Ysidro adopt facial comparison for all travelers",
        "Customs and Border Protection began photographing every traveler crossing northbound at San Ysidro"
        " and comparing the images with passport and visa photos stored in federal databases.",
        "Privacy advocates said citizens can opt out but few know it, and daily commuters from Tijuana "
        "reported that the new cameras did at least shorten lines at the pedestrian crossing on weekday "
        "mornings.",
    ),
    (
        "construction-site-raid-florida",
        "Raid at Tallahassee construction site detains more than 100",
        "Federal and state officers surrounded a college dormitory construction site in Tallahassee and "
        "detained more than one hundred workers, some of whom fled into nearby woods before being caught.",
        "Florida's highway patrol and the state guard took part under a new state law, and the general "
        "contractor said it had verified every worker through E-Verify before the project began.",
    ),
    (
        "unaccompanied-minors-shelter",
        "Children wait months in shelters as sponsors fear arrests",
        "Children who crossed the border alone are spending an average of 112 days in federal shelters, up "
        "from 30 days last year, because relatives are afraid that coming forward as sponsors will expose "
        "them.",
        "Case managers said new fingerprinting rules for every adult in a sponsor's household had stalled "
        "releases, and a shelter in Brownsville has begun turning away new referrals for lack of beds.",
    ),
    (
        "immigration-court-backlog",
        "Immigration court backlog passes 3.7 million cases",
        "The number of cases pending before the nation's immigration courts passed 3.7 million, according "
        "to data compiled by the TRAC project at Syracuse University, while the judge corps shrank.",
        "Dozens of immigration judges were dismissed or took buyouts this year, and people with hearings in"
        " Houston are now receiving notices for dates in 2029 and beyond.",
    ),
    (
        "national-guard-border",
        "National Guard troops assigned to new military zone along the border",
        "The Pentagon assigned National Guard troops to patrol a newly designated military zone along a "
        "stretch of the New Mexico border, where migrants can be charged with trespassing on a military "
        "installation.",
        "Federal defenders in Las Cruces said the first trespass cases raised novel questions, and a "
        "magistrate judge dismissed several because the signs marking the zone were not visible from the "
        "river.",
    ),
    (
        "raid-rumors-schools",
        "Attendance drops in Charlotte schools after raid rumors spread",
        "Attendance at several Charlotte-Mecklenburg schools fell by a third on Thursday after social media"
        " posts warned of immigration raids at bus stops, rumors that ICE later called false.",
        "Principals sent recorded calls home in Spanish and Vietnamese, and the district reminded families "
        "that federal agents need a judicial warrant to enter a school building beyond its public lobby.",
    ),
    (
        "bond-hearings-denied",
        "Detainees lose access to bond hearings under new board decision",
        "The Board of Immigration Appeals ruled that people who entered without inspection are not eligible"
        " for bond hearings, a decision expected to keep tens of thousands more immigrants in detention.",
        "Attorneys in Tacoma said clients who had been granted bond last month were now told the hearings "
        "were void, and a class action challenging the ruling was filed within hours in federal court in "
        "Seattle.",
    ),
    (
        "farmworkers-checkpoint-california",
        "Border agents sweep Kern County farm roads in surprise operation",
        "Border Patrol agents from the El Centro sector stopped farmworkers on roads outside Bakersfield "
        "during a three-day operation, far from the agents' usual territory near the Mexican border.",
        "Growers said crews did not show up to pick citrus for days afterward, and the United Farm Workers "
        "filed suit arguing that agents stopped people based on their appearance without any suspicion.",
    ),
    (
        "sanctuary-funding-lawsuit",
        "Cities sue over threat to cut grants for sanctuary policies",
        "A coalition of sixteen cities and counties sued the Justice Department over a plan to withhold "
        "public safety grants from jurisdictions that limit cooperation with immigration enforcement.",
        "The suit, filed in San Francisco, says Congress never made the grants conditional on helping ICE, "
        "and it cites earlier rulings that struck down similar conditions during the previous "
        "administration.",
    ),
    (
        "guantanamo-transfers",
        "Migrants transferred to Guantanamo as detention space runs short",
        "The Defense Department confirmed that about 70 migrants awaiting deportation were flown to the "
        "naval base at Guantanamo Bay, where tents were set up in a former migrant operations center.",
        "Lawyers said they had no way to call their clients, and a federal judge ordered the government to "
        "explain within a week how detainees on the island could reach counsel before any removal.",
    ),
    (
        "visa-overstay-arrests",
        "Students arrested over visa status after campus protests",
        "Immigration officers arrested four international students at their off-campus apartments in "
        "Boston, saying their visas had been revoked by the State Department without any hearing.",
        "The university's president said she learned of the arrests from the news, and faculty members "
        "organized a vigil outside the federal building where the students were first taken.",
    ),
    (
        "alligator-detention-site",
        "State opens detention site in Everglades for immigration detainees",
        "Florida opened a temporary detention camp on an airstrip in the Everglades to hold people arrested"
        " by state officers working with ICE, with capacity for several thousand detainees in tents.",
        "Environmental groups and the Miccosukee Tribe sued to stop construction, and detainees' relatives "
        "said they waited outside the gate in the heat without being told who was inside.",
    ),
    (
        "registration-requirement",
        "New registration rule requires immigrants to carry proof at all times",
        "A federal rule now requires immigrants 14 and older who are not otherwise registered to file a "
        "form with Citizenship and Immigration Services and carry proof of registration at all times.",
        "Legal clinics in Atlanta warned that registering could expose people to removal proceedings, and "
        "several churches held information nights where lawyers answered questions one family at a time.",
    ),
    (
        "ice-hiring-surge",
        "ICE hiring surge brings thousands of new deportation officers",
        "ICE said it had hired more than six thousand new deportation officers in a year, cutting training "
        "at the Federal Law Enforcement Training Center in Glynco from sixteen weeks to eight.",
        "Former instructors warned that shorter training left new officers unprepared for arrests in homes "
        "and workplaces, and the union representing officers asked for more supervisors in the field.",
    ),
    (
        "hotel-detention-arizona",
        "Hotels near Phoenix used to hold families before deportation",
        "Families arrested in Arizona are being held for days in hotel rooms near Phoenix under contracts "
        "with a security firm, according to records released under the Freedom of Information Act.",
        "The records show guards posted outside each door and no access to phones for some families, and an"
        " advocate said hotel detention escapes the inspections that apply to licensed facilities.",
    ),
    (
        "mexico-receives-deportees",
        "Mexico sets up reception camps for deportees at border cities",
        "Mexico's government opened reception centers in Ciudad Juarez, Reynosa and Tijuana to receive "
        "Mexican citizens deported from the United States, offering meals, identity papers and bus fare.",
        "At the Juarez center, officials registered nearly nine hundred arrivals in the first week, many of"
        " whom said they had been detained at traffic stops after living for years in Texas and Colorado.",
    ),
    (
        "raid-car-wash-la",
        "Agents detain workers at Los Angeles car washes in sweeping operation",
        "Federal agents detained employees at five car washes across Los Angeles in a single morning, part "
        "of an operation the Department of Homeland Security said targeted employers of unauthorized "
        "workers.",
        "Owners said agents arrived without warrants naming specific people, and a coalition of car wash "
        "workers organized a fund to pay the rent of families whose breadwinners were taken to Adelanto.",
    ),
]


def _story(slug: str, title: str, lead: str, detail: str, number: int) -> Story:
    return Story(
        path=f"/crash/{slug}",
        title=title,
        paragraphs=(lead, detail),
        author="Staff Writer",
        published=STORIES_PUBLISHED + timedelta(hours=number),
    )


STORIES = [_story(*texts, number) for number, texts in enumerate(_STORY_TEXTS)]


class SlowPages:
    """Answers after a pause (the server's pace, not a test wait), so kills find requests in flight.

    Requests still being answered are counted: a request of a killed cycle is logged by the
    server when its answer goes out, after the kill, and a test that reads the request log must
    first wait until there are none.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.in_flight = 0
        self._lock = threading.Lock()

    def behaviour(self, page: Page) -> Behaviour:
        def behave(handler) -> None:
            with self._lock:
                self.in_flight += 1
            try:
                handler.server.mock.closing.wait(self.seconds)
                handler.send_page(page)
            finally:
                with self._lock:
                    self.in_flight -= 1

        return behave

    def wait_until_answered(self) -> None:
        wait_for(lambda: self.in_flight == 0, 30, "the slow answers still in flight to go out")


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


def canonical(url: str) -> str:
    """The store's key for a URL the test serves (always valid here)."""
    key = canonical_url(url)
    assert key is not None, url
    return key


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


def query(database: Path, sql: str, *params: object) -> list[tuple]:
    """Read with SQLite itself, not through the store: the check must not share the code it checks."""
    connection = sqlite3.connect(database, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


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
