"""Topic relevance: the vocabulary in config/topics and the scoring rules in crawler/topic/relevance.py."""

from __future__ import annotations

import hashlib
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
NEWS = REPO / "bench" / "data" / "relevance_news.jsonl"
NEWS_LABELS = REPO / "bench" / "data" / "relevance_news_labels.tsv"
NEWS_EXTRA = REPO / "bench" / "data" / "relevance_news_extra.jsonl"
NEWS_EXTRA_LABELS = REPO / "bench" / "data" / "relevance_news_extra_labels.tsv"
HEADLINE_LABELS = REPO / "bench" / "data" / "relevance_headlines_labels.tsv"
MN_HEADLINE_LABELS = REPO / "bench" / "data" / "relevance_headlines_mn_labels.tsv"

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


# Enforcement told without the agency's name or the word "migrants": the people as families,
# children or residents by status, the act as a noun or at the border, the proceedings.
@pytest.mark.parametrize(
    ("title", "lead"),
    [
        ("Pastor's son picked up by ICE at a gas station", "His family says he was held for days."),
        ("Teen taken into custody at the southern border", "She was alone and had crossed at night."),
        ("Grandmother placed in deportation proceedings", "She has lived in Ohio for 30 years."),
        ("Kids held in immigration jails for weeks", "Lawyers found children detained on concrete floors."),
        ("Permanent resident detained after returning from trip", "He was held at the airport for two days."),
        ("Refugees rounded up in Texas sweep", "Dozens were sent to a processing center in El Paso."),
        ("Father arrested at the border, separated from toddler", "The toddler went to a shelter."),
    ],
)
def test_enforcement_told_indirectly_is_relevant(topic: Topic, title: str, lead: str) -> None:
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
        ("Parents arrested after toddler left in hot car", "Police said the children were unharmed."),
        ("Judge rules in child custody fight", "The mother keeps custody of the children after the divorce."),
        ("Refugee author wins book prize", "Her novel follows families who crossed the Mediterranean."),
    ],
)
def test_traps_are_not_relevant(topic: Topic, title: str, lead: str) -> None:
    assert not topic.score(title, lead).relevant


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        # Immigration politics and status, with nobody acting on anyone.
        ("Supreme Court keeps DACA in place", "Recipients stay protected from deportation for now."),
        ("Senators unveil immigration bill", "It offers undocumented farmworkers a path to citizenship."),
        ("New rules tighten student visas", "Universities say international enrollment will fall."),
        (
            "House approves spending bill with wall money",
            "The budget deal adds billions for the border wall.",
        ),
        (
            "TPS extended for Haitians",
            "The Homeland Security Department extended temporary protected status.",
        ),
        ("Poll: most voters back legal status for Dreamers", "Support for the DREAM Act rose again."),
        # Another country's enforcement: outside the topic's US scope.
        (
            "Hungary expands migrant detention centres",
            "Hungarian police will hold asylum seekers at the fence.",
        ),
        ("Greek coast guard intercepts migrant boat", "Greek authorities detained 40 migrants near Lesbos."),
        # Customs and drug enforcement, with no people stopped for immigration reasons.
        ("CBP seizes cocaine aboard container ship", "Officers found 2 tons of cocaine in the cargo hold."),
        # Protests against the agency are not its acts.
        ("Anti-ICE protesters arrested at tech store sit-in", "Police arrested 40 demonstrators."),
    ],
)
def test_immigration_stories_without_an_enforcement_act_are_not_relevant(
    topic: Topic, title: str, lead: str
) -> None:
    result = topic.score(title, lead)
    assert not result.relevant, result


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        (
            "Masked agents detain man outside immigration court",
            "Federal immigration agents arrested him after his hearing.",
        ),
        (
            "National Guard deployed to support ICE operation in Chicago",
            "Troops will guard the Broadview facility.",
        ),
        (
            "DHS says agents arrested 1,200 in Los Angeles sweep",
            "The operation targeted workers at car washes.",
        ),
        (
            "Detainees moved to new immigration detention camp in Florida",
            "Lawyers say they cannot reach clients.",
        ),
        ("Mexican national deported after 20 years in Texas", "ICE removed him to Mexico on Tuesday."),
        ("Border Patrol apprehends 300 migrants near El Paso", "Agents processed the families overnight."),
    ],
)
def test_enforcement_acts_in_current_wording_are_relevant(topic: Topic, title: str, lead: str) -> None:
    result = topic.score(title, lead)
    assert result.relevant, result


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        # Force used by the agents, and their operations, told without an arrest.
        ("ICE agents shoot a man outside a Phoenix store", ""),
        ("Border Patrol surge arrives in New Orleans", ""),
        ("Family of woman killed by Border Patrol agent demands answers", ""),
        # Courts acting on a removal, sanctuary fights, local cooperation, reunification.
        ("Judge halts deportation of a Honduran mother of three", ""),
        ("City sues over cuts to its funding over 'sanctuary' policies", ""),
        ("County sheriff signs agreement to work with ICE", ""),
        ("Hundreds of children reunited with parents after separations", ""),
        # Removals to third countries, detention by bond rules and by a centre's name, and
        # helping someone evade an arrest.
        ("Judge questions deportations to South Sudan", ""),
        ("Court upholds holding asylum seekers without bond", ""),
        ("Judge orders more detainees moved out of Delaney Hall", ""),
        ("Mayor accused of helping an undocumented man evade agents", ""),
        # The arrest told by what it did to a family.
        ("She waited for the school bus. ICE picked her up instead.", ""),
        ("Veteran says ICE took his wife away at a green card interview", ""),
        # The act in the passive, with its doer after "by".
        ("Teacher stopped by ICE on her way to school, district says", ""),
        ("Father of two jailed by immigration agents after a traffic stop", ""),
        # A deportation made an act by police, a court or a possessive.
        ("Sheriff's deputies turn routine stops into deportations", ""),
        ("Appeals court pauses the student's deportation", ""),
        # A named detention centre emptied; children in a detention centre; release.
        ("Krome to be emptied of detainees within a week", ""),
        ("Dozens of children held at a detention center for months, lawyers say", ""),
        ("Immigrant released after six weeks, judge says", ""),
        # Obstructing immigration agents; agents moving out; force by agents.
        ("Clerk convicted of obstructing immigration agents at a courthouse", ""),
        ("Hundreds of immigration agents pulling out of Denver", ""),
        ("ICE officer seen pushing a man to the floor is suspended", ""),
        # The US as the subject of the act; agents' patrols.
        ("US detains a visiting writer midway through a lecture tour", ""),
        ("Court lets ICE patrols resume in Southern California", ""),
        # Without the agency's name: a named case with its act, federal agents' force, a
        # border agent's arrests.
        ("New video of the Renee Good shooting raises questions", ""),
        ("Appeals court ruling delays Mahmoud Khalil's removal", ""),
        ("Federal agent shoots a driver in Minneapolis, officials say", ""),
        ("Top border agent says dozens were arrested at a car wash", ""),
        # The other agencies' compounds, day labourers' car parks, a named camp winding down,
        # conditions inside, a named case's family and video (the eighth pass).
        ("Residents describe a quieter week of Border Patrol sweeps in the city", ""),
        ("Agents jump out of a van and ambush day labourers at a Home Depot", ""),
        ("Governor says 'Alligator Alcatraz' may wind down within weeks", ""),
        ("Senator calls filthy detention facilities a disgrace", ""),
        ("Read the statement from Alex Pretti's brother", ""),
        ("Lawyers study the Renee Good video frame by frame", ""),
    ],
)
def test_enforcement_told_as_force_operations_and_courts_is_relevant(
    topic: Topic, title: str, lead: str
) -> None:
    result = topic.score(title, lead)
    assert result.relevant, result


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        ("Voters sour on ICE in new poll after shootings", ""),
        ("Gunman opens fire at an ICE office in Texas", "The attack killed two people."),
        ("ICE director nominee pledges more deportations at confirmation hearing", ""),
        ("Israel deports activists from a Gaza aid flotilla", ""),
        ("Border agents find exotic animals in a suitcase", "Smugglers left the tiger cub behind."),
        ("DHS urges migrants to self-deport with a phone app", ""),
        ("Families separated by the Korean War reunite", ""),
        ("Government halts asylum decisions after shooting", "The National Guard was on patrol."),
        ("Singer denounces ICE after the killing of a protester", ""),
        # Charges over impeding or ramming agents; force on protesters; another country's
        # troops at its border; a named case's asylum bid.
        ("Prosecutors charge six people accused of impeding agents during an immigration sweep", ""),
        ("Former federal agent reviews videos of force used against protesters", ""),
        ("Poland sends 40,000 troops to the border amid tension with Russia", ""),
        ("Judge delays the asylum case of Liam Conejo Ramos", ""),
        ("Federal agents from the ICE surge return to raid clinics over billing fraud", ""),
        ("Court keeps program that shields 500,000 people from deportation to their countries", ""),
        # The crackdown as a backdrop; another country handing someone over to the US.
        ("University applications fall amid Trump's immigration crackdown", ""),
        ("Peru deports a fugitive banker to the US", ""),
        # Funding, bills, masks, polls, appointments and runs for office next to the agency.
        ("Senate adds $40 billion for immigration enforcement", ""),
        ("Governor signs bills to limit immigration raids near hospitals", ""),
        ("State bans masks for ICE agents", ""),
        ("ICE's ratings fall in polling after a shooting", ""),
        ("President taps a former sheriff to lead ICE", ""),
        # A call for someone to be "deported", an assault on agents, a watchdog's probe.
        ('Senator calls for a rival to be "deported" in a spat online', ""),
        ("Charges dropped against men accused of assaulting an ICE officer", ""),
        ("DHS can kill its watchdog's investigations, report says", ""),
        # Protesters at an enforcement site; an official leaving the agency.
        ("Protesters rally outside an ICE facility as the secretary visits", ""),
        ("Acting ICE director to leave agency in the spring", ""),
        # Officials arrested at an ICE facility, vigils over a named case, another country's
        # border agents, an agency pausing its paperwork, a campaign cited (the eighth pass).
        ("Nine state lawmakers arrested at an ICE facility during a sit-in", ""),
        ("Vigils planned this weekend for Renee Good, the woman killed by ICE", ""),
        ("Mexican border agents fire on a smuggling boat, killing two", ""),
        ("Administration halts green card applications for nationals of 12 countries", ""),
        ("Mayor drops re-election bid, citing 'cruel' ICE surge", ""),
    ],
)
def test_politics_attacks_and_other_states_near_enforcement_words_are_not_relevant(
    topic: Topic, title: str, lead: str
) -> None:
    result = topic.score(title, lead)
    assert not result.relevant, result


