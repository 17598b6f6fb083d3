"""The real `newswatch` command in a child process, and the configurations tests give it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import REPO

CLI_MODULE = "crawler.app.cli"


def cli_command(config: Path, *args: str) -> list[str]:
    """The argv of the real CLI with this configuration, for tests and benchmarks that start it."""
    return [sys.executable, "-m", CLI_MODULE, "--config", str(config), *args]


def newswatch(
    *args: str, config: Path, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process (Twisted's reactor cannot restart in one process);
    `env` adds variables, such as a clock offset."""
    return subprocess.run(
        cli_command(config, *args),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(**(env or {})),
    )


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a newswatch child process: this checkout importable, plus `extra`."""
    return {**os.environ, "PYTHONPATH": str(REPO), **extra}


@contextmanager
def running_daemon(config: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The real daemon, its JSON log written to `log`, in a session of its own so that a test that
    fails takes the daemon and its cycle child down together on the way out."""
    with log.open("w") as log_file:
        daemon = subprocess.Popen(
            cli_command(config, "daemon", "--log-format", "json"),
            cwd=REPO,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=child_env(),
            start_new_session=True,
        )
        try:
            yield daemon
        finally:
            if daemon.poll() is None:
                os.killpg(daemon.pid, signal.SIGKILL)
                daemon.wait()


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
