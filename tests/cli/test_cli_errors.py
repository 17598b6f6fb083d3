"""Every CLI error is one clear line with its exit status, never a traceback.

Each subcommand is started for real, in a child process, with bad input: a configuration that
cannot be read, a topic that cannot be used, a database that is not newswatch's, a bad
argument, an output path that cannot be written, an article that does not exist.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.app import cli
from crawler.app.cli import main
from crawler.app.commands import articles
from crawler.core.errors import ExitStatus
from crawler.store import Store
from crawler.views.export import parquet_available
from tests.support import REPO
from tests.support.cli import write_config

FEED = {"name": "one", "url": "https://example.org/feed.xml"}
CONFIG_COMMANDS = [
    ["run"],
    ["daemon"],
    ["feeds", "list"],
    ["feeds", "status"],
    ["feeds", "discover", "https://example.org/"],
    ["export"],
    ["report"],
    ["article", "1"],
    ["stories"],
    ["search", "raid"],
    ["alerts", "status"],
    ["backfill", "status"],
    ["check"],
    ["backup", "copy.db"],
    ["workers"],
]
STORE_COMMANDS = [
    c for c in CONFIG_COMMANDS if c[0] != "daemon" and c[:2] not in (["feeds", "list"], ["feeds", "discover"])
]


def cli_run(*args: str, cwd: Path = REPO, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "NEWSWATCH_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "crawler.app.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "PYTHONPATH": str(REPO)},
    )


def assert_one_line(result: subprocess.CompletedProcess[str], status: int, *words: str) -> str:
    """Exit `status`, no traceback, and a single `newswatch: ...` line on stderr naming `words`."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == status, output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newswatch: "), result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


def assert_config_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2, no traceback, and the configuration-error heading with one line per problem."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 2, output
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "newswatch: configuration error:" and len(lines) == 2, result.stderr
    for word in words:
        assert word in lines[1]


def assert_usage_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """argparse's own: exit 2, usage, then one `error:` line."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 2, output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("newswatch") and "error:" in last, result.stderr
    for word in words:
        assert word in last


@pytest.fixture
def good_config(tmp_path: Path) -> Path:
    return write_config(tmp_path, f"sqlite:///{tmp_path / 'data' / 'newswatch.db'}", [FEED])


def test_every_subcommand_is_walked_here():
    subcommands = next(
        action.choices
        for action in cli.parser()._actions
        if isinstance(action.choices, dict)  # the subparsers action
    )
    assert set(subcommands) == {c[0] for c in CONFIG_COMMANDS} | {"init"}


# --- configuration ---------------------------------------------------------------------------

UNREADABLE_CONFIGS: dict[str, Callable[[Path], str]] = {
    "directory": lambda path: (path.mkdir(), "Is a directory")[1],
    "invalid-bytes": lambda path: (path.write_bytes(b"feeds:\n  - \xff\xfe\n"), "not UTF-8")[1],
    "invalid-yaml": lambda path: (path.write_text("feeds:\n  - name: a\n   url: x\n"), "line 3, column 4")[1],
    "missing": lambda path: "file not found",
    "not-a-mapping": lambda path: (path.write_text("- just\n- a list\n"), "expected a mapping")[1],
}


@pytest.mark.parametrize("command", CONFIG_COMMANDS, ids=" ".join)
def test_config_that_is_a_directory_is_one_line_for_every_command(tmp_path: Path, command: list[str]):
    (tmp_path / "newswatch.yaml").mkdir()

    result = cli_run("--config", str(tmp_path / "newswatch.yaml"), *command)

    assert_config_error(result, str(tmp_path / "newswatch.yaml"), "Is a directory")


@pytest.mark.parametrize("command", [["run"], ["daemon"]], ids=" ".join)
@pytest.mark.parametrize("kind", sorted(UNREADABLE_CONFIGS))
def test_unreadable_config_is_one_line_exit_2(tmp_path: Path, kind: str, command: list[str]):
    path = tmp_path / "newswatch.yaml"
    problem = UNREADABLE_CONFIGS[kind](path)

    assert_config_error(cli_run("--config", str(path), *command), str(path), problem)


@pytest.mark.parametrize("command", [["run"], ["daemon"]], ids=" ".join)
@pytest.mark.parametrize(
    ("topic", "problem"),
    [("absent/topic.yaml", "cannot read topic file"), ("newswatch.yaml", "unknown key")],
    ids=["missing", "not-a-topic"],
)
def test_unusable_topic_stops_run_and_daemon_at_start(
    tmp_path: Path, command: list[str], topic: str, problem: str
):
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        f"feeds:\n  - name: one\n    url: https://example.org/feed.xml\nrelevance:\n  topic: {topic}\n"
    )

    result = cli_run("--config", str(config), *command)

    assert_config_error(result, f"{config}: relevance.topic: {tmp_path / topic}", problem)
    assert not (tmp_path / "data").exists()  # refused before the store was opened: nothing crawled


def test_no_configuration_found_is_one_line(tmp_path: Path):
    assert_one_line(cli_run("export", cwd=tmp_path), 2, "no configuration", "newswatch init")


def test_unknown_feed_name_is_one_line(good_config: Path):
    assert_one_line(cli_run("--config", str(good_config), "run", "--feed", "nope"), 2, "nope")


# --- the store -------------------------------------------------------------------------------


def random_bytes(path: Path) -> str:
    path.write_bytes(hashlib.sha512(b"not a database").digest() * 64)
    return "not a SQLite database"


def another_apps_sqlite(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        connection.execute("INSERT INTO notes (body) VALUES ('keep me')")
    return "not a newswatch database"


def newer_newswatch(path: Path) -> str:
    Store.open(f"sqlite:///{path}").close()
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    return "schema revision '9999' is unknown"


def an_empty_file(path: Path) -> str:
    path.write_bytes(b"")
    return "an empty file"


def a_directory(path: Path) -> str:
    path.mkdir()
    return "a directory"


UNUSABLE_STORES: dict[str, Callable[[Path], str]] = {
    "random-bytes": random_bytes,
    "another-apps-sqlite": another_apps_sqlite,
    "newer-revision": newer_newswatch,
    "directory": a_directory,
    "empty-file": an_empty_file,
}


def unusable_store(tmp_path: Path, kind: str) -> tuple[Path, Path, str]:
    """(config, database file, expected words) for a database newswatch must not touch."""
    database = tmp_path / "data" / "newswatch.db"
    database.parent.mkdir()
    problem = UNUSABLE_STORES[kind](database)
    return write_config(tmp_path, f"sqlite:///{database}", [FEED]), database, problem


def fingerprint(database: Path) -> dict[str, str]:
    """Every file beside the database (its -wal and -shm too) and a hash of its content."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "directory"
        for path in database.parent.iterdir()
        if path.name.startswith(database.name)
    }


