"""One cycle at a time per store: an advisory file lock that cron overlaps cannot both take."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path
from types import TracebackType

from crawler.core.errors import CycleRunning


class CycleLock:
    """``with CycleLock.for_database(url):`` — raises CycleRunning at once if taken (never waits).

    The kernel drops the lock when the holder dies, so a killed cycle never leaves it stale.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def for_database(cls, database_url: str) -> CycleLock:
        from sqlalchemy.engine import make_url

        parsed = make_url(database_url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            return cls.beside(Path(parsed.database))
        digest = hashlib.sha1(database_url.encode()).hexdigest()[:16]
        return cls(Path(tempfile.gettempdir()) / f"newswatch-{digest}.cycle.lock")

    @classmethod
    def beside(cls, database: Path) -> CycleLock:
        """The lock of a SQLite file: a file next to it."""
        return cls(Path(f"{database}.cycle.lock"))

    def __enter__(self) -> CycleLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise CycleRunning(f"another cycle is running (pid {holder}, lock {self.path})") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
