"""P1: launch to the sample article's text on screen, and spaCy not in the UI process.

`reader --db <fresh store>` (an empty store opens the bundled sample article) in a pty of
120x40; the time from spawn until "joint statement" (its first line) appears in what the app
writes. At that moment /proc/PID/maps of the app must not map any spaCy/thinc file.
"""

from __future__ import annotations

import re
import statistics

from benchmarks.common import READER, Row, main_for, maps_mention, temp_dir
from benchmarks.launch_common import timed_runs

RUNS = 5


def run() -> list[Row]:
    """Median of RUNS launches."""
    with temp_dir("p01-") as tmp:
        runs = timed_runs(
            "P1",
            lambda n: [READER, "--db", str(tmp / f"store{n}")],
            {"text": re.compile(r"joint statement")},
            runs=RUNS,
            actions={"text": lambda pid: maps_mention(pid, "spacy") or maps_mention(pid, "thinc")},
        )
    times = [r.found["text"] for r in runs]
    spacy_loaded = any(r.results["text"] for r in runs)
    figure = statistics.median(times)
    return [
        Row(
            "P1",
            "launch to article text (sample)",
            figure,
            "s",
            "abs",
            0.8,
            baseline_what="spaCy in UI at first paint: " + ("YES" if spacy_loaded else "no"),
            note=f"runs {', '.join(f'{t:.3f}' for t in times)} s; spaCy/thinc mapped into the "
            f"UI process at first paint: {spacy_loaded}",
            details={"runs": times, "spacy_in_ui": spacy_loaded},
        )
    ]


if __name__ == "__main__":
    main_for(run)
