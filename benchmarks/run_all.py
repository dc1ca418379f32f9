"""`make bench`: run every benchmark row in order, then print the table (and save
benchmarks/_work/results.json). A benchmark that crashes becomes an ERROR row."""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
import traceback

from benchmarks.common import WORK, Row, report, say

MODULES = (
    "p01_launch",
    "p02_entities",
    "p03_reopen",
    "p04_big_paint",
    "p05_keys",
    "p06_ner_big",
    "p07_ingest",
    "p08_save_claim",
    "p09_big_store",
    "p10_export_import",
    "p11_memory",
    "p12_agree",
    "p13_pdf_language",
    "p14_team_sync",
    "web_extract",
    "p15_big_corpus",
    "p16_curation",
)


def main(argv: list[str] | None = None) -> int:
    """Run the modules named in argv (default: all); 0 when every row passes."""
    names = list(argv if argv is not None else sys.argv[1:]) or list(MODULES)
    rows: list[Row] = []
    started = time.perf_counter()
    for name in names:
        say(f"== {name} (load average {os.getloadavg()[0]:.2f})")
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            rows.extend(module.run())
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the rest
            traceback.print_exc()
            rows.append(Row(name, f"crashed: {type(exc).__name__}: {exc}"[:120], None, "s",
                            "abs", 0.0))
        say(f"   {name} took {time.perf_counter() - t0:.1f} s")
    report(rows)
    total = time.perf_counter() - started
    print(f"\ntotal {total:.0f} s; load average at the end {os.getloadavg()}")
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "results.json").write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
                "python": platform.python_version(),
                "seconds": total,
                "rows": [r.as_dict() for r in rows],
            },
            indent=1,
        )
    )
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
