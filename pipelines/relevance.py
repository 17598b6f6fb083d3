"""Pipeline stage 2: score the article against the topic; off-topic pages are remembered, not kept."""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.clock import utcnow
from crawler.config import load_topic
from crawler.items import ArticleItem
from crawler.page_analysis import judge
from crawler.relevance import Topic
from crawler.runtime import CycleRuntime, runtime_for


class RelevancePipeline:
    """Attach score, matched terms and signals; drop off-topic articles of `keep: relevant` feeds."""

    def __init__(self, runtime: CycleRuntime, topic: Topic, threshold: float) -> None:
        self.runtime = runtime
        self.topic = topic
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RelevancePipeline:
        runtime = runtime_for(crawler)
        settings = runtime.config.relevance
        topic = load_topic(runtime.config)  # checked before the crawl (FeedsSpider.update_settings)
        threshold = settings.threshold if settings.threshold is not None else topic.threshold
        return cls(runtime, topic, threshold)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.extracted is not None
        if item.relevance is None:  # the worker scores pages with a title; the feed's title serves here
            title = item.extracted.title or item.entry_title or ""
            item.relevance, item.signals = judge(self.topic, self.threshold, title, item.extracted)
        scored = item.relevance
        if not scored.relevant and item.keep == "relevant" and item.recheck is None:
            self.runtime.count("articles_irrelevant")
            await asyncio.to_thread(
                self.runtime.store.mark_irrelevant,
                item.frontier_url or item.canonical_url,
                item.canonical_url,
                item.url,
                scored.score,
                utcnow(),
            )
            raise DropItem(f"off-topic (score {scored.score:.2f} < {self.threshold:.2f})")
        return item
