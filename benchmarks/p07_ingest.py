"""P7: `reader ingest PATH` on a 1,000-article JSONL corpus, against bare `nlp.pipe`.

App: `reader ingest benchmarks/_work/corpus-1000.jsonl --db <fresh store>` as a subprocess,
spawn to exit (loading, adding 1,000 articles to the store, NER with its default process
count, caching the entities). Baseline: a fresh interpreter doing `import spacy`,
`spacy.load(model, exclude=[...])`, `nlp.pipe(texts, n_process, batch_size=64)` over the same
1,000 texts, best of n_process 1 and 2.
"""

from __future__ import annotations

import json
import subprocess
import time

from benchmarks.baselines import best_bare_ner
from benchmarks.common import READER, Row, bench_env, main_for, reader_model, say, temp_dir
from benchmarks.inputs import corpus_jsonl

BASELINE_CONFIGS = [(1, 64), (2, 64)]


def run() -> list[Row]:
    """ingest wall time / best bare baseline."""
    model = reader_model()
    path = corpus_jsonl()
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    with temp_dir("p07-") as tmp:
        start = time.perf_counter()
        done = subprocess.run(
            [READER, "ingest", str(path), "--db", str(tmp / "store")],
            capture_output=True, text=True, env=bench_env(), check=False, timeout=900,
        )
        wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"P7: reader ingest failed ({done.returncode}): {done.stderr[-800:]}")
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    say(f"  P7 ingest: {wall:.2f} s; {last}")
    baseline, which, results = best_bare_ner(model, texts, BASELINE_CONFIGS, "corpus")
    say(f"  P7 baseline: {results}")
    chars = sum(len(t) for t in texts)
    return [
        Row(
            "P7",
            "reader ingest, 1,000-article JSONL",
            wall,
            "s",
            "ratio",
            1.1,
            baseline=baseline,
            baseline_what=f"bare nlp.pipe, {which}",
            note=f"{len(texts)} articles, {chars} chars; ingest said: {last!r}; baselines "
            + "; ".join(f"{k}: {v['wall']:.2f} s (ner {v['ner']:.2f} s, {v['entities']} ents)"
                        for k, v in results.items()),
            details={"ingest": wall, "stderr": done.stderr[-2000:], "baseline": results},
        )
    ]


if __name__ == "__main__":
    main_for(run)
