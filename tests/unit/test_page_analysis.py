"""crawler.pages.analysis: what an extraction worker computes for one page."""

from __future__ import annotations

import subprocess
import sys

from crawler.dedup.content_hash import content_hash
from crawler.dedup.minhash import minhash_signature
from crawler.pages.analysis import WORKER_TOPIC_ENV, analyse_page
from crawler.pages.encoded_page import EncodedPage
from tests.support import REPO
from tests.support.cli import child_env
from tests.support.pages import article_html
from tests.support.stories import HOCKEY, RAID

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


def test_the_worker_detects_the_language_of_a_page_that_declares_none() -> None:
    declared = analyse_page(article_html(RAID).decode(), URL, TOPIC)
    assert declared.article is not None and declared.article.language == "en"
    assert declared.detected_language is None  # the declaration stands; nothing to detect
    undeclared = analyse_page(article_html(RAID).decode().replace('<html lang="en">', "<html>"), URL, TOPIC)
    assert undeclared.article is not None and undeclared.article.language is None
    assert undeclared.detected_language == "en"


def test_an_off_topic_article_that_will_be_dropped_is_only_scored() -> None:
    """Stage 2 drops it and remembers its score: hash, signature and language are not needed."""
    undeclared = article_html(HOCKEY).replace(b'<html lang="en">', b"<html>")
    dropped = analyse_page(EncodedPage(undeclared, "utf-8", dropped_if_off_topic=True), URL, TOPIC)
    kept = analyse_page(EncodedPage(undeclared, "utf-8"), URL, TOPIC)  # keep: all, or a re-check
    assert kept.relevance is not None and not kept.relevance.relevant
    assert kept.content_hash and kept.signature and kept.detected_language == "en"
    assert dropped.article == kept.article and dropped.relevance == kept.relevance
    assert dropped.content_hash is None and dropped.signature is None and dropped.detected_language is None
    # a relevant article of such a page is kept, so it gets everything
    relevant = EncodedPage(article_html(RAID), "utf-8")
    flagged = EncodedPage(relevant.body, "utf-8", dropped_if_off_topic=True)
    assert analyse_page(flagged, URL, TOPIC) == analyse_page(relevant, URL, TOPIC)


def test_the_workers_forkserver_compiles_the_named_topic_before_forking() -> None:
    # What crawler.pages.worker_preload leaves in the forkserver, every worker inherits:
    # the topic named in the environment, and the language model.
    probe = (
        "import crawler.pages.worker_preload\n"
        "from crawler.pages import analysis\n"
        "from crawler.topic import language\n"
        "cache = analysis.compiled_topic.cache_info\n"
        "compiled = cache().currsize\n"
        f"print(compiled, analysis.compiled_topic({TOPIC!r}) is not None, cache().hits, "
        "language._loaded.cache_info().currsize)\n"
    )
    named = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(**{WORKER_TOPIC_ENV: TOPIC}),
    )
    # compiled at import, the worker's call a hit; the model loaded
    assert named.stdout.split() == ["1", "True", "1", "1"]
    unnamed = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={key: value for key, value in child_env().items() if key != WORKER_TOPIC_ENV},
    )
    assert unnamed.stdout.split() == ["0", "True", "0", "1"]


def test_the_crawling_process_never_imports_the_extractor() -> None:
    # trafilatura (with numpy, py3langid, htmldate, courlan) is the workers' to load: about a
    # second of every cycle's start-up, a cycle of 304s included. The fact tables too: half a
    # second of regexes that only the workers use.
    probe = (
        "import sys\n"
        "import crawler.app.cli, crawler.app.crawls, spiders.feeds, spiders.backfill\n"
        "import pipelines.page_analysis, pipelines.off_topic, pipelines.declared_canonical, pipelines.store\n"
        "from crawler.pages.pool import ExtractionPool\n"
        "loaded = {'trafilatura', 'numpy', 'py3langid', 'htmldate', 'crawler.topic.facts'}\n"
        "print(sorted(loaded & set(sys.modules)))\n"
    )
    crawling = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=child_env(), cwd=REPO
    )
    assert crawling.stdout.strip() == "[]"


def test_the_workers_forkserver_never_imports_the_configuration() -> None:
    # The forkserver compiles the topic for the workers; the config module would bring pydantic
    # and SQLAlchemy into it, ~0.25 s of CPU every cycle that no worker uses.
    probe = (
        "import sys\n"
        "import crawler.pages.worker_preload\n"
        "loaded = {'crawler.core.config', 'sqlalchemy', 'pydantic', 'scrapy'}\n"
        "print(sorted(loaded & set(sys.modules)))\n"
    )
    env = {**child_env(), WORKER_TOPIC_ENV: str(REPO / "config" / "topics" / "immigration-enforcement.yaml")}
    forkserver = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env, cwd=REPO
    )
    assert forkserver.stdout.strip() == "[]"
