"""Topic relevance: score an article against a weighted vocabulary read from a YAML file.

The scoring rules are documented at the top of `config/topics/immigration-enforcement.yaml`,
so a user can write a topic of their own without code. In short: each vocabulary entry that
matches adds its weight times the factor of the best zone it matched in (title, lead, body);
negative entries subtract; the sum maps to 0..1 as ``1 - exp(-sum / scale)``; articles whose
matched groups satisfy none of the ``require`` sets are capped below the threshold.

Matching is done on accent-folded, lowercased text: one precompiled trie-shaped regex finds, in
a single pass, the words that may start a phrase, and only there are phrases tried, so scoring
is deterministic and its cost grows with the text, not with the vocabulary.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from crawler.core.errors import ConfigError, TopicError
from crawler.core.languages import language_list_problem
from crawler.topic.required_text import Needed, may_match, required_strings

if TYPE_CHECKING:  # the workers' forkserver compiles topics; config's pydantic and SQLAlchemy cost it ~0.25 s
    from crawler.core.config import Config

__all__ = ["RelevanceResult", "Topic", "load_topic"]

_COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")
_WORD = re.compile(r"\w+")
_EXACT_END, _START_END = "<end>", "<start>"  # trie markers: a whole word ends / a word start ends

_TOP_KEYS = {"name", "threshold", "description", "languages", "scoring", "terms", "negatives"}
_SCORING_KEYS = {"zones", "lead_chars", "scale", "near_chars", "require", "require_zones", "exclude", "cap"}
_REQUIRE_KEYS = {"all", "within"}
_EXCLUDE_KEYS = {"any", "all", "within", "unless"}
_MAX_SPANS = 16  # match positions kept per entry in the title and lead, for `within` windows
_ZONES = ("title", "lead", "body")
_TERM_KEYS = {"term", "weight", "group", "phrases", "regex", "case_sensitive", "unless_near"}
_NEGATIVE_KEYS = _TERM_KEYS - {"group"}


@dataclass(frozen=True)
class RelevanceResult:
    """How well an article fits a topic, and which vocabulary entries said so."""

    score: float
    matched_terms: list[str]
    relevant: bool


def fold_accents(text: str) -> str:
    """Remove accents and straighten quotes, so that "deportación" matches "deportacion".

    The result may be shorter than `text` (combining marks go): scores need words, not offsets.
    """
    if text.isascii():
        return text
    text = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))
    # str.replace, not str.translate: translate walks the string in Python-level steps.
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def load_topic(config: Config) -> Topic:
    """The configured topic; ConfigError naming the config file, the key and the topic file if
    it cannot be read or is not a valid topic. Checked at start by the commands that score, so
    a bad path never stops a cycle half-way."""
    path = config.topic_path
    try:
        # The CLI, the spider and the relevance stage of one process all ask; parse once.
        return _parsed_topic(str(path), path.stat().st_mtime_ns)
    except OSError as exc:
        problem = f"{path}: cannot read topic file: {exc.strerror or exc}"
    except TopicError as exc:
        problem = str(exc)
    raise ConfigError(f"{config.source_path}: relevance.topic: {problem}")


@functools.lru_cache(maxsize=4)
def _parsed_topic(path: str, _mtime_ns: int) -> Topic:
    return Topic.from_file(Path(path))


@dataclass(frozen=True)
class _Phrase:
    """One literal phrase of an entry, as a pattern anchored where its first word starts."""

    entry: int  # index of the entry in Topic._entries
    key: str  # the phrase's first word, lowercased: the trie finds it, the pattern confirms
    key_is_prefix: bool  # the key is a word start ("deport" for "deport*")
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Entry:
    """One vocabulary entry (a term or a negative), compiled."""

    term: str
    weight: float  # negative for the entries under `negatives`
    group: str | None
    phrases: tuple[str, ...]
    case_sensitive: bool
    regex: re.Pattern[str] | None
    unless: re.Pattern[str] | None


@dataclass(frozen=True)
class _Need:
    """One `require` set: groups that must all match, and how close together (None: anywhere)."""

    groups: frozenset[str]
    within: int | None

    def met(self, groups: set[str], spans: Mapping[str, list[int]]) -> bool:
        if not self.groups <= groups:
            return False
        if self.within is None or len(self.groups) < 2:
            return True
        # Some match of one group has a match of every other group within the window.
        first, *others = sorted(self.groups)
        return any(
            all(any(abs(at - other) <= self.within for other in spans[group]) for group in others)
            for at in spans[first]
        )


@dataclass(frozen=True)
class _Exclusion:
    """An `exclude` rule: any of `groups` matched (or all of `together`, as a `require` set
    reads them) and none of `unless`: the score is capped."""

    groups: frozenset[str]
    together: _Need | None
    unless: frozenset[str]

    def applies(self, groups: set[str], spans: Mapping[str, list[int]]) -> bool:
        if not self.unless.isdisjoint(groups):
            return False
        if self.together is not None:
            return self.together.met(groups, spans)
        return not self.groups.isdisjoint(groups)


@dataclass(frozen=True)
class _Scoring:
    zones: Mapping[str, float]
    lead_chars: int
    scale: float
    near_chars: int
    require: tuple[_Need, ...]
    require_zones: frozenset[str]
    exclude: tuple[_Exclusion, ...]
    cap: float


class Topic:
    """A topic vocabulary: weighted terms, negative context and a relevance threshold."""

    def __init__(
        self,
        name: str,
        threshold: float,
        scoring: _Scoring,
        entries: list[_Entry],
        languages: frozenset[str] | None = None,
    ) -> None:
        self.name = name
        self.threshold = threshold
        self.languages = languages  # the languages the topic reads; None: any
        self._scoring = scoring
        self._entries = entries
        self._matcher = _Matcher(entries)

    @classmethod
    def from_file(cls, path: Path) -> Topic:
        """Load and validate a topic file; raise TopicError naming the file, key and problem."""
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise TopicError(f"{path}: cannot read topic file: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise TopicError(f"{path}: cannot read topic file: not UTF-8 text (byte {exc.start})") from exc
        except yaml.YAMLError as exc:
            from crawler.core.config import describe_yaml_error

            raise TopicError(f"{path}: not valid YAML: {describe_yaml_error(exc)}") from exc
        return cls.from_mapping(data, source=str(path))

    @classmethod
    def from_mapping(cls, data: Any, source: str = "<topic>") -> Topic:
        """Build a topic from already-parsed YAML data (what `from_file` does after reading)."""
        return _TopicParser(source).parse(data)

    def score(self, title: str, text: str) -> RelevanceResult:
        """Score an article's title and text against the vocabulary.

        `matched_terms` lists the entries that fired in the order of the topic file,
        negatives prefixed with "-"; a marker (weight 0) is listed only when its group is in a
        `require` set that was met or an `exclude` rule that capped the score, so it explains
        the verdict and nothing else.
        """
        scoring = self._scoring
        article = _Article(fold_accents(title or ""), fold_accents(text or ""), scoring)
        found, positions = self._matcher.zones_matched(article)
        fired: list[_Entry] = []
        groups: set[str] = set()  # groups seen in the zones that may satisfy `require`
        spans: dict[str, list[int]] = {}  # where in title + lead each of those groups matched
        total = 0.0
        for index, entry in enumerate(self._entries):
            zones = found.get(index)
            if not zones:
                continue
            fired.append(entry)
            total += entry.weight * max(scoring.zones[zone] for zone in zones)
            if entry.group and not zones.isdisjoint(scoring.require_zones):
                groups.add(entry.group)
                spans.setdefault(entry.group, []).extend(positions.get(index, ()))
        value = 1.0 - math.exp(-max(total, 0.0) / scoring.scale)
        met = [need for need in scoring.require if need.met(groups, spans)]
        if scoring.require and not met:
            value = min(value, scoring.cap)
        applied = [rule for rule in scoring.exclude if rule.applies(groups, spans)]
        if applied:
            value = min(value, scoring.cap)
        # Markers explain what they decided: a require set they completed, an exclude they fired.
        explaining = {group for rule in applied for group in rule.groups}
        explaining.update(group for need in met for group in need.groups)
        matched = [
            entry.term if entry.weight > 0 else f"-{entry.term}" if entry.weight < 0 else entry.term
            for entry in fired
            if entry.weight != 0 or entry.group in explaining
        ]
        value = round(value, 4)
        return RelevanceResult(score=value, matched_terms=matched, relevant=value >= self.threshold)

    def __repr__(self) -> str:
        return f"Topic(name={self.name!r}, threshold={self.threshold}, entries={len(self._entries)})"


class _Article:
    """One article, folded, with its zones: the title, the lead and the body."""

    def __init__(self, title: str, text: str, scoring: _Scoring) -> None:
        self.title, self.text = title, text
        self.title_lower, self.text_lower = title.lower(), text.lower()
        self.zones = scoring.zones
        self.near = scoring.near_chars
        # The lead ends at the first space after lead_chars, so no word is cut in two.
        cut = text.find(" ", scoring.lead_chars) if len(text) > scoring.lead_chars else -1
        self.lead_end = len(text) if cut == -1 else cut
        self.shouting_title = _is_shouting(title)

    def sources(self, lowered: bool) -> list[tuple[str, bool]]:
        """(string, is_title) pairs to scan; ALL-CAPS titles are skipped for exact-case entries."""
        title = self.title_lower if lowered else self.title
        text = self.text_lower if lowered else self.text
        if not lowered and self.shouting_title:
            return [(text, False)]
        return [(title, True), (text, False)]

    def zone(self, is_title: bool, position: int) -> str:
        if is_title:
            return "title"
        return "lead" if position < self.lead_end else "body"

    def offset(self, is_title: bool, position: int) -> int:
        """A position in the title and lead read as one text (title, a newline, the lead)."""
        return position if is_title else len(self.title) + 1 + position

    def counts(self, entry: _Entry, source: str, is_title: bool, match: re.Match[str]) -> bool:
        """Whether a match stands: it starts a word and no `unless_near` context is close.

        A headline is read with its lead: "Memorial for wartime deportations" is about the
        Holocaust if the lead says so.
        """
        start = match.start()
        if start and _WORD.match(source, start - 1):
            return False
        if entry.unless is None:
            return True
        window = source[max(0, start - self.near) : match.end() + self.near]
        if is_title:
            window = f"{window}\n{self.text[: self.lead_end]}"
        return entry.unless.search(window) is None


class _Matcher:
    """Finds, for every entry, the best zone it matches in.

    Case-insensitive phrases are found in one pass over the lowercased text: a trie-shaped
    regex finds every word that starts like one of the phrases' first words, and only there
    are the phrases tried (anchored). Scanning once per phrase would cost a pass per phrase;
    re.IGNORECASE would cost more again. Exact-case phrases (acronyms) and user regexes are
    few and scanned on their own.
    """

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self.by_word: dict[str, list[_Phrase]] = {}
        self.by_start: dict[int, dict[str, list[_Phrase]]] = {}
        # entry, pattern, lowered, and the strings without which it cannot match (required_text)
        self.scanned: list[tuple[int, re.Pattern[str], bool, Needed | None]] = []
        for index, entry in enumerate(entries):
            for text in entry.phrases:
                phrase = _compile_phrase(index, text, entry.case_sensitive)
                if entry.case_sensitive or not phrase.key:  # acronyms; phrases with no word in them
                    self.scanned.append(
                        (index, phrase.pattern, not entry.case_sensitive, required_strings(phrase.pattern))
                    )
                elif phrase.key_is_prefix:
                    self.by_start.setdefault(len(phrase.key), {}).setdefault(phrase.key, []).append(phrase)
                else:
                    self.by_word.setdefault(phrase.key, []).append(phrase)
            if entry.regex is not None:
                self.scanned.append(
                    (index, entry.regex, not entry.case_sensitive, required_strings(entry.regex))
                )
        self.trie = self._trie(lambda phrase: True)
        # Markers (weight 0) matter only in the title and lead; the body, most of the text, is
        # scanned without their words (place names, "government", "police").
        self.body_trie = self._trie(lambda phrase: entries[phrase.entry].weight != 0)

    def _trie(self, wanted: Callable[[_Phrase], bool]) -> re.Pattern[str] | None:
        words = {key for key, phrases in self.by_word.items() if any(wanted(p) for p in phrases)}
        starts = {
            key
            for table in self.by_start.values()
            for key, phrases in table.items()
            if any(wanted(p) for p in phrases)
        }
        return re.compile(_trie_regex(words, starts)) if words or starts else None

    def zones_matched(self, article: _Article) -> tuple[dict[int, set[str]], dict[int, list[int]]]:
        """Entry index -> the zones in which it has a counted match, and entry index -> where
        its counted matches in the title and lead are (see `_Article.offset`)."""
        found: dict[int, set[str]] = {}
        positions: dict[int, list[int]] = {}

        def record(index: int, source: str, is_title: bool, match: re.Match[str]) -> None:
            zone = article.zone(is_title, match.start())
            if zone == "body" and self.entries[index].weight == 0:
                return
            zones = found.setdefault(index, set())
            if zone == "body":
                # Windows are read in the title and lead only; one counted match per zone will do.
                if zone not in zones and article.counts(self.entries[index], source, is_title, match):
                    zones.add(zone)
                return
            spans = positions.setdefault(index, [])
            if len(spans) < _MAX_SPANS and article.counts(self.entries[index], source, is_title, match):
                zones.add(zone)
                spans.append(article.offset(is_title, match.start()))

        for source, is_title in article.sources(lowered=True):
            parts = [(self.trie, 0, len(source))]
            if not is_title:
                parts = [(self.trie, 0, article.lead_end), (self.body_trie, article.lead_end, len(source))]
            for trie, start, end in parts:
                if trie is None:
                    continue
                in_body = trie is self.body_trie
                for word in trie.finditer(source, start, end):
                    for phrase in self._candidates(word.group()):
                        if in_body and "body" in found.get(phrase.entry, ()):
                            continue  # an entry counts once per zone: the body has it already
                        match = phrase.pattern.match(source, word.start())
                        if match:
                            record(phrase.entry, source, is_title, match)
        for index, pattern, lowered, required in self.scanned:
            # A marker (weight 0) matters only where the rules read, the title and the lead.
            marker = self.entries[index].weight == 0
            for source, is_title in article.sources(lowered):
                end = article.lead_end if marker and not is_title else len(source)
                # A marker is scanned in the lead only, so only the lead need hold its strings:
                # testing the whole text would cost more than the scan it saves.
                if not may_match(required, source if end == len(source) else source[:end]):
                    continue  # a string every match needs is absent: no scan can find one
                for match in pattern.finditer(source, 0, end):
                    record(index, source, is_title, match)
        return found, positions

    def _candidates(self, word: str) -> list[_Phrase]:
        found = list(self.by_word.get(word, ()))
        for length, table in self.by_start.items():
            found.extend(table.get(word[:length], ()))
        return found


def _trie_regex(exact: set[str], starts: set[str]) -> str:
    """One regex for many words, shaped as a trie so that the engine never backtracks across them.

    Words in `exact` must end where they end; words in `starts` may run on ("deport" finds
    "deported"). The phrases themselves are confirmed afterwards.
    """
    trie: dict[str, Any] = {}
    for words, end in ((exact, _EXACT_END), (starts, _START_END)):
        for word in words:
            node = trie
            for char in word:
                node = node.setdefault(char, {})
            node[end] = {}

    def build(node: dict[str, Any]) -> str:
        if _START_END in node:
            return r"\w*"
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if len(char) == 1]
        if _EXACT_END in node:
            branches.append(r"(?!\w)")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return rf"(?<!\w){build(trie)}"


def _lowercase_pattern(source: str) -> str:
    """A regex with its letters lowercased, escapes (\\S, \\W, \\B) kept as written, so that
    it matches the lowercased text as the original matched any case."""
    out: list[str] = []
    escaped = False
    for char in source:
        out.append(char if escaped else char.lower())
        escaped = not escaped and char == "\\"
    return "".join(out)


def _is_shouting(text: str) -> bool:
    """An ALL-CAPS headline, where acronyms cannot be told from words ("ICE STORM")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7


