"""Log formatting that keeps article HTML out of the log."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter
from twisted.python.failure import Failure


class QuietDropLogFormatter(LogFormatter):
    """Dropped and scraped items are logged by URL at DEBUG, never with their page body."""

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> Any:
        return {
            "level": logging.DEBUG,
            "msg": "Dropped %(url)s: %(exception)s",
            "args": {"url": getattr(item, "url", "?"), "exception": exception},
        }

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> Any:
        return {"level": logging.DEBUG, "msg": "Stored %(url)s", "args": {"url": getattr(item, "url", "?")}}
