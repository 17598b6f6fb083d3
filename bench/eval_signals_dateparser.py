"""The event-date measurement with dateparser resolving the same date expressions.

    .venv/bin/pip install dateparser && .venv/bin/python bench/eval_signals_dateparser.py

Weekdays, "yesterday" and calendar dates go to `dateparser.parse` with the publication date
as its relative base, dates from the past preferred, a day required of calendar dates; the
candidates, the sentence tests and the other expressions are the extractor's own. It prints
event-date precision and recall per split, to set beside `bench/eval_signals.py`'s.
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dateparser
import eval_signals

import crawler.topic.facts.event_date as event_date

_own_resolve = event_date._resolve


def _dateparser_resolve(
    match: re.Match[str], source: str, reference: date | None, previous: date | None
) -> date | None:
    groups = match.groupdict()
    if groups["next_day"] or groups["iso"] or groups["holiday"]:
        return _own_resolve(match, source, reference, previous)
    relative = bool(groups["weekday"] or groups["yesterday"])
    if reference is None and (relative or not (groups["year"] or groups["es_year"])):
        return None
    start, end = event_date.sentence_bounds(source, match.start(), match.end())
    if groups["weekday"] and event_date._FUTURE.search(source[start:end]):
        return None
    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": [] if relative else ["day"]}
    if reference is not None:
        settings["RELATIVE_BASE"] = datetime.combine(reference, datetime.min.time())
    found = dateparser.parse(match.group().replace("'s", ""), languages=["en", "es"], settings=settings)
    return found.date() if found else None


def main() -> int:
    event_date._resolve = _dateparser_resolve
    result = eval_signals.figures(eval_signals.load_cases())
    for split in eval_signals.SPLITS:
        figures = result[split]["event_date"]
        print(f"{split:8} event date P {figures['precision']:.2f} R {figures['recall']:.2f}")
    print(f"median {result['median_ms']} ms per article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
