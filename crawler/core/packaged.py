"""The files newswatch ships: the starter configuration and the default topic vocabulary.

They are the repository's ``config/`` folder, installed as the package ``crawler.defaults``
(see ``[tool.setuptools.package-dir]`` in pyproject.toml), so a wheel or an editable install
carries them and there is one copy. pip installs wheels unpacked, so every resource is a file
on disk, which matters: the extraction workers open the topic by path.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

DEFAULT_TOPIC = "immigration-enforcement.yaml"
STARTER_CONFIG = "newswatch.yaml"


def packaged_topic_path() -> Path:
    """The topic used when the configuration names none (``relevance.topic`` absent)."""
    return Path(str(_defaults() / "topics" / DEFAULT_TOPIC))


def starter_config_text() -> str:
    """The shipped configuration, comments and all, as ``newswatch init`` starts from it."""
    return (_defaults() / STARTER_CONFIG).read_text(encoding="utf-8")


def _defaults() -> Traversable:
    try:
        return resources.files("crawler.defaults")
    except ModuleNotFoundError:
        # A source tree used without `pip install -e .` (or with an editable install made
        # before pyproject.toml mapped crawler.defaults): the folder is right there.
        return Path(__file__).resolve().parents[2] / "config"
