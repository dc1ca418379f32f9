"""Suggested claims: rules over spaCy's parse that point at sentences worth checking.

Imports spaCy (only worker processes and `reader suggest` import this module). Every rule is
one function in `RULES` with a name, a claim label and a base score, so rules can be measured
(benchmarks/suggest_eval.py) and tuned. A sentence is suggested for what it says that can be
checked; who said it (the speaker) is context kept beside the suggestion, never the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from reader.nlp.checkworthy import (
    ClaimMemory,
    Model,
    explain,
    load_memory,
    load_model,
    sentence_features,
)
from reader.nlp.known_claims import KnownClaim, KnownClaims

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_SHARE",
    "DEFAULT_MIN_SCORE",
    "KNOWN_RULE",
    "KNOWN_SCORE",
    "MODEL_RULE",
    "RULES",
    "Hit",
    "Rule",
    "blend",
    "doc_sentence_features",
    "doc_sentence_rows",
    "quote_spans",
    "rank_key",
    "reported_part",
    "scored_part",
    "sentence_spans",
    "suggest_doc",
    "suggest_text",
]

def _words(text: str) -> frozenset[str]:
    """A set of the whitespace-separated words."""
    return frozenset(text.split())


DEFAULT_MIN_SCORE = 0.5
"""Suggestions scoring below this are dropped."""

DEFAULT_MAX_CHARS = 20_000
"""The longest piece of text `suggest_text` hands to spaCy at once."""

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
MIN_QUOTE_WORDS = 6
SELF_SUBJECTS = _words("i you 's us")
THIRD_PERSON = _words("he she they")
PROMISERS = _words("we that which who")
"""Subjects of "will" that make a promise or a description rather than a forecast."""
"""Subjects of talk about the conversation itself ("I will tell you", "you said", "let's say")."""
OPINION_VERBS = _words("think believe guess feel hope suppose mean assume suspect doubt wish")
"""First-person verbs that mark what follows as the speaker's opinion ("I think ...")."""
OPINION_FACTOR = 0.7
"""A sentence opening with "I think" (etc.) keeps this share of its score."""
RECORD_WORDS = _words("ever history record records all-time decades century")
"""Words that turn a comparison into a record claim ("lowest ever recorded", "in history")."""
RECORD_BONUS = 0.2

_QUOTE_PAIRS = (("\u201c", "\u201d"), ('"', '"'))


@dataclass(frozen=True)
class Hit:
    """What a rule found in a sentence."""

    reason: str
    score: float
    speaker: str = ""


@dataclass(frozen=True)
class Rule:
    """A named rule: `find(sentence)` returns a `Hit` or None."""

    name: str
    label: str
    score: float
    find: Callable[[Span, float], Hit | None]


# --- helpers over the parse -------------------------------------------------------------


def _verb_of(token: Token, steps: int = 6, within: Span | None = None) -> Token | None:
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


def _has_finite_verb(sent: Span) -> bool:
    return any(t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in sent)


def _phrase(head: Token) -> str:
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


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    return None


def _reporting_verbs(sent: Span) -> Iterator[Token]:
    for tok in sent:
        if tok.dep_ in ("amod", "compound"):
            continue  # "the reported deployment"
        if tok.pos_ == "VERB" and tok.lemma_.lower() in REPORTING_VERBS:
            yield tok


def _according_to(sent: Span) -> Token | None:
    """The object of "according to X" in the sentence."""
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            for child in tok.nbor().children:
                if child.dep_ == "pobj":
                    return child
    return None


def attribution(sent: Span) -> str:
    """Who the sentence attributes its content to ("" if nobody): the subject of a reporting
    verb, or X in "according to X"."""
    source = _according_to(sent)
    if source is not None:
        return _phrase(source)
    for verb in _reporting_verbs(sent):
        subject = _subject_or_inherited(verb)
        if subject is not None:
            return _phrase(subject)
    for tok in sent:
        if tok.lemma_.lower() in PREDICTIVE_VERBS | ACCUSING_VERBS and tok.pos_ == "VERB":
            subject = _subject(tok)
            if subject is not None and subject.lower_ not in ("it", "there"):
                return _phrase(subject)
    return ""


