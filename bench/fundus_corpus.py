"""Fundus's parser test pages as a labelled extraction set, read from a fetched git snapshot.

fundus (https://github.com/flairNLP/fundus, MIT licence) tests each of its hand-written
publisher parsers on saved article pages: ``tests/resources/parser/test_data/<country>/``
holds ``<Publisher>_<YYYY_MM_DD>.html.gz``, a ``meta.info`` with each page's URL, and
``<Publisher>.json`` with the expected parse per parser version (``V1``, ``V1_1``, ``V2``...,
in the order the versions replaced each other, one per saved page). The gold text of a page is
its expected ``body``: the summary, then each section's headline and paragraphs, in order.
News only, 2023-2026 pages of some 180 publishers in many languages and countries, none seen
by this project before. Pinned: commit 18da6e53592f99cf0ac5770dc63d6ba99ba63ae8 (2026-08-05),
258 pages. Nothing of it is copied into the repo; the archive is read in memory.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from bench.mirror_corpus import git_archive

TEST_DATA = "tests/resources/parser/test_data"
PINNED_COMMIT = "18da6e53592f99cf0ac5770dc63d6ba99ba63ae8"
_PAGE_NAME = re.compile(r"(?P<publisher>\w+?)_(?P<date>\d{4}_\d\d_\d\d)\.html\.gz$")


def is_fundus_snapshot(git_dir: Path) -> bool:
    listed = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "--name-only", "HEAD", TEST_DATA],
        capture_output=True,
        text=True,
    )
    return listed.returncode == 0 and bool(listed.stdout.strip())


def gold_text(body: dict[str, list]) -> str:
    """The expected body as plain text: summary, then every section's headline and paragraphs."""
    lines = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        lines += section.get("headline") or []
        lines += section.get("paragraphs") or []
    return "\n".join(lines)


def _members(git_dir: Path) -> dict[str, bytes]:
    with git_archive(git_dir, TEST_DATA) as archive:
        return {
            member.name: archive.extractfile(member).read()  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile()
        }


def load_fundus(git_dir: Path) -> Iterator[tuple[str, str, str]]:
    """(url, html, gold body) for every saved page whose expected parse has a body."""
    files = _members(git_dir)
    pages: dict[tuple[str, str], list[str]] = {}
    for name in sorted(files):
        match = _PAGE_NAME.search(name)
        if match:
            folder = name.rsplit("/", 1)[0]
            pages.setdefault((folder, match["publisher"]), []).append(name)
    for (folder, publisher), names in sorted(pages.items()):
        expected = json.loads(files[f"{folder}/{publisher}.json"])
        meta = json.loads(files[f"{folder}/meta.info"])
        # the versions are listed oldest first, as the pages' dates sort
        for name, version in zip(sorted(names), expected.values(), strict=True):
            gold = gold_text(version.get("body") or {})
            if not gold:
                continue
            html = gzip.decompress(files[name]).decode("utf8", errors="replace")
            yield meta[name.rsplit("/", 1)[1]]["url"], html, gold
