"""The story rule: a family needs headlines, not a topic label; a write-thru under a junk title is
recognised by its words."""

from __future__ import annotations

from crawler.dedup.stories import Version, headlines_of, lower_containment, same_headline_family, same_story
from tests.support.pages import generated_paragraphs
from tests.support.records import NOW


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


def version(title: str, paragraphs: tuple[str, ...]) -> Version:
    return Version(title, "\n\n".join(paragraphs), None, NOW)


def test_a_write_thru_under_an_unrelated_page_title_is_one_story_when_a_third_of_its_words_are_shared() -> (
    None
):
    # Three paragraphs of lead, then lower paragraphs of which half are the other version's.
    top, other_top = generated_paragraphs("top", 3), generated_paragraphs("new top", 3)
    kept, rewritten = generated_paragraphs("kept", 4), generated_paragraphs("rewritten", 4)
    earlier = version(
        "Agents detain 212 workers at three Iowa meatpacking plants",
        top + kept + generated_paragraphs("old lower", 4),
    )
    later = version("Enter City and State or Zip Code", other_top + kept + rewritten)
    assert 0.4 <= lower_containment(earlier.text, later.text) < 0.6
    assert not same_headline_family(earlier.title, later.title)

    assert same_story(earlier, later, shared_words=0.32)
    # Sharing as much of the lower paragraphs but few words overall: a story quoting another.
    assert not same_story(earlier, later, shared_words=0.12)


def test_a_write_thru_under_a_furniture_title_is_one_story_by_the_headline_a_few_lines_down() -> None:
    # The scraped page's title is a weather widget's; its headline stands below the widget's lines.
    top, other_top = generated_paragraphs("top", 3), generated_paragraphs("new top", 3)
    kept, rewritten = generated_paragraphs("kept", 4), generated_paragraphs("rewritten", 4)
    earlier = version(
        "Agents detain 212 workers at three Iowa meatpacking plants",
        top + kept + generated_paragraphs("old lower", 4),
    )
    later = version(
        "Enter City and State or Zip Code",
        (
            "Congratulations!",
            "Agents detain 212 workers at Iowa meatpacking plants; contractor charged",
            "By Staff",
            *other_top,
            *kept,
            *rewritten,
        ),
    )
    assert 0.4 <= lower_containment(earlier.text, later.text) < 0.6
    assert not same_headline_family(earlier.title, later.title)

    assert same_story(earlier, later, shared_words=0.12)


def test_a_lede_near_the_top_is_no_headline() -> None:
    # An aggregator's page lists other stories' ledes under a topic label; a lede is a sentence.
    assert headlines_of(
        "Iowa plant raids", "Agents detain 212 workers at three Iowa meatpacking plants.\n\nMore"
    ) == (
        "Iowa plant raids",
        "More",
    )
    top, kept = generated_paragraphs("top", 3), generated_paragraphs("kept", 4)
    story = version("Agents detain 212 workers at three Iowa meatpacking plants", top + kept)
    aggregator = version(
        "Iowa plant raids",
        (
            "Agents detain 212 workers at three Iowa meatpacking plants, officials say.",
            *generated_paragraphs("other story", 3),
            *kept[:2],
            *generated_paragraphs("another story", 2),
        ),
    )
    assert 0.4 <= lower_containment(story.text, aggregator.text) < 0.6
    assert not same_story(story, aggregator, shared_words=0.12)
