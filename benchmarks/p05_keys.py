"""P5: 1 MB article: page-down / cursor-move latency while NER runs and after.

The real app in-process (`build_app` as `reader big-article.txt --db <fresh>` builds it, with
the real NerService worker, 1 process as the app starts it), driven by Textual's
`App.run_test(size=(120, 40))`. Each sample is one key: a `Key` event sent through the driver as
a terminal would, then waiting until the app, the screen and every widget have handled all
messages it caused (`pilot._wait_for_screen()`, three times: the key hops app -> screen ->
view), then rendering the screen update at once (`screen._on_timer_update()`, what Textual's
refresh timer runs; the headless driver only skips writing the bytes). `pilot.press()` and
`pilot.pause()` are not used: each calls `wait_for_idle`, which sleeps at least 20 ms per
call until the CPU looks idle, and that sleep would be measured as latency.
Keys cycle pagedown, j, w (pageup, k, b on the way back up).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from typing import Any

from benchmarks.common import Row, main_for, percentile, say, summary, temp_dir
from benchmarks.inputs import big_article

PRESSES = 120
"""Presses while NER runs, and again after it finished."""

DOWN = ("pagedown", "j", "w")
UP = ("pageup", "k", "b")


async def _key_round_trip(app: Any, pilot: Any, key: str) -> None:
    """Send one key as the terminal driver would, wait until every message it caused is
    handled, and render the screen update."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)
    for _ in range(3):  # the key hops app -> screen -> view; each hop may post more messages
        await pilot._wait_for_screen()
    app.screen._on_timer_update()


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
        moved: dict[int, int] = {}
        per_key: dict[tuple[bool, str], list[float]] = {}

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
            before = view.cursor
            t0 = time.perf_counter()
            await _key_round_trip(app, pilot, key)
            elapsed = (time.perf_counter() - t0) * 1000
            into.append(elapsed)
            moved[id(into)] = moved.get(id(into), 0) + (view.cursor != before)
            per_key.setdefault((id(into) == id(during), key), []).append(elapsed)
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
    by_key = {
        ("during " if phase else "after ") + key: round(percentile(values, 95), 1)
        for (phase, key), values in per_key.items()
    }
    return {
        "moved_during": moved.get(id(during), 0),
        "moved_after": moved.get(id(after), 0),
        "p95_by_key": by_key,
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
                f"max {stats['max']:.1f} ms; cursor moved on "
                f"{result['moved_during' if name == 'P5a' else 'moved_after']} of them; p95 by key "
                + ", ".join(f"{k} {v}" for k, v in result["p95_by_key"].items()
                            if k.startswith("during" if name == "P5a" else "after"))
                + (f"; NER took {result['ner_seconds']:.1f} s, {result['entities']} entities "
                   f"({result['status']})" if name == "P5b" else
                   f"; keys {result['keys_during']}"),
                details={"stats": stats, "p95_by_key": result["p95_by_key"],
                         "samples": [round(v, 2) for v in values]},
            )
        )
    return rows


if __name__ == "__main__":
    main_for(run)
