"""One real cycle (the CLI's crawl, in this child process) whose DNS answers are scripted.

``python -m tests.support.scripted_cycle CONFIG SCRIPT LOG`` runs the feeds spider exactly as
`newswatch run` does, with :class:`tests.support.scripted_dns.ScriptedResolver` as the upstream
of the guarded resolver, and prints the cycle id.
"""

from __future__ import annotations

import sys
from pathlib import Path

from crawler.app.crawls import run_cycle

if __name__ == "__main__":
    config, script, log = sys.argv[1:4]
    cycle_id = run_cycle(
        Path(config),
        extra_settings={
            "NEWSWATCH_DNS_UPSTREAM": "tests.support.scripted_dns.ScriptedResolver",
            "NEWSWATCH_DNS_SCRIPT": script,
            "NEWSWATCH_DNS_LOG": log,
        },
    )
    print(cycle_id)
