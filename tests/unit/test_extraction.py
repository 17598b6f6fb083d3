"""Behaviour of crawler.extraction: body text, metadata fields, and hostile pages."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest
from lxml.html import fromstring

from crawler.pages import metadata as page_metadata
from crawler.pages.extraction import ExtractedArticle, extract_article, extract_text, strip_furniture
from tests.support.extraction_pages import PARAGRAPHS, TITLE, URL, json_ld, page


def test_body_text_is_the_article_paragraphs_one_per_line() -> None:
    article = extract_article(page(), URL)
    assert article is not None
    assert article.text.split("\n") == list(PARAGRAPHS)


def test_extract_text_returns_the_same_text_as_extract_article() -> None:
    html = page()
    article = extract_article(html, URL)
    assert article is not None
    assert extract_text(html, URL) == article.text


def test_page_without_an_article_yields_none_and_empty_text() -> None:
    html = "<html><head><title>Loading</title></head><body><script>render()</script></body></html>"
    assert extract_article(html, URL) is None
    assert extract_text(html, URL) == ""


def test_metadata_comes_from_meta_tags() -> None:
    head = (
        '<meta property="og:title" content="County ends jail agreement with immigration authorities">'
        '<meta property="og:site_name" content="The Courier">'
        '<meta name="author" content="Maria Lopez">'
        '<meta name="description" content="The board voted to end the program.">'
        '<meta property="article:published_time" content="2024-03-05T14:30:00-05:00">'
    )
    article = extract_article(page(head), URL)
    assert article is not None
    assert article.title == TITLE
    assert article.authors == ["Maria Lopez"]
    assert article.sitename == "The Courier"
    assert article.description == "The board voted to end the program."
    assert article.published == datetime(2024, 3, 5, 19, 30, tzinfo=UTC)
    assert article.language == "en"


def test_json_ld_gives_several_authors_and_an_aware_utc_date() -> None:
    authors = [{"@type": "Person", "name": "Maria Lopez"}, {"@type": "Person", "name": "Sam Okafor"}]
    head = json_ld(headline=TITLE, author=authors, datePublished="2024-03-05T10:00:00+02:00")
    article = extract_article(page(head), URL)
    assert article is not None
    assert article.authors == ["Maria Lopez", "Sam Okafor"]
    assert article.published == datetime(2024, 3, 5, 8, 0, tzinfo=UTC)
    assert article.published.tzinfo is UTC


def test_date_without_time_zone_is_read_as_utc() -> None:
    article = extract_article(page('<meta property="article:published_time" content="2024-03-05">'), URL)
    assert article is not None
    assert article.published == datetime(2024, 3, 5, tzinfo=UTC)


@pytest.mark.parametrize("date", ["1969-07-20T20:17:00Z", "1985-01-01", "2999-01-01T00:00:00Z"])
def test_implausible_publication_date_is_dropped(date: str) -> None:
    article = extract_article(page(f'<meta property="article:published_time" content="{date}">'), URL)
    assert article is not None
    assert article.published is None
    assert article.text  # the article itself is kept


def test_language_is_the_primary_subtag_of_the_page_language() -> None:
    article = extract_article(page(lang="en-GB"), URL)
    assert article is not None
    assert article.language == "en"


def test_language_falls_back_to_og_locale_and_is_none_when_undeclared() -> None:
    html = page('<meta property="og:locale" content="es_MX">').replace('<html lang="en">', "<html>")
    assert (extract_article(html, URL) or pytest.fail()).language == "es"
    bare = page().replace('<html lang="en">', "<html>")
    assert (extract_article(bare, URL) or pytest.fail()).language is None


def test_relative_canonical_link_is_made_absolute() -> None:
    article = extract_article(page('<link rel="canonical" href="/news/county-jail">'), URL)
    assert article is not None
    assert article.page_canonical_url == "https://news.example.org/news/county-jail"


def test_canonical_link_wins_over_og_url_and_is_not_normalized() -> None:
    head = (
        '<meta property="og:url" content="https://news.example.org/og">'
        "<link href='https://News.example.org/a?utm_source=x&amp;b=1' rel='canonical'>"
    )
    article = extract_article(page(head), URL)
    assert article is not None
    assert article.page_canonical_url == "https://News.example.org/a?utm_source=x&b=1"


def test_og_url_is_used_without_canonical_and_none_without_either() -> None:
    with_og = extract_article(page('<meta property="og:url" content="https://news.example.org/og">'), URL)
    assert with_og is not None and with_og.page_canonical_url == "https://news.example.org/og"
    without = extract_article(page(), URL)
    assert without is not None and without.page_canonical_url is None


def test_non_http_canonical_is_ignored() -> None:
    article = extract_article(page('<link rel="canonical" href="javascript:alert(1)">'), URL)
    assert article is not None and article.page_canonical_url is None


@pytest.mark.parametrize(
    "broken",
    [
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": </script>',
        '<script type="application/ld+json">' + "[" * 50_000 + "</script>",
        '<script type="application/ld+json">{"articleBody": 5, "datePublished": "not a date"}</script>',
        '<script type="application/ld+json">{"author": {"name": [1, {"x": null}]}}</script>',
        '<meta property="article:published_time" content="2024-99-99T99:99">',
        '<meta name="author" content="">',
        '<link rel="canonical" href="http://[::1">',
    ],
)
def test_malformed_metadata_is_skipped_and_the_text_kept(broken: str) -> None:
    article = extract_article(page(broken), URL)
    assert article is not None
    assert article.text.split("\n") == list(PARAGRAPHS)


def test_text_survives_a_metadata_reader_that_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def date_reader_breaks(*args: object, **kwargs: object) -> object:
        raise ValueError("a date reader choked")

    monkeypatch.setattr(page_metadata, "find_date", date_reader_breaks)
    article = extract_article(page('<meta name="author" content="Maria Lopez">'), URL)
    assert article is not None
    assert article.title is None and article.authors == []
    assert article.text.endswith("\n".join(PARAGRAPHS))


def test_declared_article_body_rescues_a_script_rendered_page() -> None:
    # the visible page is an empty app shell; the JSON-LD carries the article
    declared = json_ld(headline=TITLE, articleBody="\n\n".join(PARAGRAPHS))
    shell = f"""<html lang="en"><head>{declared}