def test_a_marker_that_completes_a_require_set_is_listed(topic: Topic) -> None:
    # "court" has no weight of its own; it is what makes the deportation an act here.
    result = topic.score("Judge halts the deportations", "")
    assert result.relevant and "court" in result.matched_terms


def test_an_act_and_an_agency_far_apart_do_not_make_an_enforcement_story(topic: Topic) -> None:
    lead = (
        "The senator's office said ICE had briefed staff on its budget priorities for next year. "
        "In other business, the committee heard from county officials about road repairs and the "
        "library, and members said a man was arrested for a burglary downtown."
    )
    result = topic.score("Committee hears budget and roads testimony", lead)
    assert {"ICE", "arrest"} <= set(result.matched_terms)
    assert not result.relevant


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
    assert "deported" in topic.score("Deported", "").matched_terms  # "deported", the verb
    assert (
        "immigration enforcement" in topic.score("Redadas migratorias", "").matched_terms
    )  # "redada* migratoria*"


def test_scoring_a_long_article_has_no_pathological_cost(topic: Topic) -> None:
    text = (RAID_STORY_TEXT + " The mayor spoke about parks, budgets and schools at length. " * 10) * 6
    assert len(text) > 5000
    topic.score(RAID_STORY_TITLE, text)
    _, cpu = cpu_seconds(lambda: [topic.score(RAID_STORY_TITLE, text) for _ in range(50)])
    # A guard against a rule that backtracks or rescans the text, not a measurement: about 1 ms
    # of CPU per article on an idle machine (the README's relevance section), and CPU time
    # still rises several-fold on a loaded 2-core machine, so the bar is 20 ms.
    assert cpu / 50 < 0.02, f"{cpu / 50 * 1000:.2f} ms of CPU per article"


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


