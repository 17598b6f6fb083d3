"""Body paragraphs a precision pass dropped are put back; teaser cards never are.

The pages are synthetic and the extracted text is given, so no trafilatura pass runs."""

from __future__ import annotations

from lxml.html import fromstring

from crawler.pages.dropped_paragraphs import restore_dropped_paragraphs

BODY = [
    f"Paragraph {n} of the council report says the bridge repairs will cost more than planned."
    for n in range(8)
]
CARDS = [
    f"Teaser {n}: another story on this site about a topic far from the council's bridge." for n in range(6)
]


def page(body: list[str], cards: list[str]) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in body)
    teasers = "".join(
        f'<div class="card"><a href="/s{n}"><p>{text}</p></a></div>' for n, text in enumerate(cards)
    )
    return f"<html><body><section>{paragraphs}</section><div class='more'>{teasers}</div></body></html>"


def test_dropped_body_paragraphs_between_kept_ones_are_put_back_in_order() -> None:
    cited = [
        f"Paragraph {n} cites <a href='/src{n}'>the engineers' survey</a>, deleted for its link by precision."
        for n in ("a", "b")
    ]
    body = [*BODY[:3], *cited, *BODY[3:5]]
    restored = restore_dropped_paragraphs(fromstring(page(body, [])), "\n".join(BODY[:5]))
    assert restored.split("\n")[3:5] == [
        f"Paragraph {n} cites the engineers' survey, deleted for its link by precision." for n in ("a", "b")
    ]


def test_a_card_repeating_the_articles_first_words_does_not_bring_back_the_other_cards() -> None:
    # the last card quotes a body paragraph's opening, then goes on differently, as summary
    # cards of the same story do; taken for a kept paragraph, its container passed for the
    # body's and every card before it was "restored" into the article
    echo = BODY[1][:70] + ", says the summary card."
    text = "\n".join(BODY)
    restored = restore_dropped_paragraphs(fromstring(page(BODY, [*CARDS, echo])), text)
    assert restored == text


LATER = [
    f"Chunk paragraph {n} goes on with the bridge report after an advertisement slot, at length."
    for n in range(4)
]
NEXT_STORY = [
    f"Next story paragraph {n}: the mayor's office announced a new parking plan on Friday." for n in range(4)
]
AD = '<div class="ad-slot"><p>Advertisement placeholder, long enough to count as a paragraph here.</p></div>'
WIDGET = "Follow the council reporter for more on the city budget <script>renderFollowButton()</script>"


def chunk(texts: list[str]) -> str:
    return '<div class="body-chunk">' + "".join(f"<p>{text}</p>" for text in texts) + "</div>"


def chunked_page(trailing: tuple[str, ...] = ()) -> str:
    """A body cut into chunks of one class around ads, then another story under its headline."""
    return (
        f"<html><body><h1>Bridge repairs</h1>{chunk([*BODY[:4], *trailing])}{AD}"
        f"{chunk(LATER[:2])}{AD}{chunk([*LATER[2:], WIDGET])}"
        f"<h2>Parking plan</h2>{chunk(NEXT_STORY)}</body></html>"
    )


def test_later_chunks_of_the_body_are_put_back_up_to_the_next_headline() -> None:
    # the widget paragraph's text would carry its script's code
    restored = restore_dropped_paragraphs(fromstring(chunked_page()), "\n".join(BODY[:4]))
    assert restored.split("\n") == BODY[:4] + LATER


def test_paragraphs_after_the_last_kept_one_in_its_own_container_are_left_out() -> None:
    # trafilatura dropped them on purpose: a biography, a correction notice
    bio = "The council reporter has covered the city and its budget for the paper since last year."
    restored = restore_dropped_paragraphs(fromstring(chunked_page(trailing=(bio,))), "\n".join(BODY[:4]))
    assert restored.split("\n") == BODY[:4] + LATER
