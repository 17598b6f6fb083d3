"""Facts: the patterns that the third holdout (retired into tuning) and dev showed on unseen articles.

Each case fails on the extractor before this pass (23dd796) unless its comment says it guards a
new rule's edge.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawler.topic.facts import extract_facts

SUNDAY = datetime(2026, 1, 18, 12, 0, tzinfo=UTC)


# ---- event dates --------------------------------------------------------------------------------


def test_a_tables_date_cell_is_no_byline() -> None:
    text = (
        "Documented U.S. Citizens Detained in Minnesota:\n| Name | Date | What Happened |\n"
        "|------|------|---------------|\n| Jose Ramirez | Jan 8, 2026 | Punched and detained by ICE agents |"
    )
    assert extract_facts("", text, SUNDAY).event_date == date(2026, 1, 8)


def test_a_byline_date_is_still_no_event_date() -> None:
    # guards the edge of the rule above: a byline's cells are not a table's
    text = "By Nicole Colson | January 9, 2026 | Page 2\nICE agents detained four workers in Omaha."
    assert extract_facts("", text, SUNDAY).event_date is None


def test_agents_shooting_dates_the_story() -> None:
    text = (
        "Federal agents patrolled the neighborhood on January 12. On January 14, a Border Patrol agent "
        "shot a man who was filming them."
    )
    assert extract_facts("", text, SUNDAY).event_date == date(2026, 1, 14)


def test_a_shooting_told_as_context_leaves_the_context_an_other_storys() -> None:
    # guards the edge: a shooting in the body does not make a Context section's detention another story's
    text = (
        "Summary\nSchools in Fridley cancelled classes on January 9 after the shooting.\n"
        "Context\nBorder Patrol agents entered Roosevelt High School grounds and detained a staff member "
        "(January 7, 2026)\nOfficial Accounts\nThe district spoke."
    )
    assert extract_facts("", text, SUNDAY).event_date == date(2026, 1, 7)


def test_a_range_of_days_is_no_single_day() -> None:
    text = "Timeline\nWeekend (Jan 10-11) - ICE agents detain a man during an operation in Minneapolis"
    assert extract_facts("", text, SUNDAY).event_date is None


def test_a_reports_weekday_counts_from_the_day_its_sources_appeared() -> None:
    text = (
        "Sources\nKARE 11 (Jan 12, 2026): Agents detain churchgoer\nFOX 9 (Jan 12, 2026): Man detained\n"
        "Star Tribune (Jan 13, 2026): Follow-up\nTimeline\nSunday morning - ICE agents detain Maddox "
        "outside his church"
    )
    # created on Sunday, January 18, a week after the sources of Monday, January 12
    assert extract_facts("", text, SUNDAY).event_date == date(2026, 1, 11)


# ---- states -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "states"),
    [
        # a capital dateline that is a state's name too: New York City
        ("NEW YORK--ICE agents detained 12 workers at a warehouse on Monday.", ["NY"]),
        # where a person went to school, a statistic of deaths at the border
        (
            "My brother went to high school in the town of Washingtonville, N.Y. ICE agents detained him "
            "in Newark, N.J.",
            ["NJ"],
        ),
        (
            "Border Patrol agents detained 26 people in Combes, Texas. At least 700 people have died "
            "trying to cross into California.",
            ["TX"],
        ),
        # an outlet's name in a source line
        (
            "Sources\nAlaska's News Source (Jan 13, 2026): CNN affiliate coverage\n"
            "Summary\nAgents shoved a man.",
            [],
        ),
        # a person's history in an incident report's Background line, a grower's home state
        (
            "Summary\nAgents detained a man in Omaha, Neb.\n"
            "Background: Iraq veteran (Indiana National Guard).",
            ["NE"],
        ),
        (
            "Agents raided a farm in Yuma, Ariz., and a California tomato grower welcomed the plan.",
            ["AZ"],
        ),
        # a city before "ICE activity" stands where a place stands
        (
            "Sources\nKARE 11 (Jan 12, 2026): St. Paul ICE activity\nSummary\nAgents tackled a bystander.",
            ["MN"],
        ),
    ],
)
def test_states_the_third_holdout_showed(text: str, states: list[str]) -> None:
    assert extract_facts("", text, SUNDAY).states == states


def test_a_place_after_an_outlets_date_still_counts() -> None:
    # guards the edge of the outlet rule: the headline after the date is a cited headline
    text = (
        "Sources\nAlaska's News Source (Jan 13, 2026): ICE raids in Omaha, Neb.\n"
        "Summary\nAgents raided homes."
    )
    assert extract_facts("", text, SUNDAY).states == ["NE"]


# ---- actions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "action"),
    [
        # facing the threat of an action is facing it
        (
            "The INS released the two. However, the whole family still faces the threat of deportation.",
            "deportation",
        ),
        # a concession is a clause of its own: the modal before it does not govern it
        (
            "Two of the convicted could face the death penalty--even though Mohamed was illegally deported "
            "from South Africa.",
            "deportation",
        ),
        ("The Feds jailed, and then secretly deported Rabih Haddad.", "detention"),
        ("Proceeds go to families affected by ICE detainments.", "detention"),
        ("The workers were sent to detentions centers in other states.", "detention"),
        ("He was deported in 2002 after an immigration judge declared him a security risk.", "court ruling"),
    ],
)
def test_actions_the_third_holdout_showed(text: str, action: str) -> None:
    assert action in extract_facts("", text, SUNDAY).actions


@pytest.mark.parametrize(
    ("text", "action"),
    [
        # a wish is no action
        ("The recruiter said the doctor is one of those who should be drafted or deported.", "deportation"),
        # guards the edge of "jailed": what a law allows has not happened
        ("The act allows for foreign citizens to be thrown in jail for seven days.", "detention"),
    ],
)
def test_wished_and_allowed_actions_do_not_count(text: str, action: str) -> None:
    assert action not in extract_facts("", text, SUNDAY).actions


# ---- agencies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("But don't expect that to stop John Ashcroft and his witch-hunters.", "DOJ"),
        ("The Border Patrol and the Immigration and Naturalization Services broke the strike.", "INS"),
    ],
)
def test_agencies_the_third_holdout_showed(text: str, agency: str) -> None:
    assert agency in extract_facts("", text, SUNDAY).agencies


@pytest.mark.parametrize(
    "text",
    [
        "The book ignores the INS and its historic role as labor cops and strikebreakers.",
        "The act expands the ability of the police and FBI to conduct telephone wiretaps.",
        "He said ICE activity is occurring without coordination with local law enforcement.",
    ],
)
def test_police_as_a_metaphor_a_power_or_absent_are_no_agency(text: str) -> None:
    assert "local police" not in extract_facts("", text, SUNDAY).agencies


def test_police_acting_still_count() -> None:
    # guards the edge of the rules above
    text = "Minneapolis police arrested two protesters after ICE agents left."
    assert "local police" in extract_facts("", text, SUNDAY).agencies


# ---- counts -------------------------------------------------------------------------------------


def test_defendants_are_people_counted() -> None:
    text = "He was at the center of the case against four defendants convicted May 29 in federal court."
    counts = extract_facts("", text, SUNDAY).counts
    assert [(count.number, count.outcome) for count in counts] == [(4, "convicted")]
