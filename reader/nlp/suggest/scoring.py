"""How a sentence scores: its rules combined (lowered for an opinion), blended with the
check-worthiness model's probability; how suggestions rank; the reviewing budget of a long
text. The features the model is trained on come from here, so training and suggesting agree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spacy.tokens import Doc, Span

from reader.nlp.checkworthy import ClaimMemory, Model, load_memory, load_model, sentence_features
from reader.nlp.suggest.quotes import Quote, find_quotes
from reader.nlp.suggest.rules import QUOTE_RULE
from reader.nlp.suggest.sentences import Unit, find_units
from reader.nlp.suggest.vocabulary import OPINION_VERBS
from reader.records import Suggestion

DEFAULT_MIN_SCORE = 0.5
"""Suggestions scoring below this are dropped."""

RULE_SHARE = 0.5
"""A sentence's score is this share of its rules' score plus the rest of the model's."""

OPINION_FACTOR = 0.7
"""A sentence opening with "I think" (etc.) keeps this share of its score."""

KNOWN_SCORE = 0.9
"""The least score of a sentence that resembles one of the analyst's stored claims..."""
KNOWN_FLOOR = 0.2
"""...when its own score says it could be a claim (rules alone: when a rule fired)."""

DEFAULT_MAX_SHARE = 0.15
"""At the default cut-off, a long text (`LONG_TEXT` sentences or more: a speech, a debate, an
interview transcript) gets at most this share of its sentences suggested, the best ranked. A
cut-off on a score cannot hold a share on every text (a scripted speech dense in figures scores
high throughout); an analyst reviewing a transcript needs a list of a known size. A short text
(a news article) keeps every suggestion over the cut-off."""

LONG_TEXT = 100
"""Sentences from which a text is long enough for the reviewing budget."""


def combine(scores: list[float]) -> float:
    """Several independent reasons make a stronger suggestion: 1 - prod(1 - s)."""
    rest = 1.0
    for score in scores:
        rest *= 1.0 - score
    return round(min(1.0, 1.0 - rest), 3)


def opinion(sent: Span | None) -> str:
    """ "I think" (etc.) when the sentence is marked as the speaker's opinion, else ""."""
    if sent is None:
        return ""
    for tok in sent:
        if (tok.lemma_.lower() in OPINION_VERBS and tok.pos_ == "VERB"
                and any(c.lower_ in ("i", "we") and c.dep_ == "nsubj" for c in tok.children)):
            return f"{sent.doc[tok.i - 1].text} {tok.text}" if tok.i > 0 else tok.text
    if "in my opinion" in sent.text.lower():
        return "in my opinion"
    return ""


def rule_score(unit: Unit) -> tuple[float, list[str]]:
    """The rules' combined score for a sentence (lowered for an opinion) and the reasons."""
    hits = sorted(unit.hits, key=lambda rh: -rh[1].score)
    reasons = [h.reason for _, h in hits]
    score = combine([h.score for _, h in hits]) if hits else 0.0
    said = opinion(unit.content) if hits else ""
    if said:
        score = round(score * OPINION_FACTOR, 3)
        reasons.append(f"lowered: opinion ({said})")
    return score, reasons


def blend(rule_score: float, learned: float) -> float:
    """A sentence's score: `RULE_SHARE` of its rules' score, the rest the model's
    probability (so two sentences the same rules fired on still rank by the model)."""
    return round(RULE_SHARE * rule_score + (1 - RULE_SHARE) * learned, 3)


def rank_key(item: Suggestion | Mapping[str, Any]) -> tuple[float, float]:
    """How suggestions rank, best last: by score, ties broken by the model's probability (a
    suggestion, or its JSON record)."""
    if isinstance(item, Suggestion):
        return float(item.score), float(item.model or 0.0)
    return float(item["score"]), float(item.get("model", 0.0))


def scorer_of(model: Model | None | bool,
              memory: ClaimMemory | None) -> tuple[Model | None, ClaimMemory | None]:
    """The scorer `model` names (True: the shipped one, None if it cannot be read) and its
    claim memory unless one is given."""
    if model is True:
        try:
            scorer: Model | None = load_model()
        except (OSError, ValueError, KeyError, TypeError):
            return None, None
        return scorer, memory if memory is not None else load_memory()
    scorer = model or None
    if scorer is not None and memory is None:
        memory = ClaimMemory(text for _, text in scorer.memory)
    return scorer, memory


def unit_features(unit: Unit, quotes: list[Quote], vector: bool = True) -> dict[str, float]:
    """The model's features of a sentence: the rules that fired on it (and "quote" when a
    quotation overlaps it) beside the words of the part scored."""
    fired = [rule.name for rule, _ in unit.hits]
    if any(q.start < unit.end and q.end > unit.start for q in quotes):
        fired.append(QUOTE_RULE.name)
    return sentence_features(unit.content, fired, vector=vector)


def doc_sentence_features(doc: Doc) -> list[tuple[int, int, dict[str, float]]]:
    """(start, end, features) for every sentence of `doc`, exactly as `suggest_doc` scores
    them; the check-worthiness model is trained on these."""
    return [(s, e, f) for s, e, f, _ in doc_sentence_rows(doc)]


def doc_sentence_rows(doc: Doc) -> list[tuple[int, int, dict[str, float], float]]:
    """(start, end, features, rules' score) for every sentence of `doc` (the rules' score is
    what the model's probability is blended with; training sets the cut-off on the blend)."""
    quotes = find_quotes(doc.text)
    return [(u.start, u.end, unit_features(u, quotes), rule_score(u)[0])
            for u in find_units(doc)]


def within_budget(items: list[Suggestion], sentences: int,
                  share: float = DEFAULT_MAX_SHARE) -> list[Suggestion]:
    """The best-ranked items, at most `share` of `sentences`, in text order; a short text (fewer
    than `LONG_TEXT` sentences) keeps them all."""
    limit = int(share * sentences)
    if sentences < LONG_TEXT or len(items) <= limit:
        return items
    kept = {id(item) for item in sorted(items, key=rank_key)[len(items) - limit:]}
    return [item for item in items if id(item) in kept]
