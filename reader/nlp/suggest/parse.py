"""Questions asked of spaCy's parse by several rules: the verb above a token, a subject, the
noun phrase it heads, the reporting verbs of a sentence, and who a sentence is attributed to."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from reader.nlp.suggest.vocabulary import (
    ACCUSING_VERBS,
    FRAME_VERBS,
    PREDICTIVE_VERBS,
    REPORTING_VERBS,
)


def verb_of(token: Token, steps: int = 6, within: Span | None = None) -> Token | None:
    """The nearest verb or auxiliary at or above `token` in its sentence (in `within` when
    given: the part of a sentence being scored, not the frame around it)."""
    current = token
    for _ in range(steps):
        if within is not None and not within.start <= current.i < within.end:
            return None
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head is current:
            return None
        current = current.head
    return None


def has_finite_verb(sent: Span) -> bool:
    """Whether the span has a verb in a finite form (a statement, not a headline fragment)."""
    return any(t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in sent)


def phrase(head: Token) -> str:
    """The noun phrase headed by `head`, without appositions, relative clauses or commas."""
    cut = {"appos", "relcl", "acl", "advcl", "parataxis"}
    if head.pos_ == "PROPN":
        cut |= {"prep", "punct"}  # "Borrell in a press conference" -> "Borrell"
    keep = {head.i}
    stack = [c for c in head.children if c.dep_ not in cut]
    while stack:
        tok = stack.pop()
        keep.add(tok.i)
        stack.extend(c for c in tok.children if c.dep_ not in ("relcl", "appos", "advcl"))
    left = right = head.i
    while left - 1 in keep:
        left -= 1
    while right + 1 in keep:
        right += 1
    doc = head.doc
    while left < right and doc[left].is_punct:
        left += 1
    while right > left and doc[right].is_punct:
        right -= 1
    return doc[left : right + 1].text


def subject(verb: Token) -> Token | None:
    """The verb's own (active or passive) subject."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    return None


def subject_or_inherited(verb: Token) -> Token | None:
    """The verb's subject, or the subject of the verb it is conjoined to."""
    found = subject(verb)
    if found is None and verb.dep_ == "conj":
        found = subject(verb.head)
    return found


def reporting_verbs(sent: Span) -> Iterator[Token]:
    """The verbs of `sent` that report speech (not "the reported deployment")."""
    for tok in sent:
        if tok.dep_ in ("amod", "compound"):
            continue  # "the reported deployment"
        if tok.pos_ == "VERB" and tok.lemma_.lower() in REPORTING_VERBS:
            yield tok


def according_to(sent: Span) -> Token | None:
    """The object of "according to X" in the sentence."""
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            for child in tok.nbor().children:
                if child.dep_ == "pobj":
                    return child
    return None


def framed(verb: Token) -> bool:
    """Whether `verb` only says who spoke ("said", "told") and has its subject."""
    return (verb.pos_ == "VERB" and verb.lemma_.lower() in FRAME_VERBS
            and subject(verb) is not None)


def attribution(sent: Span) -> str:
    """Who the sentence attributes its content to ("" if nobody): the subject of a reporting
    verb, or X in "according to X"."""
    source = according_to(sent)
    if source is not None:
        return phrase(source)
    for verb in reporting_verbs(sent):
        found = subject_or_inherited(verb)
        if found is not None:
            return phrase(found)
    for tok in sent:
        if tok.lemma_.lower() in PREDICTIVE_VERBS | ACCUSING_VERBS and tok.pos_ == "VERB":
            found = subject(tok)
            if found is not None and found.lower_ not in ("it", "there"):
                return phrase(found)
    return ""