@pytest.mark.parametrize("command", [["run"], ["export"], ["check"]], ids=" ".join)
@pytest.mark.parametrize("kind", sorted(UNUSABLE_STORES))
def test_database_that_is_not_newswatchs_is_exit_3_and_left_untouched(
    tmp_path: Path, kind: str, command: list[str]
):
    config, database, problem = unusable_store(tmp_path, kind)
    before = fingerprint(database)

    line = assert_one_line(cli_run("--config", str(config), *command), 3, "cannot use the store", problem)

    assert str(database) in line
    assert fingerprint(database) == before


@pytest.mark.parametrize("command", STORE_COMMANDS, ids=" ".join)
def test_every_store_command_refuses_another_apps_database(tmp_path: Path, command: list[str]):
    config, database, problem = unusable_store(tmp_path, "another-apps-sqlite")
    before = fingerprint(database)

    assert_one_line(cli_run("--config", str(config), *command), 3, problem)

    assert fingerprint(database) == before
    with sqlite3.connect(database) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"notes"}


@pytest.mark.postgres
def test_another_apps_postgresql_database_is_exit_3_and_left_untouched(tmp_path: Path, postgres_url: str):
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id serial PRIMARY KEY, total numeric)"))
    config = write_config(tmp_path, postgres_url, [FEED])

    assert_one_line(cli_run("--config", str(config), "export"), 3, "not a newswatch database", "invoices")

    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == ["invoices"]
    engine.dispose()


# --- arguments and outputs -------------------------------------------------------------------


BAD_ARGUMENTS = [
    ([], ["command"]),
    (["bogus"], ["invalid choice"]),
    (["feeds"], ["action"]),
    (["feeds", "lsit"], ["invalid choice"]),
    (["export", "--format", "xml"], ["invalid choice"]),
    (["export", "--since", "yesterday"], ["not an ISO 8601 date"]),
    (["report", "--since", "2026-13-45"], ["not an ISO 8601 date"]),
    (["stories", "--since", "soon"], ["not an ISO 8601 date"]),
    (["stories", "--limit", "0"], ["positive whole number"]),
    (["search"], ["query"]),
    (["search", "raid", "--limit", "-3"], ["--limit"]),
    (["article", "abc"], ["invalid int value"]),
    (["article"], ["id"]),
    (["daemon", "--log-format", "xml"], ["invalid choice"]),
    (["init", "a", "b"], ["unrecognized arguments"]),
]


