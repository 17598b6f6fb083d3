"""Peak resident memory of a real process and of each process below it, sampled with psutil."""

from __future__ import annotations

import contextlib
import threading
import time

import psutil

MB = 1024 * 1024


class PeakMemory(threading.Thread):
    """Sample every `every` seconds until `done` is set: the peak RSS of the process, of each
    descendant by pid (the forkserver and the extraction workers), and of the whole tree."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.every = every
        self.root_peak = 0
        self.child_peaks: dict[int, int] = {}
        self.tree_peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                root = self.root.memory_info().rss
                children = {}
                for child in self.root.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        children[child.pid] = child.memory_info().rss
            except psutil.Error:
                return
            self.root_peak = max(self.root_peak, root)
            for pid, resident in children.items():
                self.child_peaks[pid] = max(self.child_peaks.get(pid, 0), resident)
            self.tree_peak = max(self.tree_peak, root + sum(children.values()))
            time.sleep(self.every)

    def stop(self) -> None:
        self.done.set()
        self.join()

    @property
    def largest_child_peak(self) -> int:
        return max(self.child_peaks.values(), default=0)
