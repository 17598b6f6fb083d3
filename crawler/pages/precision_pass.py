"""trafilatura's fast precision pass, run stage by stage so that it copies the page once.

``trafilatura.bare_extraction(tree, fast=True, favor_precision=True, include_comments=False)``
copies the tree it is given, then copies it twice more (a cleaned copy and its backup) for
stages that a fast precision pass never runs: the readability/justext comparison, the
baseline rescue and the recall escalation. On the multi-host benchmark's 300 pages those two
copies were about a fifth of the pass's CPU. This runs the stages that pass does run, in its
order, on one copy. ``tests/unit/test_precision_pass.py`` checks the text equals
``bare_extraction``'s, so a trafilatura upgrade that changes the sequence fails a test instead
of quietly changing the text.
"""

from __future__ import annotations

from copy import copy

from lxml.html import HtmlElement
from trafilatura.core import _forum_thread_page
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.main_extractor import extract_content
from trafilatura.settings import Extractor
from trafilatura.xml import xmltotxt
from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH, REMOVE_COMMENTS_XPATH


def fast_precision_text(tree: HtmlElement, url: str) -> str:
    """The text of trafilatura's fast precision pass without comments ("" when it finds too
    little); ``tree`` is left as it was. Raises what trafilatura's stages raise."""
    options = Extractor(fast=True, precision=True, comments=False, url=url)
    is_forum = _forum_thread_page(tree)
    raw = copy(tree)  # the one copy: later stages prune and convert it in place
    raw = prune_unwanted_nodes(raw, RAW_TREE_PRUNE_XPATH)
    raw = prune_unwanted_nodes(raw, REMOVE_COMMENTS_AND_LISTS_XPATH)  # comments off, precision
    cleaned = convert_tags(tree_cleaning(raw, options), options, url)
    if not is_forum:
        cleaned = prune_unwanted_nodes(cleaned, REMOVE_COMMENTS_XPATH)
    body, text = extract_content(cleaned, options)
    # bare_extraction's size check (no comments); the baseline and escalation skip precision
    if len(text) < options.min_output_size:
        return ""
    return xmltotxt(body, options.formatting) or ""
