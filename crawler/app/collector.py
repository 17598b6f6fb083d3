"""The garbage collector held off while a command loads what it keeps for its whole life.

Loading the modules, the configuration and the crawl's components makes a few hundred thousand
objects that live until the process exits; every collection the allocations trigger on the way
walks them again and frees nothing (~0.2 s of CPU before an unchanged 500-feed cycle's reactor
starts; README "What a cycle costs"). Reference counts still free everything in between; only
cyclic garbage waits for the collector, which is back on when the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """``with collector_paused():`` no garbage collection in the block; the collector is
    afterwards as it was before (a caller's own ``gc.disable()`` stays)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
