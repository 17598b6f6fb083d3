"""Whether the configured topic file can be used, without compiling it again for every cycle.

Compiling a topic's ~1,600 phrase patterns takes a few tenths of a second, and `newswatch run`
checks the topic before every cycle so that a bad file stops it at start (exit 2). The result
of a successful check is kept as a built index keyed by the file's bytes, the relevance code
and the core modules it validates with, so a cycle whose topic passed before reads the file,
hashes it and goes on; a changed file, a new newswatch or a failed check compiles it as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from crawler.core.built_index import load_built, load_or_build

if TYPE_CHECKING:
    from crawler.core.config import Config

# The topic code and what it validates with: a change to either checks every topic again.
CHECKED_WITH = ["crawler.topic.relevance", "crawler.core"]
# The libraries that parse and validate the topic and the configuration: an upgrade could
# refuse a file that passed before (the nothing-due facts are keyed on them too).
PARSED_WITH = ["pydantic", "PyYAML"]


def check_topic(config: Config) -> None:
    """Raise ConfigError (file, key, problem) unless the configured topic is usable."""
    try:
        content = config.topic_path.read_bytes()
    except OSError:
        _compiled_check(config)  # reports the unreadable file as a configuration error
        return
    load_or_build(
        "topic-check",
        lambda: _compiled_check(config),
        packages=CHECKED_WITH,
        distributions=PARSED_WITH,
        inputs=[content],
    )


def _compiled_check(config: Config) -> bool:
    from crawler.topic.relevance import load_topic

    load_topic(config)
    return True


def topic_passed_before(path: Path) -> bool:
    """Whether this topic file, as it is now, passed `check_topic` before (nothing is compiled)."""
    try:
        content = path.read_bytes()
    except OSError:
        return False
    return (
        load_built("topic-check", packages=CHECKED_WITH, distributions=PARSED_WITH, inputs=[content])
        is not None
    )
