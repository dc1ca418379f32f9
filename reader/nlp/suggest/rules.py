"""The suggestion rules: each a function from a sentence (or the part of it that is scored) to a
`Hit`, named in `RULES` with its claim label and base score, so rules can be measured
(benchmarks/suggest_eval.py) and tuned one by one. A rule finds what a sentence says that can be
checked; who said it (the speaker) is context, never the reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Span

from reader.nlp.suggest.parse import (
    according_to,
    has_finite_verb,
    phrase,
    reporting_verbs,
    subject_or_inherited,
    verb_of,
)
from reader.nlp.suggest.parse import subject as subject_of
from reader.nlp.suggest.vocabulary import (
    ACCUSING_VERBS,
    HEDGE_WORDS,
    MODALS,
    NAMED_LABELS,
    NUMBER_LABELS,
    PREDICTIVE_VERBS,
    PROMISERS,
    RECORD_WORDS,
    REPORTING_VERBS,
    SCALE_WORDS,
    SELF_SUBJECTS,
    SMALL_NUMBER_WORDS,
    THIRD_PERSON,
    UNNAMED_SOURCES,
)

RECORD_BONUS = 0.2
"""What a record ("lowest ever", "in history", a first "since") adds to a comparison's score."""


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


# --- numbers --------------------------------------------------------------------------------


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


# --- rules ------------------------------------------------------------------------------


def rule_number(sent: Span, base: float) -> Hit | None:
    """A number (CARDINAL, PERCENT, MONEY, QUANTITY, or a DATE with digits) tied to a verb;
    a figure ("51 percent", "$500", "5.3 million") needs only a verb in the sentence."""
    found: list[str] = []
    score = 0.0
    if has_finite_verb(sent):
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
        if not has_finite_verb(sent) or (
                verb_of(ent.root, within=sent) is None and not _is_figure(ent)):
            continue
        found.append(_number_core(ent))
        score = max(score, weight)
    if not found:
        return None
    score = min(1.0, score + 0.05 * (len(found) - 1))
    return Hit(f"number tied to a verb: {', '.join(found)}", score)


def rule_comparison(sent: Span, base: float) -> Hit | None:
    """Superlatives, comparatives with "than", and "first ... since" firsts."""
    if not has_finite_verb(sent):
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
            subject = subject_of(tok.head)
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
    for verb in reporting_verbs(sent):
        subject = subject_of(verb)
        if subject is None:
            continue
        has_name = any(
            e.label_ == "PERSON" for e in sent.ents if e.start >= subject.left_edge.i
            and e.end <= subject.i + 1
        )
        says_something = any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)
        if subject.lemma_.lower() in UNNAMED_SOURCES and not has_name and says_something:
            return Hit(f"unnamed source: {subject.text} {verb.text}", base, phrase(subject))
    source = according_to(sent)
    if source is not None and source.lemma_.lower() in UNNAMED_SOURCES:
        return Hit(f"unnamed source: according to {source.text}", base, phrase(source))
    for tok in sent:
        if tok.lower_ in HEDGE_WORDS and verb_of(tok) is not None:
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
            subject = subject_or_inherited(tok)
            if subject is not None and subject.lower_ in SELF_SUBJECTS:
                continue  # "I'm not denying ...", "I have to blame myself"
            return Hit(f"accusation: {tok.text}", base, phrase(subject) if subject else "")
    return None


def rule_reported_claim(sent: Span, base: float) -> Hit | None:
    """Reported speech: a reporting verb with a clause of content ("stated that ..."). Not
    among `RULES` (it gives the speaker, not a reason); kept for what it finds."""
    for verb in reporting_verbs(sent):
        clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        subject = subject_of(verb)
        if clause is None or subject is None or subject.lower_ in SELF_SUBJECTS:
            continue  # "I tell you ...", "you said ...", "let's say ..."
        if any(t.text in "\u201c\u201d\"" for t in sent):
            continue  # direct speech is the quote rule's
        return Hit(f"reported claim: {verb.text} {sent.doc[verb.i + 1 : verb.i + 2].text} …",
                   base, phrase(subject))
    return None


def rule_named_perfect(sent: Span, base: float) -> Hit | None:
    """A named (or third-person) actor's completed action in the present perfect ("South Korea
    has provided", "Kim has ramped up", "he's agreed to it"): a checkable statement of fact."""
    for tok in sent:
        if tok.tag_ != "VBN" or tok.pos_ != "VERB":
            continue
        if not any(c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children):
            continue
        subject = subject_or_inherited(tok)
        if subject is None:
            continue
        if subject.ent_type_ in NAMED_LABELS or subject.pos_ == "PROPN":
            return Hit(f"action of a named actor: {phrase(subject)} {tok.text}", base)
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


FRAME_RULES = frozenset({"unnamed_source"})
"""Rules about the frame itself (who is cited, and how): they read the whole sentence."""

QUOTE_RULE = Rule("quote", "quote", 0.55, lambda sent, base: None)
"""The direct-speech rule's name, label and base score (it works on quote spans, not
sentences)."""