def _number_core(ent: Span) -> str:
    """"approximately 8,000" -> "8,000"; "around 10,000 to 12,000" -> "10,000 to 12,000"."""
    tokens = list(ent)
    while tokens and not (tokens[0].like_num or tokens[0].is_currency):
        tokens = tokens[1:]
    if not tokens:
        return ent.text
    return ent.doc[tokens[0].i : ent.end].text


def _is_substantive_number(ent: Span) -> bool:
    if any(ch.isdigit() for ch in ent.text) or "%" in ent.text:
        return True
    return not all(t.lower_ in SMALL_NUMBER_WORDS or not t.like_num for t in ent)


def _is_list_marker(ent: Span) -> bool:
    """"1 )" or "2." opening a line: a list number, not a statistic."""
    sent = ent.sent
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return ent.start == sent.start and nxt is not None and nxt.text in (")", ".", ":")


def _subject_or_inherited(verb: Token) -> Token | None:
    """The verb's subject, or the subject of the verb it is conjoined to."""
    subject = _subject(verb)
    if subject is None and verb.dep_ == "conj":
        subject = _subject(verb.head)
    return subject


# --- rules ----------------------------------------------------------------------------------


def _is_figure(tokens: Span) -> bool:
    """ "51 percent", "51 per cent", "51%", "$500", "5.3 million": an amount, a share or a
    sum of money, checkable however far from its verb it stands."""
    if tokens.label_ in ("PERCENT", "MONEY"):
        return True
    words = [t.lower_ for t in tokens]
    return (any(t.is_currency for t in tokens) or any(w in SCALE_WORDS for w in words)
            or any(a == "per" and b == "cent" for a, b in zip(words, words[1:], strict=False)))


def _loose_figures(sent: Span) -> list[Span]:
    """Figures the named-entity model did not mark: a number with digits next to a currency
    sign, "%", "percent", "per cent" or million/billion/trillion."""
    found = []
    for tok in sent:
        if not (tok.like_num and any(ch.isdigit() for ch in tok.text)) or tok.ent_type_:
            continue
        before = tok.doc[tok.i - 1] if tok.i > sent.start else None
        after = [t.lower_ for t in tok.doc[tok.i + 1 : min(sent.end, tok.i + 3)]]
        if (before is not None and before.is_currency) or (after and (
                after[0] in SCALE_WORDS or after[:2] == ["per", "cent"])):
            start = before.i if before is not None and before.is_currency else tok.i
            end = tok.i + (3 if after[:2] == ["per", "cent"] else 2 if after
                           and after[0] in SCALE_WORDS else 1)
            found.append(tok.doc[start:end])
    return found


def rule_number(sent: Span, base: float) -> Hit | None:
    """A number (CARDINAL, PERCENT, MONEY, QUANTITY, or a DATE with digits) tied to a verb;
    a figure ("51 percent", "$500", "5.3 million") needs only a verb in the sentence."""
    found: list[str] = []
    score = 0.0
    if _has_finite_verb(sent):
        for span in _loose_figures(sent):
            found.append(span.text)
            score = base
    for ent in sent.ents:
        if _is_list_marker(ent):
            continue
        if ent.label_ in NUMBER_LABELS and _is_substantive_number(ent):
            weight = base
        elif ent.label_ == "DATE" and any(ch.isdigit() for ch in ent.text):
            # a calendar date can be checked; a duration ("for 70 years") is mostly background
            weight = base - (0.3 if re.search(r"\b(1[5-9]|20)\d\d\b", ent.text) else 0.35)
        else:
            continue
        if ent.root.dep_ == "nummod" and ent.root.head.pos_ == "PROPN":
            continue  # part of a name: "60 Minutes", "Apollo 11"
        if not _has_finite_verb(sent) or (
                _verb_of(ent.root, within=sent) is None and not _is_figure(ent)):
            continue
        found.append(_number_core(ent))
        score = max(score, weight)
    if not found:
        return None
    score = min(1.0, score + 0.05 * (len(found) - 1))
    return Hit(f"number tied to a verb: {', '.join(found)}", score)


