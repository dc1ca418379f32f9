"""P10: `reader export` of 100,000 claims as JSONL, and `reader import` of that file.

Export: `reader export --db store-100k --format jsonl --out <file>` (read-only store),
spawn to exit; the file must have 100,000 lines. Import: `reader import <file> --db <copy of
the same 1,000 articles without claims>`, spawn to exit; afterwards the store must hold
100,000 claims.
"""

from __future__ import annotations

import subprocess
import time

from benchmarks.common import READER, Row, bench_env, main_for, say, temp_dir
from benchmarks.inputs import articles_store, claims_store, copy_store


def _timed(argv: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=bench_env(), check=False,
                          timeout=900)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{argv[1]} failed ({done.returncode}): {done.stderr[-800:]}")
    return wall, done


def run() -> list[Row]:
    """Export and import wall times."""
    from reader.store.store import Store

    source = claims_store()
    empty = articles_store()
    with temp_dir("p10-") as tmp:
        out = tmp / "claims.jsonl"
        export_wall, _ = _timed([READER, "export", "--db", str(source), "--format", "jsonl",
                                 "--out", str(out)])
        with out.open(encoding="utf-8") as handle:
            lines = sum(1 for _ in handle)
        size = out.stat().st_size
        say(f"  P10 export: {export_wall:.2f} s, {lines} lines, {size} bytes")
        target = copy_store(empty, tmp / "store")
        import_wall, done = _timed([READER, "import", str(out), "--db", str(target)])
        summary_line = done.stderr.strip().splitlines()[0] if done.stderr.strip() else ""
        store = Store(target, readonly=True)
        try:
            imported = sum(1 for _ in store.iter_claims())
        finally:
            store.close()
        say(f"  P10 import: {import_wall:.2f} s, {imported} claims in the store; {summary_line}")
    rows = [
        Row("P10e", "reader export, 100,000 claims JSONL", export_wall, "s", "abs", 3.0,
            note=f"{lines} lines, {size / 1e6:.1f} MB", details={"lines": lines, "bytes": size}),
        Row("P10i", "reader import, 100,000 claims JSONL", import_wall, "s", "abs", 15.0,
            note=f"{imported} claims in the store after; {summary_line!r}",
            details={"claims": imported}),
    ]
    if lines != 100_000 or imported != 100_000:
        for row in rows:
            row.note += " — WRONG COUNT"
            row.figure = None
    return rows


if __name__ == "__main__":
    main_for(run)
