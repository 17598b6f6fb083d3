"""Shared fixtures: databases (SQLite file; PostgreSQL when marked) and the local server.

Helpers that are not fixtures (the CLI in a child process, configurations, stories, queries)
are in ``tests/support/``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.corpus import SHARED, in_ci
from tests.support.mockserver import MockServer

POSTGRES_ADMIN_URL = os.environ.get(
    "NEWSWATCH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def pytest_sessionstart(session: pytest.Session) -> None:
    # Parametrized corpus tests collect nothing when ../shared is absent: CI must notice.
    if in_ci() and not SHARED.is_dir():
        raise pytest.UsageError(
            f"CI=true but the shared corpus {SHARED} is absent: the quality gates cannot run"
        )


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as mock:
        yield mock


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'newswatch.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = f"newswatch_test_{uuid.uuid4().hex[:12]}"
    admin = POSTGRES_ADMIN_URL
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {admin}: {exc} (CI starts it; see .ci/run)")
    yield admin.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'newswatch.db'}"
    return request.getfixturevalue("postgres_url")


# Test folders whose tests start real `newswatch` processes (a cycle costs seconds each).
_PROCESS_FOLDERS = ("cli", "cycle", "scaleout")


def _expected_cost(item: pytest.Item) -> int:
    """0 for tests marked slow or reading the corpus, 1 for other tests that start real
    processes, 2 for the rest."""
    if item.get_closest_marker("slow") or item.get_closest_marker("corpus"):
        return 0
    return 1 if item.path.parent.name in _PROCESS_FOLDERS else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest tests first. xdist hands tests out two at a time (`--maxschedchunk` in pyproject),
    so whichever worker is free takes the next: with the long tests first, the short ones fill
    the gaps at the end, instead of one worker running a queue of long tests while the other
    waits. The sort is stable, so a module's tests stay together within each tier."""
    items.sort(key=_expected_cost)
