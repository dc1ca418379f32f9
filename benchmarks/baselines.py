"""The bare-spaCy baseline the issue names: `import spacy`, `spacy.load` without the
components NER does not need, then `nlp(text)` or `nlp.pipe(texts, n_process, batch_size)`.

Runs in a fresh interpreter per measurement (see `common.run_script`), so the time counts the
import and the model load exactly as a user's script would pay them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from benchmarks.common import NER_EXCLUDE, WORK, run_script

SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
import spacy
t1 = time.perf_counter()
nlp = spacy.load(sys.argv[1], exclude=json.loads(sys.argv[2]))
t2 = time.perf_counter()
with open(sys.argv[3], encoding="utf-8") as handle:
    texts = json.load(handle)
n_process, batch = int(sys.argv[4]), int(sys.argv[5])
t3 = time.perf_counter()
if n_process == 0:
    ents = sum(len(nlp(text).ents) for text in texts)
else:
    ents = sum(len(doc.ents) for doc in nlp.pipe(texts, n_process=n_process, batch_size=batch))
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "ner": t4 - t3, "entities": ents,
                  "pipes": nlp.pipe_names}), flush=True)
"""


def bare_ner(
    model: str, texts: Sequence[str], n_process: int, batch_size: int = 64, name: str = "texts"
) -> tuple[float, dict[str, Any]]:
    """Wall seconds of the bare script over `texts` (n_process 0: `nlp(text)` for each)."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"baseline-{name}.json"
    path.write_text(json.dumps(list(texts), ensure_ascii=False), encoding="utf-8")
    return run_script(
        SCRIPT, [model, json.dumps(NER_EXCLUDE), str(path), str(n_process), str(batch_size)]
    )


def best_bare_ner(
    model: str, texts: Sequence[str], configs: Sequence[tuple[int, int]], name: str
) -> tuple[float, str, dict[str, Any]]:
    """The fastest of several `(n_process, batch_size)` runs: (seconds, which, all results)."""
    results: dict[str, Any] = {}
    best: tuple[float, str] | None = None
    for n_process, batch in configs:
        wall, info = bare_ner(model, texts, n_process, batch, name)
        label = f"n_process={n_process}, batch_size={batch}"
        results[label] = {"wall": round(wall, 3), **_rounded(info)}
        if best is None or wall < best[0]:
            best = (wall, label)
    assert best is not None
    return best[0], best[1], results


def _rounded(info: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in info.items()}

