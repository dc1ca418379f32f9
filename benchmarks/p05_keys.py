"""P5: 1 MB article: page-down / cursor-move latency while NER runs and after.

The real app in-process (`build_app` as `reader big-article.txt --db <fresh>` builds it, with
the real NerService worker, 1 process as the app starts it), driven by Textual's
`App.run_test(size=(120, 40))`. Each sample is one key: `await pilot.press(key)` (returns when
the screen and its widgets have processed every message the key caused), then the screen's
compositor update is rendered at once (`screen._on_timer_update()`, what Textual's refresh
timer runs; the headless driver only skips writing the bytes). `pilot.pause()` is not used:
it sleeps at least 20 ms waiting for the CPU to look idle, which would be measured too. Keys cycle pagedown, j, w (pageup, k, b on the way back up).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from typing import Any

from benchmarks.common import Row, main_for, say, summary, temp_dir
from benchmarks.inputs import big_article

PRESSES = 120
"""Presses while NER runs, and again after it finished."""

DOWN = ("pagedown", "j", "w")
UP = ("pageup", "k", "b")


async def _drive(app: Any) -> dict[str, Any]:
    from reader.screens.main import MainScreen

    during: list[float] = []
    after: list[float] = []
    keys_during: dict[str, int] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        view = screen.view
        started = time.perf_counter()
        while not screen.ner_note.startswith("NER:") and time.perf_counter() - started < 10:
            await pilot.pause(0.01)
        direction = DOWN
        count = 0

        def running() -> bool:
            return bool(screen._jobs)

        async def press_once(into: list[float]) -> None:
            nonlocal direction, count
            if view.position_percent > 95:
                direction = UP
            elif view.position_percent < 5:
                direction = DOWN
            key = direction[count % len(direction)]
            count += 1
            t0 = time.perf_counter()
            await pilot.press(key)
            await pilot._wait_for_screen()
            app.screen._on_timer_update()
            into.append((time.perf_counter() - t0) * 1000)
            if into is during:
                keys_during[key] = keys_during.get(key, 0) + 1

        while running() and len(during) < PRESSES:
            await press_once(during)
        ner_started = started
        while running():
            if time.perf_counter() - ner_started > 300:
                raise RuntimeError("P5: NER did not finish in 300 s")
            await pilot.pause(0.05)
        ner_done = time.perf_counter() - ner_started
        entities = len(view.entities)
        status = screen.ner_note
        for _ in range(PRESSES):
            await press_once(after)
        await pilot.press("q")
    return {
        "during": during,
        "after": after,
        "ner_seconds": ner_done,
        "entities": entities,
        "status": status,
        "keys_during": keys_during,
    }


def run() -> list[Row]:
    """p95 of key round trips during and after NER."""
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from reader.launch import build_app

    path = big_article()
    with temp_dir("p05-") as tmp:
        args = argparse.Namespace(
            paths=[str(path)], db=str(tmp / "store"), model=None, annotator="bench",
            read_only=False,
        )
        app = build_app(args)
        result = asyncio.run(_drive(app))
    during, after = result["during"], result["after"]
    rows = []
    for name, values, what in (
        ("P5a", during, "1 MB: key latency while NER runs"),
        ("P5b", after, "1 MB: key latency after NER"),
    ):
        if not values:
            rows.append(Row(name, what, None, "ms", "abs", 50.0,
                            note="no presses in this phase (NER finished first)"))
            continue
        stats = summary(values)
        say(f"  {name}: {stats}")
        rows.append(
            Row(
                name,
                what + " (p95)",
                stats["p95"],
                "ms",
                "abs",
                50.0,
                note=f"{stats['n']} presses: p50 {stats['p50']:.1f} ms, p95 {stats['p95']:.1f} ms, "
                f"max {stats['max']:.1f} ms"
                + (f"; NER took {result['ner_seconds']:.1f} s, {result['entities']} entities "
                   f"({result['status']})" if name == "P5b" else
                   f"; keys {result['keys_during']}"),
                details={"stats": stats, "samples": [round(v, 2) for v in values]},
            )
        )
    return rows


if __name__ == "__main__":
    main_for(run)
