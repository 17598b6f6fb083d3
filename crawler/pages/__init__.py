"""Article pages: decoding, extraction, metadata, the worker pool and the per-page analysis."""
