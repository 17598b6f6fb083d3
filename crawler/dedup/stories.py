"""Write-thrus: versions of one wire story that are not the same text, and which copy is the original.

A wire story is rewritten through the day: a new top on lower paragraphs that stay largely the
same, a headline that changes with it. Those versions are one *story* but not one text, so
they are grouped by a relation of their own (``story_id``), never by ``duplicate_of``. Two
articles are versions of one story when they are from the same day, share a good part of
their words (the caller checks the signatures) and their lower paragraphs are largely the
same, or a fair part of them is and either the headlines are of one family or a third of all
their words are shared. Different stories on the same event share a quote, a caption or a
background paragraph, but neither the headline family nor most of the lower paragraphs.

The original of a set of copies is the earliest-published one; a copy without a date comes
after every dated one. Between copies published at the same moment (or all undated), the one
on the host that the copies cite as canonical wins, then the first seen.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.dedup.content_hash import normalize_text
from crawler.dedup.lead import LEAD_WORDS, lead_of
from crawler.dedup.minhash import shingles

SAME_DAY = timedelta(hours=24)
MIN_HEADLINE_OVERLAP = 0.6  # shared content words over the shorter headline's
MIN_LOWER_CONTAINMENT = 0.6  # the lower paragraphs: share of the shorter version's shingles
MIN_LOWER_WITH_HEADLINE = 0.4  # ...when the headlines are of one family
# ...or when a third of all their words are shared (estimated Jaccard): a scraped or syndicated
# page's title is often a section label or furniture, so the headline family misses a write-thru
# that the text alone shows. On the real republications' development split 0.3 added 11 of 66
# write-thru pairs and no wrong link; 0.25 linked an aggregator's topic page (J 0.25) to a story
# it quotes, and the estimate is good to about 0.04, so not lower.
MIN_SHARED_WORDS = 0.3
MIN_HEADLINE_WORD_LENGTH = 4  # "the", "to", "in" and "for" make no family
# A topic label ("Trump meets Putin", an aggregator's cluster page) is no headline: its three
# words are every page's on the event. At 4, story precision on the real republications'
# development split went from 0.986 to 0.994 for 4 of 66 write-thru pairs.
MIN_FAMILY_WORDS = 4
# A page's title is often furniture ("Enter City and State or Zip Code", a date and a forecast)
# and its headline stands a few lines down, above the byline. Lines near the top count as
# headlines when short and not sentences: a lede or an aggregator's excerpt ends in a full stop.
# On the real republications' development split this linked 4 more write-thru pairs under
# furniture titles (story recall 0.557 -> 0.720) and no wrong link; without the sentence test,
# aggregator pages matched the ledes they list (5 wrong links).
HEADLINE_SEARCH_LINES = 6
MAX_HEADLINE_LINE_WORDS = 20
_SENTENCE_ENDS = (".", "…", "?", "!", ":", '"', "”")

# Words of a headline that say nothing of the story (wire and section labels).
_HEADLINE_NOISE = frozenset(
    {"latest", "update", "updated", "breaking", "news", "live", "what", "with", "from"}
)


def headline_words(title: str | None) -> frozenset[str]:
    """The content words of a headline: four letters or more, labels left out."""
    words = normalize_text(title or "").split()
    return frozenset(w for w in words if len(w) >= MIN_HEADLINE_WORD_LENGTH and w not in _HEADLINE_NOISE)


def same_headline_family(a: str | None, b: str | None) -> bool:
    """Whether two headlines, each of four content words or more, share most of the shorter one's."""
    words_a, words_b = headline_words(a), headline_words(b)
    if min(len(words_a), len(words_b)) < MIN_FAMILY_WORDS:
        return False
    return len(words_a & words_b) / min(len(words_a), len(words_b)) >= MIN_HEADLINE_OVERLAP


def headlines_of(title: str | None, text: str) -> tuple[str, ...]:
    """The title, then the headline-like lines among the text's first few."""
    lines = [line.strip() for line in text.split("\n") if line.strip()][:HEADLINE_SEARCH_LINES]
    near_top = [
        line
        for line in lines
        if len(line.split()) <= MAX_HEADLINE_LINE_WORDS and not line.endswith(_SENTENCE_ENDS)
    ]
    return tuple(dict.fromkeys([title or "", *near_top]))


def headline_family_between(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether any headline of one article is of one family with any of the other's."""
    return any(same_headline_family(x, y) for x in a for y in b)


def lower_containment(a: str, b: str) -> float:
    """Share of the shorter text's lower paragraphs (after its lead) found in the other's."""
    return _containment(_lower_shingles(a), _lower_shingles(b))


def _containment(lower_a: frozenset[str], lower_b: frozenset[str]) -> float:
    if not lower_a or not lower_b:
        return 0.0
    return len(lower_a & lower_b) / min(len(lower_a), len(lower_b))


def _lower_shingles(text: str) -> frozenset[str]:
    body = lead_of(text, words=1 << 30, see_through_galleries=False).split()
    return frozenset(shingles(" ".join(body[LEAD_WORDS:])))


@dataclass(frozen=True)
class Version:
    """What the story rule reads of an article."""

    title: str | None
    text: str
    published: datetime | None
    first_seen: datetime

    @property
    def when(self) -> datetime:
        return self.published or self.first_seen

    @functools.cached_property
    def headlines(self) -> tuple[str, ...]:
        return headlines_of(self.title, self.text)

    @functools.cached_property
    def lower_shingles(self) -> frozenset[str]:
        """Shingled once: the new article is compared with every related stored one."""
        return _lower_shingles(self.text)


def same_story(a: Version, b: Version, shared_words: float = 0.0) -> bool:
    """Whether two texts that share words (checked by the caller, who passes their estimated
    Jaccard as ``shared_words``) are versions of one story."""
    if abs(a.when - b.when) > SAME_DAY:
        return False
    lower = _containment(a.lower_shingles, b.lower_shingles)
    if lower >= MIN_LOWER_CONTAINMENT:
        return True
    return lower >= MIN_LOWER_WITH_HEADLINE and (
        headline_family_between(a.headlines, b.headlines) or shared_words >= MIN_SHARED_WORDS
    )


@dataclass(frozen=True)
class Copy:
    """What choosing a story's original reads of each copy."""

    article_id: int | None  # None: the article being stored now, seen after every stored one
    site: str
    published: datetime | None
    first_seen: datetime
    cited_site: str | None  # the host of the page's declared canonical URL, when it is another site


def original_of(copies: list[Copy]) -> tuple[Copy, str]:
    """The copy that is the original, and why: ``published``, ``canonical_host`` or ``first_seen``."""
    cited = {c.cited_site for c in copies if c.cited_site and c.cited_site != c.site}
    ranked = sorted(copies, key=lambda c: _rank(c, cited))
    chosen = ranked[0]
    others = ranked[1:]
    if chosen.published is not None and any(
        c.published is None or c.published > chosen.published for c in others
    ):
        return chosen, "published"
    if chosen.site in cited:
        return chosen, "canonical_host"
    return chosen, "first_seen"


def _rank(copy: Copy, cited: set[str]) -> tuple[bool, datetime, bool, datetime, float]:
    return (
        copy.published is None,
        copy.published or copy.first_seen,
        copy.site not in cited,
        copy.first_seen,
        float("inf") if copy.article_id is None else copy.article_id,
    )
