"""The stories most cycle tests serve: a raid, a deportation flight (both on-topic) and a hockey
game (off-topic), with their dates relative to the clock, and a feed that lists them."""

from __future__ import annotations

from datetime import timedelta

from tests.support.dates import http_date, latest_weekday
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, rss

# The raid story says "on Thursday": it is published on a Friday, one to two weeks back.
RAID_PUBLISHED = latest_weekday(4, at_least_days_ago=8, hour=14, minute=30)

RAID = Story(
    path="/news/raid-meatpacking",
    title="ICE agents detain 120 workers in raid at meatpacking plant",
    author="Maria Lopez",
    published=RAID_PUBLISHED,
    paragraphs=(
        "Federal immigration agents detained at least 120 workers on Thursday in a raid at a meatpacking "
        "plant outside Canton, Mississippi, officials with Immigration and Customs Enforcement said.",
        "Agents from Homeland Security Investigations executed criminal search warrants at the plant early "
        "in the morning, while buses waited outside to take the detained workers to a processing center.",
        "Families gathered at the gates as the workplace raid went on for hours. Advocates said children "
        "were left without parents and called on the agency to release those with no criminal records.",
        "A spokesperson for the U.S. Attorney's office said the investigation into the employer's hiring "
        "practices was continuing and that more charges could follow in the coming weeks.",
    ),
)
DEPORTATION = Story(
    path="/news/deportation-flights",
    title="Deportation flights resume from Louisiana detention center",
    author="James Carter",
    published=RAID_PUBLISHED + timedelta(hours=18, minutes=30),
    paragraphs=(
        "Deportation flights resumed this week from a Louisiana immigration detention center, according to "
        "flight records and lawyers representing detainees held by ICE.",
        "Attorneys said dozens of detainees were removed before they could speak with counsel, and a federal "
        "judge scheduled a hearing on an emergency motion to pause the removals.",
        "The Department of Homeland Security said the removals followed final orders issued by immigration "
        "courts and that the agency was complying with every court ruling.",
    ),
)
HOCKEY = Story(
    path="/sports/hockey-win",
    title="Tigers win on the ice in overtime thriller",
    author="Sam Reed",
    published=RAID_PUBLISHED + timedelta(days=2, hours=7, minutes=30),
    paragraphs=(
        "The Tigers beat the Hawks 4-3 in overtime on Saturday night, with the winning goal coming from a "
        "rebound in front of the net after a long shift in the offensive zone.",
        "The home crowd stayed on its feet for the final minutes as both goalies made a string of saves, and "
        "the coach praised the team's resilience after a difficult week of practice.",
        "The Tigers play their next game on Tuesday against the league leaders, who have won nine straight "
        "games at home this season.",
    ),
)


FEED_LAST_MODIFIED = http_date(HOCKEY.published)


def publish(server: MockServer, stories: list[Story], extra_links: list[tuple[str, str]] = ()) -> None:
    """Serve the stories and a feed listing them (plus extra (title, link) entries)."""
    for story in stories:
        server.serve(story.path, Page(article_html(story)))
    items = [(s.title, server.url(s.path) + "?utm_source=rss&utm_medium=feed", s.published) for s in stories]
    items += [(title, link, None) for title, link in extra_links]
    server.serve(
        "/feed.xml",
        Page(
            rss("Valley Tribune", server.base, items),
            content_type="application/rss+xml",
            etag='"feed-v1"',
            last_modified=FEED_LAST_MODIFIED,
        ),
    )
