"""Scrapy's download handler imported without its deprecated aliases walking the whole stack.

Scrapy names the module of each deprecated alias it defines (three, in the modules behind its
HTTP download handler) with ``inspect.stack()``, which reads the source of every frame on the
stack and scans ``sys.modules`` to find each frame's module. Imported from deep inside a crawl's
start-up, that took ~0.15 s of CPU in every cycle, to learn only the module being imported.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import scrapy.utils.deprecate as deprecate

HTTP_HANDLER_MODULE = "scrapy.core.downloader.handlers.http11"


class _CallerOnly:
    """What ``create_deprecated_class`` asks of ``inspect``, answered from the caller's frame:
    ``stack()[1]`` is the frame that called it, ``getmodule`` of a frame the module whose code
    that frame runs (an importing module is in ``sys.modules`` already). Anything else is
    ``inspect``'s own."""

    def stack(self, context: int = 1) -> list[Any]:
        # [0] the frame calling stack() (create_deprecated_class), [1] the one calling that.
        return [None, (sys._getframe(2),)]

    def getmodule(self, obj: object, _filename: str | None = None) -> types.ModuleType | None:
        if isinstance(obj, types.FrameType):
            found = sys.modules.get(obj.f_globals.get("__name__", ""))
            if found is not None:
                return found
        return inspect.getmodule(obj, _filename)

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)


@contextmanager
def deprecated_names_from_caller() -> Iterator[None]:
    """Within the block, Scrapy's deprecated aliases learn their module from their caller."""
    real = deprecate.inspect
    deprecate.inspect = _CallerOnly()  # type: ignore[assignment]
    try:
        yield
    finally:
        deprecate.inspect = real


def load_http_handler() -> None:
    """Import Scrapy's HTTP(S) download handler, which every crawl loads at start, cheaply."""
    if HTTP_HANDLER_MODULE in sys.modules:
        return
    if not isinstance(getattr(deprecate, "inspect", None), types.ModuleType):
        # A Scrapy that no longer names aliases through ``inspect``: nothing to spare.
        importlib.import_module(HTTP_HANDLER_MODULE)
        return
    with deprecated_names_from_caller():
        importlib.import_module(HTTP_HANDLER_MODULE)
