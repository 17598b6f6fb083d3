"""Pipeline stage 2: drop off-topic articles of `keep: relevant` feeds; they are remembered as seen.

The score itself comes from the extraction worker (stage 1). A page without a title of its own
is scored here, with the feed entry's title, since the worker had none to weigh. Here too every
article gets its language (the page's declaration, else detected from the text), and an
article in a language its feed or the topic does not read is not relevant.
"""

from __future__ import annotations

import asyncio
import functools

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.cycle.item import ArticleItem
from crawler.cycle.runtime import CycleRuntime, runtime_for
from crawler.pages.analysis import judge
from crawler.topic.language import article_language
from crawler.topic.relevance import RelevanceResult, Topic, load_topic


class OffTopicPipeline:
    """Drop off-topic articles (after scoring the untitled ones); re-checks always go on."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffTopicPipeline:
        return cls(runtime_for(crawler))

    # The topic is compiled with the cycle's first article, not at start: a cycle of 304s has
    # none to judge (it was checked before the crawl, FeedsSpider.update_settings).
    @functools.cached_property
    def topic(self) -> Topic:
        return load_topic(self.runtime.config)

    @functools.cached_property
    def threshold(self) -> float:
        configured = self.runtime.config.relevance.threshold
        return configured if configured is not None else self.topic.threshold

    @functools.cached_property
    def languages(self) -> dict[str, frozenset[str] | None]:
        """Each feed's languages: its own list, else the topic's; None: any language."""
        return {
            feed.name: frozenset(feed.languages) if feed.languages is not None else self.topic.languages
            for feed in self.runtime.config.feeds
        }

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.extracted is not None
        if item.relevance is None:  # the page had no title: the feed entry's serves
            title = item.extracted.title or item.entry_title or ""
            item.relevance, item.facts = judge(self.topic, self.threshold, title, item.extracted)
        await self._settle_language(item)
        scored = item.relevance
        if not scored.relevant and item.dropped_if_off_topic:
            await asyncio.to_thread(self.runtime.ledger.off_topic, item, scored.score)
            raise DropItem(f"off-topic (score {scored.score:.2f} < {self.threshold:.2f})")
        return item

    async def _settle_language(self, item: ArticleItem) -> None:
        """Give the item its language; outside the languages read, it is not relevant."""
        extracted, scored = item.extracted, item.relevance
        assert extracted is not None and scored is not None
        title = extracted.title or item.entry_title or ""
        if extracted.language:
            item.language = extracted.language
        elif extracted.title or not item.entry_title:
            item.language = item.detected_language  # the worker read this very title and text
        else:
            # An untitled page read with its feed entry's title, which the worker never saw.
            # Off the reactor thread: the first detection loads the model (about a second).
            item.language = await asyncio.to_thread(article_language, None, title, extracted.text)
        allowed = self.languages.get(item.source, self.topic.languages)
        # An article whose language cannot be told is kept: nothing is dropped on a guess.
        if allowed is not None and item.language is not None and item.language not in allowed:
            item.relevance = RelevanceResult(
                scored.score, [*scored.matched_terms, f"-language {item.language}"], relevant=False
            )
            item.facts = None
