"""Shared pieces of the benchmarks: result rows and the table, timing statistics, the real
`reader` binary in a pseudo-terminal, and bare-spaCy baseline scripts in subprocesses.

Nothing here imports spaCy or Textual: baselines run in their own interpreters, so this
process never pays for them.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
BIN = ROOT / ".venv" / "bin"
if not (BIN / "reader").exists():  # a git worktree without its own venv: this interpreter's
    BIN = Path(sys.executable).parent  # (run with PYTHONPATH=<the worktree>)
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
READER = str(BIN / "reader")
SAMPLE = ROOT / "reader" / "data" / "eu-korea-joint-statement.txt"
BOOK = ROOT / "tests" / "fixtures" / "text" / "pride-and-prejudice.txt"
COLUMNS, LINES = 120, 40
NER_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
"""What the issue's baselines exclude when loading the model for NER."""

ENTITIES_DONE = re.compile(r"entities: (\d+) found by|entities: cached")
"""The status line once entities are on screen (reader/screens/main.py `_set_entities`)."""


# -- rows and the table ---------------------------------------------------------------------


@dataclass
class Row:
    """One line of the final table.

    `kind` is `abs` (figure <= limit) or `ratio` (figure / baseline <= limit).
    """

    row: str
    what: str
    figure: float | None
    unit: str
    kind: str
    limit: float
    baseline: float | None = None
    baseline_what: str = ""
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """figure / baseline, when both are known."""
        if self.figure is None or not self.baseline:
            return None
        return self.figure / self.baseline

    @property
    def target(self) -> str:
        """The target as the issue states it."""
        if self.kind == "ratio":
            return f"<= {self.limit:g} x baseline"
        return f"<= {self.limit:g} {self.unit}"

    @property
    def passed(self) -> bool | None:
        """Whether the row meets its target (None when it could not be measured)."""
        if self.figure is None:
            return None
        if self.kind == "ratio":
            ratio = self.ratio
            return None if ratio is None else ratio <= self.limit
        return self.figure <= self.limit

    def as_dict(self) -> dict[str, Any]:
        """For results.json."""
        data = asdict(self)
        data.update(ratio=self.ratio, target=self.target, passed=self.passed)
        return data


def fmt_value(value: float | None, unit: str) -> str:
    """`0.412 s`, `12.3 ms`, `512 MB`."""
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.0f} {unit}"


def table(rows: Sequence[Row]) -> str:
    """The final table in Markdown: row, figure, target, baseline, ratio, pass/fail."""
    lines = [
        "| row | measured | figure | target | baseline | ratio | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        base = "—"
        if r.baseline is not None:
            base = fmt_value(r.baseline, r.unit)
            if r.baseline_what:
                base += f" ({r.baseline_what})"
        elif r.baseline_what:
            base = r.baseline_what
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        verdict = {True: "PASS", False: "FAIL", None: "ERROR"}[r.passed]
        lines.append(
            f"| {r.row} | {r.what} | {fmt_value(r.figure, r.unit)} | {r.target} | {base} | "
            f"{ratio} | {verdict} |"
        )
    return "\n".join(lines)


def report(rows: Sequence[Row]) -> None:
    """Print each row's notes, then the table."""
    for r in rows:
        if r.note:
            print(f"{r.row}: {r.note}")
    print()
    print(table(rows))


def main_for(run: Callable[[], list[Row]]) -> None:
    """`python -m benchmarks.pNN_x`: run one benchmark and print its rows."""
    rows = run()
    report(rows)


def say(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


# -- statistics ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank, p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, min(len(ordered), int(round(p / 100 * len(ordered) + 0.4999))))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    """median, p95, min, max of a list of figures."""
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "min": min(values),
        "max": max(values),
    }


# -- temporary folders --------------------------------------------------------------------------


@contextlib.contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    """A fresh folder under benchmarks/_work/tmp, removed afterwards."""
    base = WORK / "tmp"
    base.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def bench_env(**extra: str) -> dict[str, str]:
    """The environment every run of the reader gets."""
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLUMNS),
        LINES=str(LINES),
        TEXTUAL_ANIMATIONS="none",
        READER_ANNOTATOR="bench",
    )
    env.pop("READER_DB", None)
    env.pop("NO_COLOR", None)
    # bytecode cached, as on a user's machine (pip compiles on install, and Python keeps what
    # it compiles): this sandbox sets PYTHONDONTWRITEBYTECODE=1, which made every launch
    # compile every module of the reader again (60-80 ms of a launch)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


# -- the real binary in a pseudo-terminal -------------------------------------------------------

_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC
    r"|\x1b[()*+][0-9A-Za-z]"  # charset
    r"|\x1b[@-Z\\-_=>78]"  # two-byte
)


