"""A made-up wire story and what outlets and the wire make of it: a cut copy, a copy missing its
top, a copy in heavy furniture, an aggregator's teaser under the wire's headline, a write-thru,
a roundup quoting a brief, a different story on the same event. Paragraph lists; ``joined``
makes the text an extraction would return."""

from __future__ import annotations

DATELINE = "DES MOINES, Iowa (Wire) — "

WIRE = [
    "Federal immigration agents detained 212 workers at three meatpacking plants in central Iowa on "
    "Wednesday, the largest workplace operation in the state since a series of raids more than "
    "fifteen years ago.",
    "Agents from Immigration and Customs Enforcement and Homeland Security Investigations arrived at "
    "the plants in Marshalltown, Ottumwa and Denison shortly before the morning shift and held "
    "employees inside while their documents were checked, according to union representatives at two "
    "of the sites.",
    "A spokesperson for the agency said the operation followed an eighteen-month criminal "
    "investigation into a labor contractor suspected of supplying the plants with workers who used "
    "stolen identities.",
    "The contractor's owner was arrested at his home in Des Moines and is expected to appear before a"
    " federal magistrate on Thursday on charges of harboring and document fraud, prosecutors said in "
    "a filing.",
    "Buses carried the detained workers to a processing center in Cedar Rapids, where lawyers from "
    "three legal aid organizations said they were kept waiting outside for most of the afternoon.",
    "By evening about seventy of the workers had been released with notices to appear in immigration "
    "court, most of them parents of young children or people with pending asylum applications, the "
    "lawyers said.",
    "In Marshalltown, dozens of relatives gathered in a church parking lot across from the plant, "
    "waiting for phone calls. Several said they did not know where their husbands or daughters had "
    "been taken.",
    "The school district in Denison said counselors would be at every building on Thursday and that "
    "buses would run their afternoon routes late so that no child was dropped at an empty house.",
    "The company that owns two of the plants said in a statement that it verified every hire through "
    "the federal E-Verify system and that it had not been accused of wrongdoing.",
    "Meat processing in the region depends heavily on immigrant labor, and plant managers have warned"
    " for years that a large operation could halt production lines for days.",
    "The governor's office said it had not been told of the operation in advance and was seeking "
    "information from federal officials about the number of Iowa residents among those detained.",
    "Advocates planned a vigil outside the Cedar Rapids center on Wednesday night and said they would"
    " set up a hotline for families trying to locate relatives who had been moved out of state.",
]

# A syndicating outlet's copy cut after three paragraphs, its dateline and first sentence edited.
CUT_COPY = [
    "MARSHALLTOWN — Federal immigration agents detained more than 200 workers at three meatpacking "
    "plants in central Iowa on Wednesday, the largest workplace operation in the state since a series"
    " of raids more than fifteen years ago.",
    *WIRE[1:3],
]

# A copy that lost the top three paragraphs (a template that starts below the photo).
MISSING_TOP = WIRE[3:]

# Page furniture an extraction may keep, repeated around a full copy.
FURNITURE = [
    "Advertisement",
    "Workers leave the Marshalltown plant on Wednesday afternoon. (Photo by Staff Photographer)",
    "Sign up for our morning newsletter and get the day's top stories in your inbox before breakfast "
    "every day.",
    "Advertisement",
    "Most read: High school football scores from around the state; County fair schedule; Road "
    "closures this week",
]
WITH_FURNITURE = [FURNITURE[0], FURNITURE[1], *WIRE[:6], FURNITURE[2], FURNITURE[3], *WIRE[6:], FURNITURE[4]]

# The wire's headline, which an aggregator's teaser keeps word for word over an excerpt taken
# from the middle of the story (neither its opening nor its end).
HEADLINE = "Immigration agents detain 212 workers at three Iowa meatpacking plants"
TEASER = WIRE[4:6]

# The wire's write-thru later in the day: a new top of its own on the same lower paragraphs.
WRITE_THRU = [
    "Federal prosecutors on Wednesday evening charged the owner of an Iowa labor contractor with "
    "supplying hundreds of workers with stolen identities, hours after immigration agents detained "
    "212 people at three meatpacking plants that relied on his crews.",
    "The charges, filed in federal court in Des Moines, accuse the contractor of harboring workers "
    "and of producing false documents over at least three years, and could bring up to ten years in "
    "prison.",
    "His lawyer did not respond to messages on Wednesday night. A relative who answered the door at "
    "the family's home said the owner had always treated his workers well and would fight the "
    "charges.",
    "The indictment describes recruiters who collected fees from workers in exchange for identity "
    "papers, and payroll records that listed the same Social Security numbers under different names "
    "at two plants.",
    *WIRE[7:],
]

