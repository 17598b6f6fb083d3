"""Whether a mention reports something as happening (or planned), judged from its own clause.

"ICE does not raid churches", "reports of checkpoints are false", "would lead to de facto
deportations", "a goal of deporting 75,000", "barring ICE from deporting 110 workers": the
words before a mention, back to the start of its clause, say it did not (or may never) happen.
"""

from __future__ import annotations

import re

_NOT_HAPPENING = re.compile(
    # "No More Deaths volunteers were arrested": "No" before a capitalized word starts a name.
    r"\b(?:not|(?-i:no|No(?! [A-Z]))|never|nor|without|\w*n't|cannot|falsely|"
    # "false reports of raids" doubts them; "false documents" are what someone was charged with
    r"false(?!\s+(?:documents?|documentation|papers|identi\w+|IDs?|Social Security|names?|passports?))|"
    r"deny|denies|denied|refused? to|refusing to|"
    r"declined? to|rather than|instead of|avoid(?:ed|ing)?|averted|backed down from|barring|barred|"
    r"bars?|block(?:s|ed|ing)?|prevent(?:s|ed|ing)?|to stop|would|could|might|if|"
    r"unless|whether|fear(?:s|ed|ing)?|afraid|risk of|exposed to|asks? for|asking (?:them )?to|"
    r"calls? for|calling for|goals? (?:of|for)|plans? to|aim(?:s|ing)? to|seek(?:s|ing)? to|"
    r"hop(?:e|es|ed|ing) to|"
    r"quota of|target of|in search of|rumou?rs? (?:of|about)|hoax|plead(?:s|ed|ing)? with|begg?(?:ed|ing)|"
    r"urg(?:e|ed|ing)|"
    # "faces the threat of deportation" faces it, as "faces deportation" does
    r"(?<!faces the )(?<!facing the )(?<!faced the )threat(?:en(?:s|ed|ing)?)? (?:with|to|of)|"
    r"open(?:s|ed|ing)? the door to|should|ought to|"
    r"pav(?:e|es|ed|ing) the way (?:for|to)|(?:a )?set-?up for|designed to)\b"
    r"[^.;:!?]{0,60}$",
    re.IGNORECASE,
)
# "calling for a stop to the deportations", "sues to stop his deportation": what they want ended
# is going on.
_ENDING_IT = re.compile(
    r"\b(?:to\s+(?:stop|end|halt)|(?:an?\s+|the\s+)?(?:end|stop|halt)\s+(?:to|of))\s+(?:(?:all|the|these|"
    r"his|her|their|its|further|ongoing|mass)\s+)*$",
    re.IGNORECASE,
)
# "I didn't know why they were trying to arrest me": what was not known is why, not whether.
_NOT_KNOWING_WHY = re.compile(
    r"\b(?:\w*n't|not|never)\s+(?:know|knew|understand|understood|sure|clear|told|explain\w*)\s+"
    r"(?:why|what|how|where|who)\b(?:(?!\b(?:not|\w*n't|never)\b)[^.;:!?]){0,60}$",
    re.IGNORECASE,
)
# "could face the death penalty--even though Mohamed was illegally deported": a concession is a
# clause of its own.
_CLAUSE_START = re.compile(
    r"[.;:!?\n]|\b(?:but|while|when|after|before|as|(?:even )?though|although)\b", re.IGNORECASE
)


# "Reports of ICE checkpoints are false": the denial comes after the mention.
_DENIED_AFTER = re.compile(
    r"[^.;!?]{0,50}?\b(?:(?:is|are|was|were) (?:false|untrue|unfounded|baseless|a hoax|not true)|"
    r"never happened|did not happen|"
    # "Specific location of arrest and exact date not confirmed"
    r"(?:(?:is|are|was|were|has|have) )?not (?:been )?(?:yet )?(?:confirmed|verified)|"
    r"(?:is|are|was|were) (?:just |only )?rumou?rs?|impossible(?! to))\b",
    re.IGNORECASE,
)


# "legislation would further criminalize the undocumented, extend militarization of the border,
# build new detention centers": a modal governs each verb of the comma list after it. A part
# after ", and" may be a new clause ("ICE would not comment, and agents arrested 12"): not judged.
_MODAL_LIST = re.compile(
    r"\b(?:would|could|might)\b(?:[^.;:!?,]{0,60},){1,3}(?!\s*(?:and|or|but|then|so|yet)\b)"
    r"[^.;:!?,]{0,60}$",
    re.IGNORECASE,
)


# "acknowledging deportation could result": the mention is what may follow, not what did.
_MAY_FOLLOW = re.compile(
    r"\s+(?:could|would|might|may)\s+(?:(?:well|also|eventually|then)\s+)?(?:result|follow|ensue)\b(?!\s+in\b)",
    re.IGNORECASE,
)
# "for fear of losing their jobs or--in the case of undocumented workers--being deported": what is
# feared may stand far after the fear, past a list and an aside.
_FOR_FEAR = re.compile(r"\bfor fear (?:of|that)\b[^.;:!?]{0,120}$", re.IGNORECASE)


def reported_as_happening(source: str, start: int, end: int | None = None) -> bool:
    """False when the clause before source[start] negates, doubts or only wishes for what follows,
    or when the words after the mention (from `end`) deny it or say it may follow."""
    # One scan for the clause's start, up to 200 characters back; the negation must stand in its
    # last 80 (nearer words govern the mention), a modal's comma list may reach back further.
    wider = source[max(0, start - 200) : start]
    clause_start = 0
    for boundary in _CLAUSE_START.finditer(wider):
        clause_start = boundary.end()
    clause = wider[max(clause_start, len(wider) - 80) :]
    if (
        _NOT_HAPPENING.search(clause)
        and not _ENDING_IT.search(clause)
        and not _NOT_KNOWING_WHY.search(clause)
    ):
        return False
    wide_clause = wider[clause_start:]
    if _MODAL_LIST.search(wide_clause) or _FOR_FEAR.search(wide_clause):
        return False
    return end is None or not (_DENIED_AFTER.match(source, end) or _MAY_FOLLOW.match(source, end))
