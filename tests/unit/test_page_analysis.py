"""crawler.pages.analysis: what an extraction worker computes for one page."""

from __future__ import annotations

from crawler.dedup.content_hash import content_hash
from crawler.dedup.minhash import minhash_signature
from crawler.pages.analysis import analyse_page
from crawler.pages.encoded_page import EncodedPage
from tests.support import REPO
from tests.support.pages import article_html
from tests.support.stories import RAID

TOPIC = str(REPO / "config" / "topics" / "immigration-enforcement.yaml")
URL = "https://news.example.org/raid"


def test_worker_results_equal_the_stages_own_functions() -> None:
    analysed = analyse_page(article_html(RAID).decode(), URL, TOPIC)
    assert analysed.article is not None
    # normalized once in the worker: the same hash and signature as computed separately
    assert analysed.content_hash == content_hash(analysed.article.text)
    assert analysed.signature == minhash_signature(analysed.article.text)
    assert analysed.relevance is not None and analysed.relevance.relevant
    assert analysed.facts is not None and "ICE" in analysed.facts["agencies"]


def test_bytes_are_decoded_in_the_worker() -> None:
    html = article_html(RAID)
    from_text = analyse_page(html.decode(), URL, TOPIC)
    from_bytes = analyse_page(EncodedPage(html, "utf-8"), URL, TOPIC)
    assert from_bytes == from_text


def test_page_without_text_yields_no_hash_or_signature() -> None:
    shell = "<html><head><title>Loading</title></head><body><script>render()</script></body></html>"
    analysed = analyse_page(shell, URL, TOPIC)
    assert analysed.article is None and analysed.content_hash is None and analysed.signature is None
