"""Topic relevance: the vocabulary in config/topics and the scoring rules in crawler/topic/relevance.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.core.errors import TopicError
from crawler.topic.relevance import RelevanceResult, Topic
from tests.support import REPO
from tests.support.corpus import SHARED, corpus_absent
from tests.support.timing import cpu_seconds

TOPIC_FILE = REPO / "config" / "topics" / "immigration-enforcement.yaml"
LABELS = REPO / "bench" / "data" / "relevance_labelled.jsonl"

# A workplace-raid story in our own words, shaped like a wire story on a local site.
RAID_STORY_TITLE = "Agents detain hundreds of workers in raids on Mississippi food plants"
RAID_STORY_TEXT = (
    "News\n\nPosted\n\n"
    "Federal immigration agents detained at least 600 workers on Wednesday in raids on food processing "
    "plants in five Mississippi towns, Immigration and Customs Enforcement said.\n\n"
    "More than 250 of them were released the next day. Children waited outside the plants for parents "
    "who did not come home.\n\n"
    "The agency said the operation was the largest worksite enforcement action in a single state."
)


@pytest.fixture(scope="module")
def topic() -> Topic:
    return Topic.from_file(TOPIC_FILE)


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        corpus_absent(path)
    return path


# ---- the topic file ------------------------------------------------------------------


def test_topic_file_loads_with_name_and_threshold(topic: Topic) -> None:
    assert topic.name == "immigration-enforcement"
    assert 0.0 < topic.threshold < 1.0


def test_raid_story_is_relevant_with_its_terms_recorded(topic: Topic) -> None:
    result = topic.score(RAID_STORY_TITLE, RAID_STORY_TEXT)
    assert result.relevant
    assert result.score >= 0.9
    for term in ("Immigration and Customs Enforcement", "immigration enforcement", "raid", "detention"):
        assert term in result.matched_terms


@pytest.mark.corpus
def test_mississippi_example_story_is_relevant(topic: Topic) -> None:
    text = shared("corpus", "examples", "workplace-raids-mississippi.txt").read_text(encoding="utf-8")
    result = topic.score("", text)
    assert result.relevant
    assert {"ICE", "raid", "detention", "undocumented"} <= set(result.matched_terms)


def test_score_is_between_zero_and_one_and_deterministic(topic: Topic) -> None:
    first = topic.score(RAID_STORY_TITLE, RAID_STORY_TEXT)
    assert first == topic.score(RAID_STORY_TITLE, RAID_STORY_TEXT)
    assert 0.0 <= first.score <= 1.0
    assert topic.score("", "") == RelevanceResult(score=0.0, matched_terms=[], relevant=False)


def test_matched_terms_are_listed_once_in_vocabulary_order(topic: Topic) -> None:
    result = topic.score("ICE raid, ICE raid, ICE raid", "Deportation. ICE. Raid. Deportation. ICE agents.")
    assert len(result.matched_terms) == len(set(result.matched_terms))
    assert result.matched_terms.index("ICE") < result.matched_terms.index("deportation")
    assert result.matched_terms.index("deportation") < result.matched_terms.index("raid")


def test_title_weighs_more_than_the_tail(topic: Topic) -> None:
    filler = "The council also discussed parking, parks and the library budget. " * 20
    in_title = topic.score("Migrants detained at border checkpoint", filler)
    in_tail = topic.score("City council meets", filler + "Migrants were detained at a border checkpoint.")
    assert in_title.relevant
    assert in_title.score > in_tail.score


def test_story_that_only_mentions_enforcement_in_its_tail_is_not_relevant(topic: Topic) -> None:
    lead = "The prime minister faced criticism from his own party over a delay to the family visa rules. "
    filler = "Members said the salary threshold should rise quickly, and the opposition called it chaos. " * 8
    tail = "The government also wants to deport asylum seekers and detain migrants who cross the border."
    result = topic.score("Leader under fire over family visa delay", lead + filler + tail)
    assert not result.relevant
    assert "deportation" in result.matched_terms  # recorded, but it does not make the story relevant


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "ICE arrests 30 in Atlanta-area operation",
            "Officers arrested 30 people with prior removal orders.",
        ),
        (
            "County signs 287(g) deal",
            "Deputies will screen inmates for immigration status for federal agents.",
        ),
        (
            "Border Patrol apprehends 900 migrants near Yuma",
            "Agents processed families who crossed overnight.",
        ),
        ("Judge halts deportation flights", "A federal judge blocked the removal of 40 Venezuelan men."),
        ("Workers detained in meatpacking plant raid", "Federal agents detained 120 undocumented workers."),
        ("Redada de ICE en Houston deja 40 detenidos", "Agentes de inmigración detuvieron a 40 personas."),
        ("Deportan a madre tras 20 años en Texas", "Fue deportada a México después de una cita con ICE."),
        ("La migra llega a los campos de Salinas", "Jornaleros indocumentados temen los operativos."),
    ],
)
def test_enforcement_stories_are_relevant(topic: Topic, title: str, lead: str) -> None:
    assert topic.score(title, lead).relevant


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        ("Ice storm leaves thousands without power", "Freezing rain and ice coated roads across Texas."),
        ("Bruins win on home ice", "Boston beat Toronto 4-2 in the NHL playoffs."),
        ("Deutsche Bahn orders more ICE trains", "The ICE high-speed trains will run Berlin to Munich."),
        ("Carmakers keep ICE vehicles longer", "Sales of ICE cars with internal combustion engines held up."),
        ("Ice Cube plans new film", "The rapper will shoot the sequel in Los Angeles."),
        ("Ice cream shop turns 50", "Free scoops on Saturday."),
        ("Raid: Shadow Legends update", "The game adds a new faction and a raid boss."),
        ("World of Warcraft raid is too hard", "Players say the final boss of the raid needs a nerf."),
        ("Police raid drug house", "A SWAT team raided a home and arrested three people with fentanyl."),
        ("Tariffs slow border trade", "Commercial trucks waited hours at the border crossing in Laredo."),
        ("CBP seizes fentanyl at port of entry", "Officers found 200 pounds of fentanyl in a produce load."),
        ("School detention policy questioned", "Parents object to after-school detention for dress code."),
        ("Runner survives cardiac arrest", "Two nurses performed CPR at mile 20."),
        ("Memorial for wartime deportations", "Survivors remembered the deportation of Jews in 1944."),
        (
            "Hundreds become citizens",
            "Immigrants from 50 countries took the oath at a naturalization ceremony.",
        ),
        ("Journalist detained in Russia", "A reporter was arrested and accused of espionage."),
    ],
)
def test_traps_are_not_relevant(topic: Topic, title: str, lead: str) -> None:
    assert not topic.score(title, lead).relevant


def test_negative_context_is_recorded_with_a_minus(topic: Topic) -> None:
    result = topic.score("Hockey night", "The NHL game was played on fresh ice.")
    assert "-hockey and skating" in result.matched_terms


def test_all_caps_headline_does_not_read_ice_storm_as_the_agency(topic: Topic) -> None:
    assert "ICE" not in topic.score("ICE STORM SHUTS SCHOOLS ACROSS TEXAS", "").matched_terms
    assert "ICE" in topic.score("ICE agents arrest 12", "").matched_terms


def test_words_match_whole_and_accents_do_not_matter(topic: Topic) -> None:
    assert "ICE" not in topic.score("Police said", "The police office was closed.").matched_terms
    assert "deportation" in topic.score("Deportación", "").matched_terms
    assert "deportation" in topic.score("Deportacion", "").matched_terms
    assert "deportation" in topic.score("Deported", "").matched_terms  # "deport*"
    assert (
        "immigration enforcement" in topic.score("Redadas migratorias", "").matched_terms
    )  # "redada* migratoria*"


def test_scoring_a_long_article_takes_well_under_a_millisecond(topic: Topic) -> None:
    text = (RAID_STORY_TEXT + " The mayor spoke about parks, budgets and schools at length. " * 10) * 6
    assert len(text) > 5000
    topic.score(RAID_STORY_TITLE, text)
    _, cpu = cpu_seconds(lambda: [topic.score(RAID_STORY_TITLE, text) for _ in range(50)])
    # About 0.3 ms of CPU here; CPU time, not wall time, so a busy machine does not fail it.
    assert cpu / 50 < 0.003, f"{cpu / 50 * 1000:.2f} ms of CPU per article"


# ---- users' own topics -----------------------------------------------------------------

WILDFIRE_TOPIC = """
name: wildfires
threshold: 0.5
scoring:
  require: [[fire]]