def rule_comparison(sent: Span, base: float) -> Hit | None:
    """Superlatives, comparatives with "than", and "first ... since" firsts."""
    if not _has_finite_verb(sent):
        return None
    words = [t.lower_ for t in sent]
    record = any(w in RECORD_WORDS for w in words)
    score = min(1.0, base + RECORD_BONUS) if record else base
    note = " (a record)" if record else ""
    for tok in sent:
        if tok.tag_ in ("JJS", "RBS") and tok.lower_ not in ("most", "least", "best"):
            return Hit(f"superlative: {tok.text}{note}", score)
        followed = tok.i + 1 < sent.end and tok.nbor().pos_ in ("ADJ", "ADV")
        if tok.tag_ in ("JJS", "RBS") and followed:
            return Hit(f"superlative: {tok.text} {tok.nbor().text}{note}", score)
        if tok.tag_ in ("JJR", "RBR") and "than" in words[tok.i - sent.start :]:
            return Hit(f"comparison: {tok.text} … than{note}", score)
    for ent in sent.ents:
        if ent.label_ == "ORDINAL" and ("since" in words or "ever" in words):
            return Hit(f"a first: {ent.text} … since", min(1.0, base + RECORD_BONUS))
    named = [e for e in sent.ents if e.label_ in NAMED_LABELS]
    for tok in sent:
        if tok.lower_ == "same" and named and (
            (tok.i + 1 < sent.end and tok.nbor().lower_ == "as")
            or any(e.root.dep_ in ("nsubj", "nsubjpass") for e in named)
        ):
            return Hit(f"equivalence: the same … {named[0].text}", base)
    return None


def rule_prediction(sent: Span, base: float) -> Hit | None:
    """Predictions: will/may/might/would with a verb; expects/predicts/fears that ..."""
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ == "VERB" and lemma in PREDICTIVE_VERBS and any(
            c.dep_ in ("ccomp", "xcomp") for c in tok.children
        ):
            return Hit(f"prediction: {tok.text}", min(1.0, base + 0.1))
    hypothetical = any(t.lower_ in ("if", "unless", "whether") for t in sent)
    for tok in sent:
        if (tok.tag_ == "MD" and tok.lower_ in MODALS and tok.head.pos_ in ("VERB", "AUX")
                and sent.start <= tok.head.i < sent.end):
            subject = _subject(tok.head)
            if subject is not None and (
                subject.lower_ == "you" or (subject.lower_ == "it" and tok.head.lemma_ == "be")
            ):
                continue  # instructions and hedges ("you may", "it may be that")
            if subject is not None and subject.lower_ in SELF_SUBJECTS and (
                tok.head.lemma_.lower() in REPORTING_VERBS | {"tell"}
            ):
                continue  # talk about the talk: "I will say this", "I will tell you"
            if tok.lower_ != "will" and (
                hypothetical or any(c.lower_ == "have" for c in tok.head.children)
            ):
                continue  # hypotheticals: "would be upset if ...", "could have done"
            if tok.lower_ == "will" and subject is not None and subject.lower_ not in (
                SELF_SUBJECTS | PROMISERS
            ):
                base = min(1.0, base + 0.05)  # a forecast about others, not a promise
            return Hit(f"prediction: {tok.text} {tok.head.text}", base)
    return None


