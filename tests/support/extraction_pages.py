"""A small news page with a known article, and JSON-LD to add to it, for the extraction tests."""

from __future__ import annotations

import json

URL = "https://news.example.org/2024/03/county-ends-jail-agreement"
TITLE = "County ends jail agreement with immigration authorities"
PARAGRAPHS = (
    "The county board voted on Tuesday to end its agreement with federal immigration "
    "authorities, ending a program that let the sheriff's office hold people for transfer.",
    "Supporters of the change said the agreement had cost the county more than it received "
    "and had made residents afraid to report crimes or appear as witnesses in court.",
    "The sheriff said his office would comply with the decision and would continue to honor "
    "judicial warrants, as state law requires, for anyone held in the county jail.",
    "Opponents urged the board to delay the vote until after a public hearing, arguing that "
    "the decision deserved a fuller discussion with residents of the rural districts.",
    "The agreement will end in sixty days, the county attorney said, after notice is sent to "
    "the regional field office and the remaining detainees are transferred or released.",
)


def page(
    head: str = "", body: str = "", *, lang: str = "en", paragraphs: tuple[str, ...] = PARAGRAPHS
) -> str:
    """A news page: navigation, the article, a footer; ``head``/``body`` add markup."""
    text = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{TITLE} | The Courier</title>{head}</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sports">Sports</a></nav>
<main><article><h1>{TITLE}</h1>{text}{body}</article></main>
<footer><a href="/about">About us</a> <a href="/privacy">Privacy</a></footer></body></html>"""


def json_ld(**fields: object) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'
