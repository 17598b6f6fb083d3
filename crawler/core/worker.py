"""Who this process is among the workers sharing one store: the owner name on its host leases."""

from __future__ import annotations

import os
import socket

# Set by the daemon for its cycle processes, so that all of a daemon's cycles are one worker
# (its leases survive from one cycle to the next under the same owner).
WORKER_ID_ENV = "NEWSWATCH_WORKER_ID"
MAX_WORKER_ID = 200  # the width of the workers.id and hosts.lease_owner columns


def machine_name() -> str:
    return socket.gethostname()[:255]


def worker_id() -> str:
    """``machine:pid`` of this process, or of the daemon that started it."""
    return (os.environ.get(WORKER_ID_ENV) or f"{machine_name()}:{os.getpid()}")[:MAX_WORKER_ID]


def outlives_cycle() -> bool:
    """Whether this worker goes on after the cycle (a daemon's cycle process), or stops with it."""
    return bool(os.environ.get(WORKER_ID_ENV))
