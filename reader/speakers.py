"""Who makes a claim: a speaker suggested from the entities in and around its sentence.

A pronoun is never a speaker: it is resolved to the name it stands for, or left empty. What
this module suggests is a guess: the claim keeps `speaker_confirmed: false` until the analyst
confirms it in the claim form.

A fast heuristic for the moment a claim is made (no parser needed): a PERSON, ORG or NORP
entity next to a reporting verb ("stated", "noted", "posted", ...) wins; else the first PERSON
of the sentence; else the first ORG or NORP. The parser-based rules in `nlp/suggest/` do
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

PRONOUNS = frozenset({
    "he", "she", "they", "we", "i", "it", "you", "him", "her", "them", "us", "me", "his",
    "hers", "their", "theirs", "its", "this", "that", "who", "one",
})
"""Words that are never a speaker by themselves: they stand for one named elsewhere."""


def named_speaker(speaker: str) -> str:
    """`speaker`, or an empty string when it is a pronoun ("he", "They") or empty: a pronoun
    is resolved to a named antecedent or left empty, never kept as the speaker."""
    name = " ".join(speaker.split())
    return "" if name.casefold().strip(".,;:!?") in PRONOUNS else name


_VERBS = "|".join(re.escape(v) for v in REPORTING_VERBS if " " not in v)
_AFTER_QUOTE = re.compile(
    r"[”\"]\s*,?\s*(?:" + _VERBS + r")\s+((?:the\s+)?[^\s.,;:”\"]+(?:\s+[^\s.,;:”\"]+){0,4}?)"
    r"(?=\s+(?:in|on|at|during|to|when|after|before|from|as)\b|\s*[.,;:]|\s*$)",
    re.I,
)
_PRONOUN_AFTER_QUOTE = re.compile(r"[”\"]\s*,?\s*(?:he|she|they)\s+(?:" + _VERBS + r")\b", re.I)


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def _named_speaker(text: str, entities: list[Entity], start: int, end: int) -> str:
    """A speaker named in `[start, end)`: after a closing quote, or an entity before a verb."""
    match = _AFTER_QUOTE.search(text, start, end)
    if match and named_speaker(match.group(1)):
        return match.group(1).strip()
    for verb in _VERB.finditer(text, start, end):
        before = [
            e for e in entities
            if e.label in SPEAKER_LABELS and start <= e.start and 0 <= verb.start() - e.end <= NEAR
        ]
        if before:
            return max(before, key=lambda e: e.end).text_in(text)
    return ""


def suggest_speaker(text: str, entities: list[Entity], start: int, end: int) -> str:
    """The likely speaker of the claim at `[start, end)`, or an empty string; never a
    pronoun (one after a quote is resolved to the speaker named in the paragraphs before)."""
    return named_speaker(_suggest(text, entities, start, end))


def resolve_speaker(
    speaker: str, text: str, entities: list[Entity], start: int, end: int
) -> str:
    """A speaker given for a claim (e.g. by a suggestion): itself when it is a name; a pronoun
    is resolved as `suggest_speaker` would, else left empty."""
    return named_speaker(speaker) or (suggest_speaker(text, entities, start, end)
                                      if speaker.strip() else "")


def _quoted(text: str, para_start: int, window_start: int, window_end: int) -> bool:
    """Whether the claim's sentences are (part of) a quotation: they hold a quotation mark,
    or a quotation opened earlier in the paragraph is still open."""
    if any(mark in text[window_start:window_end] for mark in "“”\""):
        return True
    before = text[para_start:window_start]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _suggest(text: str, entities: list[Entity], start: int, end: int) -> str:
    para_start, para_end = _paragraph(text, start)
    para_end = max(para_end, _paragraph(text, max(start, end - 1))[1])
    sentences = Sentences(text)
    window_start = sentences.span_at(start)[0]
    window_end = sentences.span_at(max(start, end - 1))[1]
    if not _quoted(text, para_start, window_start, window_end):
        # the writer's own sentence: whoever is quoted elsewhere in the paragraph did not say
        # it, so only its own sentence can name a speaker
        return _in_sentence(text, entities, window_start, window_end)
    named = _named_speaker(text, entities, para_start, para_end)
    if named:
        return named
    if _PRONOUN_AFTER_QUOTE.search(text, para_start, para_end):
        back = para_start - 1
        for _ in range(3):
            if back <= 0:
                break
            prev_start, prev_end = _paragraph(text, back - 1)
            named = _named_speaker(text, entities, prev_start, prev_end)
            if named:
                return named
            back = prev_start - 1
    return _in_sentence(text, entities, window_start, window_end)


def _in_sentence(text: str, entities: list[Entity], window_start: int, window_end: int) -> str:
    """A speaker named in the claim's own sentences: next to a reporting verb, else the first
    person named."""
    candidates = [
        e for e in entities
        if e.label in SPEAKER_LABELS and window_start <= e.start and e.end <= window_end
    ]
    for verb in _VERB.finditer(text, window_start, window_end):
        near = [
            e for e in candidates
            if 0 <= verb.start() - e.end <= NEAR or 0 <= e.start - verb.end() <= NEAR
        ]
        if near:
            best = min(near, key=lambda e: min(abs(verb.start() - e.end),
                                               abs(e.start - verb.end())))
            return best.text_in(text)
    for entity in candidates:
        if entity.label == "PERSON":
            return entity.text_in(text)
    return ""
