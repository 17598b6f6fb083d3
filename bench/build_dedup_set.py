"""Build the labelled near-duplicate set from the NAEB development corpus.

    .venv/bin/python bench/build_dedup_set.py [--stories 300] [--seed 5] [--output PATH]

Nothing from the corpus is copied into the repository: the set is generated at run time into
bench/results/ (git-ignored), and bench/eval_dedup.py scores it.

Every record is one page's *extracted* text, as the pipeline would store it:

* ``original`` (phase 1): a corpus article, extracted from its real page with
  ``crawler.extraction.extract_article``; the gold text instead when that extraction lost
  the article (word-shingle Jaccard with the gold text under FAITHFUL: a dozen pages), so
  that every story's stored original is its article and the set measures deduplication,
  not extraction.
* copies (phase 2), as a syndicating outlet makes them, each the gold body rendered inside
  another outlet's page template (navigation, share bars, ads, photo captions, "Related"
  links, most-read lists, footers) and extracted again: ``template`` (only that),
  ``headline`` (new headline and standfirst), ``local_paragraph`` (a local paragraph added),
  ``cut_end`` (the last paragraphs cut, about 30% of the text), ``punctuation`` (straight
  quotes, dashes, doubled spaces, long paragraphs split), ``combined`` (all of those at once),
  and ``tracking_url`` (the original page itself under a URL with tracking parameters).
* hard negatives, which must not be linked to anything stored before them:
  ``same_day_topic`` pairs are originals published the same day with the most vocabulary
  in common (listed in ``*_pairs.json``; the later one arrives after the earlier one);
  ``shared_boilerplate`` is a different story framed by the same long intro and outro as a
  ``boilerplate_seed`` stored earlier; ``follow_up_quote`` is a different story that quotes
  a paragraph of a stored original.

Hard negatives and seeds use corpus articles that are not story originals, so their
right answer is always "new story".
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.dedup.minhash import shingles  # noqa: E402
from crawler.pages.extraction import extract_article  # noqa: E402  (needs the path above)

NAEB = ROOT.parent / "shared" / "corpus" / "extraction" / "naeb"
DEFAULT_OUTPUT = ROOT / "bench" / "results" / "dedup_set.jsonl"
CUT_SHARE = 0.30  # "the end cut off": at least this share of the characters goes
MIN_STORY_WORDS = 120  # shorter corpus texts are briefs; a local paragraph would outweigh them
FAITHFUL = 0.5  # word-shingle Jaccard of an extracted original with its gold text; below: article lost
COPY_KINDS = ("template", "headline", "local_paragraph", "cut_end", "punctuation", "combined", "tracking_url")


@dataclass
class Record:
    """One page as it reaches the dedupe stage, with its label."""

    id: str
    story: str  # pages of one story share this; a right link stays inside it
    kind: str
    role: str  # original | copy | seed | negative: only copies should be linked
    phase: int  # 1 arrives before 2
    url: str
    site: str
    title: str
    published: str
    text: str
    source: str  # page (extracted) | gold (extraction found nothing)


@dataclass(frozen=True)
class Article:
    index: int
    title: str
    date: str
    link: str
    html_file: str
    paragraphs: list[str]

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def load_corpus() -> list[Article]:
    """NAEB articles with their gold text split into paragraphs."""
    raw = json.loads((NAEB / "news_articles.json").read_text(encoding="utf-8"))
    return [
        Article(
            i,
            a["title"],
            a["date"],
            a["link"],
            a["html_file"],
            [p.strip() for p in re.split(r"\n+", a["text"]) if p.strip()],
        )
        for i, a in enumerate(raw)
    ]


# -- outlets: page templates a syndicating site wraps a story in -----------------------------


@dataclass(frozen=True)
class Page:
    """What an outlet's template is filled with."""

    title: str
    dek: str
    byline: str
    published: str
    url: str
    paragraphs: list[str]
    others: list[str]  # other stories' headlines, for "Related" and "Most Read"


@dataclass(frozen=True)
class Outlet:
    name: str
    host: str
    render: Callable[[Outlet, Page], str]


