"""Direct quotations: the text between paired quote marks on one line, who is quoted (the
subject of a reporting verb beside the quote), and which quotations are suggested as such."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from reader.nlp.suggest.parse import phrase, subject
from reader.nlp.suggest.rules import Hit, Rule
from reader.nlp.suggest.sentences import Unit
from reader.nlp.suggest.vocabulary import REPORTING_VERBS

QUOTE_PAIRS = (("\u201c", "\u201d"), ('"', '"'))
"""Opening and closing marks, curly first (a straight pair inside a curly one is not a quote
of its own)."""

MIN_QUOTE_WORDS = 6
"""A quotation shorter than this is a claim only for what the rules find inside it."""


@dataclass
class Quote:
    """A quotation: its text `[start, end)` and where its marks stand."""

    start: int
    end: int
    open_at: int
    close_at: int


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Quoted statements: the text between paired quote marks on one line, without the marks
    and without a trailing comma."""
    return [(q.start, q.end) for q in find_quotes(text)]


def find_quotes(text: str) -> list[Quote]:
    """The quotations of `text` in text order (see `quote_spans`)."""
    found: list[Quote] = []
    for opening, closing in QUOTE_PAIRS:
        pattern = re.compile(re.escape(opening) + r"([^\n" + re.escape(closing) + r"]+)"
                             + re.escape(closing))
        for m in pattern.finditer(text):
            start, end = m.start(1), m.end(1)
            while start < end and text[start].isspace():
                start += 1
            while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
                end -= 1
            if any(q.open_at <= m.start() < q.close_at for q in found):
                continue
            if start < end:
                found.append(Quote(start, end, m.start(), m.end() - 1))
    return sorted(found, key=lambda q: q.start)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def quote_speaker(doc: Doc, quote: Quote, quotes: list[Quote]) -> str:
    """The subject of the reporting verb outside the quote on its line: after it first
    ("…,” stated the two Ministers.), then before it (Borrell said: “…”)."""
    text = doc.text
    line_start, line_end = _line_bounds(text, quote.open_at)
    after_end = min([q.open_at for q in quotes if q.open_at > quote.close_at] + [line_end])
    before_start = max([q.close_at + 1 for q in quotes if q.close_at < quote.open_at]
                       + [line_start])
    for lo, hi in ((quote.close_at + 1, after_end), (before_start, quote.open_at)):
        span = doc.char_span(lo, hi, alignment_mode="contract")
        if span is None:
            continue
        verbs = [t for t in span if t.pos_ == "VERB" and t.lemma_.lower() in REPORTING_VERBS]
        for verb in verbs:
            found = subject(verb)
            if found is not None and lo <= found.idx < hi:
                return phrase(found)
    return ""


def inside_quotes(start: int, end: int, quotes: list[Quote]) -> bool:
    """Whether most of the sentence lies inside quotations (the quote suggestion covers it)."""
    covered = sum(max(0, min(end, q.end) - max(start, q.start)) for q in quotes)
    return covered * 2 > end - start


def kept_quotes(text: str, quotes: list[Quote],
                units: list[Unit]) -> list[tuple[Quote, list[tuple[Rule, Hit]]]]:
    """The quotations suggested as such, with the rules' hits inside them. A short one is a
    claim only for what it says itself (the hits of a longer sentence around it, "you only
    need the “Entity type” selection", are not its); a question with no hit is none."""
    kept = []
    for quote in quotes:
        inner = [h for u in units if u.start < quote.end and u.end > quote.start
                 for h in u.hits]
        if len(text[quote.start : quote.end].split()) < MIN_QUOTE_WORDS:
            inner = [h for u in units if quote.start <= u.start and u.end <= quote.end + 1
                     for h in u.hits]
            if not inner:
                continue
        if text[quote.start : quote.end].rstrip().endswith("?") and not inner:
            continue
        kept.append((quote, inner))
    return kept