</head><body><div id="app"><nav><a href="/">Home</a></nav></div></body></html>"""
    article = extract_article(shell, URL)
    assert article is not None
    assert article.text.split("\n") == list(PARAGRAPHS)


def test_declared_body_never_trims_a_much_longer_dom_text() -> None:
    # the declared body is the article's opening only; the page carries the whole article
    more = tuple(
        f"Paragraph {n} of the article went on to cover the harbor budget, the school board and "
        f"the weather forecast for the coming weekend, with comments from local business owners."
        for n in range(30)
    )
    head = json_ld(headline=TITLE, articleBody=" ".join(PARAGRAPHS))
    article = extract_article(page(head, paragraphs=PARAGRAPHS + more), URL)
    assert article is not None
    assert article.text.split("\n") == list(PARAGRAPHS + more)


def test_teaser_article_body_is_not_taken_for_the_article() -> None:
    teaser = "A rural county has decided to stop holding people for federal immigration officers."
    head = json_ld(headline=TITLE, articleBody=teaser)
    article = extract_article(page(head), URL)
    assert article is not None
    assert article.text.split("\n") == list(PARAGRAPHS)


def test_page_furniture_lines_are_dropped() -> None:
    body = (
        "<p>Advertisement</p><p>3 of 12</p>"
        "<p>Sign up for our free daily newsletter to get the news in your inbox.</p>"
        "<p>Copyright 2024 The Courier. All rights reserved.</p>"
    )
    article = extract_article(page(body=body), URL)
    assert article is not None
    assert article.text.split("\n") == list(PARAGRAPHS)


def test_headline_repeated_as_first_line_is_dropped() -> None:
    assert strip_furniture(f"{TITLE}\n{PARAGRAPHS[0]}", TITLE) == PARAGRAPHS[0]
    # a first line that merely starts like the headline is the article's own
    lead = f"{TITLE}, the board said."
    assert strip_furniture(f"{lead}\n{PARAGRAPHS[0]}", TITLE) == f"{lead}\n{PARAGRAPHS[0]}"


def test_related_links_heading_in_the_second_half_ends_the_text() -> None:
    text = "\n".join([*PARAGRAPHS, "More from The Courier", "Harbor festival returns", "School budget"])
    assert strip_furniture(text) == "\n".join(PARAGRAPHS)


def test_related_links_heading_in_the_first_half_is_left_alone() -> None:
    text = "\n".join(["Recommended", *PARAGRAPHS])
    assert strip_furniture(text) == text


LINKS = ["Harbor festival returns [VIDEO]", "School budget vote delayed [INSIGHT]"]
RESUMED = (
    "Board members who voted for the change said they would review the county's other federal "
    "agreements next year, starting with the one that covers the regional airport.",
    "The sheriff's union has not said whether it will challenge the decision in court, though "
    "its president called the vote rushed in a statement released on Wednesday evening.",
    "A public hearing on the next agreement is planned for March, the board chair said, and "
    "residents of every district will be able to speak for three minutes each.",
)


def inline_teaser_page(rest_container: str, rest: tuple[str, ...] = RESUMED) -> str:
    """The article in two blocks, a "Don't miss" heading and its links ending the first;
    ``rest_container`` is the class of the second (the first's class: the article resumes)."""
    links = "".join(f'<p><a href="/story{n}">{link}</a></p>' for n, link in enumerate(LINKS))
    first = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return page(
        body=f'<div class="story-body">{first}<p><strong>Don\'t miss</strong></p>{links}</div>'
        f'<div class="{rest_container}">{"".join(f"<p>{text}</p>" for text in rest)}</div>',
        paragraphs=(),
    )


def test_a_dont_miss_block_inside_the_article_drops_only_its_heading_and_links() -> None:
    article = extract_article(inline_teaser_page("story-body"), URL)
    assert article is not None
    assert article.text.split("\n") == [*PARAGRAPHS, *RESUMED]


@pytest.mark.parametrize(
    ("rest_container", "rest"),
    [("more-stories", RESUMED), ("story-body", RESUMED[:2])],
    ids=["stories-in-another-container", "two-closing-notes-in-the-same-container"],
)
def test_a_tail_heading_still_ends_the_text(rest_container: str, rest: tuple[str, ...]) -> None:
    tree = fromstring(inline_teaser_page(rest_container, rest))
    text = "\n".join([*PARAGRAPHS, "Don't miss", *LINKS, *rest])
    assert strip_furniture(text, tree=tree) == "\n".join(PARAGRAPHS)


def test_latin1_page_decoded_by_the_caller_keeps_its_accents() -> None:
    raw = page(
        paragraphs=(*PARAGRAPHS, "Le café de la mairie a fermé à midi, a déclaré la préfecture.")
    ).encode("latin-1")
    article = extract_article(raw.decode("latin-1"), URL)
    assert article is not None
    assert "Le café de la mairie a fermé à midi" in article.text


def test_invalid_utf8_decoded_with_replacement_is_extracted() -> None:
    raw = page().encode("utf-8").replace(b"county board", b"county \xff\xfe board", 1)
    article = extract_article(raw.decode("utf-8", errors="replace"), URL)
    assert article is not None
    assert "county \ufffd\ufffd board" in article.text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "\x00\x01\x02",
        bytes(range(256)).decode("latin-1") * 50,
        "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>",
        "<table><tr><td colspan='999999999' rowspan='999999999'>x</td></tr></table>" * 50,
        '<script type="application/ld+json">{' * 20_000,
    ],
    ids=["empty", "blank", "control-chars", "binary", "deep-nesting", "absurd-colspan", "unclosed-scripts"],
)
def test_hostile_input_never_raises(html: str) -> None:
    result = extract_article(html, URL)
    assert result is None or isinstance(result, ExtractedArticle)


def test_null_bytes_do_not_lose_the_article() -> None:
    article = extract_article(page().replace("<main>", "<main>\x00"), URL)
    assert article is not None
    assert PARAGRAPHS[0] in article.text


def test_result_survives_pickling_for_the_worker_pool() -> None:
    article = extract_article(page('<meta property="article:published_time" content="2024-03-05">'), URL)
    assert pickle.loads(pickle.dumps(article)) == article