# A roundup quoting a short brief of the story in its middle.
BRIEF = [
    "Immigration agents detained 212 workers at three meatpacking plants in central Iowa on Wednesday"
    " after an investigation into a labor contractor suspected of supplying workers who used stolen "
    "identities.",
    "The contractor's owner was arrested at his home in Des Moines and is expected to appear before a"
    " federal magistrate on Thursday on charges of harboring and document fraud, prosecutors said in "
    "a filing.",
    "About seventy of the workers were released by evening with notices to appear in immigration "
    "court, lawyers from three legal aid organizations said at the Cedar Rapids processing center.",
]
ROUNDUP = [
    "Here are the stories our newsroom is following this Wednesday evening across the state and the region.",
    "The state legislature adjourned its special session without agreeing on a property tax plan, "
    "leaving county budgets uncertain for a second year as officials prepare their spending plans for"
    " the spring.",
    "A judge in Polk County ordered a new trial for a man convicted of arson in 2019, citing evidence"
    " about a faulty space heater that was never shown to the jury during the original week-long "
    "proceedings.",
    "Storms knocked out power to about forty thousand customers in the eastern part of the state, and"
    " crews said some homes would be without electricity until the weekend as lines are repaired.",
    *BRIEF,
    "The university's board of regents approved a tuition increase of three percent for next fall, "
    "the smallest rise in five years, after students protested outside the meeting for most of the "
    "morning.",
    "The state fair announced its grandstand lineup for the summer, with two country acts and a "
    "comedy night added to the schedule that organizers say will draw record crowds to the "
    "fairgrounds.",
    "Farmers in the northwest counties said the late frost had damaged less of the corn crop than "
    "first feared, though soybean planting has been pushed back by at least two weeks in the wettest "
    "fields.",
    "A new bridge over the Des Moines River opened to traffic a month ahead of schedule and under "
    "budget, the transportation department said, ending a detour that had added twenty minutes to "
    "commutes.",
    "The city council in Ames voted to expand its bus service to the north side, adding two routes "
    "that will run every twenty minutes on weekdays starting in August, after residents asked for "
    "years.",
    "A minor league baseball team said it would stay in Cedar Rapids for at least another decade "
    "after the city agreed to pay for new lights and seating at the stadium, which opened in the "
    "early 2000s.",
    "Public libraries in three cities will extend their weekend hours through the summer, funded by a"
    " grant from a local foundation that supports reading programs for children and adults alike.",
]

# Another story on the same event and day: the families' side, quoting one of the wire's paragraphs.
SAME_EVENT = [
    "MARSHALLTOWN, Iowa — Maria Lopez heard about the raid from a neighbor who knocked on her door at"
    " 7 a.m., still wearing her own work apron, to say that agents had surrounded the plant where "
    "both of their husbands work.",
    "By noon the church on Main Street had become a waiting room. Volunteers handed out water and "
    "sandwiches, a pastor kept a list of names on a whiteboard, and children played in the shade "
    "behind the building.",
    WIRE[6],
    "Lopez said her husband had worked at the plant for eleven years and had never missed a shift. "
    "She did not know whether he had been taken to Cedar Rapids or somewhere else, and no one at the "
    "plant would tell her.",
    "A lawyer volunteering at the church said families should write down everything they knew about "
    "where their relatives were last seen, and should not sign any papers they did not understand.",
    "As the afternoon went on, some workers came back on foot, released with court papers. Each "
    "arrival drew a small crowd, and each time the crowd thinned again when it was someone else's "
    "relative.",
    "Local businesses said they expected to feel the loss of the workers within days. A grocer said "
    "half of his customers worked at the plant and that the store had been nearly empty since the "
    "morning.",
    "The town's mayor said he would ask the state for help with emergency housing and food "
    "assistance, and that the city would keep the church open overnight for families who had nowhere "
    "else to wait.",
]


def joined(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def datelined(paragraphs: list[str]) -> list[str]:
    """The wire's own first paragraph carries its dateline."""
    return [DATELINE + paragraphs[0], *paragraphs[1:]]
