"""A compressed body is whole only if its stream reaches its end marker (scrapy_components.truncated_body)."""

from __future__ import annotations

import gzip
import zlib

import pytest

from crawler.scrapy_components.truncated_body import is_cut_short

PAGE = (
    b"<html><body>"
    + b"".join(b"<p>paragraph %d of the article</p>" % n for n in range(2000))
    + b"</body></html>"
)
CAP = 5_000_000


def raw_deflate(body: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-15)
    return compressor.compress(body) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "compressed"),
    [(b"gzip", gzip.compress(PAGE)), (b"x-gzip", gzip.compress(PAGE)), (b"deflate", zlib.compress(PAGE))],
    ids=["gzip", "x-gzip", "zlib-deflate"],
)
def test_a_whole_stream_passes_and_any_cut_of_it_is_short(encoding: bytes, compressed: bytes):
    assert not is_cut_short(compressed, encoding, CAP)
    for share in (0.1, 0.5, 0.9):
        assert is_cut_short(compressed[: int(len(compressed) * share)], encoding, CAP), share


def test_raw_deflate_as_servers_also_send_it():
    compressed = raw_deflate(PAGE)
    assert not is_cut_short(compressed, b"deflate", CAP)
    assert is_cut_short(compressed[: len(compressed) // 2], b"deflate", CAP)


def test_a_bomb_is_left_to_the_size_cap_without_inflating_it_whole():
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert not is_cut_short(bomb[: len(bomb) // 2], b"gzip", 1_000_000)


def test_bytes_that_are_not_the_format_are_left_to_scrapy():
    assert not is_cut_short(b"plain text, not compressed at all", b"gzip", CAP)
