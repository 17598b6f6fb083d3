"""Imported once by the forkserver the extraction workers are forked from.

What this process loads, every worker inherits instead of loading it again: trafilatura and
lxml, the compiled fact tables, the gazetteer (read from its built index, or built here once),
py3langid's language model (its ~68 MB of arrays mapped from the built index, so a worker reads
in only the pages its texts need) and the cycle's topic (its ~1,600 phrase patterns cost each
worker about half a second to compile).
The forkserver starts with the environment of the process that first starts a worker, which
names the topic in ``analysis.WORKER_TOPIC_ENV``. A failure here must not stop the forkserver;
a worker then loads what it needs itself.
"""

from __future__ import annotations

import gc
import logging
import os

from crawler.pages import analysis, extraction  # noqa: F401  (extraction: trafilatura and lxml)
from crawler.topic import language
from crawler.topic.facts.places import load_gazetteer

try:
    load_gazetteer()
except Exception:
    logging.getLogger(__name__).warning("could not preload the gazetteer for the workers", exc_info=True)

try:  # the language model, mapped once here instead of loaded by every worker
    language.preload_model()
except Exception:
    logging.getLogger(__name__).warning("could not preload the language model for the workers", exc_info=True)

if os.environ.get(analysis.WORKER_TOPIC_ENV):
    try:
        analysis.compiled_topic(os.environ[analysis.WORKER_TOPIC_ENV])
    except Exception:  # a topic that fails here fails again, typed, in the worker that needs it
        logging.getLogger(__name__).warning("could not preload the topic for the workers", exc_info=True)

# What was loaded here lives as long as the workers: the collector need not scan it in each of
# them, and not scanning it keeps its pages shared with this process instead of copied.
gc.freeze()