OUTBREAK_TOPIC = """
name: measles-outbreaks
threshold: 0.5
scoring:
  require:
    - {all: [disease, event], within: 60}
  exclude:
    - {any: [abroad], unless: [home]}
terms:
  - {term: measles, group: disease, weight: 4, phrases: [measles, sarampion]}
  - {term: outbreak, group: event, weight: 3, phrases: [outbreak, cases, "confirmed case*"]}
  - {term: home, group: home, weight: 0, phrases: [Ohio, Texas]}
  - {term: abroad, group: abroad, weight: 0, phrases: [Romania, Samoa]}
"""


def test_a_marker_regex_counts_in_the_lead_and_not_in_the_body() -> None:
    # A marker regex is read in the title and lead only; its words deep in the body neither
    # count nor need to be looked for there.
    topic = Topic.from_mapping(
        {
            "name": "scope",
            "threshold": 0.5,
            "scoring": {
                "lead_chars": 40,
                "require": [["disease"]],
                "exclude": [{"any": ["abroad"]}],
            },
            "terms": [
                {"term": "measles", "group": "disease", "weight": 4, "phrases": ["measles"]},
                {"term": "abroad", "group": "abroad", "weight": 0, "regex": [r"\bin Samoa\b"]},
            ],
        }
    )
    tail = " ".join(["filler"] * 40)
    assert not topic.score("Measles cases rise", "Doctors in Samoa count them.").relevant
    assert topic.score("Measles cases rise", f"Doctors count them. {tail} Travel in Samoa.").relevant


