"""Structured-data shortcuts and precision passes never cost the reader the article.

Live blogs keep every update in page order with its time; a declared body that is only a
teaser never trims the DOM text; a precision-first pass that finds only a notice falls back to
a fuller extraction. The pages are synthetic, in the shapes large publishers use
(tests/support/publisher_pages.py).
"""

from __future__ import annotations

import pytest

from crawler.pages.declared_body import reconcile_with_declared_body
from crawler.pages.extraction import ARTICLE, LIVEBLOG, extract_article
from crawler.pages.liveblog import reconcile_liveblog
from crawler.pages.notices import is_only_a_notice
from crawler.pages.structured_data import LiveUpdate, read_structured_text
from tests.support import publisher_pages as pages
from tests.support.dates import ago

UPDATES = 50


def positions(text: str, pieces: list[str]) -> list[int]:
    found = [text.find(piece) for piece in pieces]
    assert -1 not in found, f"{found.count(-1)} of {len(pieces)} pieces missing"
    return found


@pytest.mark.parametrize("shape", [pages.liveblog_of_article_blocks, pages.liveblog_of_post_divs])
def test_a_live_blog_keeps_every_update_in_page_order(shape) -> None:
    updates = pages.live_updates(UPDATES, ago(hours=8))
    article = extract_article(shape(updates), pages.URL)
    assert article is not None and article.kind == LIVEBLOG
    every_paragraph = [paragraph for update in updates for paragraph in update.paragraphs]
    found = positions(article.text, every_paragraph)
    assert found == sorted(found), "updates out of page order"


def test_live_blog_updates_carry_their_time_when_the_dom_keeps_one_update() -> None:
    # the <article>-per-update shape: the DOM extractor keeps one block, the declared updates
    # replace it, each under its own time
    updates = pages.live_updates(UPDATES, ago(hours=8))
    article = extract_article(pages.liveblog_of_article_blocks(updates), pages.URL)
    assert article is not None
    headings = [f"{update.published:%Y-%m-%d %H:%M} UTC - {update.headline}" for update in updates]
    found = positions(article.text, headings)
    assert found == sorted(found)


def test_a_live_blog_declaring_only_its_latest_updates_keeps_what_the_page_shows() -> None:
    updates = pages.live_updates(UPDATES, ago(hours=8))
    article = extract_article(pages.liveblog_of_post_divs(updates, declared=3), pages.URL)
    assert article is not None and article.kind == LIVEBLOG
    positions(article.text, [update.paragraphs[1] for update in updates])


def test_a_live_blog_declaring_its_whole_history_keeps_the_updates_the_page_shows() -> None:
    # hundreds declared, the latest twenty shown: the others are behind "load more"
    updates = pages.live_updates(200, ago(hours=30))
    article = extract_article(pages.liveblog_of_post_divs(updates, shown=20), pages.URL)
    assert article is not None and article.kind == LIVEBLOG
    found = positions(article.text, [paragraph for update in updates[:20] for paragraph in update.paragraphs])
    assert found == sorted(found)
    assert not [update for update in updates[20:] if update.paragraphs[1] in article.text]


def test_declared_updates_missing_from_a_much_longer_dom_text_are_added_after_it() -> None:
    shown = "of what the page shows about the protests downtown today."
    dom_text = "\n".join(f"Paragraph {n} {shown}" for n in range(60))
    curfew = "The city announced a curfew starting at ten tonight."
    extra = LiveUpdate(ago(hours=1), "Curfew announced", curfew)
    already = LiveUpdate(ago(hours=2), "", f"Paragraph 3 {shown}")
    text = reconcile_liveblog(dom_text, (extra, already))
    assert text.startswith(dom_text)
    assert text.endswith(curfew)
    assert text.count(f"Paragraph 3 {shown}") == 1


def test_live_blog_updates_inside_json_ld_are_never_the_article_body() -> None:
    updates = pages.live_updates(3, ago(hours=2))
    html = pages.liveblog_of_article_blocks(updates)
    blocks = tuple(html.split('<script type="application/ld+json">')[1].split("</script>")[:1])
    declared = read_structured_text(blocks)
    assert declared.is_liveblog and declared.article_body == ""
    assert [update.headline for update in declared.updates] == [update.headline for update in updates]
    assert [update.published for update in declared.updates] == [update.published for update in updates]


def test_a_teaser_article_body_never_trims_the_full_dom_text() -> None:
    article = extract_article(pages.article_with_teaser_body(opening=2), pages.ARTICLE_URL)
    assert article is not None and article.kind == ARTICLE
    found = positions(article.text, list(pages.ARTICLE_PARAGRAPHS))
    assert found == sorted(found)


def test_a_dom_text_cut_after_its_first_paragraph_gets_the_rest_of_the_declared_body() -> None:
    dek = "A short standfirst above the story, which the declared body leaves out."
    cut_short = "\n".join([dek, pages.ARTICLE_PARAGRAPHS[0]])
    declared = "\n".join(pages.ARTICLE_PARAGRAPHS)
    text = reconcile_with_declared_body(cut_short, declared)
    assert text.startswith(cut_short)
    found = positions(text, list(pages.ARTICLE_PARAGRAPHS))
    assert found == sorted(found)
    assert text.count(pages.ARTICLE_PARAGRAPHS[0]) == 1


def test_a_paywalled_page_whose_precise_pass_keeps_only_the_reprints_notice_gets_its_article() -> None:
    article = extract_article(pages.paywalled_article(), pages.PAYWALL_URL)
    assert article is not None
    found = positions(article.text, list(pages.PAYWALL_PARAGRAPHS))
    assert found == sorted(found)
    assert "non-commercial use" not in article.text  # the notice itself is page furniture


@pytest.mark.parametrize(
    "text",
    [
        pages.REPRINTS_NOTICE,
        "We use cookies to improve your experience.\nAccept all cookies",
        "Headline of the story\nSubscribe to continue reading. Already a subscriber? Sign in.",
    ],
)
def test_short_texts_made_of_notices_are_only_notices(text: str) -> None:
    assert is_only_a_notice(text)


def test_a_short_article_that_mentions_subscribing_is_not_a_notice() -> None:
    story = (
        "The county board voted on Tuesday to end its agreement with federal immigration authorities.\n"
        "Residents who want updates can subscribe to the board's meeting notices.\n"
        "The agreement will end in sixty days, the county attorney said, after notice is sent."
    )
    assert not is_only_a_notice(story)
