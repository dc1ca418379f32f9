"""Launch rows (P1-P4, P9, P11) share this: run the real `reader` in a pty several times."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.common import ENTITIES_DONE, PtyRun, run_in_pty, say

RUNS = 3
"""Runs per launch row; the median is the figure."""


def first_words_pattern(text: str, start: int = 0, chars: int = 28) -> re.Pattern[str]:
    """A pattern for the first words at `start` that surely fit on one screen line."""
    piece = text[start : start + chars]
    if " " in piece:
        piece = piece[: piece.rfind(" ")]
    return re.compile(re.escape(piece))


def timed_runs(
    name: str,
    make_argv: Callable[[int], Sequence[str]],
    patterns: dict[str, re.Pattern[str]],
    runs: int = RUNS,
    timeout: float = 60.0,
    actions: dict[str, Callable[[int], Any]] | None = None,
    before: Callable[[int], None] | None = None,
) -> list[PtyRun]:
    """`runs` launches; raises if a pattern never showed up."""
    done: list[PtyRun] = []
    for number in range(runs):
        if before is not None:
            before(number)
        run = run_in_pty(make_argv(number), patterns, timeout=timeout, actions=actions)
        missing = sorted(set(patterns) - set(run.found))
        if missing:
            raise RuntimeError(f"{name}: {missing} never appeared; screen ends {run.tail!r}")
        found = ", ".join(f"{k} {v:.3f} s" for k, v in run.found.items())
        say(f"  {name} run {number + 1}: {found}")
        done.append(run)
    return done


__all__ = ["ENTITIES_DONE", "RUNS", "first_words_pattern", "timed_runs"]
