"""CPU-time budgets for "this hostile input is handled in bounded time" tests.

Wall time measures the machine as much as the code: under ``pytest -n auto`` on two cores,
or beside another CPU-heavy process, a parse that needs 50 ms of CPU can take a second of
wall time. A pathological input (quadratic regex, entity expansion) costs seconds to minutes
of CPU, so a CPU budget with generous headroom still tells the two apart on any machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def cpu_seconds(work: Callable[[], T]) -> tuple[T, float]:
    """Run `work` and return its result with the CPU seconds this process spent on it."""
    started = time.process_time()
    result = work()
    return result, time.process_time() - started
