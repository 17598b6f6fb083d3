"""Load and validate ``config/newswatch.yaml``.

Every problem is reported as ``FILE: KEY: PROBLEM`` so a user can fix it without reading code;
the CLI turns :class:`ConfigError` into exit status 2.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from crawler.core.config_paths import default_config_path
from crawler.core.durations import parse_duration
from crawler.core.errors import ConfigError
from crawler.core.languages import language_list_problem
from crawler.core.packaged import packaged_topic_path
from crawler.core.secrets import mask_secrets
from crawler.core.urls import is_private_address, parse_ip_disguise

MIN_INTERVAL_SECONDS = 60
MAX_INTERVAL_SECONDS = 30 * 86400
# Renewed every third of the lease: below a few seconds a loaded machine misses renewals.
MIN_HOST_LEASE_SECONDS = 5
MAX_HOST_LEASE_SECONDS = 6 * 3600

Seconds = Annotated[float, BeforeValidator(parse_duration)]
SecondsOrZero = Annotated[float, BeforeValidator(lambda value: parse_duration(value, allow_zero=True))]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedConfig(_Strict):
    """One watched source."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
    url: str
    type: Literal["feed", "sitemap", "page"] = "feed"
    interval: Seconds = 900.0
    keep: Literal["relevant", "all"] = "relevant"
    enabled: bool = True
    # The interval adapts to how often the feed publishes, within these bounds; by default it
    # never polls more often than `interval` and backs off to at most 8x for a quiet feed.
    min_interval: Seconds | None = None
    max_interval: Seconds | None = None
    # type: sitemap — only entries newer than this are taken (a news sitemap covers two days).
    window: Seconds = 2 * 86400.0
    # type: page — regular expressions searched in each link; `allow` replaces the default
    # "looks like an article" rules, `deny` always applies.
    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)
    # Articles in other languages are not relevant (ISO 639-1 codes); None: the topic decides.
    languages: list[str] | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"must be an http(s) URL, got {mask_secrets(value)!r}")
        if not parts.hostname:
            raise ValueError(f"has no host: {mask_secrets(value)!r}")
        return value.strip()

    @field_validator("interval", "min_interval", "max_interval")
    @classmethod
    def _sane_interval(cls, value: float | None) -> float | None:
        if value is not None and not MIN_INTERVAL_SECONDS <= value <= MAX_INTERVAL_SECONDS:
            raise ValueError(
                f"must be between {MIN_INTERVAL_SECONDS}s and {MAX_INTERVAL_SECONDS // 86400}d, "
                f"got {value:g}s"
            )
        return value

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, value: list[str] | None) -> list[str] | None:
        problem = language_list_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("allow", "deny")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        link_patterns(patterns)  # raises ValueError naming the bad pattern
        return patterns

    @model_validator(mode="after")
    def _ordered_bounds(self) -> FeedConfig:
        if self.min_interval is not None and self.min_interval > self.interval:
            raise ValueError(
                f"min_interval ({self.min_interval:g}s) is longer than interval ({self.interval:g}s)"
            )
        if self.max_interval is not None and self.max_interval < self.interval:
            raise ValueError(
                f"max_interval ({self.max_interval:g}s) is shorter than interval ({self.interval:g}s)"
            )
        return self

    @property
    def interval_bounds(self) -> tuple[float, float]:
        """(shortest, longest) seconds between polls."""
        shortest = self.min_interval or self.interval
        longest = self.max_interval or min(self.interval * 8, MAX_INTERVAL_SECONDS)
        return shortest, longest


class StorageConfig(_Strict):
    """Where articles and polling state live (any SQLAlchemy URL; SQLite or PostgreSQL)."""

    url: str = "sqlite:///data/newswatch.db"


class CrawlConfig(_Strict):
    """Politeness, limits and safety switches; defaults are safe for unattended use."""

    allow_private_addresses: bool = False
    user_agent: str = "newswatch/0.1 (news monitoring; +https://example.org/newswatch)"
    obey_robots_txt: bool = True
    concurrent_requests: int = Field(16, ge=1, le=256)
    concurrent_requests_per_host: int = Field(2, ge=1, le=32)
    download_delay: SecondsOrZero = 0.5
    autothrottle: bool = True  # adapt the per-host delay to the server's response times
    download_timeout: Seconds = 30.0
    retry_times: int = Field(2, ge=0, le=10)
    max_redirects: int = Field(10, ge=0, le=30)
    feed_max_bytes: int = Field(10_000_000, ge=10_000)
    page_max_bytes: int = Field(5_000_000, ge=10_000)
    max_entries_per_feed: int = Field(500, ge=1, le=100_000)
    max_url_attempts: int = Field(3, ge=1, le=20)
    cycle_time_limit: Seconds = 3600.0
    # PostgreSQL scale-out: how long a worker's claim on a host lasts unless renewed (it is
    # renewed every third of this while the worker lives); a dead worker's hosts wait this long.
    host_lease: Seconds = 300.0

    @field_validator("host_lease")
    @classmethod
    def _sane_lease(cls, value: float) -> float:
        if not MIN_HOST_LEASE_SECONDS <= value <= MAX_HOST_LEASE_SECONDS:
            raise ValueError(
                f"must be between {MIN_HOST_LEASE_SECONDS}s and {MAX_HOST_LEASE_SECONDS // 3600}h, "
                f"got {value:g}s"
            )
        return value


