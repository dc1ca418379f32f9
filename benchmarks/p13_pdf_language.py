"""P13: opening a PDF (parse in the limited subprocess) and detecting an article's language.

PDF: `reader.text.pdf.parse_pdf` on tests/fixtures/pdf/report.pdf (3 pages), median of RUNS,
against the bare library in this process (`pdfminer.high_level.extract_text`, no subprocess,
no page offsets): the ratio is the cost of the worker process (a fresh interpreter importing
pdfminer) on a small file. Language: `reader.nlp.language.detect` on the en/fr/es/zh/ar
fixtures, each as its title line, whole, and repeated 40 times (cut to SAMPLE_CHARS); the
figure is the p95; the note has the detector's load time from its unpacked copy.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import Row, main_for, percentile, say

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "tests" / "fixtures" / "pdf" / "report.pdf"
LANGS = ROOT / "tests" / "fixtures" / "languages"
RUNS = 5


def _pdf_rows() -> list[Row]:
    from pdfminer.high_level import extract_text

    from reader.text.pdf import parse_pdf

    data = PDF.read_bytes()
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(RUNS):
        start = time.perf_counter()
        pages = len(parse_pdf(data).pages)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        extract_text(str(PDF))
        bare.append(time.perf_counter() - start)
    figure, base = statistics.median(ours), statistics.median(bare)
    say(f"  P13 pdf: ours {[round(t, 3) for t in ours]} s, bare {[round(t, 3) for t in bare]} s")
    return [Row("P13a", f"open a {pages}-page PDF (parse in a limited subprocess)", figure, "s",
                "abs", 2.0, baseline=base,
                baseline_what="pdfminer extract_text in-process (no subprocess)",
                note=f"median of {RUNS}; the difference is the worker's start-up")]


def _language_rows() -> list[Row]:
    code = ("import time; t = time.perf_counter(); from reader.nlp.language import _load; "
            "_load(); print(time.perf_counter() - t)")
    load = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True, cwd=ROOT).stdout)
    from reader.nlp.language import _load, detect

    _load()
    times: list[float] = []
    wrong: list[str] = []
    for path in sorted(LANGS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for sample in (text.split("\n")[0], text, text * 40):
            start = time.perf_counter()
            found = detect(sample)
            times.append((time.perf_counter() - start) * 1000)
            if found != path.stem:
                wrong.append(f"{path.stem}:{len(sample)}->{found or '?'}")
    figure = percentile(times, 95)
    return [Row("P13b", "detect an article's language (p95)", figure, "ms", "abs", 20.0,
                note=f"{len(times)} texts, {len(wrong)} wrong {wrong}; detector load "
                f"{load:.2f} s in a fresh process (unpacked copy; ~1.5 s the first time)")]


def run() -> list[Row]:
    """Both rows."""
    return _pdf_rows() + _language_rows()


if __name__ == "__main__":
    main_for(run)
