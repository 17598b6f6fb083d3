"""Whether the configured topic file can be used, without compiling it again for every cycle.

Compiling a topic's ~1,600 phrase patterns takes a few tenths of a second, and `newswatch run`
checks the topic before every cycle so that a bad file stops it at start (exit 2). The result
of a successful check is kept as a built index keyed by the file's bytes, the relevance code
and the core modules it validates with, so a cycle whose topic passed before reads the file,
hashes it and goes on; a changed file, a new newswatch or a failed check compiles it as before.
"""

from __future__ import annotations

from crawler.core.built_index import load_or_build
from crawler.core.config import Config


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
        packages=["crawler.topic.relevance", "crawler.core"],  # the topic code and what it validates with
        distributions=[],
        inputs=[content],
    )


def _compiled_check(config: Config) -> bool:
    from crawler.topic.relevance import load_topic

    load_topic(config)
    return True