class ExtractionConfig(_Strict):
    """The extraction worker pool."""

    workers: int | None = Field(None, ge=1, le=64)  # None: one per core, plus one
    deadline: Seconds = 30.0
    max_tasks_per_worker: int = Field(500, ge=1)
    # lazy: the workers start with the cycle's first article request (a cycle of 304s starts
    # none); eager: with the crawl, before any feed is fetched. README "What a cycle costs".
    start: Literal["lazy", "eager"] = "lazy"


class RelevanceConfig(_Strict):
    """Topic vocabulary used to score articles (relative paths resolve against the config file)."""

    topic: str | None = None  # None: the packaged immigration-enforcement topic
    threshold: float | None = Field(None, ge=0.0, le=1.0)


class RecheckConfig(_Strict):
    """Re-fetch recent articles to catch edits (death tolls, detention counts, headlines)."""

    enabled: bool = True
    window: Seconds = 3 * 86400.0  # articles first seen this recently are re-checked
    every: Seconds = 12 * 3600.0  # how long between two checks of one article
    max_per_cycle: int = Field(100, ge=0, le=100_000)
    min_changed_words: int = Field(1, ge=1)  # fewer changed words (and the same title) is no new version


class DedupeConfig(_Strict):
    """Near-duplicates across outlets (one story, republished); defaults from bench/eval_dedup.py."""

    near_duplicates: bool = True
    min_containment: float = Field(0.6, gt=0.0, le=1.0)  # share of the shorter text inside the longer
    min_jaccard: float = Field(0.25, gt=0.0, le=1.0)  # floor on overall similarity


class DaemonConfig(_Strict):
    """`newswatch daemon`: how often it looks for due feeds, how long a cycle may run, metrics."""

    tick: Seconds = 60.0  # how often the scheduler starts a cycle (only due feeds are polled)
    stop_grace: Seconds = 30.0  # after SIGTERM (or the time limit) a cycle gets this long, then is killed
    metrics_port: int = Field(9410, ge=0, le=65535)  # 0 turns the Prometheus endpoint off
    metrics_address: str = "127.0.0.1"
    failure_retention: Seconds = 30 * 86400.0  # failure records older than this are pruned daily


class AlertConfig(_Strict):
    """One alert rule: new relevant stories matching every filter given are sent to its targets."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
    notify: list[str] = Field(min_length=1)  # Apprise URLs (json://, mailto://, slack://, tgram:// ...)
    states: list[str] = Field(default_factory=list)
    agencies: list[str] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list)  # search syntax; any of them
    min_relevance: float | None = Field(None, ge=0.0, le=1.0)  # None: the topic's threshold
    digest: str | Literal[False] = False  # "HH:MM" (UTC): one summary a day

    @field_validator("notify")
    @classmethod
    def _known_targets(cls, urls: list[str]) -> list[str]:
        from crawler.core.notify_targets import target_problem

        for index, url in enumerate(urls):
            problem = target_problem(url)
            if problem:
                raise ValueError(f"[{index}]: {problem}")
        return urls

    @field_validator("terms")
    @classmethod
    def _readable_terms(cls, terms: list[str]) -> list[str]:
        from crawler.core.search_syntax import SearchSyntaxError, parse_query

        for index, term in enumerate(terms):
            try:
                parse_query(term)
            except SearchSyntaxError as exc:
                raise ValueError(f"[{index}] {term!r}: {exc}") from None
        return terms

    @field_validator("digest", mode="before")
    @classmethod
    def _time_of_day(cls, value: Any) -> Any:
        if value is False or value is None:
            return False
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 08:00 as sexagesimal minutes (480)
            value = f"{value // 60:02d}:{value % 60:02d}"
        if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError(f'must be false or a time of day such as "08:00" (UTC), got {value!r}')
        return value


class Config(_Strict):
    """The whole configuration file."""

    storage: StorageConfig = StorageConfig()
    feeds: list[FeedConfig]
    crawl: CrawlConfig = CrawlConfig()
    extraction: ExtractionConfig = ExtractionConfig()
    relevance: RelevanceConfig = RelevanceConfig()
    daemon: DaemonConfig = DaemonConfig()
    recheck: RecheckConfig = RecheckConfig()
    dedupe: DedupeConfig = DedupeConfig()
    alerts: list[AlertConfig] = Field(default_factory=list)
    source_path: Path = Field(Path("newswatch.yaml"), exclude=True)

    @field_validator("feeds")
    @classmethod
    def _feeds_unique_and_present(cls, feeds: list[FeedConfig]) -> list[FeedConfig]:
        if not feeds:
            raise ValueError("no feeds configured; add at least one under 'feeds:'")
        seen: set[str] = set()
        for feed in feeds:
            if feed.name in seen:
                raise ValueError(f"duplicate feed name {feed.name!r}; names must be unique")
            seen.add(feed.name)
        return feeds

    @field_validator("alerts")
    @classmethod
    def _alert_names_unique(cls, alerts: list[AlertConfig]) -> list[AlertConfig]:
        names = [alert.name for alert in alerts]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"duplicate alert name {name!r}; names must be unique")
        return alerts

    def alert(self, name: str) -> AlertConfig:
        for alert in self.alerts:
            if alert.name == name:
                return alert
        raise KeyError(name)

    @model_validator(mode="after")
    def _private_feeds_need_permission(self) -> Config:
        if self.crawl.allow_private_addresses:
            return self
        for index, feed in enumerate(self.feeds):
            host = urlsplit(feed.url).hostname or ""
            literal = (
                "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else parse_ip_disguise(host)
            )
            if literal and is_private_address(literal):
                raise ValueError(
                    f"feeds[{index}].url: {feed.url!r} points at a private address ({literal}); "
                    "set crawl.allow_private_addresses: true to allow it"
                )
        return self

    def feed(self, name: str) -> FeedConfig:
        for feed in self.feeds:
            if feed.name == name:
                return feed
        raise KeyError(name)

    def resolve_path(self, relative: str) -> Path:
        """A path from the file, relative to the file's folder."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else (self.source_path.parent / path)

    @property
    def database_url(self) -> str:
        return resolve_database_url(self.storage.url, self.source_path.parent)

    @property
    def topic_path(self) -> Path:
        """The topic file: ``relevance.topic`` against this file's folder, else the packaged one."""
        topic = self.relevance.topic
        return self.resolve_path(topic) if topic else packaged_topic_path()


