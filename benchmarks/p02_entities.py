"""P2: launch to entities shown, 5 KB article, nothing cached, against a bare spaCy script.

App: `reader --db <fresh store>` (the bundled 5 KB sample) in a pty; time from spawn until
the status line says `entities: N found by` (reader/screens/main.py sets it when NER has
finished and the highlights are drawn). Baseline: a fresh interpreter running `import spacy`,
`spacy.load(model, exclude=[tok2vec, tagger, parser, attribute_ruler, lemmatizer])`,
`nlp(text)` on the same text; time from spawn until it prints its result.
"""

from __future__ import annotations

import re
import statistics

from benchmarks.baselines import bare_ner
from benchmarks.common import (
    ENTITIES_DONE,
    READER,
    SAMPLE,
    Row,
    main_for,
    reader_model,
    say,
    temp_dir,
)
from benchmarks.launch_common import timed_runs

RUNS = 3


def run() -> list[Row]:
    """Median app time / median baseline time."""
    model = reader_model()
    text = SAMPLE.read_text(encoding="utf-8")
    with temp_dir("p02-") as tmp:
        runs = timed_runs(
            "P2",
            lambda n: [READER, "--db", str(tmp / f"store{n}")],
            {"text": re.compile(r"joint statement"), "entities": ENTITIES_DONE},
            runs=RUNS,
        )
    app = [r.found["entities"] for r in runs]
    base: list[float] = []
    infos = []
    for number in range(RUNS):
        wall, info = bare_ner(model, [text], 0, name="sample")
        say(f"  P2 baseline run {number + 1}: {wall:.3f} s ({info})")
        base.append(wall)
        infos.append(info)
    figure, baseline = statistics.median(app), statistics.median(base)
    shown = {r.matches["entities"] for r in runs}
    return [
        Row(
            "P2",
            "launch to entities shown, 5 KB, uncached",
            figure,
            "s",
            "ratio",
            1.15,
            baseline=baseline,
            baseline_what="bare import+load+nlp(text)",
            note=f"app runs {', '.join(f'{t:.3f}' for t in app)} s (status {sorted(shown)}); "
            f"baseline runs {', '.join(f'{t:.3f}' for t in base)} s; baseline split "
            f"import/load/ner {infos[-1]['import']:.2f}/{infos[-1]['load']:.2f}/"
            f"{infos[-1]['ner']:.2f} s, {infos[-1]['entities']} entities",
            details={"app": app, "baseline": base, "baseline_info": infos},
        )
    ]


if __name__ == "__main__":
    main_for(run)
