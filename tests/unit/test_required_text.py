"""The strings a regex needs (crawler/topic/required_text.py): a skipped scan never misses a match."""

from __future__ import annotations

import json
import random
import re

import pytest

from crawler.topic.relevance import Topic
from crawler.topic.required_text import may_match, required_strings
from tests.support import REPO

TOPIC_FILE = REPO / "config" / "topics" / "immigration-enforcement.yaml"
RELEVANCE_SETS = sorted((REPO / "bench" / "data").glob("relevance_*.jsonl"))

# Shapes whose parts are optional, case-folded, zero-width or conditional: each must be judged
# as needing nothing (None) or only what every match really contains.
TRICKY = [
    r"colou?r",
    r"(?:foo|)bar",
    r"(?:foo|bar)?baz",
    r"a{0,3}bc",
    r"(?:ab){2,}cd",
    r"(?=needle)\w+",
    r"(?!skip)\w+ word",
    r"(?<=pre)fix",
    r"(?i:ICE) agents",
    r"(?i)ice agents",
    r"(?:x|(?i:Y))zz",
    r"(a)?(?(1)bc|de)",
    r"(\w+) \1 again",
    r"(?>atomic)group",
    r"[abc]+def",
    r"\bdeportations?\b[^.;]{0,30}\b(?:paused|blocked)\b",
    r"(?x) spaced \s out  # comment",
    r"a|b",
    r"",
    r"\d+ of \d+",
    r"co(?:operat|llaborat)\w*",
]


def test_optional_case_folded_and_zero_width_parts_are_not_required() -> None:
    assert required_strings(re.compile(r"colou?r")) == "colo"
    assert required_strings(re.compile(r"(?:foo|)bar")) == "bar"
    assert required_strings(re.compile(r"(?:foo|bar)?baz")) == "baz"
    assert required_strings(re.compile(r"(?i)ice agents")) is None
    assert required_strings(re.compile(r"(?i:ICE) agents")) == " agents"
    assert required_strings(re.compile(r"(?=needle)\w+")) is None
    assert required_strings(re.compile(r"a|b")) is None  # one character each: a class, worth no test
    assert required_strings(re.compile(r"foo|bar")) == ("any", ("foo", "bar"))
    assert required_strings(re.compile(r"x")) is None  # one character: worth no test
    assert required_strings(re.compile(r"(?:ab){2,}cd")) == ("all", ("ab", "cd"))
    assert may_match(None, "") and may_match("bar", "foobar") and not may_match("bar", "baz")


def _texts() -> list[str]:
    texts = []
    for path in RELEVANCE_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                example = json.loads(line)
                texts.append(f"{example['title']}\n{example.get('lead') or ''}")
    return texts


def _fuzzed(rng: random.Random, count: int) -> list[str]:
    alphabet = "abcdefiorstuxyzACEIXYZ .;'-\n0123456789"
    pieces = [
        "foo",
        "bar",
        "baz",
        "colour",
        "color",
        "ab",
        "cd",
        "needle",
        "skip",
        "pre",
        "fix",
        "ICE",
        "ice",
        "deportation",
        "blocked",
        "de",
        "bc",
    ]
    pieces += [" agents", " paused", "atomic", "group", "zz", "again", "of"]
    out = []
    for _ in range(count):
        length = rng.randint(0, 12)
        parts = [rng.choice(pieces) if rng.random() < 0.6 else rng.choice(alphabet) for _ in range(length)]
        out.append("".join(parts))
    return out


@pytest.fixture(scope="module")
def topic_patterns() -> list[re.Pattern[str]]:
    topic = Topic.from_file(TOPIC_FILE)
    return [pattern for _index, pattern, _lowered, _needed in topic._matcher.scanned]


def test_a_text_judged_unmatchable_never_matches(topic_patterns: list[re.Pattern[str]]) -> None:
    """Over the topic's own patterns and the tricky shapes, on the labelled texts (as written and
    lowercased, as the matcher scans them) and on random strings built from the patterns' words."""
    texts = _texts()
    texts += [text.lower() for text in texts] + _fuzzed(random.Random(15), 4000)
    patterns = topic_patterns + [re.compile(source) for source in TRICKY]
    skipped = 0
    for pattern in patterns:
        needed = required_strings(pattern)
        for text in texts:
            if not may_match(needed, text):
                skipped += 1
                assert pattern.search(text) is None, (pattern.pattern, text)
    assert skipped > len(texts)  # the filter does skip scans, or this test proves nothing


def test_scores_are_the_same_with_and_without_the_filter() -> None:
    filtered = Topic.from_file(TOPIC_FILE)
    unfiltered = Topic.from_file(TOPIC_FILE)
    matcher = unfiltered._matcher
    matcher.scanned = [(index, pattern, lowered, None) for index, pattern, lowered, _ in matcher.scanned]
    for text in _texts():
        title, _, lead = text.partition("\n")
        assert filtered.score(title, lead) == unfiltered.score(title, lead)
        assert filtered.score("", text) == unfiltered.score("", text)
