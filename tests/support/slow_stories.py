"""Thirty distinct enforcement stories, and pages that answer slowly: for the tests that kill
cycles mid-way or run several at once, so that requests are in flight when it matters."""

from __future__ import annotations

import threading
from datetime import timedelta

from crawler.core.urls import canonical_url
from tests.support.dates import ago
from tests.support.mockserver import Behaviour, Page
from tests.support.pages import Story
from tests.support.waiting import wait_for

STORIES_PUBLISHED = ago(days=60)  # thirty stories an hour apart, two months back

# (slug, title, lead, detail): thirty different stories, so no two texts share a content hash.
_STORY_TEXTS = [
    (
        "ice-poultry-plant",
        "ICE agents detain 84 workers at Mississippi poultry plant",
        "Immigration and Customs Enforcement agents detained 84 workers on Tuesday at a poultry processing "
        "plant in Forest, Mississippi, in what the agency called a targeted worksite enforcement operation.",
        "Church volunteers in Scott County opened a gymnasium for children whose parents did not come home,"
        " and a local school district sent buses to collect students from the plant's day care.",
    ),
    (
        "border-patrol-checkpoint",
        "Border Patrol expands interior checkpoint hours near Laredo",
        "The Border Patrol said it would keep its Interstate 35 checkpoint north of Laredo open around the "
        "clock, citing an increase in smuggling attempts detected by agents during the spring.",
        "Truck drivers told the Laredo Morning Times that waits at the checkpoint now reach two hours on "
        "weekday afternoons, and a trade group asked Customs and Border Protection for a dedicated "
        "commercial lane.",
    ),
    (
        "287g-sheriff-agreement",
        "County sheriff signs 287(g) agreement despite protests",
        "The Gwinnett County sheriff signed a 287(g) agreement with federal immigration authorities on "
        "Monday, allowing jailers to question inmates about their status and hold them for transfer to ICE.",
        "More than two hundred residents packed the commission chamber to oppose the deal, and a coalition "
        "of pastors said it would start a rapid response hotline for families of people booked into the "
        "jail.",
    ),
    (
        "everify-audit-farms",
        "E-Verify audits hit Central Valley dairy farms",
        "Federal auditors notified at least eleven dairy farms in Tulare County that their hiring records "
        "would be reviewed under E-Verify rules, according to a farm bureau letter obtained by reporters.",
        "Dairy owners said losing experienced milkers during an audit could force them to sell herds, while"
        " labor organizers urged workers not to sign any document they could not read in Spanish.",
    ),
    (
        "detention-center-deaths",
        "Inspector general faults medical care at Georgia detention center",
        "A report from the Homeland Security inspector general found that detainees at the Stewart "
        "Detention Center waited weeks for medical appointments and that nurses falsified some sick call "
        "logs.",
        "The private operator that runs the facility disputed several findings, and two members of Congress"
        " asked ICE to suspend new transfers to Lumpkin until an independent physician reviews every file.",
    ),
    (
        "court-blocks-expedited-removal",
        "Federal judge blocks expansion of expedited removal",
        "A federal judge in Washington blocked the administration from applying expedited removal to "
        "immigrants arrested anywhere in the country who cannot prove two years of continuous presence.",
        "The ruling said the policy denied people a meaningful chance to contest deportation before an "
        "immigration judge, and government lawyers said they would seek an emergency stay from the appeals "
        "court.",
    ),
    (
        "courthouse-arrests-denver",
        "Plainclothes agents arrest immigrants outside Denver courthouse",
        "Plainclothes ICE officers arrested three men outside the Lindsey-Flanigan courthouse in Denver "
        "after their traffic cases were heard, according to public defenders who witnessed the arrests.",
        "Colorado law bars civil immigration arrests at courthouses, and the state attorney general said "
        "his office was reviewing video of the encounters to decide whether to bring a lawsuit.",
    ),
    (
        "deportation-flight-guatemala",
        "Charter flights return 260 Guatemalans in a single week",
        "Four charter flights operated for ICE landed in Guatemala City this week carrying 260 deportees, "
        "the Guatemalan Migration Institute said, the highest weekly total since the start of the year.",
        "Officials at the La Aurora air force base reception center said many of those returned had lived "
        "in the United States for more than a decade and arrived without identity documents or phone "
        "numbers.",
    ),
    (
        "meatpacking-raid-nebraska",
        "Workplace raid at Nebraska meatpacking plant leaves town reeling",
        "Agents from Homeland Security Investigations executed search warrants at a beef plant in "
        "Lexington, Nebraska, and detained 97 workers accused of using stolen identities to get hired.",
        "The mayor said Lexington's Guatemalan and Somali communities were both shaken, and the plant "
        "halted its second shift while managers tried to figure out who could still report for work.",
    ),
    (
        "asylum-seekers-bus-chicago",
        "Chicago shelters brace as Texas resumes asylum seeker buses",
        "Chicago officials said five buses carrying asylum seekers from Texas arrived at Union Station "
        "overnight, the first since the governor announced that Operation Lone Star transports would start "
        "again.",
        "Volunteers handed out winter coats at the station, and a city spokesperson said the shelter system"
        " had room for about four hundred more people before it would need to reopen the park district "
        "sites.",
    ),
    (
        "tps-venezuela-ruling",
        "Appeals court lets termination of Venezuelan TPS proceed",
        "A federal appeals court allowed the government to end Temporary Protected Status for about 350,000"
        " Venezuelans, lifting an order that had kept their work permits valid during the litigation.",
        "Immigration lawyers in Doral said their phones had not stopped ringing, and employers asked "
        "whether they were now required to dismiss workers whose permits had been extended by the earlier "
        "ruling.",
    ),
    (
        "ice-detainer-jail-oregon",
        "Oregon jail released man despite ICE detainer, agency says",
        "ICE said the Multnomah County jail released a man wanted for removal without honoring a detainer, "
        "and the agency publicly named him in a statement criticizing the county's sanctuary ordinance.",
        "County officials replied that a detainer is a request, not a warrant signed by a judge, and that "
        "Oregon's sanctuary law forbids local staff from holding anyone past a release date for civil "
        "reasons.",
    ),
    (
        "family-detention-dilley",
        "Families held longer at Dilley as family detention returns",
        "Lawyers with the RAICES legal team said families at the South Texas Family Residential Center in "
        "Dilley are now being held for more than a month, well beyond the limit of the Flores settlement.",
        "A pediatrician who toured the facility described toddlers losing weight and parents who had not "
        "been told when they would see an asylum officer, and the monitor overseeing the settlement asked "
        "for records.",
    ),
    (
        "port-of-entry-wait",
        "Customs officers at San Ysidro adopt facial comparison for all travelers",
        "Customs and Border Protection began photographing every traveler crossing northbound at San Ysidro"
        " and comparing the images with passport and visa photos stored in federal databases.",
        "Privacy advocates said citizens can opt out but few know it, and daily commuters from Tijuana "
        "reported that the new cameras did at least shorten lines at the pedestrian crossing on weekday "
        "mornings.",
    ),
    (
        "construction-site-raid-florida",
        "Raid at Tallahassee construction site detains more than 100",
        "Federal and state officers surrounded a college dormitory construction site in Tallahassee and "
        "detained more than one hundred workers, some of whom fled into nearby woods before being caught.",
        "Florida's highway patrol and the state guard took part under a new state law, and the general "
        "contractor said it had verified every worker through E-Verify before the project began.",
    ),
    (
        "unaccompanied-minors-shelter",
        "Children wait months in shelters as sponsors fear arrests",
        "Children who crossed the border alone are spending an average of 112 days in federal shelters, up "
        "from 30 days last year, because relatives are afraid that coming forward as sponsors will expose "
        "them.",
        "Case managers said new fingerprinting rules for every adult in a sponsor's household had stalled "
        "releases, and a shelter in Brownsville has begun turning away new referrals for lack of beds.",
    ),
    (
        "immigration-court-backlog",
        "Immigration court backlog passes 3.7 million cases",
        "The number of cases pending before the nation's immigration courts passed 3.7 million, according "
        "to data compiled by the TRAC project at Syracuse University, while the judge corps shrank.",
        "Dozens of immigration judges were dismissed or took buyouts this year, and people with hearings in"
        " Houston are now receiving notices for dates in 2029 and beyond.",
    ),
    (
        "national-guard-border",
        "National Guard troops assigned to new military zone along the border",
        "The Pentagon assigned National Guard troops to patrol a newly designated military zone along a "
        "stretch of the New Mexico border, where migrants can be charged with trespassing on a military "
        "installation.",
        "Federal defenders in Las Cruces said the first trespass cases raised novel questions, and a "
        "magistrate judge dismissed several because the signs marking the zone were not visible from the "
        "river.",
    ),
    (
        "raid-rumors-schools",
        "Attendance drops in Charlotte schools after raid rumors spread",
        "Attendance at several Charlotte-Mecklenburg schools fell by a third on Thursday after social media"
        " posts warned of immigration raids at bus stops, rumors that ICE later called false.",
        "Principals sent recorded calls home in Spanish and Vietnamese, and the district reminded families "
        "that federal agents need a judicial warrant to enter a school building beyond its public lobby.",
    ),
    (
        "bond-hearings-denied",
        "Detainees lose access to bond hearings under new board decision",
        "The Board of Immigration Appeals ruled that people who entered without inspection are not eligible"
        " for bond hearings, a decision expected to keep tens of thousands more immigrants in detention.",
        "Attorneys in Tacoma said clients who had been granted bond last month were now told the hearings "
        "were void, and a class action challenging the ruling was filed within hours in federal court in "
        "Seattle.",
    ),
    (
        "farmworkers-checkpoint-california",
        "Border agents sweep Kern County farm roads in surprise operation",
        "Border Patrol agents from the El Centro sector stopped farmworkers on roads outside Bakersfield "
        "during a three-day operation, far from the agents' usual territory near the Mexican border.",
        "Growers said crews did not show up to pick citrus for days afterward, and the United Farm Workers "
        "filed suit arguing that agents stopped people based on their appearance without any suspicion.",
    ),
    (
        "sanctuary-funding-lawsuit",
        "Cities sue over threat to cut grants for sanctuary policies",
        "A coalition of sixteen cities and counties sued the Justice Department over a plan to withhold "
        "public safety grants from jurisdictions that limit cooperation with immigration enforcement.",
        "The suit, filed in San Francisco, says Congress never made the grants conditional on helping ICE, "
        "and it cites earlier rulings that struck down similar conditions during the previous "
        "administration.",
    ),
    (
        "guantanamo-transfers",
        "Migrants transferred to Guantanamo as detention space runs short",
        "The Defense Department confirmed that about 70 migrants awaiting deportation were flown to the "
        "naval base at Guantanamo Bay, where tents were set up in a former migrant operations center.",
        "Lawyers said they had no way to call their clients, and a federal judge ordered the government to "
        "explain within a week how detainees on the island could reach counsel before any removal.",
    ),
    (
        "visa-overstay-arrests",
        "Students arrested over visa status after campus protests",
        "Immigration officers arrested four international students at their off-campus apartments in "
        "Boston, saying their visas had been revoked by the State Department without any hearing.",
        "The university's president said she learned of the arrests from the news, and faculty members "
        "organized a vigil outside the federal building where the students were first taken.",
    ),
    (
        "alligator-detention-site",
        "State opens detention site in Everglades for immigration detainees",
        "Florida opened a temporary detention camp on an airstrip in the Everglades to hold people arrested"
        " by state officers working with ICE, with capacity for several thousand detainees in tents.",
        "Environmental groups and the Miccosukee Tribe sued to stop construction, and detainees' relatives "
        "said they waited outside the gate in the heat without being told who was inside.",
    ),
    (
        "registration-requirement",
        "New registration rule requires immigrants to carry proof at all times",
        "A federal rule now requires immigrants 14 and older who are not otherwise registered to file a "
        "form with Citizenship and Immigration Services and carry proof of registration at all times.",
        "Legal clinics in Atlanta warned that registering could expose people to removal proceedings, and "
        "several churches held information nights where lawyers answered questions one family at a time.",
    ),
    (
        "ice-hiring-surge",
        "ICE hiring surge brings thousands of new deportation officers",
        "ICE said it had hired more than six thousand new deportation officers in a year, cutting training "
        "at the Federal Law Enforcement Training Center in Glynco from sixteen weeks to eight.",
        "Former instructors warned that shorter training left new officers unprepared for arrests in homes "
        "and workplaces, and the union representing officers asked for more supervisors in the field.",
    ),
    (
        "hotel-detention-arizona",
        "Hotels near Phoenix used to hold families before deportation",
        "Families arrested in Arizona are being held for days in hotel rooms near Phoenix under contracts "
        "with a security firm, according to records released under the Freedom of Information Act.",
        "The records show guards posted outside each door and no access to phones for some families, and an"
        " advocate said hotel detention escapes the inspections that apply to licensed facilities.",
    ),
    (
        "mexico-receives-deportees",
        "Mexico sets up reception camps for deportees at border cities",
        "Mexico's government opened reception centers in Ciudad Juarez, Reynosa and Tijuana to receive "
        "Mexican citizens deported from the United States, offering meals, identity papers and bus fare.",
        "At the Juarez center, officials registered nearly nine hundred arrivals in the first week, many of"
        " whom said they had been detained at traffic stops after living for years in Texas and Colorado.",
    ),
    (
        "raid-car-wash-la",
        "Agents detain workers at Los Angeles car washes in sweeping operation",
        "Federal agents detained employees at five car washes across Los Angeles in a single morning, part "
        "of an operation the Department of Homeland Security said targeted employers of unauthorized "
        "workers.",
        "Owners said agents arrived without warrants naming specific people, and a coalition of car wash "
        "workers organized a fund to pay the rent of families whose breadwinners were taken to Adelanto.",
    ),
]


