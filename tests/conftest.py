"""Shared fixtures: databases (SQLite file; PostgreSQL when marked), the local server, configs."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.corpus import SHARED, in_ci
from tests.support.mockserver import MockServer

REPO = Path(__file__).resolve().parents[1]
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


def cli_command(config: Path, *args: str) -> list[str]:
    """The argv of the real CLI with this configuration, for tests and benchmarks that start it."""
    return [sys.executable, "-m", "crawler.app.cli", "--config", str(config), *args]


def newswatch(*args: str, config: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process (Twisted's reactor cannot restart in one process)."""
    return subprocess.run(
        cli_command(config, *args),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def write_config(
    folder: Path,
    database_url: str,
    feeds: list[dict[str, object]],
    crawl: dict[str, object] | None = None,
    extraction: dict[str, object] | None = None,
) -> Path:
    """A configuration for tests: local server allowed, no politeness delays, small pool."""
    import yaml

    document = {
        "storage": {"url": database_url},
        "feeds": feeds,
        "crawl": {
            "allow_private_addresses": True,
            "download_delay": 0,
            "download_timeout": "20s",
            **(crawl or {}),
        },
        "extraction": {"workers": 2, **(extraction or {})},
        "relevance": {"topic": str(REPO / "config" / "topics" / "immigration-enforcement.yaml")},
    }
    path = folder / "newswatch.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path
