"""Waiting on something a test can observe (a row, a file, a process), never a bare sleep."""

from __future__ import annotations

import time

import pytest


def wait_for(condition, timeout: float, what: str):
    """Poll an observable condition (not a sleep for synchronisation): fail with `what` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")