def _compile_phrase(entry: int, phrase: str, case_sensitive: bool) -> _Phrase:
    """A literal phrase as a pattern: spaces match any whitespace, a * ending a word any ending.

    Case-insensitive phrases are lowercased, to run on lowercased text. The word boundary
    before the phrase is checked by `_Article.counts`.
    """
    words = fold_accents(phrase).split()
    if not case_sensitive:
        words = [word.lower() for word in words]
    body = r"\s+".join(re.escape(word.rstrip("*")) + (r"\w*" if word.endswith("*") else "") for word in words)
    tokens = _WORD.findall(words[0].lower()) if words else []
    key = tokens[0] if tokens else ""
    # "deport*" is found by its start; "I-9 audit*" by its whole first word "i".
    key_is_prefix = len(tokens) == 1 and words[0].endswith("*") and words[0].lower().rstrip("*").endswith(key)
    return _Phrase(entry, key, key_is_prefix, re.compile(rf"{body}(?!\w)"))


class _TopicParser:
    """Validates a parsed topic file; every error names the source, the key and the problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> TopicError:
        return TopicError(f"{self.source}: {key}: {problem}")

    def parse(self, data: Any) -> Topic:
        if not isinstance(data, dict):
            raise self.fail("(top level)", "must be a mapping with name, threshold and terms")
        self._no_unknown_keys(data, _TOP_KEYS, "")
        name = self._text(data, "name", "name")
        threshold = self._number(data, "threshold", "threshold", low=0.0, high=1.0)
        terms = self._entries(data.get("terms"), "terms", with_group=True)
        if not terms:
            raise self.fail("terms", "at least one term is needed")
        negatives = self._entries(data.get("negatives", []), "negatives", with_group=False)
        seen: set[str] = set()
        for entry in [*terms, *negatives]:
            if entry.term in seen:
                raise self.fail("terms", f"term {entry.term!r} is defined twice; names must be unique")
            seen.add(entry.term)
        groups = {entry.group for entry in terms if entry.group}
        scoring = self._scoring(data.get("scoring", {}), groups)
        languages = None
        if "languages" in data:
            problem = language_list_problem(data["languages"])
            if problem:
                raise self.fail("languages", problem)
            languages = frozenset(data["languages"])
        return Topic(name, threshold, scoring, [*terms, *negatives], languages)

    def _scoring(self, raw: Any, groups: set[str]) -> _Scoring:
        if not isinstance(raw, dict):
            raise self.fail("scoring", "must be a mapping")
        self._no_unknown_keys(raw, _SCORING_KEYS, "scoring.")
        zones_raw = raw.get("zones", {"title": 3.0, "lead": 2.0, "body": 0.5})
        if not isinstance(zones_raw, dict):
            raise self.fail("scoring.zones", "must be a mapping of title, lead and body factors")
        self._no_unknown_keys(zones_raw, set(_ZONES), "scoring.zones.")
        zones = {zone: self._number(zones_raw, zone, f"scoring.zones.{zone}", low=0.0) for zone in _ZONES}
        require = tuple(
            self._need(need, f"scoring.require[{index}]", groups)
            for index, need in enumerate(self._list(raw, "require", "scoring.require"))
        )
        exclude = tuple(
            self._exclusion(rule, f"scoring.exclude[{index}]", groups)
            for index, rule in enumerate(self._list(raw, "exclude", "scoring.exclude"))
        )
        return _Scoring(
            zones=zones,
            lead_chars=int(self._number(raw, "lead_chars", "scoring.lead_chars", low=0.0, default=500)),
            scale=self._number(raw, "scale", "scoring.scale", low=1e-9, default=8.0),
            near_chars=int(self._number(raw, "near_chars", "scoring.near_chars", low=0.0, default=40)),
            require=require,
            require_zones=frozenset(self._zone_names(raw.get("require_zones", list(_ZONES)))),
            exclude=exclude,
            cap=self._number(raw, "cap", "scoring.cap", low=0.0, high=1.0, default=0.3),
        )

    def _list(self, raw: dict[str, Any], name: str, key: str) -> list[Any]:
        value = raw.get(name, [])
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return value

    def _group_names(self, raw: Any, key: str, groups: set[str]) -> frozenset[str]:
        if not isinstance(raw, list) or not raw or not all(isinstance(g, str) for g in raw):
            raise self.fail(key, "must be a non-empty list of group names")
        unknown = sorted(set(raw) - groups)
        if unknown:
            raise self.fail(key, f"no term has group {unknown[0]!r}")
        return frozenset(raw)

    def _need(self, raw: Any, key: str, groups: set[str]) -> _Need:
        """A `require` set: a list of groups, or {all: [groups], within: characters}."""
        if isinstance(raw, list):
            return _Need(self._group_names(raw, key, groups), None)
        if not isinstance(raw, dict):
            raise self.fail(key, "must be a list of group names or a mapping with all and within")
        self._no_unknown_keys(raw, _REQUIRE_KEYS, f"{key}.")
        needed = self._group_names(raw.get("all"), f"{key}.all", groups)
        within = raw.get("within")
        if within is not None:
            within = int(self._number(raw, "within", f"{key}.within", low=1.0))
        return _Need(needed, within)

    def _exclusion(self, raw: Any, key: str, groups: set[str]) -> _Exclusion:
        """An `exclude` rule: {any: [groups], unless: [groups]} or
        {all: [groups], within: characters, unless: [groups]}."""
        if not isinstance(raw, dict):
            raise self.fail(key, "must be a mapping with any (or all) and unless")
        self._no_unknown_keys(raw, _EXCLUDE_KEYS, f"{key}.")
        unless = raw.get("unless", [])
        unless_groups = self._group_names(unless, f"{key}.unless", groups) if unless else frozenset()
        if ("any" in raw) == ("all" in raw):
            raise self.fail(key, "needs either any or all")
        if "any" in raw:
            if "within" in raw:
                raise self.fail(f"{key}.within", "goes with all, not any")
            return _Exclusion(self._group_names(raw["any"], f"{key}.any", groups), None, unless_groups)
        together = self._need({"all": raw["all"], "within": raw.get("within")}, key, groups)
        return _Exclusion(together.groups, together, unless_groups)

    def _zone_names(self, raw: Any) -> list[str]:
        if not isinstance(raw, list) or not raw or not set(raw) <= set(_ZONES):
            raise self.fail("scoring.require_zones", f"must be a non-empty list of {', '.join(_ZONES)}")
        return raw

    def _entries(self, raw: Any, key: str, *, with_group: bool) -> list[_Entry]:
        if not isinstance(raw, list):
            raise self.fail(key, "must be a list of entries")
        return [self._entry(item, f"{key}[{index}]", with_group) for index, item in enumerate(raw)]

    def _entry(self, raw: Any, key: str, positive: bool) -> _Entry:
        if not isinstance(raw, dict):
            raise self.fail(key, "must be a mapping with term, weight and phrases or regex")
        self._no_unknown_keys(raw, _TERM_KEYS if positive else _NEGATIVE_KEYS, f"{key}.")
        term = self._text(raw, "term", f"{key}.term")
        key = f"{key} ({term})"
        # A term of weight 0 is a marker: it adds nothing, but its group counts for the rules.
        weight = self._number(raw, "weight", f"{key}.weight", low=0.0 if positive else 1e-9)
        group = self._text(raw, "group", f"{key}.group") if "group" in raw else None
        case_sensitive = raw.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            raise self.fail(f"{key}.case_sensitive", "must be true or false")
        phrases = self._strings(raw, "phrases", key)
        regexes = self._strings(raw, "regex", key)
        if not phrases and not regexes:
            raise self.fail(key, "needs phrases or regex")
        for phrase in phrases:
            self._compile(_compile_phrase(0, phrase, case_sensitive).pattern.pattern, 0, f"{key}.phrases")
        regex = None
        if regexes:
            source = "|".join(f"(?:{fold_accents(r)})" for r in regexes)
            # Case-insensitive regexes run on the lowercased text: re.IGNORECASE costs some
            # twenty times more per character scanned.
            regex = self._compile(source if case_sensitive else _lowercase_pattern(source), 0, f"{key}.regex")
        unless_sources = [fold_accents(u) for u in self._strings(raw, "unless_near", key)]
        unless = (
            self._compile("|".join(f"(?:{u})" for u in unless_sources), re.IGNORECASE, f"{key}.unless_near")
            if unless_sources
            else None
        )
        signed = weight if positive else -weight
        return _Entry(term, signed, group, tuple(phrases), case_sensitive, regex, unless)

    def _compile(self, source: str, flags: int, key: str) -> re.Pattern[str]:
        try:
            return re.compile(source, flags)
        except re.error as exc:
            raise self.fail(key, f"invalid regular expression: {exc}") from exc

    def _no_unknown_keys(self, raw: dict[Any, Any], allowed: set[str], prefix: str) -> None:
        unknown = sorted(str(k) for k in raw if k not in allowed)
        if unknown:
            raise self.fail(f"{prefix}{unknown[0]}", f"unknown key; allowed: {', '.join(sorted(allowed))}")

    def _text(self, raw: dict[str, Any], name: str, key: str) -> str:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty text")
        return value.strip()

    def _strings(self, raw: dict[str, Any], name: str, key: str) -> list[str]:
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{key}.{name}", "must be a list of non-empty texts")
        return list(value)

    def _number(
        self,
        raw: dict[str, Any],
        name: str,
        key: str,
        *,
        low: float,
        high: float | None = None,
        default: float | None = None,
    ) -> float:
        value = raw.get(name, default)
        if value is None:
            raise self.fail(key, "is required")
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.fail(key, f"must be a number, got {value!r}")
        if value < low or (high is not None and value > high):
            bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise self.fail(key, f"must be {bounds}, got {value!r}")
        return float(value)
