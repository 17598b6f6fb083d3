"""Scrapy settings for newswatch (``scrapy.cfg`` points here).

Values that users tune live in ``config/newswatch.yaml``; the feeds spider copies them over
these defaults (see :func:`crawler.scrapy_settings.settings_from_config`). Settings of our own
use the ``NEWSWATCH_`` prefix.
"""

BOT_NAME = "newswatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Which configuration file a crawl reads; `newswatch --config` and $NEWSWATCH_CONFIG set it.
NEWSWATCH_CONFIG = None
# Who started the cycle, recorded in the runs table: cli, daemon or scrapy.
NEWSWATCH_TRIGGER = "scrapy"
# Live progress on a terminal (the CLI turns it on when stderr is a TTY).
NEWSWATCH_PROGRESS_ENABLED = False

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts an HTTP server on localhost that runs Python code sent to it (token
# protected). An unattended crawler has no use for it, and it costs an aiohttp import a cycle.
REMOTE_CONTROL_ENABLED = False
# The store, not Scrapy, remembers what was seen; no JOBDIR, no HTTP cache.
HTTPCACHE_ENABLED = False

# Only http(s) is ever fetched (HOSTILE.md 22): switch the other handlers off.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Scrapy starts this many asyncio tasks for every callback's output; an article callback
# yields one item, so the default of 100 costs ~40k idle tasks per 400 pages.
CONCURRENT_ITEMS = 16

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.relevance.RelevancePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 400,
}

DOWNLOADER_MIDDLEWARES = {
    "crawler.address_guard.PrivateAddressGuard": 50,
    # After RetryMiddleware (550) in the response path, so it sees 429/503 before a retry.
    "crawler.host_backoff.HostBackoff": 560,
    # Scrapy's meta-refresh redirects, without decoding the whole page to read its head.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.meta_refresh.HeadMetaRefresh": 580,
}

# 429 and 503 are not retried at once: Retry-After is honoured per host (crawler.host_backoff)
# and the URL stays pending for the next cycle.
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]

EXTENSIONS = {
    "crawler.run_recorder.RunRecorder": 0,
    "crawler.progress.ProgressReporter": 10,
    "crawler.size_guard.SizeGuard": 20,
}

LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformat.QuietDropFormatter"
