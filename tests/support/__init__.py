"""Helpers shared by the test packages: the local server and its pages, the stories most cycle
tests serve, the CLI in a child process, reading a store, dates relative to the code's clock,
CPU-time budgets and waiting on an observable condition."""

from collections.abc import Iterable
from pathlib import Path

from crawler.core.errors import Problem

REPO = Path(__file__).resolve().parents[2]
SOURCE_FIXTURES = REPO / "tests" / "fixtures" / "sources"  # feeds, sitemaps, pages as sites serve them


def problem_texts(problems: Iterable[Problem]) -> list[str]:
    """What `newswatch feeds status` shows of a parse's problems."""
    return [problem.text for problem in problems]