def test_another_beat_uses_windows_and_scope_without_code(tmp_path: Path) -> None:
    path = tmp_path / "measles.yaml"
    path.write_text(OUTBREAK_TOPIC, encoding="utf-8")
    measles = Topic.from_file(path)
    outbreak = measles.score("Measles outbreak grows in Ohio", "Health officials confirmed 12 new cases.")
    assert outbreak.relevant
    assert outbreak.matched_terms == ["measles", "outbreak"]  # a marker is listed when it decided
    far_apart = (
        "A school nurse talked about vaccines and measles at the fair. "
        + "The fair also had rides, food and music all week long. " * 3
        + "Officials counted cases of lost wallets."
    )
    assert not measles.score("County fair", far_apart).relevant  # disease and event not within 60
    abroad = measles.score("Measles outbreak in Romania", "Doctors report 300 cases.")
    assert not abroad.relevant and "abroad" in abroad.matched_terms
    assert measles.score("Texas doctors help with measles outbreak in Samoa", "").relevant


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
TERM_G = "terms: [{term: a, group: g, weight: 1, phrases: [a]}]\n"


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
        (
            HEAD + "scoring: {require: [{all: [g], near: 5}]}\n" + TERM_G,
            "scoring.require[0].near",
            "unknown",
        ),
        (
            HEAD + "scoring: {require: [{all: [g], within: 0}]}\n" + TERM_G,
            "scoring.require[0].within",
            "at least 1",
        ),
        (
            HEAD + f"scoring: {{exclude: [{{any: [nope]}}]}}\nterms: [{TERM_A}]\n",
            "scoring.exclude[0].any",
            "group 'nope'",
        ),
        (
            HEAD + f"scoring: {{exclude: [{{unless: []}}]}}\nterms: [{TERM_A}]\n",
            "scoring.exclude[0]",
            "either any or all",
        ),
        (HEAD + "terms: [{term: a, weight: -1, phrases: [a]}]\n", "terms[0] (a).weight", "at least 0"),
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
    precision, recall = _precision_recall(topic, items)
    assert precision >= 0.95, f"{split} precision {precision:.3f}"
    assert recall >= 0.90, f"{split} recall {recall:.3f}"


