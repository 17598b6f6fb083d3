"""`newswatch init [DIR]`: a commented starter configuration and the folder its database goes in."""

from __future__ import annotations

import argparse
import os
import shlex
from pathlib import Path
from typing import Any

from crawler.core.config import load_config
from crawler.core.config_paths import LOCAL_CONFIG_PATH
from crawler.core.errors import CliError, ExitStatus


def add_commands(commands: Any) -> None:
    init = commands.add_parser("init", help="write a commented starter newswatch.yaml and data/ in DIR")
    init.add_argument("dir", nargs="?", default=".", type=Path, metavar="DIR", help="default: .")
    init.add_argument("--force", action="store_true", help="replace an existing newswatch.yaml")
    init.set_defaults(handler=init_folder, needs_config=False)


def init_folder(args: argparse.Namespace) -> int:
    """Write a commented starter newswatch.yaml (the shipped sources) and data/ in DIR."""
    from crawler.app.starter import write_starter

    folder: Path = args.dir
    try:
        written = write_starter(folder, force=args.force)
    except FileExistsError:
        raise CliError(
            ExitStatus.CONFIG, f"{folder / LOCAL_CONFIG_PATH} already exists; not replacing it (--force does)"
        ) from None
    except OSError as exc:
        raise CliError(ExitStatus.CONFIG, f"init: cannot write in {folder}: {exc.strerror or exc}") from None
    config = load_config(written.config)  # the starter must load; a ConfigError here is a packaging bug
    print(f"wrote {written.config}: {len(config.feeds)} feeds, with comments")
    print(f"made  {written.data}{os.sep} for the database ({config.database_url})")
    here = folder.resolve() == Path.cwd().resolve()
    print("next:  newswatch run" if here else f"next:  cd {shlex.quote(str(folder))} && newswatch run")
    return ExitStatus.OK