def _story(slug: str, title: str, lead: str, detail: str, number: int) -> Story:
    return Story(
        path=f"/crash/{slug}",
        title=title,
        paragraphs=(lead, detail),
        author="Staff Writer",
        published=STORIES_PUBLISHED + timedelta(hours=number),
    )


STORIES = [_story(*texts, number) for number, texts in enumerate(_STORY_TEXTS)]


class SlowPages:
    """Answers after a pause (the server's pace, not a test wait), so kills find requests in flight.

    Requests still being answered are counted: a request of a killed cycle is logged by the
    server when its answer goes out, after the kill, and a test that reads the request log must
    first wait until there are none.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.in_flight = 0
        self._lock = threading.Lock()

    def behaviour(self, page: Page) -> Behaviour:
        def behave(handler) -> None:
            with self._lock:
                self.in_flight += 1
            try:
                handler.server.mock.closing.wait(self.seconds)
                handler.send_page(page)
            finally:
                with self._lock:
                    self.in_flight -= 1

        return behave

    def wait_until_answered(self) -> None:
        wait_for(lambda: self.in_flight == 0, 30, "the slow answers still in flight to go out")


def canonical(url: str) -> str:
    """The store's key for a URL the test serves (always valid here)."""
    key = canonical_url(url)
    assert key is not None, url
    return key
