"""P4: 1 MB article, first paint.

`reader benchmarks/_work/big-article.txt --db <fresh store>` in a pty; spawn until the first
words of the body ("It is a truth universally") appear. The store is fresh each run, so the
time includes adding the article (hash, compressed write) to the store.
"""

from __future__ import annotations

import re
import statistics

from benchmarks.common import READER, Row, main_for, temp_dir
from benchmarks.inputs import big_article
from benchmarks.launch_common import timed_runs

RUNS = 3


def run() -> list[Row]:
    """Median time to the first words."""
    path = big_article()
    with temp_dir("p04-") as tmp:
        runs = timed_runs(
            "P4",
            lambda n: [READER, str(path), "--db", str(tmp / f"store{n}")],
            {"text": re.compile(r"truth universally acknowledged")},
            runs=RUNS,
        )
    times = [r.found["text"] for r in runs]
    return [
        Row(
            "P4",
            "1 MB article: first paint",
            statistics.median(times),
            "s",
            "abs",
            1.0,
            note=f"{path.stat().st_size} bytes; runs {', '.join(f'{t:.3f}' for t in times)} s",
            details={"runs": times, "bytes": path.stat().st_size},
        )
    ]


if __name__ == "__main__":
    main_for(run)
