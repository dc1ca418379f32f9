"""P11: memory with the 1 MB article open and its entities shown, all processes.

`reader big-article.txt --db <fresh store>` in a pty; when the status line says
`entities: N found by` (NER finished, highlights drawn), the Pss line of
/proc/PID/smaps_rollup is summed over the app process and every descendant (the NER worker).
"""

from __future__ import annotations

from typing import Any

from benchmarks.common import (
    ENTITIES_DONE,
    READER,
    Row,
    cmdline,
    descendants,
    main_for,
    pss_kb,
    run_in_pty,
    say,
    temp_dir,
)
from benchmarks.inputs import big_article


def _measure(pid: int) -> dict[str, Any]:
    per: dict[str, int] = {}
    for each in [pid, *descendants(pid)]:
        try:
            per[f"{each} {cmdline(each)[:80]}"] = pss_kb(each)
        except OSError:
            continue
    return per


def run() -> list[Row]:
    """Sum of PSS in MB."""
    path = big_article()
    with temp_dir("p11-") as tmp:
        result = run_in_pty([READER, str(path), "--db", str(tmp / "store")],
                            {"entities": ENTITIES_DONE}, timeout=300,
                            actions={"entities": _measure})
    if "entities" not in result.found:
        raise RuntimeError(f"P11: entities never shown: {result.tail!r}")
    per = result.results["entities"]
    total_mb = sum(per.values()) / 1024
    say(f"  P11: {total_mb:.0f} MB at {result.found['entities']:.1f} s: {per}")
    return [
        Row(
            "P11",
            "memory, 1 MB article with entities (PSS, all processes)",
            total_mb,
            "MB",
            "abs",
            600.0,
            note=f"at {result.found['entities']:.1f} s ({result.matches['entities']}): "
            + "; ".join(f"{k.split(' ', 2)[0]} {' '.join(k.split(' ')[1:])[:60]}: "
                        f"{v / 1024:.0f} MB" for k, v in per.items()),
            details={"per_process_kb": per},
        )
    ]


if __name__ == "__main__":
    main_for(run)
