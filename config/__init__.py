"""Installed as ``crawler.defaults``: the starter configuration and the packaged topics.

This folder is package data as well as the repository's configuration (pyproject.toml maps
it), so the files here are the only copy; code reads them through ``crawler.core.packaged``.
"""
