"""Section pages: which links look like articles, allow/deny, the link set hash, hostile HTML."""

from __future__ import annotations

import pytest

from crawler.core.config import link_patterns
from crawler.sources.section_pages import ArticleLink, article_links, link_set_hash
from tests.support import SOURCE_FIXTURES
from tests.support.timing import cpu_seconds

PAGE_URL = "https://www.example-tribune.com/news/immigration/"


def section_page() -> str:
    return (SOURCE_FIXTURES / "section-page.html").read_text(encoding="utf-8")


def urls(links: list[ArticleLink]) -> list[str]:
    return [link.url for link in links]


def page(*hrefs: str) -> str:
    return "<html><body>" + "".join(f'<a href="{href}">{href}</a>' for href in hrefs) + "</body></html>"


def test_section_page_yields_its_articles_in_document_order() -> None:
    links = article_links(section_page(), PAGE_URL)
    assert urls(links) == [
        "https://www.example-tribune.com/news/2024/05/12/ice-raid-meatpacking-plant/",
        "https://example-tribune.com/news/county-sheriff-signs-287g-agreement?utm_source=section",
        "https://www.example-tribune.com/news/border/migrant-shelter-funding-cut.html",
        "https://www.example-tribune.com/story/2871365",
        "https://m.example-tribune.com/news/immigration-court-backlog-hits-record",
    ]


def test_headline_text_wins_over_an_empty_image_link() -> None:
    links = article_links(section_page(), PAGE_URL)
    assert links[0].text == "ICE raids meatpacking plant"
    assert links[1].text == "Sheriff signs 287(g) agreement"  # whitespace collapsed


@pytest.mark.parametrize(
    "href",
    [
        "/tag/ice-raids-in-the-news/",
        "/tags/ice/",
        "/topics/deportation-and-removal/",
        "/author/jane-doe-smith/",
        "/authors/jane-doe-smith/",
        "/people/jane-doe-smith",
        "/video/raid-footage-from-the-plant/",
        "/videos/2024/05/12/raid-footage",
        "/gallery/protest-outside-detention-center/",
        "/photos/protest-outside-detention-center/",
        "/live/immigration-hearing-updates-live/",
        "/podcast/the-border-desk-episode-12/",
        "/newsletters/border-briefing-signup/",
        "/subscribe/digital-access-offer-now",
        "/account/manage-my-subscription-here",
        "/login/with-your-google-account",
        "/search/ice-raid-results-page",
        "/category/immigration-enforcement-news/",
        "/section/immigration-enforcement-news/",
        "/news/immigration/?page=2",
        "/news/immigration/page/3/",
        "/files/ice-detention-statistics-2024.pdf",
        "/img/2024/05/12/raid-photo-large.jpg",
        "/media/2024/05/12/raid-clip.mp4",
        "/",
        "/?ref=logo",
        "/news/local/",
        "/news/politics",
        "/news/el-paso",
    ],
)
def test_non_articles_are_skipped(href: str) -> None:
    assert article_links(page(href), PAGE_URL) == []


@pytest.mark.parametrize(
    "href",
    [
        "/2024/05/12/ice-raid/",
        "/news/2024-05-12-raid",
        "/news/world-us-canada-68912345",
        "/us/ice-raid.html",
        "/article/ice-agents-arrest-workers",
        "/immigration/migrants-crossing-at-el-paso-rise/",
        "/noticias/redada-de-ice-en-la-planta",
    ],
)
def test_article_shapes_are_kept(href: str) -> None:
    assert len(article_links(page(href), PAGE_URL)) == 1


def test_other_sites_and_unfetchable_schemes_are_skipped() -> None:
    html = page(
        "https://www.othersite.com/2024/05/12/ice-raid-coverage",
        "https://example-tribune.com.evil.example/2024/05/12/ice-raid-coverage",
        "javascript:alert('2024/05/12/x')",
        "mailto:tips@example-tribune.com",
        "data:text/html,2024/05/12/x",
        "ftp://www.example-tribune.com/2024/05/12/ice-raid",
        "https://user@www.example-tribune.com/2024/05/12/ice-raid",
    )
    assert article_links(html, PAGE_URL) == []


