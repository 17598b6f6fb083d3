"""The story rule's headline family: a family needs headlines, not a topic label."""

from __future__ import annotations

from crawler.dedup.stories import same_headline_family


def test_write_thru_headlines_of_one_story_are_one_family() -> None:
    assert same_headline_family(
        "Agents detain 212 workers at three Iowa meatpacking plants",
        "Iowa meatpacking plants: contractor charged after agents detain 212 workers",
    )


def test_a_three_word_topic_label_makes_no_family() -> None:
    # An aggregator's cluster pages and every story on the event carry these words.
    assert not same_headline_family("Iowa plant raids", "Iowa plant raids")
    assert not same_headline_family("Iowa plant raids", "Iowa plant raids: what the families say")


def test_headlines_of_different_stories_on_one_event_are_no_family() -> None:
    assert not same_headline_family(
        "Agents detain 212 workers at three Iowa meatpacking plants",
        "Marshalltown church opens its doors to families waiting for news",
    )
