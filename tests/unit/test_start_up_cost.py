"""What start-up skips (README "What a cycle costs"): collections while it loads, and Scrapy's
stack walks to name its deprecated aliases; neither may change what is loaded or named."""

from __future__ import annotations

import gc
import inspect
import subprocess
import sys

import pytest
import scrapy.utils.deprecate as deprecate

from crawler.app.collector import collector_paused
from crawler.scrapy_components.deprecated_names import deprecated_names_from_caller


def test_collector_paused_in_the_block_and_back_on_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_back_on_after_an_error() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()


def test_collector_a_caller_disabled_stays_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


class Current:
    pass


def test_deprecated_alias_named_as_scrapy_names_it() -> None:
    by_stack = deprecate.create_deprecated_class("Old", Current, warn_once=False)
    with deprecated_names_from_caller():
        by_caller = deprecate.create_deprecated_class("Old", Current, warn_once=False)
    assert by_caller.__module__ == by_stack.__module__ == __name__
    assert deprecate.inspect is inspect  # put back
    with pytest.warns(deprecate.ScrapyDeprecationWarning):
        by_caller()


def test_deprecated_names_put_back_after_an_error() -> None:
    with pytest.raises(ValueError), deprecated_names_from_caller():
        raise ValueError
    assert deprecate.inspect is inspect


def test_the_crawl_loads_scrapy_handler_with_its_aliases_named() -> None:
    # A fresh process: this one may have imported the handler already.
    code = (
        "import sys, inspect, scrapy.utils.deprecate as d\n"
        "from crawler.app.crawls import crawl_settings\n"
        "from pathlib import Path\n"
        "assert 'scrapy.core.downloader.contextfactory' not in sys.modules\n"
        "crawl_settings(Path('x.yaml'), 'cli', False, 'WARNING')\n"
        "import scrapy.core.downloader.contextfactory as c, scrapy.core.downloader.tls as t\n"
        "assert d.inspect is inspect\n"
        "print(c.ScrapyClientContextFactory.__module__, c.AcceptableProtocolsContextFactory.__module__,"
        " t.ScrapyClientTLSOptions.__module__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [
        "scrapy.core.downloader.contextfactory",
        "scrapy.core.downloader.contextfactory",
        "scrapy.core.downloader.tls",
    ]


def test_the_handler_loads_when_scrapy_names_aliases_another_way() -> None:
    # A later Scrapy without ``inspect`` in its deprecate module: the handler still loads.
    code = (
        "import sys, scrapy.utils.deprecate as d\n"
        "del d.inspect\n"
        "from crawler.scrapy_components.deprecated_names import HTTP_HANDLER_MODULE, load_http_handler\n"
        "load_http_handler()\n"
        "print(HTTP_HANDLER_MODULE in sys.modules, hasattr(d, 'inspect'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "False"], done.stderr