def _precision_recall(topic: Topic, items: list[dict[str, object]]) -> tuple[float, float]:
    predicted = [topic.score(str(item["title"]), str(item["lead"])).relevant for item in items]
    truth = [item["label"] == 1 for item in items]
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    return tp / max(sum(predicted), 1), tp / sum(truth)


def _news() -> list[dict[str, object]]:
    return [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_real_news_set_has_the_hard_negatives_and_a_fixed_holdout() -> None:
    items = _news()
    assert len(items) >= 400
    assert len({item["id"] for item in items}) == len(items)
    kinds = {str(item["kind"]) for item in items}
    assert kinds == {"enforcement", "immigration", "trap", "irrelevant"}
    assert sum(item["kind"] == "immigration" for item in items) >= 150  # the hard negatives
    for item in items:
        assert item["label"] == (1 if item["kind"] == "enforcement" else 0)
        assert (
            item["title"]
            and item["note"]
            and str(item["link"]).startswith(("https://www.huffpost.com/", "https://www.huffingtonpost.com/"))
        )
        # The split is a function of the id alone, so no item can move between splits.
        digest = int(hashlib.sha256(str(item["id"]).encode()).hexdigest(), 16)
        assert item["split"] == ("holdout" if digest % 3 == 0 else "dev")
    labelled = [
        line for line in NEWS_LABELS.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    ]
    assert len(labelled) == len(items) + sum(line.split("\t")[1] == "X" for line in labelled)


# Measured floors on the real-news set; they may only go up. The holdout misses the
# issue's recall target (0.92): see README, "Relevance".
NEWS_FLOORS = {"dev": (0.97, 1.0), "holdout": (0.95, 0.75)}


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_real_news_set_stays_above_its_floors(topic: Topic, split: str) -> None:
    items = [item for item in _news() if item["split"] == split]
    precision, recall = _precision_recall(topic, items)
    floor_precision, floor_recall = NEWS_FLOORS[split]
    assert precision >= floor_precision, f"{split} precision {precision:.3f}"
    assert recall >= floor_recall, f"{split} recall {recall:.3f}"


# The wider selection's rounds, rebuilt from a clone of the archive (git-ignored, so skipped
# when not built). Rounds 13 to 15 are dev (rounds 14 and 15 were each scored once as a
# holdout); their floors may only go up (README, "Relevance", eighth pass).
HEADLINES = REPO / "bench" / "data" / "relevance_headlines.jsonl"
WIDER_FLOORS = {(13, 14): (1.0, 0.74), (15,): (1.0, 0.76)}


@pytest.mark.parametrize("rounds", sorted(WIDER_FLOORS))
def test_wider_headline_rounds_stay_above_their_floors(topic: Topic, rounds: tuple[int, ...]) -> None:
    if not HEADLINES.exists():
        pytest.skip(
            "bench/data/relevance_headlines.jsonl not built (bench/build_relevance_headlines.py --mirror DIR)"
        )
    lines = HEADLINES.read_text(encoding="utf-8").splitlines()
    items = [item for item in map(json.loads, filter(None, lines)) if item.get("round") in rounds]
    precision, recall = _precision_recall(topic, items)
    floor_precision, floor_recall = WIDER_FLOORS[rounds]
    assert precision >= floor_precision, f"rounds {rounds} precision {precision:.3f}"
    assert recall >= floor_recall, f"rounds {rounds} recall {recall:.3f}"


# Rounds 16 to 18, the Minnesota surge's headlines from a second archive
# (bench/build_relevance_mn.py; git-ignored, so skipped when not built). Round 16 was scored once
# as a holdout (P 0.543 / R 0.830) and is dev with round 17; round 18 was scored once as a
# holdout, pinned as measured (README, "Relevance", eighth pass). Dev floors may only go up.
MN_HEADLINES = REPO / "bench" / "data" / "relevance_headlines_mn.jsonl"
MN_ITEMS = {16: 186, 17: 200, 18: 182}
MN_FLOORS = {16: (0.74, 0.94), 17: (0.82, 0.96), 18: (0.69, 0.77)}


@pytest.mark.parametrize("labelling_round", sorted(MN_FLOORS))
def test_second_archive_rounds_stay_above_their_floors(topic: Topic, labelling_round: int) -> None:
    if not MN_HEADLINES.exists():
        pytest.skip(
            "bench/data/relevance_headlines_mn.jsonl not built (bench/build_relevance_mn.py --mirror DIR)"
        )
    lines = MN_HEADLINES.read_text(encoding="utf-8").splitlines()
    items = [item for item in map(json.loads, filter(None, lines)) if item["round"] == labelling_round]
    assert len(items) == MN_ITEMS[labelling_round]
    precision, recall = _precision_recall(topic, items)
    floor_precision, floor_recall = MN_FLOORS[labelling_round]
    assert precision >= floor_precision, f"round {labelling_round} precision {precision:.3f}"
    assert recall >= floor_recall, f"round {labelling_round} recall {recall:.3f}"


def _news_extra() -> list[dict[str, object]]:
    return [json.loads(line) for line in NEWS_EXTRA.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_fresh_news_set_is_labelled_apart_with_a_fixed_holdout() -> None:
    items = _news_extra()
    assert len(items) >= 200
    ids = {item["id"] for item in items}
    assert len(ids) == len(items)
    assert not ids & {item["id"] for item in _news()}  # no item of the first set again
    assert {str(item["kind"]) for item in items} == {"enforcement", "immigration", "trap", "irrelevant"}
    for item in items:
        assert item["label"] == (1 if item["kind"] == "enforcement" else 0)
        digest = int(hashlib.sha256(str(item["id"]).encode()).hexdigest(), 16)
        assert item["split"] == ("holdout" if digest % 3 == 0 else "dev")
    labelled = [
        line for line in NEWS_EXTRA_LABELS.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    ]
    assert len(labelled) == len(items) + sum(line.split("\t")[1] == "X" for line in labelled)


def test_headline_labels_carry_ids_codes_and_notes_only() -> None:
    rows = [
        line.split("\t")
        for line in HEADLINE_LABELS.read_text(encoding="utf-8").splitlines()
        if line and line[0] != "#"
    ]
    assert len(rows) >= 300
    assert len({row[0] for row in rows}) == len(rows)
    for identifier, code, note in rows:
        assert len(identifier) == len("gn-") + 12 and identifier.startswith("gn-")
        assert code in {"E", "I", "T", "N", "X"} and note
    assert sum(code == "E" for _, code, _ in rows) >= 60


def test_second_archive_labels_carry_ids_codes_and_notes_only() -> None:
    rows = [
        line.split("\t")
        for line in MN_HEADLINE_LABELS.read_text(encoding="utf-8").splitlines()
        if line and line[0] != "#"
    ]
    assert len(rows) == 214 + 237 + 209  # every headline of rounds 16 to 18, labelled or left out
    assert len({row[0] for row in rows}) == len(rows)
    for identifier, code, note in rows:
        assert len(identifier) == len("mn-") + 12 and identifier.startswith("mn-")
        assert code in {"E", "I", "T", "N", "X"} and note
    codes = [code for _, code, _ in rows]
    assert sum(code != "X" for code in codes) >= 150 and codes.count("E") >= 30


# Measured floors on the fresh HuffPost set; they may only go up. Its holdout has only 3
# enforcement stories (see README, "Relevance").
NEWS_EXTRA_FLOORS = {"dev": (1.0, 1.0), "holdout": (1.0, 1.0)}


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_fresh_news_set_stays_above_its_floors(topic: Topic, split: str) -> None:
    items = [item for item in _news_extra() if item["split"] == split]
    precision, recall = _precision_recall(topic, items)
    floor_precision, floor_recall = NEWS_EXTRA_FLOORS[split]
    assert precision >= floor_precision, f"{split} precision {precision:.3f}"
    assert recall >= floor_recall, f"{split} recall {recall:.3f}"


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_immigration_stories_without_enforcement_are_rarely_flagged(topic: Topic, split: str) -> None:
    items = [item for item in _news() if item["split"] == split and item["kind"] == "immigration"]
    flagged = [item["title"] for item in items if topic.score(str(item["title"]), str(item["lead"])).relevant]
    assert len(flagged) <= 0.02 * len(items), flagged


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
