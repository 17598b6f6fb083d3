"""Facts: agencies, actions, places, counts of people and the event date, with their traps."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from crawler.topic.facts import Facts, PeopleCount, extract_facts
from tests.support.corpus import SHARED, corpus_absent
from tests.support.dates import ago, ahead

FRIDAY = datetime(2019, 8, 9, 18, 30, tzinfo=UTC)  # the Mississippi story ran on a Friday

# The Mississippi raids story told again in our own words (page furniture included).
PARAPHRASE_TITLE = "White House wants more workplace raids after Mississippi operation"
PARAPHRASE_TEXT = (
    "News\n\nActions\n\nPosted\n\n"
    "Officials told Immigration and Customs Enforcement to plan more workplace operations this year.\n\n"
    "In Wednesday's raids at seven food processing plants in six Mississippi towns, agents detained at "
    "least 680 undocumented workers. More than 300 of them had been released by Thursday, an ICE "
    "spokesman said.\n\n"
    "The U.S. attorney for the Southern District of Mississippi called it the largest single-state "
    "enforcement operation in the country's history. New Mexico refused an ICE request for state "
    "employment data, and lawmakers in Texas opened an inquiry."
)


def counts(signals: Facts) -> list[tuple[int, str | None, str]]:
    return [(c.number, c.qualifier, c.outcome) for c in signals.counts]


# ---- the example story -----------------------------------------------------------------------


def test_paraphrased_mississippi_story_yields_its_facts() -> None:
    signals = extract_facts(PARAPHRASE_TITLE, PARAPHRASE_TEXT, FRIDAY)
    assert signals.agencies[0] == "ICE"
    assert "DOJ" in signals.agencies  # the U.S. attorney
    assert {"raid", "detention"} <= set(signals.actions)
    assert signals.states[0] == "MS"
    assert set(signals.states) == {"MS", "NM", "TX"}
    assert counts(signals) == [(680, "at least", "detained"), (300, "more than", "released")]
    assert signals.event_date == date(2019, 8, 7)  # "Wednesday's raids", told on Friday


@pytest.mark.corpus
def test_mississippi_example_story_yields_its_facts() -> None:
    path = SHARED / "corpus" / "examples" / "workplace-raids-mississippi.txt"
    if not path.exists():
        corpus_absent(path)
    signals = extract_facts("", path.read_text(encoding="utf-8"), FRIDAY)
    assert "ICE" in signals.agencies
    assert {"raid", "detention"} <= set(signals.actions)
    assert signals.states[0] == "MS"
    assert (680, "at least", "detained") in counts(signals)
    assert (300, "more than", "released") in counts(signals)
    assert signals.event_date == date(2019, 8, 7)
    assert signals.cities == []  # "six Mississippi cities" names none


def test_signals_serialize_to_json() -> None:
    data = extract_facts(PARAPHRASE_TITLE, PARAPHRASE_TEXT, FRIDAY).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["event_date"] == "2019-08-07"
    assert data["counts"][0] == {
        "number": 680,
        "qualifier": "at least",
        "outcome": "detained",
        "phrase": "detained at least 680 undocumented workers",
        "evidence": (
            "In Wednesday's raids at seven food processing plants in six Mississippi towns, agents "
            "detained at least 680 undocumented workers."
        ),
        "span": [206, 248],
    }
    assert set(data) == {"agencies", "actions", "states", "cities", "counts", "event_date", "evidence"}
    assert data["evidence"]["event_date"]["2019-08-07"]["evidence"].startswith("In Wednesday's raids")
    agency_at = PARAPHRASE_TEXT.index("Immigration and Customs Enforcement")
    assert data["evidence"]["agencies"]["ICE"] == {
        "evidence": (
            "Officials told Immigration and Customs Enforcement to plan more workplace operations this year."
        ),
        "span": [agency_at, agency_at + len("Immigration and Customs Enforcement")],
    }
    assert data["evidence"]["states"]["MS"]["span"] is None  # first named in the title


def test_empty_article_has_no_signals() -> None:
    assert extract_facts("", "", None) == Facts([], [], [], [], [], None)


# ---- agencies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("Immigration and Customs Enforcement said", "ICE"),
        ("ICE officers arrived", "ICE"),
        ("Enforcement and Removal Operations officers", "ERO"),
        ("the ERO field office in Atlanta", "ERO"),
        ("Homeland Security Investigations agents", "HSI"),
        ("an HSI probe", "HSI"),
        ("U.S. Customs and Border Protection data", "CBP"),
        ("CBP officers at the port", "CBP"),
        ("Border Patrol agents", "Border Patrol"),
        ("agentes de la Patrulla Fronteriza", "Border Patrol"),
        ("U.S. Citizenship and Immigration Services", "USCIS"),
        ("the Department of Homeland Security said", "DHS"),
        ("the Justice Department sued", "DOJ"),
        ("U.S. Attorney Mike Hurst", "DOJ"),
        ("officers under a 287(g) agreement", "local police"),
        ("Houston police officers", "local police"),
        ("the Hennepin County Sheriff's Office", "sheriff"),
        ("state troopers", "state police"),
        ("FBI agents", "FBI"),
        ("the Immigration and Naturalization Service", "INS"),
        ("National Guard troops", "National Guard"),
        ("Attorney General John Ashcroft announced the rule", "DOJ"),
        ("a Customs and Border Patrol office", "CBP"),  # CBP misnamed, not the Border Patrol
    ],
)
def test_each_agency_is_named(text: str, agency: str) -> None:
    assert extract_facts("", text, None).agencies == [agency]


@pytest.mark.parametrize(
    "text",
    [
        "The ICE train to Munich was late; Deutsche Bahn apologized.",
        "Dealers still sell ICE cars alongside electric vehicles.",
        "Ice Cube and Vanilla Ice played; the ice on the lake was thin.",
        "Intercontinental Exchange (ICE) shares rose.",
    ],
)
def test_ice_that_is_not_the_agency_is_not_named(text: str) -> None:
    assert "ICE" not in extract_facts("", text, None).agencies


def test_an_agency_building_as_the_place_of_a_protest_is_not_the_agency() -> None:
    text = "Forty activists picketed in front of the Department of Homeland Security headquarters."
    assert extract_facts("", text, None).agencies == []
    acting = text + " The Department of Homeland Security said it would not comment."
    assert extract_facts("", acting, None).agencies == ["DHS"]
    assert extract_facts("", "Vigils were held, with a march to the local INS offices.", None).agencies == []


@pytest.mark.parametrize(
    "text",
    [
        "Minnesota Attorney General Keith Ellison sued.",
        "Attorney General Keith Ellison, with the mayors, filed a federal lawsuit.",  # a state's, unnamed
        "Police surveillance of immigrants will undoubtedly increase with the new police powers.",
        "Agents outnumber the combined police forces of the two cities.",
        "The party of the counselor in charge of justice and the police dictates the policy.",
        "The United States Border Patrol Auxiliary, a vigilante group, called off its action.",
        "A former cop who left his country, he now drives a truck.",
        "Detainers are requests for local law enforcement to hold people beyond their release.",
        "He turned down offers to work with gangs inside El Salvador's corrupt police force.",
        "He had fled threats from Mexican police years ago.",
        "The agents sidestepped an ordinance that restricts city police from cooperating with agents.",
        "Immigrant communities may avoid reporting crimes or cooperating with police.",
        "She was convicted of the 1973 murder of a New Jersey state trooper.",
        "The commissioner said the government should consider deputizing vigilantes to police the border.",
        "The murderer could be a member of one of the self-styled border patrol groups.",
        "Background: Recently commended by Hopkins Police Department for snowstorm assistance.",
        'Governor Walz: Told ICE to "stay away" from Minnesota schools.',
        "Background: Joined ICE 2015. Iraq veteran (Indiana National Guard). Border Patrol agent since 2007.",
        "He refused, saying they would need to call police for identification.",
        "Minneapolis has revised its police policies to include a duty to render aid.",
        "The country is becoming one where the military does police work in cities.",
        "Agents approached parents at the school, pretending to be local police.",
        "The officers banged on the door, identifying themselves as the police.",
        "The agents at her door were claiming to be police.",
    ],
)
def test_agencies_named_but_not_acting_are_not_agencies(text: str) -> None:
    assert extract_facts("", text, None).agencies == []


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        # the noun, not the verb of "to police the border"
        ("He reported the theft to police the next day.", "local police"),
        ("Three Homeland Security agents abducted him in front of the restaurant.", "DHS"),
        ("The Border Patrol agents stopped the van.", "Border Patrol"),
        ("Minneapolis Police confirmed he was a lawful gun owner.", "local police"),
    ],
)
def test_agencies_acting_are_found(text: str, agency: str) -> None:
    assert extract_facts("", text, None).agencies == [agency]


def test_all_caps_headline_is_not_read_for_acronyms() -> None:
    assert extract_facts("ICE STORM HITS TEXAS OVERNIGHT", "", None).agencies == []


def test_agencies_are_listed_in_order_of_first_mention_title_first() -> None:
    signals = extract_facts("Border Patrol finds migrants", "ICE took custody. CBP said so.", None)
    assert signals.agencies == ["Border Patrol", "ICE", "CBP"]


# ---- actions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("Agents raided a meatpacking plant.", "raid"),
        ("Una redada en la planta.", "raid"),
        ("Officers arrested a father of four.", "arrest"),
        ("Agents apprehended migrants near Yuma.", "arrest"),
        ("He has been held in immigration detention since May.", "detention"),
        ("Fue detenido en su casa.", "detention"),
        ("She was deported to Honduras.", "deportation"),
        ("He faces removal proceedings.", "deportation"),
        ("Employers received I-9 audits.", "audit"),
        ("Agents stopped the van at a checkpoint near Laredo.", "checkpoint"),
        ("A federal judge ruled the policy unlawful.", "court ruling"),
        ("The court issued an injunction.", "court ruling"),
        ("Federal immigration and FBI agents raided the family's home.", "raid"),
        ("Homeland Security held him under special provisions.", "detention"),
        ("The family was held for three months in a former prison.", "detention"),
        ("Two No More Deaths volunteers were arrested by the Border Patrol.", "arrest"),
        ("Activists protested the federal government's roundup of hundreds of men.", "arrest"),
        ("In May, the Supreme Court let stand a case allowing secret hearings.", "court ruling"),
    ],
)
def test_each_action_is_found(text: str, action: str) -> None:
    assert action in extract_facts("", text, None).actions


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("The guild finished the raid and beat the final boss in the game.", "raid"),
        ("Israeli troops raided a hospital.", "raid"),
        ("A runner went into cardiac arrest.", "arrest"),
        ("Students serve after-school detention.", "detention"),
        ("Snow removal costs rose.", "deportation"),
        ("The tax audit found nothing.", "audit"),
        ("Police set up DUI checkpoints.", "checkpoint"),
        ("The ruling party won the election.", "court ruling"),
        ("The deportation of Jews in 1944 was remembered.", "deportation"),
        ("Our weekly roundup of the news follows.", "arrest"),
    ],
)
def test_action_words_in_other_senses_are_not_actions(text: str, action: str) -> None:
    assert action not in extract_facts("", text, None).actions


# ---- states ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Sen. Dick Durbin (D-Ill.) condemned the raids in Texas.", ["TX"]),
        ("A Missouri Democrat criticized the arrests in Kansas.", ["KS"]),
        ("ICE spokeswoman Virginia Kice said agents detained 12 people in Georgia.", ["GA"]),
        ("The raid was first reported by the New York Times; agents detained workers in Ohio.", ["OH"]),
        ("The deportations followed Trump v. Hawaii and a ruling at the University of California.", []),
        ("Agents detained 21 workers in Tar Heel, N.C., and two in Suffolk County, Mass.", ["NC", "MA"]),
        ("Protesters marched in D.C. against the raids.", ["DC"]),
        ("ICE raids across the Carolinas alarmed farmworkers.", ["NC", "SC"]),
        ("ICE agents raided stores in Chicago, Atlanta, Dallas and Houston.", ["TX", "IL", "GA"]),
        ("Migrants were held at an El Paso facility after the raid.", ["TX"]),
        ("SEATTLE--Agents finally deported a former university employee.", ["WA"]),
        ("Agents used tear gas outside a Minneapolis preschool.", ["MN"]),
        ("At 6 a.m., agents raided the family's Seattle home.", ["WA"]),
        ("WASHINGTON--About 5,000 people marched for a halt to deportations.", ["DC"]),
        ("The tribe says ICE is holding tribal members from Minneapolis raids.", ["MN"]),
    ],
)
def test_states_are_where_the_events_are(text: str, states: list[str]) -> None:
    assert extract_facts("", text, None).states == states


def test_states_come_as_usps_codes_most_mentioned_first() -> None:
    text = (
        "Texas and Arizona sent troops to the border. Texas officials said Texas would pay. Arizona agreed."
    )
    assert extract_facts("", text, None).states == ["TX", "AZ"]


def test_new_mexico_is_not_mexico() -> None:
    assert extract_facts("", "Migrants returned to Mexico from New Mexico.", None).states == ["NM"]


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Washington announced new sanctions.", []),  # the federal government
        ("The Washington Post reported it.", []),
        ("Officials in Washington state objected to the raids.", ["WA"]),
        ("The state of Washington sued.", ["WA"]),
        ("Rallies in Washington, D.C., drew thousands.", ["DC"]),
    ],
)
def test_washington_is_a_state_only_when_the_text_says_so(text: str, states: list[str]) -> None:
    assert extract_facts("", text, None).states == states


def test_georgia_the_country_is_not_the_state() -> None:
    country = "Georgia's prime minister spoke in Tbilisi. Georgia wants to join the EU."
    assert extract_facts("", country, None).states == []
    state = "Farmworkers were detained in Georgia onion fields."
    assert extract_facts("", state, None).states == ["GA"]


@pytest.mark.parametrize(
    "text",
    [
        "Indiana Jones and Virginia Woolf walked into a bar.",
        "Hannah Montana and Joe Montana.",
        "Raids in Kansas City drew protests.",  # the city, not the state of Kansas
    ],
)
def test_state_names_inside_other_names_are_not_states(text: str) -> None:
    assert extract_facts("", text, None).states == []


@pytest.mark.parametrize(
    ("text", "states"),
    [
        (
            "Agents detained him in Ohio. For updates, call the committee at 401-525-1957 in Rhode Island.",
            ["OH"],
        ),
        ("Agents detained him in Ohio. Write to Box 31642, Seattle, WA 98103.", ["OH"]),
        ("ICE raids go on in Ohio.\nJohn Green, Davis, Calif.", ["OH"]),
        ("Irma Escoto, a U.S. citizen born in New Mexico, was detained in Ohio.", ["OH"]),
        ("ICE agents arrested 40 in Iowa, just as in New Orleans last year.", ["IA"]),
        (
            "Workers were detained in Ohio; some states--including Florida and Kansas--fine injured workers.",
            ["OH"],
        ),
        (
            "After the September 11 attacks in New York and Washington, D.C., ICE detained Arabs in Ohio.",
            ["OH"],
        ),
        ("He was detained by the University of South Florida police in Ohio.", ["OH"]),
        ("ICE detained 40 in Ohio. Activists are organizing rallies in New York and Chicago.", ["OH"]),
        ("ICE detained 40 in Ohio, while groups kept lobbying in Washington, D.C.", ["OH"]),
        ("He was moved to El Paso Camp East Montana, the detention camp.", []),
        ("He was detained while on his lunch break in the Cedar-Riverside neighborhood.", []),
        ("Sen. Maria Lopez of New York praised the raids in Ohio.", ["OH"]),
        ("He has lived for three years in New Jersey; agents detained him in Ohio.", ["OH"]),
        ("Agents in Ohio detained a New York-area activist.", ["OH"]),
        ("At a candidates' debate in South Carolina, he praised the raids in Ohio.", ["OH"]),
        ("Activists from Ohio joined the rally against raids in Iowa.", ["IA"]),
        ("ICE detained 40 in Ohio. Unions are calling for a general strike in Texas.", ["OH"]),
        ("Agents raided a plant in Iowa; supporters came from Los Angeles to Texas.", ["IA"]),
        (
            "ICE raided a plant in Iowa, recalling the case of Chicago immigrant rights activist Ana Ruiz.",
            ["IA"],
        ),
    ],
)
def test_places_named_for_another_reason_are_not_states(text: str, states: list[str]) -> None:
    assert extract_facts("", text, None).states == states


def test_the_places_of_a_roundup_item_without_immigration_are_not_states() -> None:
    text = (
        "News and reports\n"
        "No to war\n"
        "--In Amherst, Mass., 20 activists picketed a congressman over the war in Iraq.\n"
        "Back to the top\n"
        "No more ICE raids\n"
        "FAIRFIELD, Ohio--Activists protested a raid by ICE at a poultry plant.\n"
        "Back to the top\n"
    )
    assert extract_facts("News and reports", text, None).states == ["OH"]


def test_title_case_headline_still_yields_its_state() -> None:
    assert extract_facts("Feds Raid Mississippi Poultry Plants", "", None).states == ["MS"]


# ---- cities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("Agents raided a plant in Canton, Miss., on Wednesday.", "Canton, MS"),
        ("Police in El Paso, Texas, said migrants crossed.", "El Paso, TX"),
        ("The ICE office in Houston, TX, opened.", "Houston, TX"),
        ("JACKSON, Miss. (AP) — Agents detained workers.", "Jackson, MS"),
        ("Agents arrested 40 people in Houston.", "Houston, TX"),
        ("The mayor of Chicago objected to the raids.", "Chicago, IL"),
        ("Dallas County deputies honored the detainer.", "Dallas, TX"),
        ("Raids in Paris, Texas, and Columbia, S.C.", "Paris, TX"),
    ],
)
def test_cities_are_found_with_their_state(text: str, city: str) -> None:
    signals = extract_facts("", text, None)
    assert city in signals.cities
    assert city[-2:] in signals.states


@pytest.mark.parametrize(
    "text",
    [
        "Arrests were reported in Paris and in Jordan.",  # bigger places abroad
        "The meeting in Columbia ran late.",  # four US Columbias, none dominant
        "ICE spokesman Bryan Cox said so, and U.S. Attorney Mike Hurst agreed.",  # people
        "The Dallas Cowboys and Austin Powers.",  # a team and a film
        "Charlotte told reporters she was afraid.",  # a first name
        "Migrants in Guatemala City waited.",  # not a US city
        "Protests in Odessa continued.",  # Odesa, Ukraine
    ],
)
def test_city_names_that_may_mean_something_else_are_not_cities(text: str) -> None:
    assert extract_facts("", text, None).cities == []


# ---- counts of people -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At least 680 undocumented immigrants were detained.", (680, "at least", "detained")),
        ("More than 300 of them had been released by Thursday.", (300, "more than", "released")),
        ("The raids led to the detention of nearly 400 workers.", (400, "nearly", "detained")),
        ("Agents arrested 42 people.", (42, None, "arrested")),
        ("Border agents expelled more than 1,000 migrants.", (1000, "more than", "deported")),
        ("A flight carried 130 deportees.", (130, None, "deported")),
        ("Prosecutors charged 12 people with harboring.", (12, None, "charged")),
        ("About two dozen farmworkers were detained.", (24, "about", "detained")),
        ("ICE carried out 1,500 removals last week.", (1500, None, "deported")),
        ("Of those, 12 were later released.", (12, None, "released")),
        ("Roughly 90 Guatemalans were deported.", (90, "about", "deported")),
        ("Unos 400 migrantes fueron detenidos.", (400, "about", "detained")),
        ("Agentes detuvieron a más de 100 trabajadores.", (100, "more than", "detained")),
        ("Llegaron 120 hondureños deportados.", (120, None, "deported")),
    ],
)
def test_counts_of_people_with_what_happened_to_them(
    text: str, expected: tuple[int, str | None, str]
) -> None:
    assert counts(extract_facts("", text, None)) == [expected]


def test_a_count_keeps_the_words_that_said_it() -> None:
    (count,) = extract_facts("", "Agents detained about 90 workers at the plant.", None).counts
    assert count == PeopleCount(90, "about", "detained", "detained about 90 workers")


def test_the_same_count_told_twice_is_listed_once() -> None:
    text = "Agents detained 680 workers. In all, 680 workers were detained. 300 were released."
    assert counts(extract_facts("", text, None)) == [(680, None, "detained"), (300, None, "released")]


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 workers were detained across the state.",  # a year
        "A 34-year-old man was arrested; he is 34 years old.",  # an age
        "The smuggler charged $8,000 per person.",  # money
        "About 15 percent of detainees were released.",  # a share
        "Under Title 42, expulsions rose; 287(g) agreements grew.",  # numbers that name things
        "Employers must keep I-9 forms for 300 employees.",  # no outcome
        "Agents raided seven plants in six cities.",  # not people
        "No one was arrested.",  # not a count
        "Agents seized 200 pounds of fentanyl.",  # not people
        "Hundreds of workers were detained.",  # no number
    ],
)
def test_numbers_that_are_not_counts_of_people_are_skipped(text: str) -> None:
    assert extract_facts("", text, None).counts == []


# ---- event date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("In Wednesday's raids, agents detained 40.", FRIDAY, date(2019, 8, 7)),
        ("Agents arrested 12 people on Friday.", FRIDAY, date(2019, 8, 9)),  # the same day
        ("Agents raided the plant yesterday.", FRIDAY, date(2019, 8, 8)),
        ("On Aug. 7, agents raided seven plants.", FRIDAY, date(2019, 8, 7)),
        ("The raids on August 7, 2019 were the largest.", None, date(2019, 8, 7)),
        ("La redada del miércoles dejó 40 detenidos.", FRIDAY, date(2019, 8, 7)),
        ("Fueron detenidos el 7 de agosto.", FRIDAY, date(2019, 8, 7)),
        ("The Dec. 30 raid was the last of the year.", datetime(2020, 1, 3), date(2019, 12, 30)),
        # a ruling read first is on the earlier arrest, which is the lead event
        (
            "Aug. 8 - A federal judge orders his release. Timeline: Aug. 2 - Agents arrested him at home.",
            FRIDAY,
            date(2019, 8, 2),
        ),
        ("Aug. 8 - A federal judge orders his release.", FRIDAY, date(2019, 8, 8)),
        ("On Aug. 7, authorities swooped into the airport with indictments.", FRIDAY, date(2019, 8, 7)),
        ("Two women were pepper sprayed by a federal agent on Monday afternoon.", FRIDAY, date(2019, 8, 5)),
        ("She wrote about the protest over the Aug. 6 ICE raid in Little Village.", FRIDAY, date(2019, 8, 6)),
        (
            "On Friday, July 26, they learned of the layoffs. On the following Monday they began to "
            "picket. The next day, ICE agents arrived.",
            FRIDAY,
            date(2019, 7, 30),
        ),
    ],
)
def test_event_date_is_the_date_of_the_action(text: str, published: datetime | None, expected: date) -> None:
    assert extract_facts("", text, published).event_date == expected


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Agents arrested 42 people, the agency said Monday.", FRIDAY),  # the statement's date
        ("Raids this week alarmed families.", FRIDAY),  # too vague
        ("Agents raided the plant on Wednesday.", None),  # which Wednesday?
        ("His deportation hearing is set for Dec. 12.", FRIDAY),  # in the future
        ("Trump spoke on Friday. Separately, agents had detained workers.", FRIDAY),  # another sentence
        ("The mayor spoke on Tuesday about parks.", FRIDAY),  # no action near it
        ("The arrest came three days after ICE agents shot a woman on Aug. 6.", FRIDAY),  # another event
        ("This standoff followed the detention of Gomez on Aug. 6.", FRIDAY),
        ("Aug. 8 - The city's director publicly condemns the detention.", FRIDAY),  # a statement's day
        ("He was first arrested on Aug. 6, 2017 for a traffic offence.", FRIDAY),  # history, not news
        ("The INS stepped up deportations following September 11.", datetime(2002, 9, 27, tzinfo=UTC)),
        ("Churches held press conferences around the U.S. Aug. 7 to oppose unjust deportation.", FRIDAY),
        ("KARE 11 (Aug 8, 2019): List of ICE raids in Minnesota on Thursday, Aug. 8", FRIDAY),
        ("Aug. 2 - Petition approved (5 days before detention).", FRIDAY),
        # the event word is in another clause's story, a dozen words away
        ("On Monday the mayor spoke at length about the city budget and then about the arrests.", FRIDAY),
        (
            'The owner posted: "ICE agents raided our store yesterday and took two cooks."',
            FRIDAY,
        ),  # whose day?
        (
            "Police chiefs held a joint press conference at the State Capitol on Aug. 8 about ICE stops.",
            FRIDAY,
        ),
        ("Aug. 8 - ABC News airs interview with the owner, a critic of ICE.", FRIDAY),
        ("Some 100 people gathered here Aug. 6 for a forum on recent raids.", FRIDAY),
        ("Organizers from the Aug. 6 Committee saw the rally as a stand against ICE.", FRIDAY),
        (
            "Summary\nAgents detained a man.\nContext\n"
            "One of several lockdowns, after an ICE arrest on Aug. 6 at a school.",
            FRIDAY,
        ),
        (
            "News and reports\nNo to war\n--On Aug. 6, police shot a man in Philadelphia.\nBack to the top\n"
            "No more ICE raids\nICE raided a plant.\nBack to the top\n",
            FRIDAY,
        ),
    ],
)
def test_dates_that_are_not_the_event_are_ignored(text: str, published: datetime | None) -> None:
    assert extract_facts("", text, published).event_date is None


def _written(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


@pytest.mark.parametrize("days_after", [1, 2, 30])
def test_an_event_date_after_publication_is_never_kept(days_after: int) -> None:
    published = ago(days=40)
    later = (published + timedelta(days=days_after)).date()
    text = f"Agents raided the plant on {_written(later)} and detained 40 workers."
    assert extract_facts("", text, published).event_date is None


def test_an_event_on_the_publication_day_is_kept() -> None:
    published = ago(days=40)
    text = f"Agents raided the plant on {_written(published.date())} and detained 40 workers."
    assert extract_facts("", text, published).event_date == published.date()


def test_without_a_publication_date_an_event_date_after_today_is_never_kept() -> None:
    tomorrow, last_week = ahead(days=1).date(), ago(days=7).date()

    def found(day: date) -> date | None:
        return extract_facts("", f"Agents raided the plant on {_written(day)}.", None).event_date

    assert found(tomorrow) is None
    assert found(last_week) == last_week


# ---- what is reported as happening -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The sheriff does not set up checkpoints on county roads.",
        "Reports of ICE checkpoints in the valley are false, the agency said.",
        "The council told officers not to arrest anyone for immigration status.",
        "If the bill passed, officers would cooperate in deportations.",
        "She was asking them to deport her along with her husband.",
        "Agents pointed guns at the couple and threatened to arrest them.",
        "The touch-back rule opens the door to instant deportations.",
        "The provision is surely a setup for quickie deportations.",
        "They have lived here for thousands of years, rendering deportation impossible and absurd.",
        "The march was organized by the coalition Deporten A La Migra.",
        "The bill would further criminalize the undocumented, extend militarization of the border, "
        "build new detention centers and create a guest-worker program.",
        "Pleaded guilty to a DWI in 2024; signed paperwork acknowledging deportation could result.",
        "Workers are reluctant to report unsafe conditions for fear of losing their jobs or--in the case "
        "of undocumented workers--being deported.",
    ],
)
def test_negated_hypothetical_and_requested_actions_do_not_count(text: str) -> None:
    assert extract_facts("", text, None).actions == []


def test_a_clause_after_a_modal_and_a_comma_still_reports_what_happened() -> None:
    text = "ICE said it would describe the whole operation in a statement, and on Monday agents arrested 12."
    assert extract_facts("", text, None).actions == ["arrest"]


@pytest.mark.parametrize(
    "text",
    [
        "The rally marched on, calling for a stop to the deportations of undocumented people.",
        "They built a movement to stop all deportations.",
        "The man sues to stop his deportation.",
    ],
)
def test_actions_wanted_ended_are_going_on(text: str) -> None:
    assert extract_facts("", text, None).actions == ["deportation"]


@pytest.mark.parametrize(
    "text",
    [
        "In her order, Judge Ana Diaz said the detention was unlawful.",
        "An appeals court ruled Friday, upholding the injunction.",
        "The judge moved to block the transfers.",
        "The court rejected his bid to stay the case.",
        "The court decided that the authorities had violated the convention.",
        "Federal courts have ruled that honoring detainers may violate the Fourth Amendment.",
        "A federal judge found him outright lying about the use of force.",
        "She faced the recent dismissal of her son's case in federal court.",
        "When the company was charged with providing false documentation, a judge threw out the case.",
    ],
)
def test_rulings_are_found_in_their_usual_phrasings(text: str) -> None:
    assert "court ruling" in extract_facts("", text, None).actions


@pytest.mark.parametrize(
    "text",
    [
        "A federal judge has not yet ruled on whether following agents is illegal.",
        "The judge had given the prosecution deadlines in order to produce documents.",
        "He was detained after the government's delay in ruling on his asylum claim.",
    ],
)
def test_what_is_not_a_court_ruling(text: str) -> None:
    assert "court ruling" not in extract_facts("", text, None).actions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Border agents recorded a record 1.1 million apprehensions last year.", (1_100_000, "arrested")),
        (
            "Agents swept through the county, detaining another 338 undocumented immigrants.",
            (338, "detained"),
        ),
        ("The border statistics, with 132,887 detained, set a record.", (132_887, "detained")),
        ("Agents separated 2,300 children from their parents.", (2_300, "separated")),
        ("As many as 700 people--most in southern California--were detained.", (700, "detained")),
        ("Officials admitted to arresting 200--although lawyers said more.", (200, "arrested")),
        ("Three hundred and sixty-one workers were captured in the sweep.", (361, "arrested")),
        ("Four dozen workers from Mexico, Honduras and El Salvador were arrested.", (48, "arrested")),
        ("At least 100 of 1,700 plant workers in his union were detained.", (100, "detained")),
        ("DHS named more than 1,360 criminal aliens in Minnesota's custody.", (1_360, "detained")),
        ("Only 19 of the 107 people arrested had criminal records.", (107, "arrested")),
        ("Activists said 30 to 40 detainees were held there.", (30, "detained")),
        ("Five or six people were detained outside the store.", (5, "detained")),
        ("Deportations have since risen to 200,000 in 2005, the department said.", (200_000, "deported")),
        ("Arrests of fugitives have been occurring at a pace of some 675 per week.", (675, "arrested")),
        ("She was swept up along with 48 other immigrant workers.", (48, "arrested")),
        (
            "Some 13,000 workers at Swift and Co. plants in five states were detained by ICE.",
            (13_000, "detained"),
        ),
        ("The three Hamouis were finally released at the end of 2002.", (3, "released")),
        ("Some 300 people at a rally where two were arrested marched on.", (2, "arrested")),
        (
            "More than 250 immigrants--mostly cleaners for Wal-Mart contractors--had been arrested.",
            (250, "arrested"),
        ),
        ("Of the more than 1,000 September 11 detainees, none was charged.", (1_000, "detained")),
        ("Two No More Deaths volunteers were arrested near the border.", (2, "arrested")),
        (
            'DHS blamed the policies for the release of "nearly 470 criminal aliens" onto the streets.',
            (470, "released"),
        ),
        (
            "Under the initiative some 300,000 people facing deportation orders were rounded up.",
            (300_000, "arrested"),
        ),
        (
            "Two students in the Hopkins school district detained with their parents on Monday",
            (2, "detained"),
        ),
        (
            "Children detained in the Twin Cities:\nFour students in the school district detained by agents",
            (4, "detained"),
        ),
        ("Nearly 50 people \u2014 many of them longtime residents \u2014 were arrested.", (50, "arrested")),
        ("At least 12 people, who were later released, spoke to reporters.", (12, "released")),
        ("Eleven men were taken into ICE custody.", (11, "detained")),
        ("Agents took at least 40 people into custody.", (40, "detained")),
        ("There are now 61,000 people in ICE detention.", (61_000, "detained")),
        ("The number of people deported rose to 400,000 in 2013.", (400_000, "deported")),
        ("Among those detained were 12 children.", (12, "detained")),
        ("Two U.S. citizens were among those detained.", (2, "detained")),
        ("Others detained: At least 3 additional people", (3, "detained")),
        ("Agents swooped in with indictments against 110 workers.", (110, "charged")),
        ("ICE detains 12 in Houston", (12, "detained")),
        ("Border agents apprehended just 8,347 migrants in March.", (8_347, "arrested")),
        ("Agents made 1,200 immigration-related arrests.", (1_200, "arrested")),
        ("ICE agents were jailing 40 people a day.", (40, "detained")),
        ("Agents detained 3 Tuesday near the mall.", (3, "detained")),
        ("ICE has deported 2.5 million people.", (2_500_000, "deported")),
        ("At least eight clergy (all in Chicago) have also been arrested while protesting.", (8, "arrested")),
    ],
)
def test_counts_in_the_forms_news_writes_them(text: str, expected: tuple[int, str]) -> None:
    assert [(c.number, c.outcome) for c in extract_facts("", text, None).counts] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Some 1,300 people held a silent march through Danbury.",
        "Lawmakers asked about the three deaths of detained children.",
        "The agency set a goal of deporting 75,000 immigrants by the end of the year.",
        "The judge issued an order barring ICE from deporting 110 workers.",
        "KARE 11 reported that several employees were taken into custody.",
        "The government was planning a mass deportation of as many as 100 men.",
        "Of the September 11 detainees, none was charged.",
        "Trump vowed to deport 11 million immigrants.",
        "A judge ordered ICE to halt the deportation of 110 workers.",
        "Twenty people took part in the march.",
        "Lights are left on from 6 a.m. to Midnight. Detainees are allowed outside twice a day.",
        "Bryam Escobar Martinez, a father of two from Hopkins, was detained by ICE.",
        "The 660 prisoners--most of whom were captured in Afghanistan--could be held without charges.",
        "A press conference was held in the same 7-11 parking lot where immigrant workers were arrested.",
        "Agents raided the facility at 830 N. Hampden Ave. Workers were detained inside the facility.",
    ],
)
def test_numbers_that_are_not_counts_of_people_affected(text: str) -> None:
    assert extract_facts("", text, None).counts == []


def test_the_minutes_of_a_clock_time_are_not_a_count() -> None:
    line = "~20:30 - Three people (the owners and a dishwasher) are detained"
    counts = extract_facts("", line, None).counts
    assert 30 not in {count.number for count in counts}


@pytest.mark.parametrize(
    ("text", "days_before_publication"),
    [
        ("By Ana Ruiz | March 2, 2007 | Page 2\nICE agents raided a plant on Tuesday.", None),
        ("A federal judge ruled on Thursday that the detentions were unlawful.", 1),
        ("Raids will start this Sunday, officials said, after agents arrested 12 on Monday.", 4),
        ("On Jan. 7 the sentencing was held. The next morning, agents raided the family's home.", None),
    ],
)
def test_event_dates_count_from_publication_in_the_tense_of_the_sentence(
    text: str, days_before_publication: int | None
) -> None:
    published = FRIDAY  # a Friday
    found = extract_facts("", text, published).event_date
    if days_before_publication is None:
        assert found is None or found not in (date(2007, 3, 2), published.date())
    else:
        assert found == published.date() - timedelta(days=days_before_publication)
