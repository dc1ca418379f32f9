"""Suggestions in one parsed doc: each sentence and each quotation scored, labelled and given
its speaker, in text order (a pronoun speaker is resolved to the last named one)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from reader.nlp.checkworthy import ClaimMemory, Model, explain
from reader.nlp.known_claims import KnownClaim, KnownClaims
from reader.nlp.suggest.quotes import Quote, find_quotes, inside_quotes, kept_quotes, quote_speaker
from reader.nlp.suggest.record import KNOWN_RULE, MODEL_RULE, clip, known_reason, suggestion
from reader.nlp.suggest.rules import QUOTE_RULE, Hit, Rule
from reader.nlp.suggest.scoring import (
    DEFAULT_MIN_SCORE,
    KNOWN_FLOOR,
    KNOWN_SCORE,
    blend,
    combine,
    rule_score,
    scorer_of,
    unit_features,
)
from reader.nlp.suggest.sentences import Unit, find_units
from reader.nlp.suggest.vocabulary import PRONOUNS
from reader.records import Suggestion

QUOTE_HIT_SHARE = 0.5
"""A rule's hit inside a quotation adds this share of its score to the quotation's."""

Learned = dict[int, tuple[float, dict[str, float]]]
"""The model's probability and features per sentence, by the sentence's start."""


@dataclass
class _Speakers:
    """The last speaker named in the doc, for a pronoun ("he said") that follows."""

    last: str = ""

    def note(self, name: str) -> None:
        """Remember `name` unless it is empty or a pronoun."""
        if name and name.lower() not in PRONOUNS:
            self.last = name

    def resolve(self, name: str) -> str:
        """`name`, or the last named speaker when `name` is a pronoun."""
        return self.last if name.lower() in PRONOUNS and self.last else name


@dataclass(frozen=True)
class _Context:
    """What every suggestion of one doc is judged with."""

    doc: Doc
    units: list[Unit]
    quotes: list[Quote]
    learned: Learned
    scorer: Model | None
    memory: ClaimMemory | None
    known: KnownClaims | None
    article_id: str
    offset: int
    min_score: float

    def prior(self, text: str, start: int, end: int) -> KnownClaim | None:
        """The analyst's stored claim `text` (at `[start, end)` of the doc) resembles."""
        if not self.known:
            return None
        return self.known.find(text, self.article_id, self.offset + start, self.offset + end)


def suggest_doc(doc: Doc, min_score: float = DEFAULT_MIN_SCORE,
                model: Model | None | bool = True,
                memory: ClaimMemory | None = None, vector: bool = True, *,
                known: KnownClaims | None = None, article_id: str = "",
                offset: int = 0) -> list[Suggestion]:
    """Suggested claims in a parsed doc (parser and ner needed), sorted by start.

    Each is a `Suggestion` with exact character offsets into `doc.text` (and `model`, the
    model's probability, when there is a model: `rank_key` breaks ties of score with it); a
    direct quotation is one suggestion for
    its whole span. A sentence's score blends the rules (as reasons) with the check-worthiness
    model (`model=True`: the shipped one), which has the rules among its features;
    `model=None` scores by the rules alone. With a model and `min_score` 0 every sentence is
    returned, questions too (scored low). `memory` holds claims judged check-worthy before
    (default: the shipped model's). `vector=False` leaves out the token-vector features (for
    a pipeline the model was not trained with). A sentence or quotation that resembles one of
    `known` (the analyst's stored claims) scores at least `KNOWN_SCORE`, with that claim as its
    first reason; `article_id` and `offset` (of `doc` in the article's text) tell a claim's own
    sentence from a repeat.
    """
    scorer, memory = scorer_of(model, memory)
    units = find_units(doc)
    kept = kept_quotes(doc.text, find_quotes(doc.text), units)
    quotes = [q for q, _ in kept]
    context = _Context(doc, units, quotes, _learn(units, quotes, scorer, memory, vector),
                       scorer, memory, known, article_id, offset, min_score)
    speakers = _Speakers()
    results: list[Suggestion] = []
    for item in _in_text_order(kept, units):
        if isinstance(item, Unit):
            speakers.note(item.source)
            found = _sentence_suggestion(context, item, speakers)
        else:
            found = _quote_suggestion(context, *item, speakers)
        if found is not None:
            results.append(found)
    kept_items = [r for r in results if r.score >= min_score]
    return sorted(kept_items, key=lambda r: (r.start, r.end))