@pytest.mark.parametrize(
    ("args", "words"), [pytest.param(*case, id=" ".join(case[0]) or "no-command") for case in BAD_ARGUMENTS]
)
def test_bad_argument_is_argparses_one_error_line(good_config: Path, args: list[str], words: list[str]):
    assert_usage_error(cli_run("--config", str(good_config), *args), *words)


@pytest.mark.parametrize("command", [["export"], ["export", "--format", "csv"], ["report"]], ids=" ".join)
@pytest.mark.parametrize("target", ["directory", "missing-folder"])
def test_output_that_cannot_be_written_is_one_line_exit_2(
    tmp_path: Path, good_config: Path, command: list[str], target: str
):
    output = tmp_path if target == "directory" else tmp_path / "absent" / "out.txt"

    result = cli_run("--config", str(good_config), *command, "--output", str(output))

    assert_one_line(result, 2, f"--output {output}", "cannot write")


def test_parquet_without_output_is_one_line(good_config: Path):
    assert_one_line(cli_run("--config", str(good_config), "export", "--format", "parquet"), 2, "--output")


@pytest.mark.skipif(parquet_available(), reason="pyarrow is installed here")
def test_parquet_without_pyarrow_says_how_to_install_it(tmp_path: Path, good_config: Path):
    output = tmp_path / "out.parquet"

    result = cli_run("--config", str(good_config), "export", "--format", "parquet", "--output", str(output))

    assert_one_line(result, 2, "needs pyarrow", "newswatch[parquet]")
    assert not output.exists()


def test_article_that_does_not_exist_is_one_line_exit_1(good_config: Path):
    assert_one_line(cli_run("--config", str(good_config), "article", "424242"), 1, "no article 424242")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["feeds", "discover"], ["http(s) URL"]),
        (["feeds", "discover", "file:///etc/passwd"], ["http(s) URL"]),
        (["feeds", "list", "https://example.org/"], ["only go with `feeds discover`"]),
        (["feeds", "status", "--add"], ["only go with `feeds discover`"]),
    ],
    ids=["discover-no-url", "discover-file-url", "list-with-url", "status-with-add"],
)
def test_feeds_misuse_is_one_line_exit_2(good_config: Path, args: list[str], words: list[str]):
    assert_one_line(cli_run("--config", str(good_config), *args), 2, *words)


def test_init_over_an_existing_config_is_one_line_exit_2(tmp_path: Path):
    (tmp_path / "newswatch.yaml").write_text("# mine\n")

    assert_one_line(cli_run("init", str(tmp_path)), 2, "already exists", "--force")


def test_init_into_a_file_is_one_line_exit_2(tmp_path: Path):
    (tmp_path / "taken").write_text("")

    assert_one_line(cli_run("init", str(tmp_path / "taken")), 2, "cannot write in", "Not a directory")


# --- the safety net --------------------------------------------------------------------------


def test_unexpected_error_is_one_line_with_a_hint_and_debug_shows_it(
    good_config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    def broken(*_args: object) -> int:
        raise RuntimeError("something nobody foresaw\nsecond line")

    monkeypatch.setattr(articles, "search_articles", broken)

    assert main(["--config", str(good_config), "search", "raid"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "newswatch: unexpected error: RuntimeError: something nobody foresaw "
        "(run again with --debug for the traceback)\n"
    )
    with pytest.raises(RuntimeError, match="nobody foresaw"):
        main(["--config", str(good_config), "--debug", "search", "raid"])


@pytest.mark.parametrize(
    ("command", "status"),
    [
        pytest.param(["report"], ExitStatus.BROKEN_PIPE, id="report"),
        pytest.param(["feeds", "list"], 1, id="feeds-list"),  # rich's Console exits 1 itself
    ],
)
def test_a_reader_that_goes_away_ends_the_command_quietly(good_config: Path, command: list[str], status: int):
    with subprocess.Popen(
        [sys.executable, "-m", "crawler.app.cli", "--config", str(good_config), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()  # like `| head -0`
        err = child.stderr.read().decode()
        child.wait(timeout=120)

    assert err == ""
    assert child.returncode == status
