"""Tokens for Prodigy and spaCy exports: spaCy's tokenizer, split wherever a span edge falls.

spaCy is imported lazily, inside the functions, so importing the formats costs nothing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = ["Piece", "blank_nlp", "token_index", "tokenize"]


class Piece(NamedTuple):
    """A token: `[start, end)` in the text, and whether one space follows it."""

    start: int
    end: int
    space: bool


@lru_cache(maxsize=1)
def blank_nlp() -> Any:
    """`spacy.blank("en")`, made once."""
    import spacy

    return spacy.blank("en")


def tokenize(text: str, spans: Iterable[tuple[int, int]] = ()) -> list[Piece]:
    """spaCy's tokens of `text`, split wherever a span edge falls inside a token.

    Every character is covered: by a token, or by the single space after a token. A space
    that a span starts on or ends after becomes a token of its own, so every span edge is a
    token edge and `doc.char_span(start, end)` always finds the span.
    """
    if not text:
        return []
    span_starts: set[int] = set()
    span_ends: set[int] = set()
    for start, end in spans:
        span_starts.add(start)
        span_ends.add(end)
    cuts = sorted(c for c in span_starts | span_ends if 0 < c < len(text))
    doc = blank_nlp().make_doc(text)
    pieces: list[Piece] = []
    for token in doc:
        start, end = token.idx, token.idx + len(token.text)
        inner = cuts[bisect_right(cuts, start) : bisect_left(cuts, end)]
        bounds = [start, *inner, end]
        for left, right in zip(bounds, bounds[1:], strict=False):
            pieces.append(Piece(left, right, False))
        if token.whitespace_:
            if end in span_starts or end + 1 in span_ends:
                pieces.append(Piece(end, end + 1, False))
            else:
                last = pieces[-1]
                pieces[-1] = Piece(last.start, last.end, True)
    return pieces


def token_index(pieces: list[Piece]) -> tuple[dict[int, int], dict[int, int]]:
    """Maps from a character offset to the token starting there / ending there."""
    starts = {piece.start: i for i, piece in enumerate(pieces)}
    ends = {piece.end: i for i, piece in enumerate(pieces)}
    return starts, ends