def _learn(units: list[Unit], quotes: list[Quote], scorer: Model | None,
           memory: ClaimMemory | None, vector: bool) -> Learned:
    """The model's probability and features for every sentence (none without a model)."""
    learned: Learned = {}
    if scorer is None:
        return learned
    for unit in units:
        features = unit_features(unit, quotes, vector)
        if memory is not None:
            features.update(memory.features(unit.content.text))
        learned[unit.start] = (scorer.score(features), features)
    return learned


def _in_text_order(
    kept: list[tuple[Quote, list[tuple[Rule, Hit]]]], units: list[Unit]
) -> Iterator[tuple[Quote, list[tuple[Rule, Hit]]] | Unit]:
    """Quotations and sentences by where they start, a quotation before a sentence that starts
    where it does (so a speaker named in either carries on to what follows)."""
    events: list[tuple[int, int, tuple[Quote, list[tuple[Rule, Hit]]] | Unit]] = [
        (quote.start, 0, (quote, inner)) for quote, inner in kept]
    events += [(unit.start, 1, unit) for unit in units]
    for _, _, item in sorted(events, key=lambda e: (e[0], e[1])):
        yield item


def _quote_suggestion(context: _Context, quote: Quote, inner: list[tuple[Rule, Hit]],
                      speakers: _Speakers) -> Suggestion:
    """A quotation as one suggestion: "direct quotation" and the rules' hits inside it as
    reasons, the model's best probability among the sentences it overlaps."""
    text = context.doc.text
    speaker = speakers.resolve(quote_speaker(context.doc, quote, context.quotes))
    speakers.note(speaker)
    reasons = ["direct quotation"] + [h.reason for _, h in inner]
    score = combine([QUOTE_RULE.score] + [h.score * QUOTE_HIT_SHARE for _, h in inner])
    prior = context.prior(text[quote.start : quote.end], quote.start, quote.end)
    if prior is not None:
        score = max(score, KNOWN_SCORE)
        reasons.insert(0, known_reason(prior))
    found = suggestion(text, quote.start, quote.end, "quote", speaker, reasons, score,
                       QUOTE_RULE.name, prior)
    inside = [context.learned[u.start][0] for u in context.units if u.start in context.learned
              and u.start < quote.end and u.end > quote.start]
    if inside:
        found.model = round(max(inside), 4)
    return found


def _sentence_suggestion(context: _Context, unit: Unit,
                         speakers: _Speakers) -> Suggestion | None:
    """A sentence as a suggestion, or None: mostly inside a quotation (which is suggested
    instead), or scoring under the cut-off and like none of the analyst's claims."""
    start, end = unit.start, unit.end
    if inside_quotes(start, end, [q for q in context.quotes if q.start < end and q.end > start]):
        return None
    hits = sorted(unit.hits, key=lambda rh: -rh[1].score)
    scored = _sentence_score(context, unit, bool(hits))
    if scored is None:
        return None
    score, reasons, prior, probability = scored
    if prior is not None:
        score = max(score, KNOWN_SCORE)
        reasons.insert(0, known_reason(prior))
    if hits:
        label, rule_name = hits[0][0].label, hits[0][0].name
    elif prior is not None:
        label, rule_name = prior.label or "factual", KNOWN_RULE
    else:
        label, rule_name = "factual", MODEL_RULE
    speaker = speakers.resolve(next((h.speaker for _, h in hits if h.speaker), "") or unit.source)
    found = suggestion(context.doc.text, start, end, label, speaker, reasons, score, rule_name,
                       prior)
    if probability is not None:
        found.model = round(probability, 4)
    return found


def _sentence_score(
    context: _Context, unit: Unit, fired: bool
) -> tuple[float, list[str], KnownClaim | None, float | None] | None:
    """(score, reasons, the stored claim it resembles, the model's probability) of a sentence,
    or None when it is no suggestion: with a model, the rules blended with its probability and
    what it found telling; without, the rules alone when one `fired`."""
    rules, reasons = rule_score(unit)
    prior = context.prior(unit.sent.text, unit.start, unit.end)
    if context.scorer is None:
        return (rules, reasons, prior, None) if fired else None
    probability, features = context.learned[unit.start]
    score = blend(rules, probability)
    if score < KNOWN_FLOOR:
        prior = None  # chatter ("But let me tell you.") is no claim, whatever it is like
    if score < context.min_score and prior is None:
        return None
    telling = explain(context.scorer, features)
    if telling:
        reasons.append("model: " + ", ".join(telling))
    memory = context.memory
    repeated = memory.repeated(unit.content.text) if memory is not None else ""
    if repeated:
        reasons.append(f"repeats a claim checked before: \u201c{clip(repeated)}\u201d")
    return score, reasons, prior, probability
