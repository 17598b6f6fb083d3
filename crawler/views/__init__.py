"""What the CLI shows and writes: feed status, articles, cycle summaries, exports, reports."""