class ScreenText:
    """What a program wrote to the terminal, escape sequences removed, built incrementally."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self.text = ""
        self.raw_bytes = 0

    def feed(self, data: bytes) -> None:
        """Add bytes read from the terminal."""
        self.raw_bytes += len(data)
        self._pending += self._decoder.decode(data)
        cut = len(self._pending)
        last = self._pending.rfind("\x1b")
        if last != -1:
            match = _ESCAPE.match(self._pending, last)
            if match is None or match.end() > len(self._pending):
                cut = last  # an incomplete sequence: wait for the rest
            if len(self._pending) - last > 4096:
                cut = len(self._pending)  # not an escape we know: give up waiting
        self.text += _ESCAPE.sub("", self._pending[:cut])
        self._pending = self._pending[cut:]


@dataclass
class PtyRun:
    """What happened in one run: when each pattern first appeared (seconds from spawn)."""

    found: dict[str, float]
    matches: dict[str, str]
    pid: int
    exit_status: int | None
    output_bytes: int
    results: dict[str, Any]
    tail: str


def run_in_pty(
    argv: Sequence[str],
    patterns: dict[str, re.Pattern[str]],
    *,
    timeout: float = 60.0,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    actions: dict[str, Callable[[int], Any]] | None = None,
    quit_keys: bytes = b"q",
) -> PtyRun:
    """Spawn `argv` on a fresh pseudo-terminal of COLUMNS x LINES; time each pattern's first
    appearance in the screen text. `actions[name](pid)` runs as soon as pattern `name` is seen.
    When all patterns are found (or on timeout), send `quit_keys` and wait for the exit."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    screen = ScreenText()
    found: dict[str, float] = {}
    matches: dict[str, str] = {}
    results: dict[str, Any] = {}
    actions = actions or {}
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env or bench_env(),
        cwd=str(cwd) if cwd else None,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    searched = 0
    longest = max((len(p.pattern) for p in patterns.values()), default=0) + 200
    try:
        deadline = start + timeout
        while len(found) < len(patterns) and time.perf_counter() < deadline:
            if not _read_some(master, screen, 0.01):
                if proc.poll() is not None:
                    break
                continue
            now = time.perf_counter()
            window_start = max(0, searched - longest)
            window = screen.text[window_start:]
            for name, pattern in patterns.items():
                if name in found:
                    continue
                match = pattern.search(window)
                if match:
                    found[name] = now - start
                    matches[name] = match.group(0)
                    if name in actions:
                        results[name] = actions[name](proc.pid)
            searched = len(screen.text)
        exit_status = _finish(proc, master, screen, quit_keys)
    finally:
        with contextlib.suppress(OSError):
            os.close(master)
        if proc.poll() is None:
            _kill_group(proc)
    return PtyRun(found, matches, proc.pid, exit_status, screen.raw_bytes, results,
                  screen.text[-400:])


def _read_some(master: int, screen: ScreenText, wait: float) -> bool:
    ready, _, _ = select.select([master], [], [], wait)
    if not ready:
        return False
    try:
        data = os.read(master, 1 << 16)
    except OSError:
        return False
    if not data:
        return False
    screen.feed(data)
    return True


def _finish(proc: subprocess.Popen[bytes], master: int, screen: ScreenText,
            quit_keys: bytes) -> int | None:
    """Ask the app to quit, keep draining the terminal, and wait (then kill) it."""
    with contextlib.suppress(OSError):
        os.write(master, quit_keys)
    deadline = time.perf_counter() + 15.0
    while proc.poll() is None and time.perf_counter() < deadline:
        _read_some(master, screen, 0.05)
    if proc.poll() is None:
        _kill_group(proc)
        return None
    return proc.returncode


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """End the app and everything it started (its own session, started by us)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            continue


# -- processes and memory -------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """Every living descendant of `pid` (children, their children, ...)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        for child in parents.get(current, []):
            found.append(child)
            todo.append(child)
    return found


def pss_kb(pid: int) -> int:
    """Proportional set size of a process in kB (from /proc/PID/smaps_rollup)."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def maps_mention(pid: int, word: str) -> bool:
    """True when a file whose path contains `word` is mapped into the process."""
    try:
        return word in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def cmdline(pid: int) -> str:
    """The process's command line, spaces between arguments."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


# -- subprocess scripts -------------------------------------------------------------------------


def run_script(
    source: str, args: Sequence[str] = (), timeout: float = 600.0
) -> tuple[float, dict[str, Any]]:
    """Run `source` in a fresh interpreter; returns (seconds from spawn until it printed its
    JSON result line, that result). The interpreter's own exit is not counted."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON, "-c", source, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=bench_env(),
    )
    assert proc.stdout is not None
    wall: float | None = None
    result: dict[str, Any] = {}
    for line in proc.stdout:
        if line.startswith("{"):
            wall = time.perf_counter() - start
            result = json.loads(line)
    _, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0 or wall is None:
        raise RuntimeError(f"baseline script failed: {err.strip()[-800:]}")
    return wall, result


def reader_model() -> str:
    """The spaCy model the reader picks by default (without importing spaCy)."""
    from reader.nlp.models import default_model

    model = default_model()
    if model is None:
        raise RuntimeError("no spaCy model installed")
    return model
