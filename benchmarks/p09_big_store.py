"""P9: open the reader on the 100,000-claim store: first paint.

`reader --db <copy of store-100k>` (no path: the store's 1,000 articles open) in a pty; spawn
until the first words of the first article appear. A fresh copy per run (the app writes the
session and claim counts back).
"""

from __future__ import annotations

import statistics

from benchmarks.common import READER, Row, main_for, temp_dir
from benchmarks.inputs import claims_store, copy_store
from benchmarks.launch_common import first_words_pattern, timed_runs

RUNS = 3


def run() -> list[Row]:
    """Median time to the first article's first words."""
    from reader.store.store import Store

    source = claims_store()
    store = Store(source, readonly=True)
    try:
        first = store.articles()[0]
        text = store.text(first.id)
    finally:
        store.close()
    pattern = first_words_pattern(text)
    with temp_dir("p09-") as tmp:

        def prepare(number: int) -> None:
            copy_store(source, tmp / f"store{number}")

        runs = timed_runs(
            "P9",
            lambda n: [READER, "--db", str(tmp / f"store{n}")],
            {"text": pattern},
            runs=RUNS,
            before=prepare,
        )
    times = [r.found["text"] for r in runs]
    return [
        Row(
            "P9",
            "open on the 100,000-claim store: first paint",
            statistics.median(times),
            "s",
            "abs",
            1.0,
            note=f"looked for {pattern.pattern!r}; runs {', '.join(f'{t:.3f}' for t in times)} s",
            details={"runs": times},
        )
    ]


if __name__ == "__main__":
    main_for(run)
