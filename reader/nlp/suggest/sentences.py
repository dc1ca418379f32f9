"""The units a doc is suggested in: its sentences (cut again at line ends), each with the part
that is scored (a question tag or a speech frame cut off) and what the rules found in it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from reader.nlp.suggest.parse import attribution, framed
from reader.nlp.suggest.rules import FRAME_RULES, RULES, Hit, Rule
from reader.nlp.suggest.vocabulary import TAG_QUESTION


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """spaCy's sentences, cut again at line ends, without surrounding whitespace."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        start = sent.start_char
        for piece in re.finditer(r"[^\n]+", text[start : sent.end_char]):
            s, e = start + piece.start(), start + piece.end()
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                spans.append((s, e))
    return spans


@dataclass
class Unit:
    """One sentence of a doc with what the rules found in it."""

    start: int
    end: int
    sent: Span
    content: Span
    """What the sentence says, scored as if it stood alone (`scored_part`)."""
    hits: list[tuple[Rule, Hit]]
    source: str
    question: bool


def _trim(span: Span) -> Span:
    """`span` without punctuation at either end and without a leading "that"."""
    doc, lo, hi = span.doc, span.start, span.end
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space
                       or (doc[lo].lower_ == "that" and doc[lo].dep_ == "mark")):
        lo += 1
    while hi > lo and (doc[hi - 1].is_space or doc[hi - 1].text in (",", ":", ";", "-", "\u2014")):
        hi -= 1
    return doc[lo:hi] if lo < hi else span


def reported_part(span: Span) -> Span | None:
    """The reported clause when `span` is a speech frame around it: "Trump said: X", "Trump
    said that X", "X, Trump said." (a verb that only says who spoke, with its subject, at one
    end of the sentence); else None."""
    root = span.root
    if framed(root):
        colon = next((t for t in span if t.i > root.i and t.text == ":"), None)
        if colon is not None and (colon.head is root or colon.i - root.i <= 4):
            return _trim(span.doc[colon.i + 1 : span.end])  # Trump said: X
        for clause in root.children:
            if clause.dep_ not in ("ccomp", "parataxis"):
                continue  # not "xcomp": "we continue to fight" reports nothing
            if clause.left_edge.i > root.i:  # Trump said: X
                return _trim(span.doc[clause.left_edge.i : span.end])
            if clause.left_edge.i <= span.start + 1 and clause.right_edge.i < root.i:
                return _trim(span.doc[span.start : clause.right_edge.i + 1])  # X, Trump said.
    for frame in root.children:  # X, Trump said. (parsed with X as the root)
        if (frame.dep_ in ("parataxis", "ccomp") and frame.i > root.i and framed(frame)
                and frame.right_edge.i >= span.end - 2 and frame.left_edge.i > root.i):
            return _trim(span.doc[span.start : frame.left_edge.i])
    return None


def scored_part(sent: Span) -> tuple[Span, bool]:
    """(what a sentence is scored on, whether it asks a question). A question tag (", OK?")
    is cut off: the statement is claimed. A speech frame ("Trump said: …") is cut off: who
    said something is context, so a reported statement scores as the same statement
    unframed."""
    doc = sent.doc
    content: Span = sent
    tag = TAG_QUESTION.search(sent.text)
    if tag is not None and tag.start() > 0:
        cut = doc.char_span(sent.start_char, sent.start_char + tag.start(),
                            alignment_mode="contract")
        if cut is not None and len(cut):
            content = cut
    for _ in range(3):  # "Trump said: Mattis told you that X": X, as if it stood alone
        reported = reported_part(content)
        if reported is None or not len(reported) or len(reported) >= len(content):
            break
        content = reported
    if content is not sent and (tag := TAG_QUESTION.search(content.text)) is not None:
        cut = doc.char_span(content.start_char, content.start_char + tag.start(),
                            alignment_mode="contract")
        content = cut if cut is not None and len(cut) else content
    question = content.text.rstrip("\u201d\"' ").endswith("?")
    return content, question


def _bare_frame(sent: Span) -> bool:
    """ "Lesley Stahl said:" parsed as a sentence of its own: a frame with nothing in it."""
    return sent.text.rstrip().endswith(":") and framed(sent.root) and not any(
        c.dep_ in ("ccomp", "xcomp", "parataxis", "dobj") for c in sent.root.children)


def _sentences(doc: Doc) -> Iterator[tuple[int, int, Span, Span]]:
    """(start, end, sentence, the part scored) per sentence; a bare speech frame is one
    sentence with what follows it on its line."""
    spans = sentence_spans(doc)
    index = 0
    while index < len(spans):
        start, end = spans[index]
        index += 1
        sent = doc.char_span(start, end, alignment_mode="expand")
        if sent is None:
            continue
        scored = sent
        if index < len(spans) and _bare_frame(sent) and "\n" not in doc.text[end:spans[index][0]]:
            following = doc.char_span(*spans[index], alignment_mode="expand")
            whole = doc.char_span(start, spans[index][1], alignment_mode="expand")
            if following is not None and whole is not None:
                end, sent, scored = spans[index][1], whole, following
                index += 1
        yield start, end, sent, scored


def find_units(doc: Doc) -> list[Unit]:
    """Every sentence of `doc` with the part scored, the rules' hits and its attribution."""
    units: list[Unit] = []
    for start, end, sent, scored in _sentences(doc):
        content, question = scored_part(scored)
        hits: list[tuple[Rule, Hit]] = []
        if not question:  # a question claims nothing (it is still scored, low)
            for rule in RULES.values():
                hit = rule.find(sent if rule.name in FRAME_RULES else content, rule.score)
                if hit is not None:
                    hits.append((rule, hit))
        units.append(Unit(start, end, sent, content, hits, attribution(sent), question))
    return units
