"""crawler.pages.encoded_page: the worker decodes a page exactly as Scrapy's TextResponse.text would."""

from __future__ import annotations

import pickle

import pytest
from scrapy.http import HtmlResponse

from crawler.pages.encoded_page import EncodedPage

TEXT = "Détenus à la frontière — “quotes” and € signs"


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"Content-Type": "text/html; charset=utf-8"}, f"<p>{TEXT}</p>".encode()),
        ({"Content-Type": "text/html; charset=iso-8859-1"}, "<p>À la frontière</p>".encode("latin1")),
        ({"Content-Type": "text/html"}, f'<meta charset="windows-1252"><p>{TEXT}</p>'.encode("cp1252")),
        ({"Content-Type": "text/html"}, b"\xef\xbb\xbf" + f"<p>{TEXT}</p>".encode()),  # UTF-8 BOM
        ({"Content-Type": "text/html; charset=utf-8"}, b"<p>broken \xff\xfe bytes</p>"),
        ({}, f"<p>{TEXT}</p>".encode("cp1252")),  # nothing declared: Scrapy guesses
    ],
    ids=["header", "header-latin1", "meta", "bom", "invalid-utf8", "undeclared"],
)
def test_decodes_as_scrapy_does(headers: dict[str, str], body: bytes) -> None:
    expected = HtmlResponse("https://example.org/a", headers=headers, body=body).text
    page = EncodedPage.of(HtmlResponse("https://example.org/a", headers=headers, body=body))
    assert page.decode() == expected
    assert len(page) == len(body)


def test_crosses_the_worker_pipe_by_pickle() -> None:
    page = EncodedPage(b"<p>x</p>", "utf-8")
    assert pickle.loads(pickle.dumps(page)) == page
