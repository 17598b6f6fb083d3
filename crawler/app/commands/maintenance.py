"""`newswatch check` and `newswatch backup PATH`: is the store whole, and a consistent copy of it."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.app.commands.common import first_line
from crawler.core.config import Config
from crawler.core.errors import CliError, DamagedDatabase, ExitStatus, UnusableDatabase
from crawler.core.secrets import masked_url
from crawler.views.terminal import console

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from crawler.store.integrity import Finding

PG_DUMP_RECIPE = (
    "pg_dump --format=custom --file=PATH DATABASE_URL (restore: pg_restore --clean --dbname=URL PATH)"
)


def add_commands(commands: Any) -> None:
    check = commands.add_parser("check", help="store integrity verdict, exit 0/1")
    check.add_argument("--quick", action="store_true", help="SQLite quick_check instead of integrity_check")
    check.set_defaults(handler=check_command)

    backup = commands.add_parser("backup", help="consistent copy of a live SQLite store")
    backup.add_argument("path", type=Path, help="where the copy goes (must not exist)")
    backup.set_defaults(handler=backup_command)


def check_command(args: argparse.Namespace, config: Config) -> int:
    """Check the store without changing it: pages, schema revision, links between rows."""
    from crawler.store.integrity import Finding, check_store
    from crawler.views.check_verdict import print_check_verdict

    try:
        with existing_store(config.database_url) as engine:
            findings = check_store(engine, quick=args.quick)
    except DamagedStore as exc:
        findings = [Finding("readable", False, exc.reason)]
    print_check_verdict(console(), masked_url(config.database_url), findings)
    return ExitStatus.OK if all(finding.ok for finding in findings) else ExitStatus.DAMAGED


def backup_command(args: argparse.Namespace, config: Config) -> int:
    """Copy a live SQLite store to PATH in one consistent snapshot, verified before it is kept."""
    from sqlalchemy.engine import make_url

    from crawler.store.backup import put_in_place, sqlite_snapshot
    from crawler.store.engine import make_engine
    from crawler.store.integrity import check_store

    parsed = make_url(config.database_url)
    if parsed.get_backend_name() != "sqlite":
        raise CliError(
            ExitStatus.CONFIG,
            f"backup copies SQLite stores; for PostgreSQL use the server's own tool: {PG_DUMP_RECIPE}",
        )
    target: Path = args.path
    if target.exists():
        raise CliError(ExitStatus.CONFIG, f"backup {target}: already exists; give a new path")
    if not target.parent.is_dir():
        raise CliError(ExitStatus.CONFIG, f"backup {target}: no folder {target.parent}")
    with existing_store(config.database_url):
        pass  # refuses, in one line, a file that is not a newswatch store before copying anything
    database = Path(parsed.database or "")
    try:
        with sqlite_snapshot(database, target) as snapshot:
            copy = make_engine(f"sqlite:///{snapshot}")
            try:
                findings = check_store(copy)
            finally:
                copy.dispose()
            failed = [finding for finding in findings if not finding.ok]
            if failed:
                raise CliError(
                    ExitStatus.DAMAGED, f"backup {target}: the copy fails its check: {_first(failed)}"
                )
            put_in_place(snapshot, target)
    except OSError as exc:
        raise CliError(ExitStatus.STORE, f"backup {target}: cannot write: {exc.strerror or exc}") from None
    shown = masked_url(config.database_url)
    print(f"backed up {shown} to {target} ({target.stat().st_size} bytes; check passed)", file=sys.stderr)
    return ExitStatus.OK


def _first(failed: list[Finding]) -> str:
    return f"{failed[0].check}: {failed[0].detail}"


class DamagedStore(CliError):
    """A newswatch store SQLite cannot read: a verdict for `check`, exit 3 for anything else."""

    def __init__(self, shown_url: str, reason: str) -> None:
        super().__init__(ExitStatus.STORE, f"cannot use the store: {shown_url}: {reason}")
        self.reason = reason


@contextlib.contextmanager
def existing_store(database_url: str) -> Iterator[Engine]:
    """An engine on a store that exists and is newswatch's, never created or migrated here; else a
    CliError (exit 3) saying in one line why not."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from crawler.store import migrate
    from crawler.store.engine import make_engine

    parsed = make_url(database_url)
    shown = masked_url(database_url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        raise CliError(ExitStatus.STORE, f"cannot use the store: {shown}: no database there")
    engine = make_engine(database_url)
    try:
        try:
            migrate.refuse_foreign(*migrate.schema_state(engine))
        except DamagedDatabase as exc:
            raise DamagedStore(shown, str(exc)) from None
        except (SQLAlchemyError, OSError, UnusableDatabase) as exc:
            reason = first_line(getattr(exc, "orig", None) or exc)
            raise CliError(ExitStatus.STORE, f"cannot use the store: {shown}: {reason}") from None
        yield engine
    finally:
        engine.dispose()