def rule_unnamed_source(sent: Span, base: float) -> Hit | None:
    """Claims attributed to unnamed sources ("intelligence estimates", "officials said",
    "according to sources") or hedged as reported ("reportedly", "reported deployment")."""
    for verb in _reporting_verbs(sent):
        subject = _subject(verb)
        if subject is None:
            continue
        has_name = any(
            e.label_ == "PERSON" for e in sent.ents if e.start >= subject.left_edge.i
            and e.end <= subject.i + 1
        )
        says_something = any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)
        if subject.lemma_.lower() in UNNAMED_SOURCES and not has_name and says_something:
            return Hit(f"unnamed source: {subject.text} {verb.text}", base, _phrase(subject))
    source = _according_to(sent)
    if source is not None and source.lemma_.lower() in UNNAMED_SOURCES:
        return Hit(f"unnamed source: according to {source.text}", base, _phrase(source))
    for tok in sent:
        if tok.lower_ in HEDGE_WORDS and _verb_of(tok) is not None:
            return Hit(f"hedged as reported: {tok.text} {tok.head.text}", base - 0.1)
    return None


def rule_accusation(sent: Span, base: float) -> Hit | None:
    """Accusations: accuse/allege/blame/condemn/deny with an object or clause."""
    for tok in sent:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in ACCUSING_VERBS and any(
            c.dep_ == "ccomp" or (c.dep_ == "dobj" and c.pos_ != "PRON")
            or (c.dep_ == "prep" and c.lower_ in ("of", "for"))
            for c in tok.children
        ):
            subject = _subject_or_inherited(tok)
            if subject is not None and subject.lower_ in SELF_SUBJECTS:
                continue  # "I'm not denying ...", "I have to blame myself"
            return Hit(f"accusation: {tok.text}", base, _phrase(subject) if subject else "")
    return None


def rule_reported_claim(sent: Span, base: float) -> Hit | None:
    """Reported speech: a reporting verb with a clause of content ("stated that ..."). Not
    among `RULES` (it gives the speaker, not a reason); kept for what it finds."""
    for verb in _reporting_verbs(sent):
        clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        subject = _subject(verb)
        if clause is None or subject is None or subject.lower_ in SELF_SUBJECTS:
            continue  # "I tell you ...", "you said ...", "let's say ..."
        if any(t.text in "\u201c\u201d\"" for t in sent):
            continue  # direct speech is the quote rule's
        return Hit(f"reported claim: {verb.text} {sent.doc[verb.i + 1 : verb.i + 2].text} …",
                   base, _phrase(subject))
    return None


def rule_named_perfect(sent: Span, base: float) -> Hit | None:
    """A named (or third-person) actor's completed action in the present perfect ("South Korea
    has provided", "Kim has ramped up", "he's agreed to it"): a checkable statement of fact."""
    for tok in sent:
        if tok.tag_ != "VBN" or tok.pos_ != "VERB":
            continue
        if not any(c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children):
            continue
        subject = _subject_or_inherited(tok)
        if subject is None:
            continue
        if subject.ent_type_ in NAMED_LABELS or subject.pos_ == "PROPN":
            return Hit(f"action of a named actor: {_phrase(subject)} {tok.text}", base)
        if subject.lower_ in THIRD_PERSON and tok.lemma_.lower() not in REPORTING_VERBS:
            return Hit(f"action of an actor: {subject.text} {tok.text}", base)
    return None


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule("number", "statistic", 0.8, rule_number),
        Rule("unnamed_source", "factual", 0.7, rule_unnamed_source),
        Rule("accusation", "factual", 0.65, rule_accusation),
        Rule("prediction", "prediction", 0.45, rule_prediction),
        Rule("comparison", "factual", 0.55, rule_comparison),
        Rule("named_perfect", "factual", 0.5, rule_named_perfect),
    )
}
"""Sentence rules, by name. Direct quotations are found by `quote_spans` (rule "quote").
Reported speech ("Trump said: …") is no rule: who said something is context (the speaker), and
the clause it reports is scored as if it stood alone (`scored_part`)."""

RULE_SHARE = 0.5
"""A sentence's score is this share of its rules' score plus the rest of the model's."""

