"""The article links on a section or topic page (``type: page``), and a hash of the link set.

Pure: HTML text in, links out, never an exception for bad markup (lxml's HTML parser
recovers from anything; an empty or undecodable page has no links).

Which links count. A link must stay on the page's site (``crawler.core.urls.site_of``,
resolved against ``<base href>``: a hostile base cannot pull links off-site, they are
judged against the page URL), must not be the page itself or the home page, and must
not name a file (.jpg, .pdf, .mp4...). Then the user's ``deny`` patterns drop links and
the user's ``allow`` patterns, when given, decide alone. Without ``allow`` two default
rules apply: links into listing, media and account areas are skipped (DEFAULT_DENY),
and what remains must look like an article: a date or a long numeric id in the path, a
last segment that is a slug of three or more words, or a page file (.html, .php...)
below the top level. Path depth alone is not enough: a section page's own menu
(/news/local/, /news/politics/) is all depth-two links. Patterns are regular
expressions searched in the absolute URL.

"Unchanged" is judged on URLs only (``link_set_hash``): link texts such as
"Updated 5 minutes ago" change without anything new to fetch.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from crawler.core.config import link_patterns
from crawler.core.urls import canonical_url, is_fetchable_url, site_of

DEFAULT_MAX_LINKS = 200
MAX_ANCHORS = 5_000  # links examined per page; a real section page has a few hundred
MAX_TEXT_CHARS = 300

# Whole path segments of pages that list, sell or log in, never report.
DEFAULT_DENY = re.compile(
    r"/(?:tags?|topics?|authors?|people|profiles?|videos?|galler(?:y|ies)|photos?|live|podcasts?|"
    r"newsletters?|subscribe|subscriptions?|account|my-account|login|logout|signin|sign-in|signup|"
    r"register|search|category|categories|section|sections|page/\d+|about|about-us|contact|contact-us|"
    r"privacy|privacy-policy|terms|terms-of-use|events|calendar|feed|rss|wp-admin|wp-login\.php)(?=/|$)",
    re.IGNORECASE,
)
_PAGINATION = re.compile(r"(?:^|&)(?:page|paged|pg)=", re.IGNORECASE)
_FILE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|avif|svg|bmp|ico|pdf|docx?|xlsx?|pptx?|zip|gz|mp3|m4a|wav|ogg|mp4|m4v|mov|"
    r"avi|webm|json|xml|rss|css|js|txt|csv|ics)$",
    re.IGNORECASE,
)
_DATE_OR_ID = re.compile(r"/(?:19|20)\d\d/[01]?\d/|(?:19|20)\d\d-?[01]\d-?[0-3]\d|\d{5,}")
_SLUG = re.compile(r"[^\W_]+(?:[-_][^\W_]+){2,}")
_PAGE_FILE = re.compile(r"\.(?:s?html?|php|aspx?|jsp|cms)$", re.IGNORECASE)


@dataclass(frozen=True)
class ArticleLink:
    """A link that looks like an article: absolute URL without fragment, and its text."""

    url: str
    text: str


def article_links(
    html: str,
    page_url: str,
    *,
    allow: Sequence[str] = (),
    deny: Sequence[str] = (),
    max_links: int = DEFAULT_MAX_LINKS,
) -> list[ArticleLink]:
    """The article links of a section page, in document order, one per canonical URL.

    ``allow``/``deny`` are regular expressions searched in each absolute link URL
    (see the module docstring for how they combine with the defaults). Raises
    ValueError only for an invalid pattern; bad HTML gives fewer links, never an error.
    """
    allowed, denied = link_patterns(allow), link_patterns(deny)
    page_site, page_key = site_of(page_url), canonical_url(page_url)
    found: dict[str, list[str]] = {}  # canonical URL -> [url, text]
    for href, text in _anchors(html, page_url):
        url = urldefrag(href)[0]
        key = canonical_url(url)
        if key is None or key == page_key or site_of(url) != page_site:
            continue
        if key in found:
            found[key][1] = found[key][1] or text  # an image link first, the headline after it
        elif _wanted(url, key, allowed, denied):
            found[key] = [url, text]
            if len(found) >= max_links:
                break
    return [ArticleLink(url, text) for url, text in found.values()]


def link_set_hash(links: Iterable[ArticleLink]) -> str:
    """A stable hash of the links' sorted canonical URLs: equal when the link set did not change."""
    keys = sorted({canonical_url(link.url) or link.url for link in links})
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


def parse_html(html: str) -> lxml_html.HtmlElement | None:
    """The page as an lxml tree (recovering from any markup), or None when nothing is there."""
    try:
        parser = lxml_html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
        return lxml_html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, TypeError, AttributeError):
        return None  # an empty or whitespace-only page, or not text at all


def base_url(document: lxml_html.HtmlElement, page_url: str) -> str:
    """What relative links resolve against: the first usable ``<base href>``, else the page URL."""
    for element in document.iter("base"):
        href = element.get("href")
        if href:
            try:
                base = urljoin(page_url, href.strip())
            except ValueError:
                return page_url
            return base if is_fetchable_url(base) else page_url
    return page_url


def _anchors(html: str, page_url: str) -> list[tuple[str, str]]:
    """(absolute href, text) of the page's first MAX_ANCHORS ``<a href>``; fetchability is judged later."""
    document = parse_html(html)
    if document is None:
        return []
    base = base_url(document, page_url)
    anchors = []
    for anchor in itertools.islice(document.iter("a"), MAX_ANCHORS):
        href = anchor.get("href")
        if not href:
            continue
        try:
            absolute = urljoin(base, href.strip())
        except ValueError:  # a broken IPv6 literal and the like
            continue
        anchors.append((absolute, " ".join(anchor.text_content().split())[:MAX_TEXT_CHARS]))
    return anchors


def _wanted(
    url: str, key: str, allowed: Sequence[re.Pattern[str]], denied: Sequence[re.Pattern[str]]
) -> bool:
    parts = urlsplit(key)
    if (parts.path == "/" and not parts.query) or _FILE.search(parts.path):
        return False  # the home page, or a file rather than a page
    if any(pattern.search(url) for pattern in denied):
        return False
    if allowed:
        return any(pattern.search(url) for pattern in allowed)
    if DEFAULT_DENY.search(parts.path) or _PAGINATION.search(parts.query):
        return False
    return _looks_like_article(parts.path)


def _looks_like_article(path: str) -> bool:
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return False
    last = _PAGE_FILE.sub("", segments[-1])
    return bool(
        _DATE_OR_ID.search(path)
        or _SLUG.fullmatch(last)
        or (len(segments) >= 2 and _PAGE_FILE.search(segments[-1]))
    )


def is_article_url(url: str, allow: Sequence[str] = (), deny: Sequence[str] = ()) -> bool:
    """Whether a URL looks like an article by the same rules as a section page's links."""
    return _wanted(url, url, [re.compile(p) for p in allow], [re.compile(p) for p in deny])
