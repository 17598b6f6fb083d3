"""The real-republication labeller's rules on small made-up pages (``bench/build_republication_set.py``).

The labels are the yardstick of the dedupe floors, so their rules are tested like code: text
one site repeats on its pages must not join stories, and a site's own versions of a wire
story must keep what they share.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.support import REPO

BUILDER = REPO / "bench" / "build_republication_set.py"


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_republication_set", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve the module's annotations through it
    spec.loader.exec_module(module)
    return module


builder = load_builder()


def sentences(topic: str, count: int) -> list[str]:
    """``count`` distinct sentences of eight words or more about ``topic``."""
    return [
        f"About the {topic}, statement {n} said officials will talk about the {topic}." for n in range(count)
    ]


def page(page_id: str, site: str, lines: list[str]) -> object:
    text = "###".join(lines)
    body, quoted = builder.body_sentences(text)
    return builder.Page(f"helsinki-{page_id}", "helsinki", site, "2018-07-15T08:00:00", text, body, quoted)


def stories_of(pages: list[object]) -> dict[str, str]:
    records, _pairs = builder.build_from_pages(builder.with_furniture_first_lines(pages))
    return {str(r["id"]).removeprefix("helsinki-"): str(r["story_cluster"]) for r in records}


WIDGET = sentences("video of the weekend golf trip in Scotland", 4)


def test_a_block_one_site_prints_on_pages_of_three_stories_joins_none_of_them() -> None:
    stories = {name: sentences(name, 5) for name in ("russian media", "low expectations", "common ground")}
    pages = []
    for number, (name, own) in enumerate(stories.items(), start=1):
        # the site glues the same widget onto each story, below its top
        pages.append(
            page(f"{number}", "sfgate.com", [f"Headline about {name} today", *own[:3], *WIDGET, *own[3:]])
        )
        pages.append(page(f"{number}0", f"outlet{number}.com", [f"Headline about {name} today", *own]))
    without_the_rule = builder.label_pairs(pages)[2]
    assert len({without_the_rule.find(p.id) for p in pages}) == 1  # the widget joins all six pages

    story = stories_of(pages)

    assert len({story["1"], story["2"], story["3"]}) == 3
    assert story["1"] == story["10"] and story["2"] == story["20"] and story["3"] == story["30"]


def test_a_sites_own_versions_of_a_wire_story_keep_what_another_outlets_copy_prints() -> None:
    wire = sentences("summit in Helsinki", 6)
    pages = [
        page("1", "dailymail.co.uk", ["Summit opens in Helsinki with handshake", *wire]),
        page(
            "2", "dailymail.co.uk", ["Leaders meet behind closed doors", *sentences("new top", 2), *wire[2:]]
        ),
        page(
            "3",
            "dailymail.co.uk",
            ["Leaders hold a joint news conference", *sentences("newer top", 2), *wire[2:]],
        ),
        page("10", "apnews.com", ["Summit opens in Helsinki with handshake", *wire]),
    ]

    story = stories_of(pages)

    assert story["1"] == story["2"] == story["3"] == story["10"]
