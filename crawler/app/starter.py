"""`newswatch init`: a commented starter configuration, and the folder its database goes in.

The starter is the configuration newswatch ships (``crawler.core.packaged``), with the one thing
that only makes sense inside the repository changed: the database sits in ``data/`` beside
the new file instead of one folder up.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

from crawler.core.config_paths import LOCAL_CONFIG_PATH
from crawler.core.packaged import starter_config_text

STARTER_DATABASE_URL = "sqlite:///data/newswatch.db"  # relative to the written file
_STORAGE_URL_LINE = re.compile(r"^(  url: )sqlite:///\S+", re.MULTILINE)  # the one under `storage:`
_HEADER = (
    "# Written by `newswatch init` from the configuration newswatch ships with; edit freely.\n"
    "# `newswatch run` in this folder reads it (./newswatch.yaml), or pass --config PATH.\n#\n"
)


@dataclass(frozen=True)
class StarterFiles:
    """What `newswatch init` wrote."""

    config: Path
    data: Path


def starter_config() -> str:
    """The shipped configuration with its database in ``data/`` beside it."""
    text, replaced = _STORAGE_URL_LINE.subn(rf"\g<1>{STARTER_DATABASE_URL}", starter_config_text(), count=1)
    if not replaced:  # tests/cli/test_init.py loads the result, so this only fires on a broken package
        raise RuntimeError("the shipped newswatch.yaml has no sqlite storage.url line to rewrite")
    return _HEADER + text


def write_starter(folder: Path, *, force: bool = False) -> StarterFiles:
    """Write ``newswatch.yaml`` and make ``data/`` in `folder` (created if missing).

    Raises FileExistsError when the file exists and `force` is false; OSError when the folder
    cannot be written.
    """
    if folder.exists() and not folder.is_dir():  # else mkdir's FileExistsError would mean "config exists"
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / LOCAL_CONFIG_PATH
    with open(config, "w" if force else "x", encoding="utf-8") as out:
        out.write(starter_config())
    data = folder / "data"
    data.mkdir(exist_ok=True)
    return StarterFiles(config, data)
