"""Every article gets a language in a real cycle: the page's declaration, else detected from its
text; a feed that reads only some languages keeps no article in another."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.support.cli import newswatch, write_config
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, rss
from tests.support.stories import RAID

# In our own words: a Spanish-language enforcement story.
REDADA = Story(
    path="/noticias/redada-planta",
    title="Agentes de inmigración detienen a 80 trabajadores en una redada en una planta",
    paragraphs=(
        "Agentes de Inmigración y Control de Aduanas detuvieron a unos 80 trabajadores el jueves en una "
        "redada en una planta procesadora de carne en las afueras de Omaha, según dijeron las autoridades.",
        "Las familias esperaron durante horas frente a la planta mientras los autobuses se llevaban a los "
        "detenidos a un centro de procesamiento. Los abogados pidieron la liberación de quienes no tienen "
        "antecedentes penales.",
        "La fiscalía federal dijo que la investigación sobre las prácticas de contratación de la empresa "
        "continúa y que podría haber más cargos en las próximas semanas.",
    ),
    published=RAID.published,
)


def undeclared(story: Story) -> bytes:
    """The page as the site serves it, without any lang attribute."""
    page = article_html(story)
    assert b'<html lang="en">' in page
    return page.replace(b'<html lang="en">', b"<html>")


def serve_feed(server: MockServer, path: str, stories: list[Story]) -> str:
    for story in stories:
        server.serve(story.path, Page(undeclared(story)))
    items = [(s.title, server.url(s.path), s.published) for s in stories]
    server.serve(path, Page(rss("Valley", server.base, items), content_type="application/rss+xml"))
    return server.url(path)


@pytest.mark.slow
def test_undeclared_languages_are_detected_and_a_feed_keeps_only_its_languages(
    server: MockServer, tmp_path: Path, sqlite_url: str
) -> None:
    spanish_copy = Story(**{**REDADA.__dict__, "path": "/en-only/redada"})
    feeds = [
        {"name": "any-language", "url": serve_feed(server, "/feed.xml", [RAID, REDADA])},
        {"name": "english-only", "url": serve_feed(server, "/en.xml", [spanish_copy]), "languages": ["en"]},
    ]
    config = write_config(tmp_path, sqlite_url, feeds)

    result = newswatch("run", config=config)

    assert result.returncode == 0, result.stderr
    exported = newswatch("export", "--format", "jsonl", config=config)
    assert exported.returncode == 0, exported.stderr
    records = {r["url"]: r for r in map(json.loads, exported.stdout.splitlines())}
    assert {url: r["language"] for url, r in records.items()} == {
        server.url(RAID.path): "en",
        server.url(REDADA.path): "es",
    }
    assert records[server.url(REDADA.path)]["relevance"] >= 0.5  # the Spanish vocabulary reads it
    # The English-only feed's Spanish article is remembered as seen, not stored.
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    with sqlite3.connect(database) as connection:
        statuses = dict(connection.execute("select url, status from urls where url like '%/en-only/%'"))
    assert list(statuses.values()) == ["irrelevant"], statuses
