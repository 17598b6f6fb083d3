"""A consistent copy of a live SQLite store, with SQLite's online backup API.

The copy is made in one step, which reads one snapshot: in WAL mode writers go on meanwhile
and the copy holds every transaction committed before it began, none after. A copy in
several steps would restart whenever another process writes, and never end under a busy daemon.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from crawler.store.engine import SQLITE_BUSY_TIMEOUT_MS


@contextlib.contextmanager
def sqlite_snapshot(database: Path, beside: Path) -> Iterator[Path]:
    """Yield a private file next to ``beside`` holding a copy of ``database``; removed afterwards
    unless the caller has linked it into place."""
    with tempfile.NamedTemporaryFile(
        dir=beside.parent, prefix=f".{beside.name}.", suffix=".partial"
    ) as scratch:
        source = sqlite3.connect(
            f"file:{quote(str(database))}?mode=rw", uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
        )
        with contextlib.closing(source), contextlib.closing(sqlite3.connect(scratch.name)) as copy:
            source.backup(copy)  # pages=-1: the whole database from one read snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        yield Path(scratch.name)


def put_in_place(snapshot: Path, target: Path) -> None:
    """Give the verified copy its final name; never replaces a file (FileExistsError)."""
    os.link(snapshot, target)