terms:
  - term: wildfire
    group: fire
    weight: 5
    phrases: ["wildfire*", "brush fire", "incendio forestal"]
  - term: evacuation
    weight: 2
    regex: ['\\bevacuat\\w+']
negatives:
  - term: metaphor
    weight: 5
    phrases: ["spread like wildfire"]
"""


def test_a_user_topic_needs_no_code(tmp_path: Path) -> None:
    path = tmp_path / "wildfires.yaml"
    path.write_text(WILDFIRE_TOPIC, encoding="utf-8")
    wildfires = Topic.from_file(path)
    burning = wildfires.score("Wildfire forces evacuations", "Residents were evacuated near the ridge.")
    assert burning.relevant
    assert burning.matched_terms == ["wildfire", "evacuation"]
    rumour = wildfires.score("Rumour", "The story spread like wildfire on social media.")
    assert not rumour.relevant
    assert "-metaphor" in rumour.matched_terms
    assert not wildfires.score("Evacuation drill at school", "").relevant  # no term of group "fire"


HEAD = "name: x\nthreshold: 0.5\n"
TERM_A = "{term: a, weight: 1, phrases: [a]}"


@pytest.mark.parametrize(
    ("content", "key", "problem"),
    [
        (HEAD + "terms: []\n", "terms", "at least one term"),
        (f"name: x\nthreshold: 2\nterms: [{TERM_A}]\n", "threshold", "between 0 and 1"),
        (HEAD + "terms: [{term: a, weight: lots, phrases: [a]}]\n", "terms[0] (a).weight", "number"),
        (HEAD + "terms: [{term: a, weight: 1, phrases: [a], colour: red}]\n", "colour", "unknown"),
        (HEAD + "terms: [{term: a, weight: 1, regex: ['(']}]\n", "terms[0] (a).regex", "invalid"),
        (HEAD + "terms: [{term: a, weight: 1}]\n", "terms[0] (a)", "needs phrases or regex"),
        (HEAD + f"terms: [{TERM_A}, {TERM_A}]\n", "terms", "defined twice"),
        (HEAD + f"scoring: {{require: [[nope]]}}\nterms: [{TERM_A}]\n", "scoring.require[0]", "group 'nope'"),
        (HEAD + f"scoring: {{zones: {{head: 2}}}}\nterms: [{TERM_A}]\n", "scoring.zones.head", "unknown"),
        ("name: [unclosed\n", "", "not valid YAML"),
        ("- just\n- a list\n", "(top level)", "mapping"),
    ],
)
def test_bad_topic_file_is_refused_naming_file_key_and_problem(
    tmp_path: Path, content: str, key: str, problem: str
) -> None:
    path = tmp_path / "bad-topic.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TopicError) as caught:
        Topic.from_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert key in message
    assert problem in message


def test_missing_topic_file_is_a_topic_error(tmp_path: Path) -> None:
    with pytest.raises(TopicError, match="cannot read topic file"):
        Topic.from_file(tmp_path / "absent.yaml")


# ---- the labelled set and the corpus: the targets, pinned -------------------------------


def _labelled() -> list[dict[str, object]]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labelled_set_is_large_balanced_and_split() -> None:
    items = _labelled()
    assert len(items) >= 300
    assert len({item["id"] for item in items}) == len(items)
    assert {item["kind"] for item in items} == {"relevant", "irrelevant", "trap"}
    assert {item["split"] for item in items} == {"tune", "holdout"}
    holdout = [item for item in items if item["split"] == "holdout"]
    assert 0.25 < len(holdout) / len(items) < 0.4
    spanish = [item for item in items if str(item["id"]).startswith("s-")]
    assert len(spanish) >= 30
    for item in items:
        assert item["label"] == (1 if item["kind"] == "relevant" else 0)
        assert item["title"] and item["lead"] and item["note"]


@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_labelled_set_meets_precision_and_recall_targets(topic: Topic, split: str) -> None:
    items = [item for item in _labelled() if item["split"] == split]
    predicted = [topic.score(str(item["title"]), str(item["lead"])).relevant for item in items]
    truth = [item["label"] == 1 for item in items]
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    precision = tp / max(sum(predicted), 1)
    recall = tp / sum(truth)
    assert precision >= 0.95, f"{split} precision {precision:.3f}"
    assert recall >= 0.90, f"{split} recall {recall:.3f}"


# NAEB pages flagged relevant that a person has read and found to be about enforcement.
# None is; a new flag fails this test until someone reads the page and decides.
NAEB_REVIEWED_FLAGS: set[int] = set()


@pytest.mark.corpus
def test_naeb_development_pages_are_flagged_only_when_defensible(topic: Topic) -> None:
    folder = shared("corpus", "extraction", "naeb")
    records = json.loads((folder / "news_articles.json").read_text(encoding="utf-8"))
    pages = [r for r in records if (folder / "html" / f"{r['html_file']}.html.gz").exists()]
    assert len(pages) == 421
    flagged = {page["id"] for page in pages if topic.score(page["title"] or "", page["text"] or "").relevant}
    assert flagged <= NAEB_REVIEWED_FLAGS, f"unreviewed NAEB flags: {sorted(flagged - NAEB_REVIEWED_FLAGS)}"