def _paragraphs_html(paragraphs: list[str], every: int, insert: Callable[[int], str]) -> str:
    parts = []
    for i, paragraph in enumerate(paragraphs):
        parts.append(f"<p>{html.escape(paragraph)}</p>")
        if every and i % every == every - 1 and i < len(paragraphs) - 1:
            parts.append(insert(i))
    return "\n".join(parts)


def _page(outlet: Outlet, page: Page, head_extra: str, body: str) -> str:
    title = html.escape(page.title)
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title} | {outlet.name}</title>"
        f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="{outlet.name}">'
        f'<meta name="description" content="{html.escape(page.dek)}">'
        f'<link rel="canonical" href="{page.url}">{head_extra}</head><body>{body}</body></html>'
    )


def _nav(outlet: Outlet) -> str:
    links = "".join(
        f'<li><a href="/{s.lower()}">{s}</a></li>'
        for s in ("News", "Local", "Weather", "Sports", "Opinion", "Obituaries", "Subscribe")
    )
    return f'<header><a class="logo" href="/">{outlet.name}</a><nav><ul>{links}</ul></nav></header>'


def _most_read(page: Page) -> str:
    items = "".join(f'<li><a href="/story/{i}">{html.escape(t)}</a></li>' for i, t in enumerate(page.others))
    return f'<aside class="most-read"><h2>Most Read</h2><ol>{items}</ol></aside>'


def render_newspaper(outlet: Outlet, page: Page) -> str:
    """A local paper: article element, ads and "Related" promos between paragraphs."""
    others = page.others

    def promo(i: int) -> str:
        if i % 2:
            return '<div class="ad-slot">Advertisement</div>'
        headline = html.escape(others[i % len(others)])
        return f'<p class="related"><strong>RELATED:</strong> <a href="/r/{i}">{headline}</a></p>'

    body = (
        f"{_nav(outlet)}<main><article><h1>{html.escape(page.title)}</h1>"
        f'<p class="dek">{html.escape(page.dek)}</p>'
        f'<div class="byline">By {html.escape(page.byline)} | {page.published}</div>'
        f'<div class="share">Share on Facebook Share on X Email Print</div>'
        f'<div class="story-body">{_paragraphs_html(page.paragraphs, 3, promo)}</div>'
        f"</article>{_most_read(page)}</main>"
        f"<footer><p>© 2023 {outlet.name}. All rights reserved.</p><p>Terms of Use | Privacy Policy</p>"
        f"</footer>"
    )
    return _page(outlet, page, "", body)


def render_station(outlet: Outlet, page: Page) -> str:
    """A TV station: breadcrumbs, "Actions", "Posted", a wire credit and a photo caption."""

    def caption(i: int) -> str:
        return (
            f'<figure><img src="/img/{i}.jpg"><figcaption>FILE - A photo provided by the '
            f"{outlet.name} news team. (AP Photo/File)</figcaption></figure>"
        )

    body = (
        f'{_nav(outlet)}<div class="crumbs">News<span>National News</span></div>'
        f'<div class="actions">Actions</div><h1 class="headline">{html.escape(page.title)}</h1>'
        f'<div class="time">Posted {page.published} and last updated {page.published}</div>'
        f'<div class="richtext">{_paragraphs_html(page.paragraphs, 5, caption)}'
        f"<p>Copyright 2023 The Associated Press. All rights reserved. This material may not be "
        f"published, broadcast, rewritten or redistributed.</p></div>"
        f'<div class="newsletter">Sign up for the {outlet.name} newsletter and get the news in your inbox.'
        f"</div>"
        f"{_most_read(page)}<footer>{outlet.name} · Contact us · EEO Report · FCC Public File</footer>"
    )
    return _page(outlet, page, "", body)


