"""Memory ceiling: one real cycle over a feed listing many 4-5 MB article pages. What is the peak
RSS of the crawling process and of each extraction worker?

    .venv/bin/python bench/memory_ceiling.py [--pages 200] [--json]

A local HTTP server (127.0.0.1, port 0; nothing else is contacted) serves one RSS feed listing
``--pages`` articles; each page is a real article (distinct text, so none is a copy of another)
followed by about 4.4 MB of page furniture (navigation lists and a large inline script), under
the default 5 MB page cap. `newswatch run` crawls them with the default concurrency (16
requests, 2 per host) and the default worker count; psutil samples every 100 ms the RSS of the
`newswatch run` process and of every process below it (the forkserver and the workers).

Prints the peak RSS of the crawling process, the largest peak of any one worker, the peak of
the whole tree, and how many pages were stored. The memory a cycle needs follows from the
pages in flight (bounded by the concurrency and the page cap), not from how many pages the
feed lists: run with --pages 50 and --pages 200 to see the peaks stay put.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.cli import cli_command, write_config  # noqa: E402
from tests.support.mockserver import MockServer, Page  # noqa: E402
from tests.support.pages import Story, article_html, rss  # noqa: E402
from tests.support.process_memory import MB, PeakMemory  # noqa: E402

PAGE_BYTES = 4_500_000


def large_page(index: int) -> bytes:
    words = [f"w{index}x{n}" for n in range(400)]
    story = Story(
        path=f"/news/large-{index}",
        title=f"Immigration agents detain workers in raid number {index}",
        paragraphs=tuple(
            "Immigration and Customs Enforcement agents detained workers in a raid. "
            + " ".join(words[i : i + 80])
            for i in range(0, 400, 80)
        ),
    )
    html = article_html(story)
    furniture_item = b'<li><a href="/section/item">Section item with a long navigation label</a></li>\n'
    script = b"<script>var data = '" + b"x" * 1_500_000 + b"';</script>\n"
    nav = (
        b"<nav><ul>"
        + furniture_item * ((PAGE_BYTES - len(html) - len(script)) // len(furniture_item))
        + b"</ul></nav>"
    )
    return html.replace(b"</body>", script + nav + b"</body>")


def measure(pages: int, folder: Path) -> dict[str, float]:
    """Serve `pages` large pages, run one cycle over them, return the peaks in MB."""
    with MockServer() as server:
        for index in range(pages):
            server.serve(f"/news/large-{index}", Page(large_page(index)))
        items = [(f"Story {i}", server.url(f"/news/large-{i}"), None) for i in range(pages)]
        server.serve("/feed.xml", Page(rss("large", server.base, items), content_type="application/rss+xml"))
        database = folder / "memory.db"
        config = write_config(
            folder,
            f"sqlite:///{database}",
            [{"name": "large", "url": server.url("/feed.xml"), "keep": "all"}],
            crawl={"concurrent_requests_per_host": 16, "download_timeout": "120s"},
            extraction={"workers": 2, "deadline": "120s"},
        )
        started = time.monotonic()
        child = subprocess.Popen(
            cli_command(config, "run"), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        sampler = PeakMemory(child.pid)
        sampler.start()
        _, stderr = child.communicate()
        sampler.stop()
        if child.returncode != 0:
            raise SystemExit(f"the cycle failed ({child.returncode}): {stderr}")
        with sqlite3.connect(database) as connection:
            stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    mb = MB
    return {
        "pages": pages,
        "stored": stored,
        "seconds": round(time.monotonic() - started, 1),
        "crawler_peak_mb": round(sampler.root_peak / mb, 1),
        "largest_worker_peak_mb": round(sampler.largest_child_peak / mb, 1),
        "tree_peak_mb": round(sampler.tree_peak / mb, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = measure(args.pages, Path(folder))
    print(
        json.dumps(result) if args.json else "\n".join(f"{key:24} {value}" for key, value in result.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