def link_patterns(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """A page source's allow/deny patterns, compiled; ValueError naming the first invalid one."""
    return _compile(tuple(patterns))


@functools.lru_cache(maxsize=256)
def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except (re.error, TypeError) as exc:
            raise ValueError(f"invalid link pattern {pattern!r}: {exc}") from None
    return tuple(compiled)


def describe_yaml_error(exc: yaml.YAMLError) -> str:
    """``line 3, column 4: expected <block end>, but found '-'``: PyYAML's own message spans
    several lines with a snippet of the file; a user needs where and what. (Configuration and
    topic files alike.)"""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is None or not problem:
        return " ".join(str(exc).split())
    context = getattr(exc, "context", None)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" + (f" ({context})" if context else "")


def resolve_database_url(url: str, base: Path) -> str:
    """Resolve a relative SQLite path against the config folder; other URLs pass through."""
    from sqlalchemy.engine import make_url  # see _check_database_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database).expanduser()
        if not path.is_absolute():
            path = (base / path).resolve()
        return parsed.set(database=str(path)).render_as_string(hide_password=False)
    return url


def load_config(path: Path | str | None = None) -> Config:
    """Read, parse and validate a configuration file; raise ConfigError naming file, key and problem."""
    path = Path(path) if path else default_config_path()
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read: not UTF-8 text (byte {exc.start})") from None
    return _parsed_config(path, path.resolve(), raw_text)


# A cycle reads its configuration three times (the command, Scrapy's settings, the crawl's
# runtime); the same bytes give the same (frozen) Config, so they are parsed once.
@functools.lru_cache(maxsize=8)
def _parsed_config(path: Path, resolved: Path, raw_text: str) -> Config:
    try:
        document = yaml.load(raw_text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {describe_yaml_error(exc)}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: expected a mapping with a 'feeds:' list at the top level")
    try:
        config = Config.model_validate({**document, "source_path": resolved})
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc, document)) from None
    _check_database_url(path, config.storage.url)
    return config


def _check_database_url(path: Path, url: str) -> None:
    # Imported here: the extraction workers' forkserver imports this module for the topic, and
    # SQLAlchemy would add ~13 MB to it that no worker uses.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ConfigError(f"{path}: storage.url: not a database URL: {mask_secrets(url)!r}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"{path}: storage.url: unsupported database {parsed.get_backend_name()!r}; "
            "use sqlite or postgresql"
        )


def _describe(path: Path, exc: ValidationError, document: dict[str, Any]) -> str:
    lines = []
    for error in exc.errors():
        key = _key_path(error["loc"], document)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; see config/newswatch.yaml for the allowed keys)"
        elif error["type"] == "missing":
            message = "required key is missing"
        lines.append(f"{path}: {key}: {message}")
    return "\n".join(lines)


def _key_path(location: tuple[int | str, ...], document: dict[str, Any]) -> str:
    """feeds[2].interval, with the feed's name when it has one: feeds[2] (name=foo).interval."""
    out = ""
    node: Any = document
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                out += f" (name={node['name']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


# libyaml's parser (PyYAML's C binding, in its wheels) reads a 500-feed file in a sixth of the
# time of the pure-Python one, which remains the fallback; both raise the same YAMLErrors.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):
    """SafeLoader that refuses duplicate mapping keys instead of silently keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in keys:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            keys.add(key)
        return super().construct_mapping(node, deep=deep)