def render_portal(outlet: Outlet, page: Page) -> str:
    """A news portal that declares the body in JSON-LD and renders it in div soup."""
    paragraphs = page.paragraphs
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "datePublished": page.published,
        "author": {"@type": "Person", "name": page.byline},
        "articleBody": "\n".join(paragraphs),
    }
    blocks = "".join(f'<div class="para">{html.escape(p)}</div>' for p in paragraphs)
    body = (
        f'{_nav(outlet)}<div class="wrap"><div class="col-main"><h1>{html.escape(page.title)}</h1>'
        f'<div class="meta">{html.escape(page.byline)} · {page.published} · 4 min read</div>'
        f'<div class="content">{blocks}</div><div class="comments">23 Comments</div></div>'
        f'<div class="col-side">{_most_read(page)}</div></div><footer>{outlet.name} Media Group</footer>'
    )
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    return _page(outlet, page, head, body)


def render_blog(outlet: Outlet, page: Page) -> str:
    """A blog-style site: entry-content, a pull quote, a "More from" list at the end."""
    paragraphs = page.paragraphs
    others = page.others
    more = "".join(f"<li><a href='/m/{i}'>{html.escape(t)}</a></li>" for i, t in enumerate(others[:3]))
    body = (
        f'{_nav(outlet)}<div class="post"><h1 class="entry-title">{html.escape(page.title)}</h1>'
        f'<span class="author">{html.escape(page.byline)}</span>'
        f'<div class="entry-content">{_paragraphs_html(paragraphs, 0, str)}'
        f"<h3>More from {outlet.name}</h3><ul>{more}</ul></div></div>"
        f"<footer>Powered by WordPress · {outlet.name}</footer>"
    )
    return _page(outlet, page, "", body)


OUTLETS = (
    Outlet("Valley Courier", "valleycourier.example", render_newspaper),
    Outlet("KXRT 7 News", "kxrt7.example", render_station),
    Outlet("Metro Daily Herald", "metrodailyherald.example", render_portal),
    Outlet("Lakeside Ledger", "lakesideledger.example", render_blog),
    Outlet("The Prairie Times", "prairietimes.example", render_newspaper),
    Outlet("WNBR Newsradio", "wnbr.example", render_station),
)


# -- edits a syndicating outlet makes ---------------------------------------------------------

_CITIES = (
    "Dalton",
    "Grand Island",
    "Worthington",
    "Hazleton",
    "Liberal",
    "Pasco",
    "Yakima",
    "Dodge City",
    "Postville",
    "Marshalltown",
    "Gainesville",
    "Siler City",
    "Laurel",
    "Morton",
    "Nampa",
    "Canton",
)
_NAMES = (
    "Maria Delgado",
    "Tom Becker",
    "Angela Ruiz",
    "David Okafor",
    "Linda Nguyen",
    "James Whitfield",
    "Rosa Martinez",
    "Kevin Lund",
    "Priya Raman",
    "Carlos Mendoza",
    "Helen Schultz",
    "Omar Haddad",
)
_ROLES = ("Mayor", "Police Chief", "County Commissioner", "school superintendent", "Sheriff", "city manager")
_GROUPS = (
    "the Immigrant Rights Alliance",
    "Catholic Charities",
    "the local chamber of commerce",
    "the county bar association",
    "the Latino Community Center",
    "the farmworkers' union",
)


def local_paragraph(rng: random.Random, outlet: Outlet) -> str:
    """A paragraph a local outlet adds to a wire story: two sentences, 40 to 60 words."""
    city, name, role, group = rng.choice(_CITIES), rng.choice(_NAMES), rng.choice(_ROLES), rng.choice(_GROUPS)
    sentences = [
        f"In {city}, {role} {name} said {rng.choice(('Monday', 'Tuesday', 'Wednesday', 'Thursday'))} that "
        f"local officials were watching the situation closely and would share more information with "
        f"residents as it became available.",
        f"Representatives of {group} told the {outlet.name} they had received {rng.randint(12, 300)} calls "
        f"from worried families since the news broke and planned a meeting at the public library this week.",
        f"The {outlet.name} has asked state officials how the decision could affect {city} and will update "
        f"this story when they respond.",
    ]
    return " ".join(rng.sample(sentences, 2))


def new_headline(rng: random.Random, title: str) -> str:
    """A rewritten headline: a local frame, a question, or a shortened version."""
    words = title.split()
    return rng.choice(
        (
            f"{rng.choice(_CITIES)} reacts as {' '.join(words[: max(4, len(words) // 2)])}",
            f"What to know: {title.rstrip('.')}",
            f"{' '.join(words[: max(3, len(words) - 3)])}, report says",
        )
    )


