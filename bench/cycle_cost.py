"""What a cycle costs around its articles: a cycle with nothing due, and an unchanged cycle.

    .venv/bin/python bench/cycle_cost.py [--feeds 500] [--hosts 50] [--repeat 3] [--json]

50 local HTTP servers (127.0.0.2 ... 127.0.0.51, port 0; nothing else is contacted) serve 500
small RSS feeds with ETags, one entry each, and each host a robots.txt. One `newswatch run`
first fills the store (not measured: every feed polled, every robots.txt and article fetched
once). Then, each `--repeat` times, median reported:

- **nothing due**: `newswatch run` at once again; no feed due, nothing pending, no re-check.
  Wall time and CPU of the process, and the requests the servers saw (must be none). The
  fill's full run kept the configuration's facts, so these take the path without SQLAlchemy
  or pydantic (crawler/app/idle_cycle.py).
- **unchanged**: every feed made due (its next check cleared in the store, as if the interval
  had passed) and every feed answering 304. Wall time and CPU of the whole process tree,
  and the requests the servers saw, which must equal the feed count: robots.txt comes from
  the store, nothing else is fetched.

robots.txt is obeyed (the default); per-host politeness is lifted (no delay, no autothrottle,
16 parallel requests per host), so the figures are newswatch's own cost, not the waits that
50 real sites would each impose.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from soak import CycleCost, make_all_feeds_due, measure_cycle  # noqa: E402

from tests.support.cli import write_config  # noqa: E402
from tests.support.mockserver import MockServer, Page  # noqa: E402
from tests.support.pages import Story, article_html, rss  # noqa: E402

PARAGRAPH = (
    "County officials said the new shelter would open next week after a hearing on the budget, "
    "and volunteers from the church and the school offered to help families settle in."
)


def serve_site(server: MockServer, host: int, feeds: int) -> list[str]:
    """`feeds` feeds of one entry each on this host; their URLs."""
    server.serve("/robots.txt", Page(b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    urls = []
    for feed in range(feeds):
        story = Story(
            path=f"/a/{feed}", title=f"Story {feed} of host {host}", paragraphs=(PARAGRAPH, PARAGRAPH)
        )
        server.serve(story.path, Page(article_html(story)))
        body = rss(f"host {host} feed {feed}", server.base, [(story.title, server.url(story.path), None)])
        server.serve(
            f"/feeds/{feed}.xml", Page(body, content_type="application/rss+xml", etag=f'"{host}-{feed}"')
        )
        urls.append(server.url(f"/feeds/{feed}.xml"))
    return urls


def requests_seen(servers: list[MockServer]) -> dict[str, int]:
    paths = [path for server in servers for path in server.paths_requested()]
    return {"total": len(paths), "robots.txt": sum(path == "/robots.txt" for path in paths)}


def measured(config: Path, database: Path, servers: list[MockServer]) -> tuple[CycleCost, dict[str, int]]:
    for server in servers:
        server.clear_log()
    cost = measure_cycle(config, database)
    return cost, requests_seen(servers)


def median_cost(costs: list[tuple[CycleCost, dict[str, int]]]) -> dict[str, object]:
    walls = [cost.wall for cost, _ in costs]
    return {
        "wall_seconds": [round(wall, 2) for wall in walls],
        "wall_seconds_median": round(statistics.median(walls), 2),
        "cpu_seconds_main_median": round(statistics.median(cost.cpu_main for cost, _ in costs), 2),
        "cpu_seconds_tree_median": round(statistics.median(cost.cpu_tree for cost, _ in costs), 2),
        "requests": [seen for _, seen in costs],
        "finish_reason": sorted({str(cost.run["finish_reason"]) for cost, _ in costs}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newswatch-cycle-cost-") as name, contextlib.ExitStack() as stack:
        folder = Path(name)
        servers = [stack.enter_context(MockServer(f"127.0.0.{2 + host}")) for host in range(args.hosts)]
        per_host = [args.feeds // args.hosts + (host < args.feeds % args.hosts) for host in range(args.hosts)]
        feed_urls = [
            url for host, server in enumerate(servers) for url in serve_site(server, host, per_host[host])
        ]
        database = folder / "cost.db"
        config = write_config(
            folder,
            f"sqlite:///{database}",
            [
                {"name": f"feed-{n}", "url": url, "interval": "1h", "keep": "all"}
                for n, url in enumerate(feed_urls)
            ],
            crawl={"autothrottle": False, "concurrent_requests": 16, "concurrent_requests_per_host": 16},
            extraction={"workers": None},
        )
        fill, fill_seen = measured(config, database, servers)
        idle = [measured(config, database, servers) for _ in range(args.repeat)]
        unchanged = []
        for _ in range(args.repeat):
            make_all_feeds_due(database)
            unchanged.append(measured(config, database, servers))
    result = {
        "feeds": len(feed_urls),
        "hosts": args.hosts,
        "fill_cycle": {"wall_seconds": round(fill.wall, 2), "requests": fill_seen},
        "nothing_due": median_cost(idle),
        "unchanged": median_cost(unchanged),
    }
    if not args.json:
        for key in ("nothing_due", "unchanged"):
            print(f"{key:12} {result[key]}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
