"""W1: main-text extraction of real news pages: the old hand-written rule against trafilatura
(the reader's extractor, `reader.text.html.extract_html`), F1 and time per page.

The pages and their expected texts are the real news pages (CNN, Time, Wired, Fox, Cleveland,
and pages in Arabic, Chinese, Japanese, Spanish, Thai, Korean) that ship in the source
distribution of newspaper4k 0.9.6 (MIT) under `tests/data/html` and `tests/data/txt`; it is
fetched once with pip (the package registry) into `benchmarks/_work/`. Their expected texts
were written for newspaper's own extractor, so both scores are against the same, outside
reference; nothing here is tuned to them.

F1 is over bags of lower-cased words (`\\w+`), as in the public article-extraction benchmarks:
precision = shared words / extracted words, recall = shared words / expected words. A page
the extractor refuses or finds empty scores 0.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tarfile
import time
from collections import Counter

from benchmarks.common import WORK, Row, main_for, say

PACKAGE = "newspaper4k==0.9.6"
FOLDER = WORK / "extraction"
_WORD = re.compile(r"\w+")


def pages() -> list[tuple[str, str, str]]:
    """(name, html, expected text) of every page that has both files."""
    root = FOLDER / "newspaper4k-0.9.6" / "tests" / "data"
    if not root.exists():
        FOLDER.mkdir(parents=True, exist_ok=True)
        say(f"fetching the {PACKAGE} source distribution with pip (once)")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", "-d", str(FOLDER), PACKAGE], check=True)
        with tarfile.open(FOLDER / "newspaper4k-0.9.6.tar.gz") as archive:
            members = [m for m in archive.getmembers() if "/tests/data/" in m.name]
            archive.extractall(FOLDER, members=members, filter="data")
    found = []
    for html_path in sorted((root / "html").glob("*.html")):
        expected = root / "txt" / (html_path.stem + ".txt")
        if expected.exists():
            html = html_path.read_bytes().decode("utf-8", "replace")
            found.append((html_path.stem, html, expected.read_text("utf-8", "replace")))
    return found


def f1(extracted: str, expected: str) -> float:
    """Bag-of-words F1 of `extracted` against `expected`."""
    got = Counter(_WORD.findall(extracted.lower()))
    want = Counter(_WORD.findall(expected.lower()))
    shared = sum((got & want).values())
    if not shared:
        return 0.0
    precision = shared / sum(got.values())
    recall = shared / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _hand(html: str) -> str:
    from benchmarks.html_hand_rule import extract_html

    return extract_html(html).text


def _reader(html: str) -> str:
    from reader.text.html import HtmlError, extract_html

    try:
        return extract_html(html).text
    except HtmlError:
        return ""


def _trafilatura_alone(html: str) -> str:
    """trafilatura's own defaults (the issue's "trafilatura alone"), for comparison."""
    import trafilatura

    return trafilatura.extract(html) or ""


def score(
    extract: object, data: list[tuple[str, str, str]]
) -> tuple[list[float], list[float], list[float]]:
    """F1, wall milliseconds and CPU milliseconds per page; the first call (imports) is left
    out. CPU time is given too because on a shared machine the wall time mostly measures the
    other processes."""
    assert callable(extract)
    extract(data[0][1])  # imports and warm-up
    scores, times, cpu = [], [], []
    for _name, html, expected in data:
        start, start_cpu = time.perf_counter(), time.process_time()
        text = extract(html)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        scores.append(f1(text, expected))
    return scores, times, cpu


def run() -> list[Row]:
    """One row: the reader's median milliseconds per page; F1 of both in the note."""
    data = pages()
    hand_f1, hand_ms, hand_cpu = score(_hand, data)
    new_f1, new_ms, new_cpu = score(_reader, data)
    alone_f1, alone_ms, alone_cpu = score(_trafilatura_alone, data)
    for (name, _, _), old, new in zip(data, hand_f1, new_f1, strict=True):
        say(f"   {name:24} hand {old:.3f}  trafilatura {new:.3f}")
    note = (
        f"{len(data)} real news pages (newspaper4k 0.9.6 test data): main-text F1 "
        f"hand rule {statistics.mean(hand_f1):.3f} (median {statistics.median(hand_f1):.3f}, "
        f"{statistics.median(hand_ms):.1f} ms/page, CPU {statistics.median(hand_cpu):.1f} ms), "
        f"trafilatura {statistics.mean(new_f1):.3f} (median {statistics.median(new_f1):.3f}, "
        f"{statistics.median(new_ms):.1f} ms/page, CPU {statistics.median(new_cpu):.1f} ms), "
        f"trafilatura alone (its defaults) {statistics.mean(alone_f1):.3f} (median "
        f"{statistics.median(alone_f1):.3f}, {statistics.median(alone_ms):.1f} ms/page, CPU "
        f"{statistics.median(alone_cpu):.1f} ms); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    return [
        Row(
            "W1",
            "web page main text: median time per page (trafilatura)",
            statistics.median(new_ms),
            "ms",
            "abs",
            20.0,
            baseline=statistics.median(hand_ms),
            baseline_what="hand-written rule",
            note=note,
            details={"pages": [n for n, _, _ in data], "hand_f1": hand_f1, "f1": new_f1,
                     "hand_ms": hand_ms, "ms": new_ms, "hand_cpu_ms": hand_cpu,
                     "cpu_ms": new_cpu},
        )
    ]


if __name__ == "__main__":
    main_for(run)