MODEL_RULE = "model"
"""The `rule` of a sentence suggested by the check-worthiness model with no rule firing."""
KNOWN_RULE = "known_claim"
"""The `rule` of a sentence suggested because it resembles one of the analyst's claims."""
KNOWN_SCORE = 0.9
"""The least score of a sentence that resembles one of the analyst's stored claims..."""
KNOWN_FLOOR = 0.2
"""...when its own score says it could be a claim (rules alone: when a rule fired)."""

QUOTE_RULE = Rule("quote", "quote", 0.55, lambda sent, base: None)
"""The direct-speech rule's name, label and base score (it works on quote spans, not
sentences)."""


# --- units: sentences and quotes -----------------------------------------------------------


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
class _Quote:
    start: int
    end: int
    open_at: int
    close_at: int


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Quoted statements: the text between paired quote marks on one line, without the marks
    and without a trailing comma."""
    return [(q.start, q.end) for q in _quotes(text)]


def _quotes(text: str) -> list[_Quote]:
    found: list[_Quote] = []
    for opening, closing in _QUOTE_PAIRS:
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
                found.append(_Quote(start, end, m.start(), m.end() - 1))
    return sorted(found, key=lambda q: q.start)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def _quote_speaker(doc: Doc, quote: _Quote, quotes: list[_Quote]) -> str:
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
            subject = _subject(verb)
            if subject is not None and lo <= subject.idx < hi:
                return _phrase(subject)
    return ""


# --- assembling suggestions ---------------------------------------------------------------


def _combine(scores: list[float]) -> float:
    """Several independent reasons make a stronger suggestion: 1 - prod(1 - s)."""
    rest = 1.0
    for score in scores:
        rest *= 1.0 - score
    return round(min(1.0, 1.0 - rest), 3)


def _resolve(speaker: str, last_named: str) -> str:
    if speaker.lower() in PRONOUNS and last_named:
        return last_named
    return speaker


@dataclass
class _Unit:
    """One sentence of a doc with what the rules found in it."""

    start: int
    end: int
    sent: Span
    content: Span
    """What the sentence says, scored as if it stood alone (`scored_part`)."""
    hits: list[tuple[Rule, Hit]]
    source: str
    question: bool


FRAME_RULES = frozenset({"unnamed_source"})
"""Rules about the frame itself (who is cited, and how): they read the whole sentence."""


def _trim(span: Span) -> Span:
    """`span` without punctuation at either end and without a leading "that"."""
    doc, lo, hi = span.doc, span.start, span.end
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space
                       or (doc[lo].lower_ == "that" and doc[lo].dep_ == "mark")):
        lo += 1
    while hi > lo and (doc[hi - 1].is_space or doc[hi - 1].text in (",", ":", ";", "-", "\u2014")):
        hi -= 1
    return doc[lo:hi] if lo < hi else span


def _framed(verb: Token) -> bool:
    return (verb.pos_ == "VERB" and verb.lemma_.lower() in FRAME_VERBS
            and _subject(verb) is not None)


def reported_part(span: Span) -> Span | None:
    """The reported clause when `span` is a speech frame around it: "Trump said: X", "Trump
    said that X", "X, Trump said." (a verb that only says who spoke, with its subject, at one
    end of the sentence); else None."""
    root = span.root
    if _framed(root):
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
        if (frame.dep_ in ("parataxis", "ccomp") and frame.i > root.i and _framed(frame)
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
    return sent.text.rstrip().endswith(":") and _framed(sent.root) and not any(
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


def _units(doc: Doc) -> list[_Unit]:
    units: list[_Unit] = []
    for start, end, sent, scored in _sentences(doc):
        content, question = scored_part(scored)
        hits: list[tuple[Rule, Hit]] = []
        if not question:  # a question claims nothing (it is still scored, low)
            for rule in RULES.values():
                hit = rule.find(sent if rule.name in FRAME_RULES else content, rule.score)
                if hit is not None:
                    hits.append((rule, hit))
        units.append(_Unit(start, end, sent, content, hits, attribution(sent), question))
    return units


def _unit_features(unit: _Unit, quotes: list[_Quote], vector: bool = True) -> dict[str, float]:
    fired = [rule.name for rule, _ in unit.hits]
    if any(q.start < unit.end and q.end > unit.start for q in quotes):
        fired.append(QUOTE_RULE.name)
    return sentence_features(unit.content, fired, vector=vector)


def _rule_score(unit: _Unit) -> tuple[float, list[str]]:
    """The rules' combined score for a sentence (lowered for an opinion) and the reasons."""
    hits = sorted(unit.hits, key=lambda rh: -rh[1].score)
    reasons = [h.reason for _, h in hits]
    score = _combine([h.score for _, h in hits]) if hits else 0.0
    opinion = _opinion(unit.content) if hits else ""
    if opinion:
        score = round(score * OPINION_FACTOR, 3)
        reasons.append(f"lowered: opinion ({opinion})")
    return score, reasons


