"""A fixed mmap threshold for glibc's allocator, in the processes a backfill runs.

A backfill passes page bodies of a few hundred KB through its processes one after another.
glibc serves a block that large with mmap, but raises the threshold to the size of each such
block freed (up to 32 MB), so the next ones come from the heap, whose freed holes it keeps.
A fixed threshold keeps every large block an mmap that is given back when freed: on the 500 MB
bench WARC (README "Backfill") the process tree's peak PSS went from 328 to 313-314 MB.
Elsewhere (not glibc) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

MMAP_THRESHOLD_BYTES = 256 << 10
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_ENV = "MALLOC_MMAP_THRESHOLD_"  # read by glibc when a process starts: the forkserver, its workers


def fix_mmap_threshold() -> None:
    """Fix the threshold in this process now and in the processes it starts from here on."""
    os.environ.setdefault(_ENV, str(MMAP_THRESHOLD_BYTES))
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, int(os.environ[_ENV]))
    except (OSError, AttributeError, ValueError):  # no glibc, or a threshold it cannot read
        pass
