"""The shared evaluation corpus beside the repository (../shared), and what to do when it is absent.

On a user's clone the folder is absent and the tests that read it skip with a reason. Under
``CI=true`` they fail instead: the quality gates (extraction floors, real feeds) must never be
skipped quietly in CI.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def corpus_absent(what: Path | str) -> NoReturn:
    """Skip the test (a developer's clone) or fail it (CI) because `what` is missing."""
    if in_ci():
        pytest.fail(f"{what} is absent, and CI must run every corpus test (../shared beside the clone)")
    pytest.skip(f"{what} is absent: the shared corpus is only beside CI and developer clones")


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips (or, in CI, fails) the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        corpus_absent(path)
    return path
