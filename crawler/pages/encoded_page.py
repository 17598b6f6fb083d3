"""A fetched page still in bytes, decoded where the CPU is spare: in an extraction worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from w3lib.encoding import html_to_unicode

if TYPE_CHECKING:  # the extraction workers unpickle this class: they need not import Scrapy
    from scrapy.http import TextResponse


@dataclass(frozen=True)
class EncodedPage:
    """The body as fetched and the encoding Scrapy settled on for it.

    Decoding a page costs CPU; on the crawling process it is taken from the reactor and the
    pool's dispatchers, so the spider ships bytes and the worker decodes.
    """

    body: bytes
    encoding: str
    # Set by the analysis stage when an off-topic article of this page will be dropped (a
    # `keep: relevant` feed, a backfill): the worker then computes nothing only kept ones need.
    dropped_if_off_topic: bool = False

    @classmethod
    def of(cls, response: TextResponse) -> EncodedPage:
        # the encoding is read from headers, BOM or <meta> (cheap); only an undeclared page
        # makes Scrapy decode here to guess it
        return cls(response.body, response.encoding)

    def __len__(self) -> int:
        return len(self.body)

    def decode(self) -> str:
        """The text exactly as Scrapy's ``TextResponse.text`` decodes it."""
        return html_to_unicode(f"charset={self.encoding}", self.body)[1]
