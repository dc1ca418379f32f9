"""P6: 1 MB article, NER complete with progress, against bare `nlp.pipe` over the same chunks.

App side: `NerService(model, processes=N)` (reader.nlp.service) with the N that reader/app.py
`processes_for()` picks for this text (2 above `LONG_TEXT_CHARS` on two cores), timed from its
construction (worker spawn, spaCy import, model load) until the job's last progress update;
every update is counted (the app shows each as "NER: N%"). The other process count is
reported too. Baseline: a fresh interpreter doing `import spacy`, `spacy.load(model,
exclude=[...])`, `nlp.pipe(chunks, n_process, batch_size)` over the same chunks
(`split_text(text, DEFAULT_CHUNK_CHARS)`), best of n_process 1 and 2.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.baselines import best_bare_ner
from benchmarks.common import Row, main_for, reader_model, say
from benchmarks.inputs import big_article


def app_processes(text: str) -> int:
    """What the app starts for this text (`reader.nlp.service.processes_for`)."""
    from reader.nlp.service import processes_for

    return processes_for(len(text))


BASELINE_CONFIGS = [(1, 64), (2, 1), (2, 4)]


def time_service(model: str, text: str, processes: int) -> dict[str, Any]:
    """Seconds from NerService() to the final progress update, and what came back."""
    from reader.nlp.service import NerService

    start = time.perf_counter()
    service = NerService(model, processes=processes)
    try:
        job = service.submit(text)
        updates = 0
        first: float | None = None
        entities = 0
        for update in job.progress():
            if update.error:
                raise RuntimeError(f"NER failed: {update.error}")
            updates += 1
            entities += len(update.entities)
            if first is None:
                first = time.perf_counter() - start
        wall = time.perf_counter() - start
    finally:
        service.close()
    return {"wall": wall, "updates": updates, "first_update": first, "entities": entities,
            "chunks": len(job.chunks)}


def run() -> list[Row]:
    """App NerService (as the app runs it) / best bare baseline."""
    from reader.nlp.service import DEFAULT_CHUNK_CHARS, split_text

    model = reader_model()
    text = big_article().read_text(encoding="utf-8")
    chunks = [chunk for _offset, chunk, _key in split_text(text, DEFAULT_CHUNK_CHARS)]
    app: dict[int, dict[str, Any]] = {}
    chosen = app_processes(text)
    other = 1 if chosen == 2 else 2
    for processes in (chosen, other):
        app[processes] = time_service(model, text, processes)
        say(f"  P6 NerService processes={processes}: {app[processes]}")
    baseline, which, results = best_bare_ner(model, chunks, BASELINE_CONFIGS, "big-chunks")
    say(f"  P6 baseline: {results}")
    figure = app[chosen]["wall"]
    two = app[other]
    return [
        Row(
            "P6",
            f"1 MB: NER complete with progress (NerService, {chosen} processes)",
            figure,
            "s",
            "ratio",
            1.1,
            baseline=baseline,
            baseline_what=f"bare nlp.pipe, {which}",
            note=f"{len(chunks)} chunks; app {figure:.2f} s, {app[chosen]['updates']} "
            f"progress updates, first after {app[chosen]['first_update']:.2f} s, "
            f"{app[chosen]['entities']} entities; NerService with processes={other}: "
            f"{two['wall']:.2f} s ({two['wall'] / baseline:.2f} x baseline); baselines "
            + "; ".join(f"{k}: {v['wall']:.2f} s (ner {v['ner']:.2f} s, {v['entities']} ents)"
                        for k, v in results.items()),
            details={"app": app, "baseline": results},
        )
    ]


if __name__ == "__main__":
    main_for(run)
