"""The headline key: one key per usable headline, the same for the same headline however typed."""

from __future__ import annotations

from crawler.dedup.headline import headline_key, headline_text, same_headline


def test_case_punctuation_and_spacing_do_not_make_another_headline() -> None:
    typed = "Agents detain 212 workers at Iowa plants"
    retyped = "AGENTS DETAIN 212 WORKERS AT IOWA PLANTS!"
    assert same_headline(typed, retyped)
    assert headline_key(typed) == headline_key(retyped) is not None


def test_another_headline_has_another_key() -> None:
    first, corrected = "Agents detain 212 workers at Iowa plants", "Agents detain 21 workers at Iowa plants"
    assert not same_headline(first, corrected)
    assert headline_key(first) != headline_key(corrected)


def test_a_label_or_a_missing_title_is_no_headline() -> None:
    for label in (None, "", "Advertisement", "The Latest: live updates", "Local news"):
        assert headline_text(label) is None and headline_key(label) is None
        assert not same_headline(label, label)
