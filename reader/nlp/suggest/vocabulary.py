"""The words and patterns the suggestion rules read: verbs that report speech, figures,
hedges, modals, pronouns. Plain data, no spaCy, so a rule's vocabulary is tuned in one place."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    """A set of the whitespace-separated words."""
    return frozenset(text.split())


REPORTING_VERBS = _words(
    """say state note emphasise emphasize stress post urge reveal estimate accuse tell add
    continue announce report warn insist argue assert confirm deny allege write tweet explain
    declare claim acknowledge admit disclose testify predict forecast caution remark observe
    conclude contend maintain reiterate underline highlight point""")
"""Lemmas of verbs that report speech; their subject is the speaker."""

PREDICTIVE_VERBS = _words("expect predict forecast project anticipate fear foresee warn estimate")
ACCUSING_VERBS = _words("accuse allege blame condemn deny charge")
FRAME_VERBS = REPORTING_VERBS - PREDICTIVE_VERBS - ACCUSING_VERBS
"""Verbs that only say who spoke ("said", "stated", "told"): the clause they report is what a
sentence is scored on, the frame is context (its speaker)."""
TAG_QUESTION = re.compile(
    r",\s*(?:ok(?:ay)?|right|correct|true|yes|no|yeah|eh|huh|agreed|see|you know|remember"
    r"|(?:don't|doesn't|wouldn't) you (?:think|say|agree)"
    r"|(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|must|shall"
    r"|wo|ca|ai)(?:n't|n\u2019t|\s+not)?\s+(?:it|he|she|they|we|you|i|there|that|this))"
    r"\s*\?+[\s\"'\u201d\u2019]*$", re.IGNORECASE)
"""A question tag after a statement (", OK?", ", right?", ", isn't it?"): the statement is
what is claimed."""
SCALE_WORDS = _words("million millions billion billions trillion trillions percent %")
"""Words that make a number a figure ("51 percent", "5.3 million") wherever it stands."""
MODALS = _words("will would may might could shall")
UNNAMED_SOURCES = _words(
    """intelligence official officials source sources estimate estimates report reports
    analyst analysts expert experts observer observers diplomat diplomats insider insiders
    spokesperson spokesman spokeswoman aide aides people study studies survey data figure
    figures""")
"""Heads of subjects that attribute a claim to an unnamed source."""
HEDGE_WORDS = _words("reportedly allegedly purportedly reported alleged")
NUMBER_LABELS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY"})
SMALL_NUMBER_WORDS = _words("zero one two three four five six seven eight nine both single couple")
PRONOUNS = _words("he she they we i it him her them")
NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
SELF_SUBJECTS = _words("i you 's us")
"""Subjects of talk about the conversation itself ("I will tell you", "you said", "let's say")."""
THIRD_PERSON = _words("he she they")
PROMISERS = _words("we that which who")
"""Subjects of "will" that make a promise or a description rather than a forecast."""
OPINION_VERBS = _words("think believe guess feel hope suppose mean assume suspect doubt wish")
"""First-person verbs that mark what follows as the speaker's opinion ("I think ...")."""
RECORD_WORDS = _words("ever history record records all-time decades century")
"""Words that turn a comparison into a record claim ("lowest ever recorded", "in history")."""
