"""`newswatch search`: hits on a terminal (matched words in bold) or as JSON Lines for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console
from rich.text import Text

from crawler.store import SearchHit
from crawler.store.full_text import MATCH_END, MATCH_START


def print_hits(console: Console, hits: list[SearchHit]) -> None:
    """Each story: id, date, source, title and its reach, the snippet, the URL."""
    for hit in hits:
        when = (hit.published or hit.first_seen).date().isoformat()
        reach = f" [{hit.outlets} outlets]" if hit.outlets > 1 else ""
        line = Text.assemble(
            (str(hit.article_id), "bold"), f" {when} ", (hit.source, "cyan"), f" {hit.title or '(untitled)'}"
        )
        line.append(reach, "magenta")
        console.print(line)
        console.print(Text("    ").append_text(highlighted(hit.snippet)))
        console.print(Text(f"    {hit.url}", "dim"))
    if not hits:
        console.print("no matches")


def highlighted(snippet: str) -> Text:
    """The snippet with its matched words in bold."""
    text = Text()
    for index, part in enumerate(_parts(snippet)):
        text.append(part, "bold yellow" if index % 2 else "")
    return text


def markdown_snippet(snippet: str) -> str:
    """The snippet with its matched words as **markdown bold**."""
    return "".join(f"**{part}**" if index % 2 else part for index, part in enumerate(_parts(snippet)))


def _parts(snippet: str) -> list[str]:
    """Alternating plain and matched parts (even indexes plain)."""
    return snippet.replace(MATCH_END, MATCH_START).split(MATCH_START)


def hit_record(hit: SearchHit) -> dict[str, Any]:
    """One hit for scripts: ISO dates, the snippet in markdown bold."""
    return {
        "story_id": hit.story_id,
        "id": hit.article_id,
        "title": hit.title,
        "source": hit.source,
        "site": hit.site,
        "url": hit.url,
        "published": hit.published.isoformat() if hit.published else None,
        "first_seen": hit.first_seen.isoformat(),
        "relevance": round(hit.relevance, 4),
        "score": round(hit.score, 6),
        "outlets": hit.outlets,
        "copies": hit.copies,
        "snippet": markdown_snippet(hit.snippet),
    }


def write_hits_jsonl(hits: Iterable[SearchHit], out: IO[str]) -> int:
    count = 0
    for hit in hits:
        out.write(json.dumps(hit_record(hit), ensure_ascii=False) + "\n")
        count += 1
    return count
