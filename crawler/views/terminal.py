"""The console every command prints to."""

from __future__ import annotations

import sys

from rich.console import Console


def console() -> Console:
    """The terminal's width on a terminal; wide enough for whole rows in a log or a pipe."""
    return Console() if sys.stdout.isatty() else Console(width=200)
