"""Scrapy components: downloader middlewares, extensions, the log formatter and the settings."""
