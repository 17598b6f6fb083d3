"""Builds the development set of real republications from a public scrape of US news sites.

    .venv/bin/python bench/build_republication_set.py [--source PATH]  # bench/results/republications*.jsonl

The pages are the three event scrapes of github.com/asprout/ArticleComparisons (commit
SOURCE_COMMIT, files ``data/{census,helsinki,spotify}_articles.csv``): 680 pages from 90 US
outlets around three news events (the 2019 census-citizenship memo, the 2018 Trump-Putin
Helsinki summit, Spotify's 2018 hateful-conduct policy), each the page text as its scraper
kept it, paragraphs joined by ``###``, furniture and captions included. The repository states
no licence, so nothing of it is committed here: this script reads the files from a local clone
(``--source``; the search tool's ``fetch`` of that repository puts one at DEFAULT_SOURCE) and
writes the set under bench/results/, which git ignores.

Labels come from sentence alignment, which is independent of the shingle signatures under
test: two pages are compared by the body sentences they share (normalized, at least eight
words that are not numbers, so a timestamp is none; two sentences match when their first or last
eight words do, as wire versions edit a sentence's middle or one end). Photo captions are left
out whole paragraph by paragraph: one carrying a credit or a photo's description, one a gallery
shows twice in a row (the caption, then the caption again or cut with "... more"), one under a
"Credit:" line or over a "Photo:" line, and a gallery's script kept as text
(``window._taboola = ...``); a page whose body is its gallery is then unlabelled. A sentence
mostly inside quotation marks, read across the sentences of its paragraph, or an embedded tweet
(the paragraph over a "— Name (@handle) date" line), is **quoted words**: it is shared, but the
top sentence that anchors a copy must be the writer's own, a copy must share one such sentence
at least, and a write-thru three, because different stories of one event quote the same tweet
and statement.

**Site furniture.** Text that one site repeats across its pages (a widget, a standing block)
is no page's story and must not join gold stories: sfgate.com glued the same eight-sentence
video blurb (Trump's weekend in Scotland) onto three pages of three different stories, and
those sentences alone joined them into one 45-page gold story. A sentence that one site prints
on three or more of its pages (SITE_REPEATS) is left out of those pages' bodies when no other
outlet's copy of any of them prints it: the copy clusters are first drawn with every such
sentence left out of its site's pages, and a sentence that another outlet's copy prints is that
page's story (a site's own versions of a wire story, which the other outlets carry too), so it
stays. A first line that one site prints atop three or more of its pages ("Enter City and
State or Zip Code", a comments notice, a forecast) is no headline. The wire keeps a story's
headline through its write-thrus, so two pages under the same headline that share three of the
writer's own sentences but are no copy are a write-thru, even when their tops share a sentence.

A pair is

* a **copy** (``duplicate_of`` should link it) when the shared sentences cover most of the
  shorter page's body and either most of the longer one's too, or they are anchored at the
  longer one's beginning (a cut copy, paywall or brief edition) or at its end (a copy missing
  its top). Both pages opening with the same headline (a first line of five words or more,
  word for word) anchors them at the beginning: an aggregator's teaser is the original's
  headline and an excerpt from anywhere in it. Its kind says which: ``exact``, ``cut``,
  ``missing_top``, ``furniture`` (a third or more of the copy's text outside the shared
  body), else ``plain``;
* a **quoted brief** (not a copy) when a short page's body sits inside a long one but away
  from both of its ends (a news-in-brief roundup, a live blog);
* a **write-thru** (same story, not the same text) when they share at least three body
  sentences, none of them in either page's top two: a new top on shared lower paragraphs;
* a **same-event** pair otherwise: ``shared_sentence`` when they still share a sentence (a
  quoted tweet or statement, a caption's words), ``unrelated_text`` when they share none.

Pairs with a page of fewer than two body sentences (a caption alone, a video page) are
``unlabelled`` and left out of the scores. Gold clusters are the connected components of copy
pairs (for ``duplicate_of``) and of copy and write-thru pairs (for stories). Pairs in one
gold cluster that no direct label joins are kind ``transitive``. A quarter of the story
clusters, chosen by a hash of their first page id, are the holdout: thresholds are chosen on
the rest and only reported on it. The hash is of the first page of the story that holds it as
drawn with site furniture still in the text (``split_of``), so the furniture rule, which splits
stories, moves no page between the splits.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import functools
import hashlib
import io
import itertools
import json
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_REPO = "github.com/asprout/ArticleComparisons"
SOURCE_COMMIT = "60fad0f07681e846bef33da1e5c90bdd3f519be4"
DEFAULT_SOURCE = Path("/work/.mirror/asprout+ArticleComparisons/repo")
EVENTS = ("census", "helsinki", "spotify")
OUT = ROOT / "bench" / "results" / "republications.jsonl"
PAIRS_OUT = ROOT / "bench" / "results" / "republications_pairs.jsonl"

MIN_SENTENCE_WORDS = 8
MIN_BODY_SENTENCES = 2  # fewer: nothing to align (a photo caption alone, a video page)
COPY_COVER_SHORT = 0.6  # share of the shorter page's body found in the longer
COPY_COVER_LONG = 0.5  # ...and of the longer's, unless the shared run is anchored at an end
ANCHOR_SENTENCES = 3  # "at the beginning": among the longer page's first three body sentences
WRITE_THRU_MIN_SHARED = 3
WRITE_THRU_COVER = 0.4  # share of the shorter version's body that the other version keeps
FURNITURE_SHARE = 1 / 3
HOLDOUT_MODULUS = 4
HEADLINE_WORDS = 5  # a first line this long is the page's headline, not a section label
SITE_REPEATS = 3  # a sentence or first line a site prints on this many pages may be furniture

QUOTED_SHARE = 0.5  # a sentence mostly inside quotation marks is quoted words, not the writer's
CREDIT_LINE_WORDS = 10
_CREDIT_LINE = re.compile(r"\(?(photo|credit|image)s?\s*:", re.IGNORECASE)
_WIDGET = re.compile(r"window\._?\w+\s*=|_taboola\.push|googletag\.")  # a gallery's script kept as text
_TWEET_BYLINE = re.compile(r"[\u2014\u2013-]\s*.{1,60}\(@\w+\)")
_CAPTION = re.compile(
    r"\(ap photo|\(photo|photo by|photo credit|/ ap\b|/ afp\b|getty images|^file\b|in this .{0,40} photo",
    re.IGNORECASE,
)


def normalize(sentence: str) -> str:
    folded = unicodedata.normalize("NFKC", sentence).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


def caption_paragraphs(paragraphs: list[str]) -> set[int]:
    """Which paragraphs are photo captions (or a gallery's widget script), read whole: one
    carrying a credit or a photo's description ("(AP Photo/...)", "In this ... photo"), one a
    gallery shows twice in a row (the caption, then the caption again or cut short with
    "... more"), and one under a "Credit:" line or over a "Photo:" line, the way sfgate.com,
    chron.com, USA Today and the Boston Herald print a photo."""
    found = {i for i, text in enumerate(paragraphs) if _CAPTION.search(text) or _WIDGET.search(text)}
    folded = [normalize(paragraph) for paragraph in paragraphs]
    for i, (paragraph, following) in enumerate(itertools.pairwise(folded)):
        cut = following.removesuffix(" more")
        if len(paragraph.split()) >= MIN_SENTENCE_WORDS and paragraph.startswith(cut):
            found.update((i, i + 1))
    for i, paragraph in enumerate(paragraphs):
        line = paragraph.strip()
        if _CREDIT_LINE.match(line) and len(line.split()) <= CREDIT_LINE_WORDS:
            found.add(i + 1 if line.casefold().startswith("credit") else i - 1)
    return found


def quoted_share(sentence: str, quoting: bool) -> tuple[float, bool]:
    """The share of a sentence's letters inside quotation marks, and whether a quotation is still
    open after it (a quote of several sentences); ``quoting`` is whether one was open before."""
    inside = total = 0
    for char in sentence:
        if char in '"“”':
            quoting = char == "“" or (char == '"' and not quoting)
        elif char.isalpha():
            total += 1
            inside += quoting
    return (inside / total if total else 0.0), quoting


def body_sentences(text: str) -> tuple[list[str], frozenset[str]]:
    """The page's sentences of eight words or more, in order, captions left out, and which of
    them are quoted words (a statement, a tweet), which different stories share."""
    found, quoted = [], set()
    paragraphs = text.split("###")
    captions = caption_paragraphs(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        if index in captions:
            continue
        # an embedded tweet is the paragraph over its "— Name (@handle) date" line
        tweet = index + 1 < len(paragraphs) and bool(_TWEET_BYLINE.match(paragraphs[index + 1].strip()))
        quoting = False
        for sentence in re.split(r"(?<=[.!?])\s+|(?<=[.!?][\"\u201d\u2019])\s+", paragraph):
            share, quoting = quoted_share(sentence, quoting)
            if _CAPTION.search(sentence):
                continue
            normalized = normalize(sentence)
            # words, not numbers: "12 44 am cdt sunday july 15 2018" is a page's timestamp
            if sum(not word.isdigit() for word in normalized.split()) >= MIN_SENTENCE_WORDS:
                found.append(normalized)
                if tweet or share > QUOTED_SHARE:
                    quoted.add(normalized)
    return list(dict.fromkeys(found)), frozenset(quoted)


def sentence_keys(sentence: str) -> tuple[str, str]:
    """A sentence matches another with the same first eight or the same last eight words: wire
    versions and copies edit a sentence's middle or one end (a tense, a title, a number)."""
    words = sentence.split()
    return "<" + " ".join(words[:MIN_SENTENCE_WORDS]), ">" + " ".join(words[-MIN_SENTENCE_WORDS:])


@dataclass(eq=False)
class Page:
    id: str
    event: str
    publisher: str
    scrape_time: str
    text: str
    body: list[str]
    quoted: frozenset[str]  # the body sentences that are quoted words
    first_line_is_furniture: bool = False  # a line its site prints atop SITE_REPEATS of its pages

    @functools.cached_property
    def normalized(self) -> str:
        return normalize(self.text)

    @functools.cached_property
    def headline(self) -> str | None:
        """The page's first line, normalized, when it is long enough to be a headline of its own."""
        if self.first_line_is_furniture:
            return None
        return self.first_line if len(self.first_line.split()) >= HEADLINE_WORDS else None

    @functools.cached_property
    def first_line(self) -> str:
        return normalize(self.text.split("###", 1)[0])

    @functools.cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(k for sentence in self.body for k in sentence_keys(sentence))

    def shared_with(self, other: Page) -> set[str]:
        """This page's body sentences that the other page has too, perhaps edited at one end."""
        if not self.keys & other.keys:
            return set()
        return {s for s in self.body if any(k in other.keys for k in sentence_keys(s))}


def read_pages(source: Path) -> list[Page]:
    csv.field_size_limit(1 << 30)
    pages = []
    for event in EVENTS:
        raw = subprocess.run(
            ["git", "-C", str(source), "show", f"{SOURCE_COMMIT}:data/{event}_articles.csv"],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        for row in csv.DictReader(io.StringIO(raw)):
            text = row["text"]
            page_id = f"{event}-{row['id']}"  # the scrapes number their pages independently
            body, quoted = body_sentences(text)
            pages.append(Page(page_id, event, row["publisher"], row["scrape_time"], text, body, quoted))
    return pages


def pair_label(a: Page, b: Page) -> tuple[str, str]:
    """(relation, kind) of two pages of one event; relation is copy, write_thru, different or
    unlabelled (a page with too little body to compare: a caption or a video page)."""
    if min(len(a.body), len(b.body)) < MIN_BODY_SENTENCES:
        return "unlabelled", "too_little_body"
    if not a.keys & b.keys:
        return "different", "unrelated_text"
    if a.normalized == b.normalized:
        return "copy", "exact"
    short, long = (a, b) if len(a.body) <= len(b.body) else (b, a)
    shared_in_long = long.shared_with(short)
    shared = short.shared_with(long)
    cover_short = len(shared) / len(short.body)
    cover_long = len(shared_in_long) / len(long.body)
    # A copy starts with the original's words (its first sentence may be re-written), or carries
    # its headline word for word (an aggregator's teaser: the headline and an excerpt); a
    # write-thru puts a new top of its own on the shared paragraphs.
    # Quoted words (a statement, a tweet) are what different stories of one event share most, so
    # the top a copy shares is the writer's own sentence, and a write-thru shares such sentences.
    same_headline = short.headline is not None and short.headline == long.headline
    own_shared = shared - short.quoted
    top_shared = any(s in own_shared for s in short.body[:ANCHOR_SENTENCES])
    short_top_shared = same_headline or top_shared
    if len(shared) >= 2 and own_shared and cover_short >= COPY_COVER_SHORT and short_top_shared:
        at_start = same_headline or any(s in shared_in_long for s in long.body[:ANCHOR_SENTENCES])
        at_end = any(s in shared_in_long for s in long.body[-ANCHOR_SENTENCES:])
        if cover_long >= COPY_COVER_LONG or at_start or at_end:
            return "copy", _copy_kind(short, long, shared, cover_long, at_start)
        return "different", "quoted_brief"
    # The wire keeps a story's headline through its write-thrus, whose tops may then share a sentence.
    new_top = same_headline or not top_shared
    if len(own_shared) >= WRITE_THRU_MIN_SHARED and cover_short >= WRITE_THRU_COVER and new_top:
        return "write_thru", "write_thru"
    return "different", "shared_sentence"


def _copy_kind(short: Page, long: Page, shared: set[str], cover_long: float, at_start: bool) -> str:
    shared_chars = sum(len(s) for s in shared)
    furniture = any(1 - shared_chars / max(1, len(p.normalized)) >= FURNITURE_SHARE for p in (short, long))
    if not at_start:
        return "missing_top"
    if cover_long < COPY_COVER_LONG:
        return "cut"
    return "furniture" if furniture else "plain"


class Components:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the root is the smallest id, whatever the join order


def is_holdout(story_root: str) -> bool:
    digest = hashlib.blake2b(story_root.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "little") % HOLDOUT_MODULUS == 0


def split_of(stories: Components, unstripped_stories: Components, page_ids: list[str]) -> dict[str, bool]:
    """Page id -> whether it is in the holdout: a story is when the story that held its first page,
    drawn with site furniture still in the text, is (``is_holdout``), so a story split off by the
    furniture rule stays in the split it was in (``build`` counts the pages that move anyway)."""
    return {page_id: is_holdout(unstripped_stories.find(stories.find(page_id))) for page_id in page_ids}


Labels = dict[tuple[str, str], tuple[str, str]]


def label_pairs(pages: list[Page]) -> tuple[Labels, Components, Components]:
    """Every pair of one event's pages labelled; the gold copy clusters and story clusters."""
    copies, stories = Components(), Components()
    labels: Labels = {}
    for event in EVENTS:
        members = [p for p in pages if p.event == event]
        for a, b in itertools.combinations(members, 2):
            relation, kind = pair_label(a, b)
            labels[(a.id, b.id)] = (relation, kind)
            if relation == "copy":
                copies.join(a.id, b.id)
            if relation in ("copy", "write_thru"):
                stories.join(a.id, b.id)
    return labels, copies, stories


def without_sentences(page: Page, dropped: set[str]) -> Page:
    """The page with those body sentences left out, as captions are."""
    if not dropped & set(page.body):
        return page
    body = [s for s in page.body if s not in dropped]
    return dataclasses.replace(page, body=body, quoted=page.quoted - dropped)


def with_furniture_first_lines(pages: list[Page]) -> list[Page]:
    """The pages, each first line that its site prints atop SITE_REPEATS or more of its pages
    marked as furniture ("Enter City and State or Zip Code", a comments notice, a forecast)."""
    pages_of: dict[tuple[str, str, str], int] = defaultdict(int)
    for page in pages:
        pages_of[(page.event, page.publisher, page.first_line)] += 1
    return [
        dataclasses.replace(page, first_line_is_furniture=True)
        if pages_of[(page.event, page.publisher, page.first_line)] >= SITE_REPEATS
        else page
        for page in pages
    ]


def site_repeated(pages: list[Page]) -> dict[str, set[str]]:
    """Page id -> its body sentences that its site prints on SITE_REPEATS or more of its pages."""
    pages_of: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for page in pages:
        for sentence in page.body:
            pages_of[(page.event, page.publisher, sentence)].add(page.id)
    repeated: dict[str, set[str]] = defaultdict(set)
    for (_event, _site, sentence), ids in pages_of.items():
        if len(ids) >= SITE_REPEATS:
            for page_id in ids:
                repeated[page_id].add(sentence)
    return repeated


def site_furniture(pages: list[Page]) -> dict[str, set[str]]:
    """Page id -> the sentences its site repeats on its pages although they are no page's story
    there: the other outlets carrying each of those pages' stories never print them (a widget, a
    standing block). See the module's docstring."""
    repeated = site_repeated(pages)
    stripped = [without_sentences(p, repeated[p.id]) for p in pages]
    _labels, copies, _stories = label_pairs(stripped)
    members: dict[str, list[Page]] = defaultdict(list)
    for page in stripped:
        members[copies.find(page.id)].append(page)
    # what the other outlets' copies of each page print (their own repeated text left out); None:
    # no other outlet carries the page's text, so nothing says which of its sentences are its own
    printed_elsewhere: dict[str, set[str] | None] = {}
    for page in pages:
        others = [p for p in members[copies.find(page.id)] if p.publisher != page.publisher]
        printed_elsewhere[page.id] = set().union(*(set(p.body) for p in others)) if others else None
    pages_of: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for page in pages:
        for sentence in repeated[page.id]:
            pages_of[(page.event, page.publisher, sentence)].append(page.id)
    furniture: dict[str, set[str]] = defaultdict(set)
    for (_event, _site, sentence), ids in pages_of.items():
        elsewhere = [printed_elsewhere[i] for i in ids if printed_elsewhere[i] is not None]
        if len(elsewhere) >= 2 and not any(sentence in printed for printed in elsewhere):
            for page_id in ids:
                furniture[page_id].add(sentence)
    return furniture


def build(source: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    return build_from_pages(with_furniture_first_lines(read_pages(source)))


def build_from_pages(read: list[Page]) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The page records (with their gold clusters and split) and the labelled pairs."""
    furniture = site_furniture(read)
    pages = [without_sentences(p, furniture[p.id]) for p in read]
    labels, copies, stories = label_pairs(pages)
    before = label_pairs(read)[2]
    holdout = split_of(stories, before, [p.id for p in pages])
    moved = sum(holdout[p.id] != is_holdout(before.find(p.id)) for p in pages)
    print(f"{moved} pages in another split than their story held before the furniture rule")
    records = []
    for page in pages:
        story = stories.find(page.id)
        records.append(
            {
                "id": page.id,
                "event": page.event,
                "publisher": page.publisher,
                "scrape_time": page.scrape_time,
                "text": page.text,
                "copy_cluster": copies.find(page.id),
                "story_cluster": story,
                "holdout": holdout[page.id],
            }
        )
    pairs = []
    for (a, b), (relation, kind) in labels.items():
        same_copy = copies.find(a) == copies.find(b)
        same_story = stories.find(a) == stories.find(b)
        if same_copy and relation != "copy":
            relation, kind = "copy", "transitive"
        elif same_story and relation == "different":
            relation, kind = "write_thru", "transitive"
        pairs.append({"a": a, "b": b, "relation": relation, "kind": kind, "holdout": holdout[a]})
    return records, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help=f"a clone of {SOURCE_REPO}")
    args = parser.parse_args()
    if not (args.source / "HEAD").exists() and not (args.source / ".git").exists():
        sys.exit(f"{args.source}: not a clone of {SOURCE_REPO} (fetch it first)")
    records, pairs = build(args.source)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    with PAIRS_OUT.open("w", encoding="utf-8") as out:
        for pair in pairs:
            out.write(json.dumps(pair) + "\n")
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for pair in pairs:
        counts[(pair["relation"], pair["kind"])] += 1  # type: ignore[index]
    clusters = {r["copy_cluster"] for r in records}
    multi = sum(1 for c in clusters if sum(r["copy_cluster"] == c for r in records) > 1)
    print(f"{len(records)} pages, {multi} copy clusters of 2 or more pages -> {OUT}")
    for (relation, kind), n in sorted(counts.items()):
        print(f"  {relation:11} {kind:16} {n:7}")


if __name__ == "__main__":
    main()
