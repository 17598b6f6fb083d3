"""The backfill's allocator setting: passed on to the processes it starts, a user's own kept."""

from __future__ import annotations

import os

import pytest

from crawler.core import allocator


def test_the_threshold_is_passed_on_to_started_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    allocator.fix_mmap_threshold()

    assert os.environ["MALLOC_MMAP_THRESHOLD_"] == str(allocator.MMAP_THRESHOLD_BYTES)


def test_a_threshold_the_user_set_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "1048576")
    allocator.fix_mmap_threshold()

    assert os.environ["MALLOC_MMAP_THRESHOLD_"] == "1048576"
