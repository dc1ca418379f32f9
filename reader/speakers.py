"""Who makes a claim: a speaker suggested from the entities in and around its sentence.

A fast heuristic for the moment a claim is made (no parser needed): a PERSON, ORG or NORP
entity next to a reporting verb ("stated", "noted", "posted", ...) wins; else the first PERSON
of the sentence; else the first ORG or NORP. The parser-based rules in `nlp/suggest.py` do
better for suggested claims.
"""

from __future__ import annotations

import re

from reader.records import Entity
from reader.text.segment import Sentences

REPORTING_VERBS = (
    "said", "says", "stated", "states", "noted", "notes", "emphasised", "emphasized",
    "posted", "urged", "revealed", "estimated", "estimates", "accused", "accuses", "told",
    "added", "continued", "argued", "claimed", "claims", "announced", "warned", "wrote",
    "insisted", "explained", "expressed", "according to",
)
_VERB = re.compile(r"\b(" + "|".join(re.escape(v) for v in REPORTING_VERBS) + r")\b", re.I)
SPEAKER_LABELS = ("PERSON", "ORG", "NORP")
NEAR = 40
"""Characters between a reporting verb and its speaker."""


def suggest_speaker(text: str, entities: list[Entity], start: int, end: int) -> str:
    """The likely speaker of the claim at `[start, end)`, or an empty string."""
    sentences = Sentences(text)
    first = sentences.span_at(start)
    last = sentences.span_at(max(start, end - 1))
    window_start = first[0]
    window_end = last[1]
    following = sentences.next_start(max(start, end - 1))
    if following is not None:
        window_end = max(window_end, sentences.span_at(following)[1])
    candidates = [
        e for e in entities
        if e.label in SPEAKER_LABELS and window_start <= e.start and e.end <= window_end
    ]
    if not candidates:
        return ""
    for verb in _VERB.finditer(text, window_start, window_end):
        near = [
            e for e in candidates
            if 0 <= verb.start() - e.end <= NEAR or 0 <= e.start - verb.end() <= NEAR
        ]
        if near:
            best = min(near, key=lambda e: min(abs(verb.start() - e.end),
                                               abs(e.start - verb.end())))
            return best.text_in(text)
    inside = [e for e in candidates if start <= e.start and e.end <= end] or candidates
    for label in SPEAKER_LABELS:
        for entity in inside:
            if entity.label == label:
                return entity.text_in(text)
    return ""
