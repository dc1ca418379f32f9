"""P3: re-open of a cached article: entities at first paint.

One launch of `reader --db <store>` on the sample runs NER and caches the entities; then
`reader --db <store>` again (no path: the store's session reopens the article) RUNS times,
timing spawn until the status line says `entities: cached` (and the text is on screen).
"""

from __future__ import annotations

import re
import statistics

from benchmarks.common import ENTITIES_DONE, READER, Row, main_for, run_in_pty, temp_dir
from benchmarks.launch_common import timed_runs

RUNS = 3


def run() -> list[Row]:
    """Median time to `entities: cached`."""
    with temp_dir("p03-") as tmp:
        store = tmp / "store"
        first = run_in_pty([READER, "--db", str(store)], {"entities": ENTITIES_DONE}, timeout=60)
        if "entities" not in first.found:
            raise RuntimeError(f"P3: the first run never showed entities: {first.tail!r}")
        runs = timed_runs(
            "P3",
            lambda n: [READER, "--db", str(store)],
            {"text": re.compile(r"joint statement"), "cached": re.compile(r"entities: cached")},
            runs=RUNS,
        )
    times = [r.found["cached"] for r in runs]
    text_times = [r.found["text"] for r in runs]
    return [
        Row(
            "P3",
            "re-open cached article: entities at first paint",
            statistics.median(times),
            "s",
            "abs",
            0.8,
            note=f"'entities: cached' at {', '.join(f'{t:.3f}' for t in times)} s; text at "
            f"{', '.join(f'{t:.3f}' for t in text_times)} s",
            details={"cached": times, "text": text_times},
        )
    ]


if __name__ == "__main__":
    main_for(run)