def test_hostile_base_cannot_pull_links_off_site() -> None:
    html = '<base href="https://evil.example/"><a href="2024/05/12/ice-raid-story">x</a>'
    assert article_links(html, PAGE_URL) == []


def test_fragments_dropped_and_duplicates_merged_by_canonical_url() -> None:
    html = page(
        "/2024/05/12/ice-raid/#comments",
        "https://example-tribune.com/2024/05/12/ice-raid?utm_campaign=x",
        "http://www.example-tribune.com/2024/05/12/ice-raid/",
    )
    assert urls(article_links(html, PAGE_URL)) == ["https://www.example-tribune.com/2024/05/12/ice-raid/"]


def test_allow_patterns_replace_the_default_rules() -> None:
    html = page("/live/hearing-updates", "/news/local", "/2024/05/12/ice-raid-story")
    links = article_links(html, PAGE_URL, allow=[r"/live/", r"/news/local$"])
    assert urls(links) == [
        "https://www.example-tribune.com/live/hearing-updates",
        "https://www.example-tribune.com/news/local",
    ]


def test_deny_patterns_apply_on_top() -> None:
    html = page("/2024/05/12/ice-raid-story", "/sports/2024/05/12/game-recap-story")
    assert urls(article_links(html, PAGE_URL, deny=[r"/sports/"])) == [
        "https://www.example-tribune.com/2024/05/12/ice-raid-story"
    ]
    assert article_links(html, PAGE_URL, allow=[r"/20\d\d/"], deny=[r"ice-raid"])[0].url.endswith(
        "recap-story"
    )


def test_max_links_caps_the_result() -> None:
    html = page(*(f"/2024/05/12/story-number-{n}" for n in range(500)))
    assert len(article_links(html, PAGE_URL, max_links=20)) == 20
    assert len(article_links(html, PAGE_URL)) == 200


def test_invalid_pattern_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match=r"invalid link pattern '\(unclosed'"):
        link_patterns(["(unclosed"])
    with pytest.raises(ValueError, match="unclosed"):
        article_links(section_page(), PAGE_URL, deny=["(unclosed"])


def test_link_set_hash_is_stable_under_order_text_and_tracking_changes() -> None:
    links = article_links(section_page(), PAGE_URL)
    shuffled = [ArticleLink(link.url + "?utm_source=x", "Updated 5 minutes ago") for link in reversed(links)]
    assert link_set_hash(links) == link_set_hash(shuffled)
    assert link_set_hash(links) != link_set_hash(links[1:])
    assert len(link_set_hash([])) == 64


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "\x00\x00\x00",
        "<?xml version='1.0' encoding='latin-1'?><a href='/2024/05/12/story'>x</a>",
        "<a href='http://[::1'>broken ipv6</a><a href='http://exa mple.com/x'>space</a>",
        "<a href='/2024/05/12/\udcff-lone-surrogate'>x</a>",
        "<html><body><a href=" + "x" * 100_000 + ">long</a></body></html>",
        "</a></a><a><a href><a href=''>",
    ],
)
def test_bad_html_never_raises(html: str) -> None:
    assert isinstance(article_links(html, PAGE_URL), list)


def test_deep_nesting_and_many_anchors_take_bounded_time() -> None:
    deep = "<div>" * 100_000 + '<a href="/2024/05/12/ice-raid-story">x</a>' + "</div>" * 100_000
    many = page(*(f"/tag/t{n}" for n in range(50_000)))
    _, cpu = cpu_seconds(lambda: (article_links(deep, PAGE_URL), article_links(many, PAGE_URL)))
    assert cpu < 10, f"{cpu:.2f} s of CPU"
