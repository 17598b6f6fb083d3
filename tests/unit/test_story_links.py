"""Cut copies, write-thrus and the right original, through the store on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import text

from crawler.dedup.content_hash import content_hash
from crawler.dedup.lead import MIN_TAIL_COVER, ShingledText, anchored_run, body_of, lead_signature
from crawler.dedup.minhash import DEFAULT_THRESHOLDS, containment, minhash_signature, similarity
from crawler.store import ArticleRecord, Store, migrate
from tests.support.records import NOW, record
from tests.support.wire_versions import (
    BRIEF,
    CUT_COPY,
    HEADLINE,
    MISSING_TOP,
    ROUNDUP,
    SAME_EVENT,
    TEASER,
    WIRE,
    WITH_FURNITURE,
    WRITE_THRU,
    datelined,
    joined,
)


@pytest.fixture
def store(database_url: str):
    opened = Store.open(database_url)
    yield opened
    opened.close()


def article(path: str, paragraphs: list[str], **changes: object) -> ArticleRecord:
    body = joined(paragraphs)
    changes.setdefault("site", path.split("/")[0])
    return record(
        f"https://{path}",
        body,
        content_hash=content_hash(body),
        signature=minhash_signature(body),
        **changes,
    )


def row(store: Store, article_id: int) -> dict:
    with store.engine.connect() as conn:
        found = conn.execute(
            text("SELECT duplicate_of, story_id, original_basis, text FROM articles WHERE id = :id"),
            {"id": article_id},
        ).mappings()
        return dict(found.one())


def save(store: Store, item: ArticleRecord) -> int:
    outcome = store.save_article(item)
    assert outcome.article_id is not None
    return outcome.article_id


def test_a_cut_copy_is_linked_and_a_brief_quoted_inside_a_roundup_is_not(store: Store):
    wire = save(store, article("wire.example/raid", datelined(WIRE)))
    roundup = save(store, article("roundup.example/evening", ROUNDUP))
    cut = article("syndicator.example/raid", CUT_COPY)
    brief = article("brief.example/raid", BRIEF)
    wire_signature = minhash_signature(joined(datelined(WIRE)))
    roundup_signature = minhash_signature(joined(ROUNDUP))
    assert wire_signature and roundup_signature and cut.signature and brief.signature
    # Both lie inside a longer text, and share too little of it for the whole-text rule:
    for short, long in ((cut.signature, wire_signature), (brief.signature, roundup_signature)):
        assert containment(short, long) >= DEFAULT_THRESHOLDS.min_containment
        assert similarity(short, long) < DEFAULT_THRESHOLDS.min_jaccard

    assert row(store, save(store, cut))["duplicate_of"] == wire  # the wire story's beginning
    assert row(store, save(store, brief))["duplicate_of"] is None  # in the middle of the roundup
    assert row(store, roundup)["duplicate_of"] is None


def edited(paragraph: str, every: int) -> str:
    """The paragraph with one word in every ``every`` changed, as a wire copy edits a tense or a title."""
    words = paragraph.split()
    return " ".join(w + "ed" if i % every == every // 2 else w for i, w in enumerate(words))


def test_a_cut_copy_with_a_word_edited_in_every_dozen_is_still_a_copy(store: Store):
    wire_text = joined(datelined(WIRE))
    wire = save(store, article("wire.example/raid", datelined(WIRE)))
    copy = article("syndicator.example/raid", [edited(p, 12) for p in WIRE[:4]])
    wire_lead, copy_lead = lead_signature(wire_text), lead_signature(copy.text)
    assert wire_lead and copy_lead
    # Every edit costs five shingles: under 0.6 of the copy is left in the wire, at its beginning,
    # and the edited lead no longer agrees; only the anchored run tells it is the wire cut short.
    run = anchored_run(copy.text, wire_text)
    assert 0.55 <= run.containment < 0.6 and run.at_start
    assert similarity(copy_lead, wire_lead) < DEFAULT_THRESHOLDS.min_lead_similarity

    assert row(store, save(store, copy))["duplicate_of"] == wire


def test_copies_missing_their_top_or_wrapped_in_furniture_are_linked(store: Store):
    wire = save(store, article("wire.example/raid", datelined(WIRE)))
    assert row(store, save(store, article("a.example/raid", MISSING_TOP)))["duplicate_of"] == wire
    assert row(store, save(store, article("b.example/raid", WITH_FURNITURE)))["duplicate_of"] == wire


def test_a_teaser_under_the_wire_headline_is_a_copy_and_the_same_excerpt_under_its_own_is_not(store: Store):
    wire = save(store, article("wire.example/raid", datelined(WIRE), title=HEADLINE))
    teaser = article("aggregator.example/raid", TEASER, title=HEADLINE)
    wire_signature = minhash_signature(joined(datelined(WIRE)))
    assert wire_signature and teaser.signature
    # An excerpt from the middle: too little of the wire for its bands, not its opening or its end.
    assert similarity(teaser.signature, wire_signature) < DEFAULT_THRESHOLDS.min_jaccard
    # The same excerpt introduced by a blog under a headline of its own: a quotation, not a copy.
    quoted = article(
        "blog.example/raid",
        ["A wire report on the Iowa raids, as quoted by our editors this evening:", *TEASER],
        title="What our readers are saying about the Iowa raids",
    )

    assert row(store, save(store, quoted))["duplicate_of"] is None
    assert row(store, save(store, teaser))["duplicate_of"] == wire


def test_a_new_text_is_shingled_once_however_many_stored_texts_are_read_in_full(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    save(store, article("wire.example/raid", datelined(WIRE), title=HEADLINE))
    save(store, article("other.example/families", SAME_EVENT, title=HEADLINE))
    save(store, article("third.example/raid", datelined(WRITE_THRU), title=HEADLINE))
    teaser = article("aggregator.example/raid", TEASER, title=HEADLINE)
    shingled: list[str] = []
    of = ShingledText.of.__func__  # type: ignore[attr-defined]

    def counting(cls: type[ShingledText], text: str, words: int = 5) -> ShingledText:
        shingled.append(text)
        return of(cls, text, words)

    monkeypatch.setattr(ShingledText, "of", classmethod(counting))
    save(store, teaser)
    # Every stored text under the headline was read and shingled, whole and (when the whole text
    # was no cut copy) its body; the teaser's text once whole and its body once, whatever the count.
    teaser_body = body_of(teaser.text)
    stored = [text for text in shingled if text not in (teaser.text, teaser_body)]
    assert shingled.count(teaser.text) == 1 and shingled.count(teaser_body) <= 1
    assert 3 <= len(stored) <= 6 and all(stored.count(text) == 1 for text in stored)


def test_a_shared_headline_alone_makes_no_copy_and_no_story(store: Store):
    wire = save(store, article("wire.example/raid", datelined(WIRE), title=HEADLINE))
    other = save(store, article("other.example/families", SAME_EVENT, title=HEADLINE))
    assert row(store, other)["duplicate_of"] is None
    assert row(store, other)["story_id"] != row(store, wire)["story_id"]


def test_an_earlier_published_copy_stored_later_becomes_the_original(store: Store):
    copy = save(store, article("syndicator.example/raid", WIRE, published=NOW - timedelta(hours=2)))
    exact = save(store, article("mirror.example/raid", WIRE, published=NOW - timedelta(hours=1)))
    assert row(store, exact)["duplicate_of"] == copy and row(store, exact)["text"] is None

    original = save(store, article("wire.example/raid", datelined(WIRE), published=NOW - timedelta(hours=6)))

    assert row(store, original) | {"text": None} == {
        "duplicate_of": None,
        "story_id": row(store, original)["story_id"],
        "original_basis": "published",
        "text": None,
    }
    assert row(store, copy)["duplicate_of"] == original and row(store, copy)["original_basis"] is None
    assert row(store, exact)["duplicate_of"] == original
    assert row(store, exact)["text"] == joined(WIRE)  # it read its former original's text: now its own
    assert {row(store, i)["story_id"] for i in (copy, exact, original)} == {row(store, original)["story_id"]}
    statuses = dict(store.engine.connect().execute(text("SELECT canonical_url, status FROM urls")).all())
    assert statuses["https://wire.example/raid"] == "stored"
    assert statuses["https://syndicator.example/raid"] == "duplicate"
    [story] = store.stories(limit=5)
    assert story["story_id"] == row(store, original)["story_id"]
    assert story["members"][0]["id"] == original  # the earliest published comes first


def test_between_copies_of_one_moment_the_cited_canonical_host_is_the_original(store: Store):
    at = NOW - timedelta(hours=3)
    copy = save(
        store,
        article(
            "syndicator.example/raid", WIRE, published=at, page_canonical_url="https://wire.example/raid"
        ),
    )
    original = save(store, article("wire.example/raid", datelined(WIRE), published=at))
    assert row(store, original)["original_basis"] == "canonical_host"
    assert row(store, copy)["duplicate_of"] == original


def test_undated_copies_keep_the_first_seen_as_original(store: Store):
    first = save(store, article("a.example/raid", WIRE, published=None))
    later = save(store, article("b.example/raid", datelined(WIRE), published=None))
    assert row(store, later)["duplicate_of"] == first
    assert row(store, first)["original_basis"] == "first_seen"


def test_a_write_thru_joins_the_story_but_is_not_a_copy_and_a_same_event_story_joins_neither(store: Store):
    wire = save(store, article("wire.example/raid", datelined(WIRE), title="ICE detains 212 at Iowa plants"))
    write_thru = save(
        store,
        article(
            "wire.example/raid-charges",
            WRITE_THRU,
            title="Contractor charged after ICE detains 212 at Iowa meatpacking plants",
            published=NOW - timedelta(hours=20),
        ),
    )
    families = save(
        store, article("local.example/families", SAME_EVENT, title="Families wait after Iowa raid")
    )

    assert row(store, write_thru)["duplicate_of"] is None
    assert row(store, write_thru)["story_id"] == row(store, wire)["story_id"]
    assert row(store, families)["duplicate_of"] is None
    assert row(store, families)["story_id"] != row(store, wire)["story_id"]


def test_a_write_thru_from_another_day_is_another_story(store: Store):
    wire = save(store, article("wire.example/raid", datelined(WIRE), published=NOW - timedelta(days=1)))
    later = save(store, article("wire.example/raid-week", WRITE_THRU, published=NOW + timedelta(days=2)))
    assert row(store, later)["story_id"] != row(store, wire)["story_id"]


def test_migrating_from_the_previous_revision_gives_every_stored_article_its_story(
    database_url: str, store: Store
):
    original = save(store, article("wire.example/raid", datelined(WIRE)))
    copy = save(store, article("a.example/raid", MISSING_TOP))
    migrate._UPGRADED.clear()
    with store.engine.begin() as conn:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    assert migrate.stored_revision(store.engine) == "0005"

    reopened = Store.open(database_url)

    assert migrate.stored_revision(reopened.engine) == migrate.HEAD_REVISION
    assert row(reopened, original)["story_id"] == original and row(reopened, copy)["story_id"] == original
    assert row(reopened, copy)["duplicate_of"] == original
    reopened.close()


GALLERY = [
    "window._taboola = window._taboola || []; _taboola.push({mode: 'thumbnails-c', "
    "container: 'taboola-interstitial-gallery-thumbnails-3', target_type: 'mix'});",
    "Photo: Jane Doe, Wire",
    "Image 1 of 2",
    "Workers leave a meatpacking plant in Marshalltown, Iowa, after federal agents arrived before the "
    "morning shift on Wednesday. Families gathered across the street for most of the day. less",
    "Workers leave a meatpacking plant in Marshalltown, Iowa, after federal agents arrived before the "
    "morning shift on Wednesday. Families gathered ... more",
    "Photo: Jane Doe, Wire",
    "Image 2 of 2",
    "A bus carries detained workers from a plant in Ottumwa, Iowa, to a processing center in Cedar "
    "Rapids on Wednesday afternoon, as relatives watch from a parking lot. less",
    "A bus carries detained workers from a plant in Ottumwa, Iowa, to a processing center in Cedar "
    "Rapids on Wednesday afternoon, as relatives ... more",
    "Photo: Jane Doe, Wire",
    "The Latest: Immigration agents detain 212 workers at three Iowa plants",
    "1 / 2",
    "Back to Gallery",
]


def test_a_copy_of_a_live_pages_first_entry_sees_through_the_gallery_above_it(store: Store):
    # A live page: a gallery the extraction kept (script, captions shown twice, credits), its
    # headline, then the first entry over a long lower page; the copy is that entry alone, well
    # under the share of the page that the anchored run asks of a cut copy.
    live_page = [*GALLERY, *WIRE[:3], *ROUNDUP, *SAME_EVENT, *WRITE_THRU]
    live = save(store, article("live.example/latest", live_page))
    copy = article("paper.example/raid", ["Subscribe for unlimited access.", *WIRE[:3]])
    run = anchored_run(copy.text, joined(live_page))
    assert run.containment >= DEFAULT_THRESHOLDS.min_cut_containment and not run.at_start
    live_lead, copy_lead = lead_signature(joined(live_page)), lead_signature(copy.text)
    assert live_lead and copy_lead
    assert similarity(live_lead, copy_lead) >= DEFAULT_THRESHOLDS.min_lead_similarity

    assert row(store, save(store, copy))["duplicate_of"] == live


def test_a_copy_whose_gallery_is_half_its_text_is_linked_through_its_body(store: Store):
    # A short copy under a gallery the extraction kept: the captions (each shown twice) and the
    # script are about half of its shingles, so the whole text is under the cut-copy bound.
    wire = save(store, article("wire.example/raid", datelined(WIRE)))
    copy = article("gallery.example/raid", [*GALLERY, *WIRE[:3]])
    whole = anchored_run(copy.text, joined(datelined(WIRE)))
    assert whole.containment < DEFAULT_THRESHOLDS.min_cut_containment
    assert anchored_run(body_of(copy.text), joined(datelined(WIRE))).containment >= 0.9

    assert row(store, save(store, copy))["duplicate_of"] == wire


# A live page's entries, newest first: its oldest entry, at its foot, is the wire brief it began with.
NEWER_ENTRIES = [*SAME_EVENT[:5], *WRITE_THRU[:4], *ROUNDUP[1:4]]


def a_candidate_below_the_whole_text_bounds(short: ArticleRecord, long: list[str]) -> bool:
    """The lookup reads the page (they share band keys), and only a cut-copy rule can link them."""
    page = minhash_signature(joined(long))
    assert short.signature and page
    shared_keys = set(short.signature.band_keys) & set(page.band_keys)
    return bool(shared_keys) and similarity(short.signature, page) < DEFAULT_THRESHOLDS.min_jaccard


def test_a_copy_of_the_brief_at_a_live_pages_foot_is_linked(store: Store):
    live_page = [*NEWER_ENTRIES, *WIRE[:3]]
    live = save(store, article("live.example/latest", live_page))
    copy = article("paper.example/raid", WIRE[:3])
    assert a_candidate_below_the_whole_text_bounds(copy, live_page)
    # A sliver of the page: not its opening, nor the lower part a copy missing its top keeps.
    shingles = len(ShingledText.of(joined(live_page)).shingles)
    assert len(ShingledText.of(copy.text).shingles) < MIN_TAIL_COVER * shingles

    assert row(store, save(store, copy))["duplicate_of"] == live


def test_the_same_brief_one_entry_above_a_live_pages_foot_is_not_a_copy(store: Store):
    # Inside the page, under another entry: a brief quoted in a roundup, not the page's own text.
    live_page = [*NEWER_ENTRIES, *WIRE[:3], ROUNDUP[7]]
    live = save(store, article("live.example/latest", live_page))
    brief = article("paper.example/raid", WIRE[:3])
    assert a_candidate_below_the_whole_text_bounds(brief, live_page)
    assert anchored_run(brief.text, joined(live_page)).containment == 1.0

    assert row(store, save(store, brief))["duplicate_of"] is None
    assert row(store, live)["duplicate_of"] is None


def test_a_story_assembled_from_a_live_pages_entries_finds_the_page_by_its_paragraphs(store: Store):
    # The wire's story, stored first, is the live page's oldest entry in an order of its own, a
    # sliver of the page: their whole texts and their leads share no band key.
    live_page = [*NEWER_ENTRIES, *ROUNDUP, *WIRE[:3]]
    assembled = article("globe.example/summit", [WIRE[2], WIRE[0], WIRE[1]])
    page = article("live.example/latest", live_page)
    assert assembled.signature and page.signature
    assert not set(assembled.signature.band_keys) & set(page.signature.band_keys)
    assembled_lead, page_lead = lead_signature(assembled.text), lead_signature(page.text)
    assert assembled_lead and page_lead and not set(assembled_lead.band_keys) & set(page_lead.band_keys)
    first = save(store, assembled)

    linked = save(store, page)

    assert row(store, linked)["duplicate_of"] == first
