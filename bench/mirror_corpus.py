"""A labelled extraction set read from a fetched git snapshot, never from files in this repo.

The pages of scrapinghub/article-extraction-benchmark are third-party HTML, so they are not
committed: ``bench/eval_extraction.py --mirror GIT_DIR`` unpacks ``ground-truth.json`` and
``html/`` from the snapshot's HEAD into a temporary directory outside the repository and scores
them. Source: https://github.com/scrapinghub/article-extraction-benchmark, commit
4a3bc979f76c0df73cb95fe272e2fc1b96f9f010 (2026-03-01), MIT licence, 181 pages.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

HOLDOUT_SHARE = 3  # one page in three, by URL hash, is the holdout; the rest is dev
GROUND_TRUTH = "ground-truth.json"


def split_of(url: str) -> str:
    digest = hashlib.sha256(url.encode("utf-8")).digest()
    return "holdout" if digest[0] % HOLDOUT_SHARE == 0 else "dev"


def git_archive(git_dir: Path, *paths: str) -> tarfile.TarFile:
    """These paths of the snapshot's HEAD as a tar archive in memory (nothing is written out)."""
    try:
        data = subprocess.run(
            ["git", "--git-dir", str(git_dir), "archive", "HEAD", *paths],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or str(error).encode()
        raise SystemExit(f"{git_dir}: git archive failed: {detail.decode(errors='replace')}") from None
    return tarfile.open(fileobj=io.BytesIO(data))


def load_mirror(git_dir: Path) -> Iterator[tuple[str, str, str]]:
    """(url, html, gold articleBody) for every page of the snapshot, in key order.

    Read straight from the archive in memory: nothing is written, inside the repo or out."""
    with git_archive(git_dir, GROUND_TRUTH, "html") as archive:
        member = archive.extractfile(GROUND_TRUTH)
        if member is None:
            raise SystemExit(f"{git_dir}: no {GROUND_TRUTH} at HEAD")
        truth = json.loads(member.read())
        for key in sorted(truth):
            page = archive.extractfile(f"html/{key}.html.gz")
            if page is None:
                raise SystemExit(f"{git_dir}: {GROUND_TRUTH} key {key} has no html/{key}.html.gz")
            html = gzip.decompress(page.read()).decode("utf8", errors="replace")
            yield truth[key]["url"], html, truth[key].get("articleBody", "")
