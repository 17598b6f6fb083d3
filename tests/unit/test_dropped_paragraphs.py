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
