"""Writing discovered sources into the configuration file, keeping it as the user wrote it.

``config_entries`` turns sources into ready-to-paste ``feeds:`` items; ``append_to_config``
inserts them as text right after the last line of the last item of the top-level ``feeds:``
list (after any comment lines indented under that item, which belong to it), in that list's
indentation. Comments, blank lines, key order and quoting are untouched; list-level comments
after the last item (a commented-out feed, the header of the next section) stay below the
new items. The result must load with ``load_config`` and differ from the old configuration
only by the new feeds, or nothing is written; the file (a symlink's target) is replaced
atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Collection, Iterable
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from w3lib.url import safe_url_string

from crawler.core.config import Config, load_config
from crawler.core.errors import ConfigError
from crawler.core.urls import canonical_url, site_of
from crawler.sources.discovery import DiscoveredSource, clean_title

DEFAULT_INTERVALS: dict[str, str] = {"feed": "30m", "sitemap": "30m", "page": "1h"}

_TOP_LEVEL_FEEDS = re.compile(r"feeds[ \t]*:[ \t]*(?:#.*)?")
_DOCUMENT_MARKER = re.compile(r"(?:---|\.\.\.)(?:\s|$)")


def config_entries(
    sources: Iterable[DiscoveredSource], name_prefix: str, *, taken: Collection[str] = ()
) -> str:
    """Ready-to-paste YAML items for ``feeds:`` (two-space indented), names unique and slugified.

    ``taken`` are names already in the configuration. Unfetchable URLs and repeats (by
    canonical URL) are skipped. Titles become one-line comments; everything a site
    controls is sanitized so it cannot add keys or items.
    """
    used, seen = set(taken), set()
    blocks = []
    for source in sources:
        key = canonical_url(source.url)
        if key is None or key in seen:
            continue  # not fetchable, or /feed and /feed/ again
        seen.add(key)
        name = _unique_name(_slug(name_prefix) or _slug(site_of(source.url)), source, used)
        used.add(name)
        # Percent-encoded, the URL is ASCII: no line separator can hide in it (what Scrapy fetches anyway).
        url = safe_url_string(source.url)
        item = {"name": name, "url": url, "type": source.type, "interval": DEFAULT_INTERVALS[source.type]}
        title = clean_title(source.title)
        text = (f"# {title}\n" if title else "") + yaml.safe_dump([item], sort_keys=False, width=4096)
        blocks.append("".join(f"  {line}\n" for line in text.splitlines()))
    return "".join(blocks)


def append_to_config(path: Path | str, entries_yaml: str) -> list[str]:
    """Append ``feeds:`` items to the configuration file; returns the names added.

    Raises ConfigError, writing nothing, when the file does not load now, has no
    block-style top-level ``feeds:`` list, or would not load (or would change anything
    but the feeds list) afterwards.
    """
    path = Path(path)
    before = load_config(path)
    try:
        new_items = yaml.safe_load(entries_yaml) if entries_yaml.strip() else []
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: the entries to append are not valid YAML: {exc}") from None
    if not isinstance(new_items, list) or not all(isinstance(item, dict) for item in new_items):
        raise ConfigError(f"{path}: the entries to append are not a YAML list of feeds")
    if not new_items:
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    after_text = _insert_feed_items(path, text, entries_yaml)
    names = [str(item.get("name")) for item in new_items]
    _replace_checked(path, after_text, before, names)
    return names


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _unique_name(prefix: str, source: DiscoveredSource, used: set[str]) -> str:
    """``prefix-<what the path says>``, e.g. ``example-com-news-feed``; numbered when taken."""
    path = _slug(re.sub(r"\.(?:xml|rss|atom|json)$", "", urlsplit(source.url).path))
    stem = "-".join(part for part in (prefix or "source", path or source.type) if part)[:90].strip("-")
    name, number = stem, 2
    while name in used:
        name, number = f"{stem}-{number}", number + 1
    return name


def _insert_feed_items(path: Path, text: str, entries_yaml: str) -> str:
    """``text`` with the items inserted after the last item of the top-level ``feeds:`` list."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _TOP_LEVEL_FEEDS.fullmatch(line.rstrip("\r\n"))), None)
    if start is None:
        raise ConfigError(
            f"{path}: feeds: no top-level block-style 'feeds:' list to append to; add the entries by hand"
        )
    end = next((i for i in range(start + 1, len(lines)) if _ends_block(lines[i])), len(lines))
    content = [i for i in range(start + 1, end) if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    items = [i for i in content if lines[i].lstrip().startswith("-")]
    indent = lines[items[0]][: len(lines[items[0]]) - len(lines[items[0]].lstrip())] if items else "  "
    after = content[-1] if content else start
    while after + 1 < end and _is_comment_deeper_than(lines[after + 1], indent):
        after += 1  # "#   keep: all" under the last item belongs to it
    newline = "\r\n" if "\r\n" in text else "\n"
    if not lines[after].endswith(("\n", "\r")):
        lines[after] += newline
    lines.insert(after + 1, _reindent(entries_yaml, indent, newline))
    return "".join(lines)


def _ends_block(line: str) -> bool:
    """Whether a line ends the feeds block: the next top-level key or a document marker."""
    if not line.strip() or line[0] in " \t#":
        return False
    return not line.startswith("-") or bool(_DOCUMENT_MARKER.match(line))


def _is_comment_deeper_than(line: str, indent: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith("#") and len(line) - len(stripped) > len(indent)


def _reindent(entries_yaml: str, indent: str, newline: str) -> str:
    lines = [line for line in entries_yaml.splitlines() if line.strip()]
    margin = min(len(line) - len(line.lstrip()) for line in lines)
    return "".join(f"{indent}{line[margin:]}{newline}" for line in lines)


def _replace_checked(path: Path, text: str, before: Config, names: list[str]) -> None:
    """Write ``text`` over ``path`` atomically, only if it loads as ``before`` plus the named feeds."""
    target = path.resolve()  # a symlinked config keeps its link
    # Beside the original: the same folder resolves the same relative paths, and os.replace stays atomic.
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            after = load_config(temporary)
        except ConfigError as exc:
            message = str(exc).replace(str(temporary), str(path))
            raise ConfigError(
                f"{message}\n{path}: the appended file would not load; nothing was written"
            ) from None
        _check_only_feeds_added(path, before, after, names)
        os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _check_only_feeds_added(path: Path, before: Config, after: Config, names: list[str]) -> None:
    count = len(before.feeds)
    same_rest = after.model_dump(exclude={"feeds"}) == before.model_dump(exclude={"feeds"})
    if not same_rest or after.feeds[:count] != before.feeds or [f.name for f in after.feeds[count:]] != names:
        raise ConfigError(
            f"{path}: feeds: appending would change more than the feeds list; nothing was written"
        )
