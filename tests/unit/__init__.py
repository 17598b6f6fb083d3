"""Unit tests: one module or stage at a time, in this process; no `newswatch` child, no crawl."""