# A sentence ends at . ! or ? after a lowercase letter or digit ("U.S. officials" goes on).
_SENTENCE_END = re.compile(r"(?<=[a-z0-9][.!?])\s+(?=[A-Z\"\u201c])")


def cut_end(paragraphs: list[str]) -> list[str]:
    """Leading paragraphs up to 70% of the characters (the rest is cut, as "Read more" pages do)."""
    budget = (1 - CUT_SHARE) * sum(len(p) for p in paragraphs)
    kept, used = [], 0
    for paragraph in paragraphs:
        if used + len(paragraph) > budget:
            break
        kept.append(paragraph)
        used += len(paragraph)
    if kept:
        return kept
    sentences = _SENTENCE_END.split(paragraphs[0])  # one long paragraph: cut by sentence
    return [" ".join(sentences[: max(1, int(len(sentences) * (1 - CUT_SHARE)))])]


_STRAIGHT_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def repunctuate(rng: random.Random, paragraphs: list[str]) -> list[str]:
    """House style differences: straight quotes, double hyphens, doubled spaces, split paragraphs."""
    out = []
    for paragraph in paragraphs:
        text = paragraph.translate(_STRAIGHT_QUOTES)
        text = text.replace(" — ", " -- ").replace("—", " -- ").replace(". ", ".  ")
        sentences = _SENTENCE_END.split(text)
        if len(sentences) >= 4 and rng.random() < 0.7:
            half = len(sentences) // 2
            out += [" ".join(sentences[:half]), " ".join(sentences[half:])]
        else:
            out.append(text)
    return out


def with_tracking(url: str, rng: random.Random) -> str:
    separator = "&" if urlsplit(url).query else "?"
    params = rng.choice(
        (
            "utm_source=twitter&utm_medium=social&utm_campaign=news",
            "fbclid=IwAR0x7Gq2kFvT&utm_source=facebook",
            "utm_source=newsletter&mc_cid=4f2a&mc_eid=9c1b",
        )
    )
    return f"{url}{separator}{params}"


# Boilerplate that a newsroom frames every story with; two different stories sharing it are
# different stories. Each is about 120 words, the size of real republishing notes.
BOILERPLATE = (
    (
        "Editor's note: This story is part of Borderlines, a yearlong reporting project on how "
        "immigration enforcement reaches into small towns across the Midwest, produced with support from "
        "readers like you.",
        "Borderlines is a collaboration of six nonprofit newsrooms. You may republish this article for "
        "free under a Creative Commons license, provided you credit the reporter and the newsroom, do "
        "not edit the text beyond style and length, and include this note in full. Our reporting depends "
        "on readers. If you value independent local journalism, please consider becoming a member today: "
        "members keep our stories free for everyone, and every gift is matched this month by a local "
        "foundation.",
    ),
    (
        "This article was first published by the Heartland News Service, an independent, nonprofit "
        "newsroom covering government, courts and public safety. Sign up for our free daily briefing.",
        "Have a tip about this story or another matter we should look into? Our reporters read every "
        "message. You can reach the newsroom by email or through our secure tip line, and you can remain "
        "anonymous. The Heartland News Service is supported by foundations and by thousands of "
        "individual donors; a full list of our funders and our ethics policy are published on our "
        "website. Corrections are noted at the bottom of each story as soon as we make them.",
    ),
)


# -- hard negatives from the corpus: same day, shared vocabulary ------------------------------

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]+")
_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*")  # capitalized runs: a rough named-entity finder


