"""Imported once by the forkserver the extraction workers are forked from.

What this process loads, every worker inherits instead of loading it again: trafilatura and
lxml, the compiled fact tables, and the gazetteer (read from its built index, or built here
once). A failure here must not stop the forkserver; a worker then loads what it needs itself.
"""

from __future__ import annotations

import logging

from crawler.pages import analysis  # noqa: F401  (imported for its imports: trafilatura, the fact tables)
from crawler.topic.facts.places import load_gazetteer

try:
    load_gazetteer()
except Exception:
    logging.getLogger(__name__).warning("could not preload the gazetteer for the workers", exc_info=True)
