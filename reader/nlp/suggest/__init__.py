"""Suggested claims: rules over spaCy's parse that point at sentences worth checking.

Imports spaCy (only worker processes and `reader suggest` import this package). One job a
module: `vocabulary` (the words rules read), `parse` (questions asked of the parse), `rules`
(each rule a function in `RULES` with a name, a claim label and a base score, so rules can be
measured by benchmarks/suggest_eval.py and tuned), `sentences` (the units scored), `quotes`
(direct quotations and who is quoted), `scoring` (rules blended with the check-worthiness
model, ranking, the budget of a long text), `record` (the suggestion record), `doc` (one parsed
doc) and `text` (a whole text, paragraph by paragraph). A sentence is suggested for what it
says that can be checked; who said it (the speaker) is context kept beside the suggestion,
never the reason.
"""

from __future__ import annotations

from reader.nlp.suggest.doc import suggest_doc
from reader.nlp.suggest.quotes import quote_spans
from reader.nlp.suggest.record import KNOWN_RULE, MODEL_RULE
from reader.nlp.suggest.rules import QUOTE_RULE, RULES, Hit, Rule, rule_reported_claim
from reader.nlp.suggest.scoring import (
    DEFAULT_MAX_SHARE,
    DEFAULT_MIN_SCORE,
    KNOWN_SCORE,
    blend,
    doc_sentence_features,
    doc_sentence_rows,
    rank_key,
    within_budget,
)
from reader.nlp.suggest.sentences import reported_part, scored_part, sentence_spans
from reader.nlp.suggest.text import DEFAULT_MAX_CHARS, suggest_text

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_SHARE",
    "DEFAULT_MIN_SCORE",
    "KNOWN_RULE",
    "KNOWN_SCORE",
    "MODEL_RULE",
    "QUOTE_RULE",
    "RULES",
    "Hit",
    "Rule",
    "blend",
    "doc_sentence_features",
    "doc_sentence_rows",
    "quote_spans",
    "rank_key",
    "reported_part",
    "rule_reported_claim",
    "scored_part",
    "sentence_spans",
    "suggest_doc",
    "suggest_text",
    "within_budget",
]