def same_day_pairs(articles: list[Article], count: int) -> list[tuple[int, int, float, list[str]]]:
    """The ``count`` same-date pairs with the highest TF-IDF cosine, with their shared proper names."""
    bags = [Counter(t.lower() for t in _TOKEN.findall(" ".join(a.paragraphs))) for a in articles]
    df = Counter(word for bag in bags for word in bag)
    n = len(articles)
    vectors: dict[int, dict[str, float]] = {}
    for article, bag in zip(articles, bags, strict=True):
        vector = {w: (1 + math.log(c)) * math.log(n / df[w]) for w, c in bag.items() if df[w] <= n // 4}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors[article.index] = {w: v / norm for w, v in vector.items()}
    by_date: dict[str, list[int]] = {}
    for article in articles:
        by_date.setdefault(article.date, []).append(article.index)
    scored = []
    for indices in by_date.values():
        for i, a in enumerate(indices):
            for b in indices[i + 1 :]:
                small, large = sorted((vectors[a], vectors[b]), key=len)
                scored.append((sum(v * large.get(w, 0.0) for w, v in small.items()), a, b))
    scored.sort(reverse=True)
    text = {a.index: " ".join(a.paragraphs) for a in articles}
    pairs = []
    for cosine, a, b in scored[:count]:
        shared = set(_NAME.findall(text[a])) & set(_NAME.findall(text[b]))
        pairs.append((a, b, round(cosine, 3), sorted(s for s in shared if " " in s)[:8]))
    return pairs


def read_page(article: Article) -> str:
    """The article's real HTML page ("" when the corpus lacks it)."""
    path = NAEB / "html" / f"{article.html_file}.html.gz"
    if not path.exists():
        return ""
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as page:
        return page.read()


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


# -- assembling the set ----------------------------------------------------------------------


class Builder:
    def __init__(self, articles: list[Article], rng: random.Random) -> None:
        self.articles = articles
        self.rng = rng
        self.records: list[Record] = []

    def page(
        self,
        article: Article,
        outlet: Outlet,
        paragraphs: list[str],
        title: str | None = None,
        dek: str | None = None,
    ) -> tuple[str, str]:
        """(url, html) of ``paragraphs`` rendered by ``outlet``."""
        slug = re.sub(r"[^a-z0-9]+", "-", article.title.lower()).strip("-")[:60]
        url = f"https://www.{outlet.host}/news/{article.date}/{slug}-{self.rng.randrange(10**6, 10**7)}"
        others = [a.title for a in self.rng.sample(self.articles, 6) if a.index != article.index][:5]
        lead = paragraphs[0].split(". ")[0] if paragraphs else article.title
        fields = Page(
            title or article.title,
            dek or lead[:160],
            "The Associated Press",
            article.date,
            url,
            paragraphs,
            others,
        )
        return url, outlet.render(outlet, fields)

    def add(
        self,
        rid: str,
        story: str,
        kind: str,
        role: str,
        phase: int,
        url: str,
        page_html: str,
        article: Article,
        fallback: list[str],
        title: str | None = None,
    ) -> None:
        extracted = extract_article(page_html, url)
        text, source = extracted.text if extracted else "", "page"
        if not text.strip():
            text, source = "\n".join(fallback), "gold"
        self.records.append(
            Record(
                rid,
                story,
                kind,
                role,
                phase,
                url,
                urlsplit(url).hostname or "",
                title or article.title,
                article.date,
                text,
                source,
            )
        )

    def original(self, article: Article) -> None:
        """The real page, extracted; its gold text when extraction lost the article (see FAITHFUL)."""
        self.add(
            f"o{article.index}",
            f"s{article.index}",
            "original",
            "original",
            1,
            article.link,
            read_page(article),
            article,
            article.paragraphs,
        )
        record = self.records[-1]
        if jaccard(shingles(record.text), shingles("\n".join(article.paragraphs))) < FAITHFUL:
            record.text, record.source = "\n".join(article.paragraphs), "gold"

    def copies(self, article: Article) -> None:
        rng, story = self.rng, f"s{article.index}"
        for kind in COPY_KINDS:
            outlet = rng.choice(OUTLETS)
            paragraphs, title, dek = list(article.paragraphs), None, None
            if kind in ("headline", "combined"):
                title, dek = new_headline(rng, article.title), f"{rng.choice(_CITIES)} residents weigh in."
            if kind in ("cut_end", "combined"):
                paragraphs = cut_end(paragraphs)
            if kind in ("local_paragraph", "combined"):
                paragraphs.insert(rng.choice((1, len(paragraphs))), local_paragraph(rng, outlet))
            if kind in ("punctuation", "combined"):
                paragraphs = repunctuate(rng, paragraphs)
            if kind == "tracking_url":
                url, page = with_tracking(article.link, rng), read_page(article)
                if not page:
                    continue
            else:
                url, page = self.page(article, outlet, paragraphs, title, dek)
            rid = f"c{article.index}-{kind}"
            self.add(rid, story, kind, "copy", 2, url, page, article, paragraphs, title)

    def boilerplate_pair(self, seed: Article, other: Article, frame: tuple[str, str]) -> None:
        outlet = self.rng.choice(OUTLETS)
        intro, outro = frame
        for article, kind, role, phase in (
            (seed, "boilerplate_seed", "seed", 1),
            (other, "shared_boilerplate", "negative", 2),
        ):
            paragraphs = [intro, *article.paragraphs, outro]
            url, page = self.page(article, outlet, paragraphs)
            story = f"s{article.index}"
            self.add(f"b{article.index}", story, kind, role, phase, url, page, article, paragraphs)

    def follow_up(self, article: Article, quoted: Article) -> None:
        outlet = self.rng.choice(OUTLETS)
        paragraph = max(quoted.paragraphs, key=len)
        quote = f'In a report published earlier this week, the wire service wrote: "{paragraph}"'
        paragraphs = list(article.paragraphs)
        paragraphs.insert(max(1, len(paragraphs) // 3), quote)
        url, page = self.page(article, outlet, paragraphs)
        self.add(
            f"f{article.index}",
            f"s{article.index}",
            "follow_up_quote",
            "negative",
            2,
            url,
            page,
            article,
            paragraphs,
        )


def build(stories: int, seed: int, pair_count: int) -> tuple[list[Record], list[dict[str, object]]]:
    """The labelled records and the same-day hard-negative pairs."""
    rng = random.Random(seed)
    articles = [a for a in load_corpus() if a.paragraphs]
    long_enough = [a for a in articles if a.words >= MIN_STORY_WORDS]
    pairs = same_day_pairs(long_enough, pair_count)
    in_pairs = {i for a, b, _, _ in pairs for i in (a, b)}
    by_index = {a.index: a for a in articles}
    rest = [a for a in long_enough if a.index not in in_pairs]
    rng.shuffle(rest)
    chosen = [by_index[i] for i in sorted(in_pairs)] + rest
    story_articles, pool = chosen[:stories], chosen[stories:]

    builder = Builder(articles, rng)
    for article in sorted(story_articles, key=lambda a: a.index):
        builder.original(article)
        builder.copies(article)
    half = len(pool) // 3
    boilerplate, followers = pool[: 2 * half], pool[2 * half :]
    for i in range(0, len(boilerplate) - 1, 2):
        builder.boilerplate_pair(boilerplate[i], boilerplate[i + 1], BOILERPLATE[(i // 2) % len(BOILERPLATE)])
    for article in followers:
        builder.follow_up(article, rng.choice(story_articles))
    pair_rows = [
        {
            "first": f"o{a}",
            "second": f"o{b}",
            "date": by_index[a].date,
            "cosine": cosine,
            "shared_names": names,
            "titles": [by_index[a].title, by_index[b].title],
        }
        for a, b, cosine, names in pairs
    ]
    return builder.records, pair_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=300, help="corpus articles given copies (default 300)")
    parser.add_argument("--pairs", type=int, default=60, help="same-day hard-negative pairs (default 60)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    if not (NAEB / "news_articles.json").exists():
        sys.exit(f"{NAEB} is absent: the development corpus lives in ../shared beside the repository")
    records, pairs = build(args.stories, args.seed, args.pairs)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
    args.output.with_name(args.output.stem + "_pairs.json").write_text(json.dumps(pairs, indent=1))
    kinds = Counter(r.kind for r in records)
    print(f"{len(records)} records -> {args.output}")
    print("  " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    print(f"  {sum(r.source == 'gold' for r in records)} fell back to gold text; {len(pairs)} same-day pairs")


if __name__ == "__main__":
    main()
