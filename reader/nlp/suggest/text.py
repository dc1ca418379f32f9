"""Suggestions for a whole text: parsed paragraph by paragraph (long ones in chunks) so memory
stays bounded, offsets moved back into the text, a pronoun speaker resolved across
paragraphs, and the reviewing budget of a long text applied."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec
from spacy.language import Language

from reader.nlp.checkworthy import ClaimMemory, Model
from reader.nlp.known_claims import KnownClaims
from reader.nlp.suggest.doc import suggest_doc
from reader.nlp.suggest.scoring import DEFAULT_MIN_SCORE, scorer_of, within_budget
from reader.nlp.suggest.vocabulary import PRONOUNS
from reader.records import Suggestion
from reader.text.chunking import chunk_spans

DEFAULT_MAX_CHARS = 20_000
"""The longest piece of text `suggest_text` hands to spaCy at once."""


def pieces(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Paragraphs (lines), long ones cut by `chunk_spans`."""
    found: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+", text):
        if not m.group().strip():
            continue
        if m.end() - m.start() <= max_chars:
            found.append((m.start(), m.end()))
            continue
        for s, e in chunk_spans(m.group(), max_chars):
            found.append((m.start() + s, m.start() + e))
    return found


def suggest_text(
    nlp: Language, text: str, *, max_chars: int = DEFAULT_MAX_CHARS,
    min_score: float | None = None, model: Model | None | bool = True,
    memory: ClaimMemory | None = None,
    known: KnownClaims | Iterable[Mapping[str, Any]] = (), article_id: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> list[Suggestion]:
    """Suggestions for a whole text, parsed paragraph by paragraph (long ones in chunks), with
    offsets into `text`. A pronoun speaker is resolved across paragraphs. `model`, `memory`,
    `known` (stored claims, each with `title` added) and `article_id` are as for
    `suggest_doc`. `progress(done, total)` is called with characters done after each piece.
    `min_score` None is the default: a score of at least `DEFAULT_MIN_SCORE`, and for a long
    text at most `DEFAULT_MAX_SHARE` of its sentences; a number keeps all that score that much."""
    budget = min_score is None
    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    sentences = 0
    known_claims = known if isinstance(known, KnownClaims) else KnownClaims(known)
    spans = pieces(text, max_chars)
    results: list[Suggestion] = []
    last_named = ""
    scorer, memory = scorer_of(model, memory)  # once for the text, not per paragraph
    vector = scorer is not None and scorer.fits(str(getattr(nlp, "meta", {}).get("name", "")))
    for (start, end), doc in zip(spans, nlp.pipe(text[s:e] for s, e in spans), strict=True):
        sentences += sum(1 for _ in doc.sents)
        for item in suggest_doc(doc, min_score=threshold, model=scorer, memory=memory,
                                vector=vector, known=known_claims, article_id=article_id,
                                offset=start):
            speaker = item.speaker
            if speaker.lower() in PRONOUNS:  # resolved, or none: never a pronoun
                speaker = last_named
            if speaker and speaker.lower() not in PRONOUNS:
                last_named = speaker
            results.append(msgspec.structs.replace(
                item, start=item.start + start, end=item.end + start, speaker=speaker))
        if progress is not None:
            progress(end, len(text))
    return within_budget(results, sentences) if budget else results