def doc_sentence_features(doc: Doc) -> list[tuple[int, int, dict[str, float]]]:
    """(start, end, features) for every sentence of `doc`, exactly as `suggest_doc` scores
    them; the check-worthiness model is trained on these."""
    return [(s, e, f) for s, e, f, _ in doc_sentence_rows(doc)]


def doc_sentence_rows(doc: Doc) -> list[tuple[int, int, dict[str, float], float]]:
    """(start, end, features, rules' score) for every sentence of `doc` (the rules' score is
    what the model's probability is blended with; training sets the cut-off on the blend)."""
    quotes = _quotes(doc.text)
    return [(u.start, u.end, _unit_features(u, quotes), _rule_score(u)[0]) for u in _units(doc)]


def _scoring(model: Model | None | bool,
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


def blend(rule_score: float, learned: float) -> float:
    """A sentence's score: `RULE_SHARE` of its rules' score, the rest the model's
    probability (so two sentences the same rules fired on still rank by the model)."""
    return round(RULE_SHARE * rule_score + (1 - RULE_SHARE) * learned, 3)


def rank_key(item: Mapping[str, Any]) -> tuple[float, float]:
    """How suggestions rank, best last: by score, ties broken by the model's probability."""
    return float(item["score"]), float(item.get("model", 0.0))


def _kept_quotes(text: str, quotes: list[_Quote],
                 units: list[_Unit]) -> list[tuple[_Quote, list[tuple[Rule, Hit]]]]:
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


def suggest_doc(doc: Doc, min_score: float = DEFAULT_MIN_SCORE,
                model: Model | None | bool = True,
                memory: ClaimMemory | None = None, vector: bool = True, *,
                known: KnownClaims | None = None, article_id: str = "",
                offset: int = 0) -> list[dict[str, Any]]:
    """Suggested claims in a parsed doc (parser and ner needed), sorted by start.

    Each is {"start", "end", "text", "label", "speaker", "reason", "score", "rule"} with exact
    character offsets into `doc.text` (and "model", the model's probability, when there is a
    model: `rank_key` breaks ties of score with it); a direct quotation is one suggestion for
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
    scorer, memory = _scoring(model, memory)
    text = doc.text
    units = _units(doc)
    kept = _kept_quotes(text, _quotes(text), units)
    quotes = [q for q, _ in kept]
    learned: dict[int, tuple[float, dict[str, float]]] = {}
    if scorer is not None:
        for each in units:
            features = _unit_features(each, quotes, vector)
            if memory is not None:
                features.update(memory.features(each.content.text))
            learned[each.start] = (scorer.score(features), features)
    results: list[dict[str, Any]] = []

    last_named = ""
    events: list[tuple[int, str, Any]] = [(q.start, "quote", (q, inner)) for q, inner in kept]
    events += [(u.start, "sent", u) for u in units]
    for _, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
        if kind == "quote":
            quote, inner = item
            speaker = _resolve(_quote_speaker(doc, quote, quotes), last_named)
            if speaker and speaker.lower() not in PRONOUNS:
                last_named = speaker
            reasons = ["direct quotation"] + [h.reason for _, h in inner]
            score = _combine([QUOTE_RULE.score] + [h.score * 0.5 for _, h in inner])
            prior = _known(known, text[quote.start : quote.end], article_id,
                           offset + quote.start, offset + quote.end)
            if prior is not None:
                score = max(score, KNOWN_SCORE)
                reasons.insert(0, _known_reason(prior))
            found = _suggestion(text, quote.start, quote.end, "quote", speaker, reasons, score,
                                QUOTE_RULE.name, prior)
            inside = [learned[u.start][0] for u in units if u.start in learned
                      and u.start < quote.end and u.end > quote.start]
            if inside:
                found["model"] = round(max(inside), 4)
            results.append(found)
            continue
        unit: _Unit = item
        start, end, hits, source = unit.start, unit.end, unit.hits, unit.source
        if source and source.lower() not in PRONOUNS:
            last_named = source
        if _inside_quotes(start, end, [q for q in quotes if q.start < end and q.end > start]):
            continue
        hits.sort(key=lambda rh: -rh[1].score)
        rule_score, reasons = _rule_score(unit)
        prior = _known(known, unit.sent.text, article_id, offset + start, offset + end)
        probability = None
        if scorer is not None:
            probability, features = learned[unit.start]
            score = blend(rule_score, probability)
            if score < KNOWN_FLOOR:
                prior = None  # chatter ("But let me tell you.") is no claim, whatever it is like
            if score < min_score and prior is None:
                continue
            telling = explain(scorer, features)
            if telling:
                reasons.append("model: " + ", ".join(telling))
            repeated = memory.repeated(unit.content.text) if memory is not None else ""
            if repeated:
                reasons.append(f"repeats a claim checked before: \u201c{_clip(repeated)}\u201d")
        elif hits:
            score = rule_score
        else:
            continue
        if prior is not None:
            score = max(score, KNOWN_SCORE)
            reasons.insert(0, _known_reason(prior))
        if hits:
            label, rule_name = hits[0][0].label, hits[0][0].name
        elif prior is not None:
            label, rule_name = prior.label or "factual", KNOWN_RULE
        else:
            label, rule_name = "factual", MODEL_RULE
        speaker = next((h.speaker for _, h in hits if h.speaker), "") or source
        speaker = _resolve(speaker, last_named)
        found = _suggestion(text, start, end, label, speaker, reasons, score, rule_name, prior)
        if probability is not None:
            found["model"] = round(probability, 4)
        results.append(found)
    kept_items = [r for r in results if r["score"] >= min_score]
    return sorted(kept_items, key=lambda r: (r["start"], r["end"]))


def _known(known: KnownClaims | None, text: str, article_id: str, start: int,
           end: int) -> KnownClaim | None:
    return known.find(text, article_id, start, end) if known else None


def _known_reason(claim: KnownClaim) -> str:
    """ "resembles your claim in “Title” (verdict: false): “…”" """
    where = f" in \u201c{_clip(claim.title, 50)}\u201d" if claim.title else ""
    verdict = claim.verdict if claim.verdict not in ("", "unverified") else ""
    judged = f" (verdict: {verdict})" if verdict else ""
    return f"resembles your claim{where}{judged}: \u201c{_clip(claim.quote, 120)}\u201d"


def _clip(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _opinion(sent: Span | None) -> str:
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


def _inside_quotes(start: int, end: int, quotes: list[_Quote]) -> bool:
    """Whether most of the sentence lies inside quotations (the quote suggestion covers it)."""
    covered = sum(max(0, min(end, q.end) - max(start, q.start)) for q in quotes)
    return covered * 2 > end - start


def _suggestion(text: str, start: int, end: int, label: str, speaker: str,
                reasons: list[str], score: float, rule: str,
                prior: KnownClaim | None = None) -> dict[str, Any]:
    """A suggestion record; `like` (the stored claim it resembles, described for a note) only
    when there is one."""
    unique = list(dict.fromkeys(reasons))
    item = {
        "start": start,
        "end": end,
        "text": text[start:end],
        "label": label,
        "speaker": speaker,
        "reason": "; ".join(unique),
        "score": score,
        "rule": rule,
    }
    if prior is not None:
        item["like"] = prior.describe()
    return item


# --- long texts -----------------------------------------------------------------------------


def _pieces(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Paragraphs (lines), long ones cut by `chunk_spans` (or at whitespace if absent)."""
    cut: Callable[[str, int], list[tuple[int, int]]]
    try:
        from reader.text.chunking import chunk_spans as cut
    except ImportError:  # pragma: no cover - the text layer ships it
        cut = _fallback_chunks
    pieces: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+", text):
        if not m.group().strip():
            continue
        if m.end() - m.start() <= max_chars:
            pieces.append((m.start(), m.end()))
            continue
        for s, e in cut(m.group(), max_chars):
            pieces.append((m.start() + s, m.start() + e))
    return pieces


def _fallback_chunks(text: str, max_chars: int) -> list[tuple[int, int]]:
    spans, start = [], 0
    while start < len(text):
        end = min(len(text), start + max_chars)
        if end < len(text):
            cut = text.rfind(" ", start + 1, end)
            end = cut + 1 if cut > start else end
        spans.append((start, end))
        start = end
    return spans


DEFAULT_MAX_SHARE = 0.15
"""At the default cut-off, a long text (`LONG_TEXT` sentences or more: a speech, a debate, an
interview transcript) gets at most this share of its sentences suggested, the best ranked. A
cut-off on a score cannot hold a share on every text (a scripted speech dense in figures scores
high throughout); an analyst reviewing a transcript needs a list of a known size. A short text
(a news article) keeps every suggestion over the cut-off."""

LONG_TEXT = 100
"""Sentences from which a text is long enough for the reviewing budget."""


def within_budget(items: list[dict[str, Any]], sentences: int,
                  share: float = DEFAULT_MAX_SHARE) -> list[dict[str, Any]]:
    """The best-ranked items, at most `share` of `sentences`, in text order; a short text (fewer
    than `LONG_TEXT` sentences) keeps them all."""
    limit = int(share * sentences)
    if sentences < LONG_TEXT or len(items) <= limit:
        return items
    kept = {id(item) for item in sorted(items, key=rank_key)[len(items) - limit:]}
    return [item for item in items if id(item) in kept]


def suggest_text(
    nlp: Language, text: str, *, max_chars: int = DEFAULT_MAX_CHARS,
    min_score: float | None = None, model: Model | None | bool = True,
    memory: ClaimMemory | None = None,
    known: KnownClaims | Iterable[Mapping[str, Any]] = (), article_id: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
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
    pieces = _pieces(text, max_chars)
    results: list[dict[str, Any]] = []
    last_named = ""
    scorer, memory = _scoring(model, memory)  # once for the text, not per paragraph
    vector = scorer is not None and scorer.fits(str(getattr(nlp, "meta", {}).get("name", "")))
    for (start, end), doc in zip(pieces, nlp.pipe(text[s:e] for s, e in pieces), strict=True):
        sentences += sum(1 for _ in doc.sents)
        for item in suggest_doc(doc, min_score=threshold, model=scorer, memory=memory,
                                vector=vector, known=known_claims, article_id=article_id,
                                offset=start):
            item = dict(item, start=item["start"] + start, end=item["end"] + start)
            if item["speaker"].lower() in PRONOUNS:  # resolved, or none: never a pronoun
                item["speaker"] = last_named
            if item["speaker"] and item["speaker"].lower() not in PRONOUNS:
                last_named = item["speaker"]
            results.append(item)
        if progress is not None:
            progress(end, len(text))
    return within_budget(results, sentences) if budget else results
