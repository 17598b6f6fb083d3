"""Pair precision and recall on the real republications, against floors that may only go up.

The set is rebuilt from a public scrape that states no licence, so it is never committed:
``bench/build_republication_set.py`` writes it under bench/results/ from a clone of the source
repository. Without it the test skips and says how to build it.
"""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType

import pytest

from tests.support import REPO

FLOORS: dict[str, float] = json.loads((REPO / "tests" / "republication_floor.json").read_text())
EVALUATOR = REPO / "bench" / "eval_republications.py"

pytestmark = pytest.mark.slow


def load_evaluator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_republications", EVALUATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_both_relations_score_at_least_the_pinned_floors_on_development_and_holdout() -> None:
    evaluator = load_evaluator()
    if not evaluator.SET.exists() or not evaluator.PAIRS.exists():
        pytest.skip(
            f"{evaluator.SET} is not built: run bench/build_republication_set.py with a clone of "
            "github.com/asprout/ArticleComparisons (it is not redistributable, so not committed)"
        )
    figures = evaluator.evaluate()
    measured = {name: measure(figures, name) for name in FLOORS}
    below = {
        name: (round(value, 4), FLOORS[name]) for name, value in measured.items() if value < FLOORS[name]
    }
    assert below == {}, f"below the pinned floors (measured, floor): {below}"
    # Every copy points at an original of its own story, so a pair's link never depends on a chain.
    assert figures["faults"] == {"copy_of_a_copy": 0, "copy_outside_its_story": 0}


def measure(figures: dict, name: str) -> float:
    """A floor's figure: ``split.relation.precision`` or ``.recall``, or ``split.relation.kind.recall``
    (the share of that pair kind linked)."""
    split, relation, *kind, what = name.split(".")
    scores = figures[split][relation]
    if not kind:
        return float(scores[what])
    assert what == "recall", f"{name}: a pair kind has a recall only"
    counts = scores["kinds"][kind[0]]
    return counts["linked"] / counts["pairs"]
