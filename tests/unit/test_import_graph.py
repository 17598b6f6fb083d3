"""The packages depend one way: entry points → spiders/pipelines → stages → store → core.

The rules, checked on every import statement (module level, inside functions and under
TYPE_CHECKING alike, since a lazy import is a dependency too):

* Nothing in ``crawler`` imports ``spiders`` or ``pipelines``: crawls are started by Scrapy
  spider name (``crawler.app.crawls``) and the settings name pipelines by import string.
  ``spiders`` and ``pipelines`` import ``crawler``, never each other.
* The subpackages of ``crawler`` form layers; a module imports only from its own subpackage
  and from the layers below it, so there can be no cycle between subpackages.
* ``crawler.core`` imports no other subpackage, and ``crawler.core.errors`` imports nothing
  but the standard library: every module can name an error without pulling anything in.
"""

from __future__ import annotations

import ast
import graphlib
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.support import REPO

# Lowest first: each layer may import the ones before it.
LAYERS = (
    "core",  # errors and reasons, the clock, durations, configuration, URLs, packaged defaults
    "dedup",  # content hash, MinHash signatures, article versions: pure functions
    "store",  # the database; links copies with dedup's algorithms as it saves
    "migrations",  # Alembic's scripts, on the store's schema
    "sources",  # feeds, sitemaps, section pages, aggregators, polling, discovery
    "topic",  # relevance and facts
    "pages",  # decoding, extraction, metadata, the worker pool, per-page analysis
    "views",  # what the CLI prints and writes
    "alerts",  # matching new stories to alert rules, sending through Apprise
    "cycle",  # one crawl's runtime, ledger and item
    "scrapy_components",  # middlewares, extensions, settings
    "app",  # the CLI, the daemon, starting crawls
)
TOP_LEVEL = ("crawler", "spiders", "pipelines")


def modules() -> Iterator[tuple[str, Path]]:
    for top in TOP_LEVEL:
        for path in sorted((REPO / top).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports_of(name: str, path: Path) -> set[str]:
    """Every module name `path` imports, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from crawler.app import cli` imports crawler.app.cli
            found.update(f"{base}.{alias.name}" for alias in node.names)
            found.add(base)
    return found


def subpackage(module: str) -> str | None:
    """The crawler subpackage a module belongs to (None outside crawler, or for crawler itself)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "crawler" and len(parts) > 1 else None


GRAPH = {name: imports_of(name, path) for name, path in modules()}


def test_every_crawler_subpackage_has_a_layer():
    on_disk = {subpackage(name) for name in GRAPH} - {None, "defaults"}
    assert on_disk == set(LAYERS)


def test_imports_go_down_the_layers_only():
    wrong = []
    for name, imported_names in sorted(GRAPH.items()):
        own = subpackage(name)
        for imported in sorted(imported_names):
            top = imported.split(".")[0]
            if top in ("spiders", "pipelines") and name.split(".")[0] != top:
                wrong.append(f"{name} imports {imported}")
            other = subpackage(imported)
            if top != "crawler" or own is None or other is None or other == own or other not in LAYERS:
                continue
            if LAYERS.index(other) > LAYERS.index(own):
                wrong.append(f"{name} ({own}) imports {imported} ({other})")
    assert wrong == []


def test_the_errors_module_imports_only_the_standard_library():
    third_party = {
        imported
        for imported in GRAPH["crawler.core.errors"]
        if imported.split(".")[0] not in sys.stdlib_module_names
    }
    assert third_party == set()


def test_the_subpackage_graph_has_no_cycle():
    depends_on: dict[str, set[str]] = {}
    for name, imported_names in GRAPH.items():
        own = subpackage(name)
        if own is None:
            continue
        others = {subpackage(imported) for imported in imported_names if imported.startswith("crawler.")}
        depends_on.setdefault(own, set()).update(other for other in others if other and other != own)
    graphlib.TopologicalSorter(depends_on).prepare()  # raises CycleError naming the cycle
