"""P15 (issue 13 item 22): a corpus of 10,000 and 100,000 JSONL lines: first paint, and
`reader ingest` time (linear in the corpus).

- First paint: `reader corpus-lines-N.jsonl --db <fresh store>` in a pty, spawn until the
  first article's first words appear (the rest enter the store in a worker meanwhile); then
  `q`. Median of `RUNS`.
- Ingest: `reader ingest corpus-lines-N.jsonl --db <fresh store> --model <blank pipeline>`,
  spawn to exit. The model is `spacy.blank("en")` saved under benchmarks/_work (built in a
  fresh interpreter: this process never imports spaCy), so the figure is the store path
  (load, add every article, write every entity-cache file), not NER speed (that is P7).
  Linear means the 100,000-line ingest takes at most 1.5 x ten times the 10,000-line one.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time

from benchmarks.common import PYTHON, READER, WORK, Row, bench_env, main_for, say, temp_dir
from benchmarks.inputs import line_corpus
from benchmarks.launch_common import first_words_pattern, timed_runs

SIZES = (10_000, 100_000)
RUNS = 2
TIMEOUT = float(os.environ.get("P15_TIMEOUT", "300"))
"""Seconds a run may take (the code before issue 13 drew nothing in 590 s at 100,000)."""


def blank_model() -> str:
    """A blank English pipeline on disk (tokenizer only), for timing the store path."""
    path = WORK / "blank-en"
    if not (path / "meta.json").exists():
        subprocess.run(
            [PYTHON, "-c", f"import spacy; spacy.blank('en').to_disk({str(path)!r})"],
            check=True, timeout=300,
        )
    return str(path)


def _first_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return str(json.loads(handle.readline())["text"])


def first_paint(size: int) -> Row:
    """Median spawn-to-first-words of the first article."""
    path = line_corpus(size)
    pattern = first_words_pattern(_first_text(str(path)))
    with temp_dir("p15-") as tmp:
        runs = timed_runs(
            f"P15 paint {size}",
            lambda n: [READER, str(path), "--db", str(tmp / f"store{n}")],
            {"text": pattern},
            runs=RUNS,
            timeout=TIMEOUT,
        )
    times = [r.found["text"] for r in runs]
    return Row(
        f"P15p{size // 1000}k",
        f"{size:,}-line JSONL corpus: first paint",
        statistics.median(times),
        "s",
        "abs",
        3.0,
        note=f"{path.stat().st_size} bytes; runs {', '.join(f'{t:.3f}' for t in times)} s",
        details={"runs": times},
    )


def ingest(size: int, model: str) -> tuple[float, str]:
    """Wall time of one `reader ingest` with the blank pipeline, and its last line."""
    path = line_corpus(size)
    with temp_dir("p15i-") as tmp:
        start = time.perf_counter()
        done = subprocess.run(
            [READER, "ingest", str(path), "--db", str(tmp / "store"), "--model", model],
            capture_output=True, text=True, env=bench_env(), check=False, timeout=TIMEOUT * 4,
        )
        wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"P15: ingest failed ({done.returncode}): {done.stderr[-800:]}")
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    say(f"  P15 ingest {size}: {wall:.2f} s; {last}")
    return wall, last


def run() -> list[Row]:
    """First paint at each size; ingest at each size, the larger against 10x the smaller."""
    rows = [first_paint(size) for size in SIZES]
    model = blank_model()
    small, small_last = ingest(SIZES[0], model)
    large, large_last = ingest(SIZES[1], model)
    rows.append(Row("P15i10k", f"reader ingest, {SIZES[0]:,} lines (blank pipeline)", small,
                    "s", "abs", 300.0, note=small_last))
    rows.append(Row("P15i100k", f"reader ingest, {SIZES[1]:,} lines (blank pipeline)", large,
                    "s", "ratio", 1.5, baseline=small * SIZES[1] / SIZES[0],
                    baseline_what="10 x the 10,000-line ingest (linear)", note=large_last))
    return rows


if __name__ == "__main__":
    main_for(run)
