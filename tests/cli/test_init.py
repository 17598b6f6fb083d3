"""`newswatch init [DIR]`: a commented starter configuration that `newswatch run` in DIR finds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.app.cli import main
from crawler.core.config import load_config
from tests.support import REPO

SHIPPED = REPO / "config" / "newswatch.yaml"


def cli_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI started in `folder`, with no --config and no $NEWSWATCH_CONFIG."""
    env = {key: value for key, value in os.environ.items() if key != "NEWSWATCH_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "crawler.app.cli", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "PYTHONPATH": str(REPO)},
    )


def test_init_writes_the_shipped_sources_with_comments_and_a_local_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = tmp_path / "watch"

    assert main(["init", str(folder)]) == 0

    written = folder / "newswatch.yaml"
    assert (folder / "data").is_dir()
    config, shipped = load_config(written), load_config(SHIPPED)
    assert [feed.name for feed in config.feeds] == [feed.name for feed in shipped.feeds]
    assert config.database_url == f"sqlite:///{folder.resolve() / 'data' / 'newswatch.db'}"
    text = written.read_text(encoding="utf-8")
    shipped_comments = [line for line in SHIPPED.read_text().splitlines() if line.lstrip().startswith("#")]
    assert all(line in text for line in shipped_comments)
    out = capsys.readouterr().out
    assert str(written) in out and f"cd {folder} && newswatch run" in out


def test_init_refuses_to_replace_a_config_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    existing = tmp_path / "newswatch.yaml"
    existing.write_text("# mine\n")

    assert main(["init", str(tmp_path)]) == 2
    assert existing.read_text() == "# mine\n"
    err = capsys.readouterr().err.strip()
    assert err == f"newswatch: {existing} already exists; not replacing it (--force does)"

    assert main(["init", str(tmp_path), "--force"]) == 0
    assert load_config(existing).feeds


def test_init_into_a_file_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "taken").write_text("")

    assert main(["init", str(tmp_path / "taken")]) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write in" in err


def test_init_needs_no_configuration_and_run_in_the_folder_finds_it(tmp_path: Path):
    # No ./newswatch.yaml, no config/newswatch.yaml here, and a --config that does not exist.
    made = cli_in(tmp_path, "--config", str(tmp_path / "absent.yaml"), "init")
    assert made.returncode == 0, made.stderr
    assert "next:  newswatch run" in made.stdout

    listed = cli_in(tmp_path, "feeds", "list")  # no --config: ./newswatch.yaml

    assert listed.returncode == 0, listed.stderr
    assert f"Feeds in {tmp_path.resolve() / 'newswatch.yaml'}" in listed.stdout
    assert "guardian-us-immigration" in listed.stdout


def test_no_configuration_anywhere_is_one_line_naming_init(tmp_path: Path):
    result = cli_in(tmp_path, "feeds", "list")

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "no configuration" in result.stderr and "newswatch init" in result.stderr
