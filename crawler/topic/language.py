"""The language of an article: what the page declares, else what its text is written in.

Pages that declare no language (about one in ten) are identified with py3langid, a maintained
fork of langid.py: a naive Bayes model over byte n-grams, some 140 language labels, numpy only.
Its model takes ~68 MB and about a second of CPU to unpack, so it is unpacked once into the
built-index cache (crawler.core.built_index) and mapped from there, not read: a process holds
only the pages of it that its texts touched. It is mapped once, by the extraction workers'
forkserver (crawler.pages.worker_preload), which the workers share; the crawling process loads
it only for an untitled page it scores with the feed entry's title. The text read is capped: the
headline and the first 2,000 characters decide as well as the whole article (see
bench/eval_language.py).
"""

from __future__ import annotations

import functools
import threading
from typing import Any

__all__ = ["article_language", "detect_language", "preload_model"]

SAMPLE_CHARS = 2000
MIN_LETTERS = 20  # fewer letters than this is a caption, not evidence
MIN_PROBABILITY = 0.5

_lock = threading.Lock()


def article_language(declared: str | None, title: str, text: str) -> str | None:
    """The declared primary language subtag when there is one, else the detected language;
    None when the text is too short or too mixed to tell."""
    if declared:
        return declared
    return detect_language(f"{title}\n{text[:SAMPLE_CHARS]}")


def detect_language(text: str) -> str | None:
    """The language `text` is written in (a code such as "en"), or None when it is too short or
    the model is unsure."""
    if sum(char.isalpha() for char in text[: SAMPLE_CHARS + 200]) < MIN_LETTERS:
        return None
    language, probability = _identifier().classify(text[: SAMPLE_CHARS + 200])
    return str(language) if probability >= MIN_PROBABILITY else None


def preload_model() -> None:
    """Load the model now (the extraction workers' forkserver does, so they share one copy)."""
    _identifier()


def _identifier() -> Any:
    with _lock:  # two threads asking at once load the model once
        return _loaded()


@functools.cache
def _loaded() -> Any:
    from py3langid.langid import LanguageIdentifier

    from crawler.core.built_index import load_or_build_mapped

    # The packaged model is LZMA-compressed: unpacking it costs ~0.8 s of CPU at every start of
    # the workers' forkserver. The unpacked arrays are mapped from the built index instead of
    # read, so the ~68 MB stay out of every process's memory until a page needs them, and the
    # pages that detection reads are shared through the page cache.
    ptc, pc, classes, nextmove, row, output = load_or_build_mapped(
        "language-model", _unpacked_model, packages=["py3langid"], distributions=["py3langid"]
    )
    # A memoryview of unsigned ints indexes like py3langid's own array.array("I").
    return LanguageIdentifier(ptc, pc, classes, memoryview(nextmove), output, norm_probs=True, tk_row=row)


def _unpacked_model() -> tuple[Any, ...]:
    """py3langid's model as its `from_model_file` reads it, its two large tables as numpy arrays
    (which the built index maps)."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    nextmove = np.frombuffer(nextmove, dtype=np.dtype(nextmove.typecode))
    return np.asarray(ptc), np.asarray(pc), classes, nextmove, row, output
