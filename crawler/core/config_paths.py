"""Where the configuration file is looked for; no pydantic, so the nothing-due check can ask."""

from __future__ import annotations

import os
from pathlib import Path

LOCAL_CONFIG_PATH = Path("newswatch.yaml")  # what `newswatch init` writes in the working folder
DEFAULT_CONFIG_PATH = Path("config/newswatch.yaml")  # the repository's


def default_config_path() -> Path:
    """``$NEWSWATCH_CONFIG``, else ``./newswatch.yaml`` if there is one, else ``config/newswatch.yaml``."""
    if os.environ.get("NEWSWATCH_CONFIG"):
        return Path(os.environ["NEWSWATCH_CONFIG"])
    return LOCAL_CONFIG_PATH if LOCAL_CONFIG_PATH.exists() else DEFAULT_CONFIG_PATH
