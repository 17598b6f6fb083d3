"""One real cycle's SQLite store, made once, and a private copy of it for each test.

Tests that only read a crawled store, or damage it and then check, need not pay a whole cycle
(start-up, migrations, extraction workers) each: a module-scoped fixture runs the cycle once
into a template folder and every test gets a byte-for-byte copy of that folder in its own
tmp_path, with the configuration pointing at the copy. The cycle that wrote the template had
exited, so its database is closed and whole (no -wal of it is left to miss).
"""

from __future__ import annotations

import shutil
from pathlib import Path

CONFIG_NAME = "newswatch.yaml"


def copy_of_store(template: Path, database: Path, into: Path) -> tuple[Path, Path]:
    """(config, database) of a copy of `template` (a folder holding the configuration and the
    SQLite `database`) in the new folder `into`; the copy's configuration names the copy."""
    shutil.copytree(template, into)
    config = into / CONFIG_NAME
    text = (template / CONFIG_NAME).read_text()
    assert str(template) in text, f"{template / CONFIG_NAME} does not name its folder"
    config.write_text(text.replace(str(template), str(into)))
    return config, into / database.relative_to(template)
