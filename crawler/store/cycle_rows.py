"""The values of a cycle's `runs` row when it starts and when it finishes.

Plain Python: the store's SQLAlchemy writes and the nothing-due check's sqlite3 write
(``crawler.store.idle_reader``) record a cycle with the same values.
"""

from __future__ import annotations

import os
import socket
from dataclasses import asdict
from datetime import datetime
from typing import Any

from crawler.store.records import CycleCounts


def started_cycle(trigger: str, now: datetime, worker: str | None = None) -> dict[str, Any]:
    """A new cycle: running, started now by this process on this host."""
    return {
        "started_at": now,
        "status": "running",
        "trigger": trigger,
        "host": socket.gethostname()[:255],
        "pid": os.getpid(),
        "worker": worker,
        "failures": {},
    }


def finished_cycle(counts: CycleCounts, status: str, reason: str, now: datetime) -> dict[str, Any]:
    """What a cycle's end writes: when, how, why, and its counts."""
    return {"finished_at": now, "status": status, "finish_reason": reason[:60], **asdict(counts)}
