"""Build the real app for Pilot and snapshot tests, with the tiny in-process NER pipeline."""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from reader.app import ReaderApp
from reader.launch import build_app

SAMPLE = Path(__file__).parent.parent / "reader" / "data" / "eu-korea-joint-statement.txt"


def make_app(
    db: Path | str,
    paths: Sequence[Path | str] = (),
    nlp: Any = None,
    *,
    annotator: str = "tester",
    read_only: bool = False,
    parser: Any = None,
    started: list[Any] | None = None,
) -> ReaderApp:
    """The app as `reader PATHS --db DB` builds it, NER from `nlp` in a thread (suggestions
    from `parser`, else from `nlp`); each NER backend the app starts is added to `started`."""
    from reader.nlp.service import InlineNerService

    args = argparse.Namespace(
        paths=[str(p) for p in paths],
        db=str(db),
        model="tiny-test-model",
        annotator=annotator,
        read_only=read_only,
    )

    def factory() -> InlineNerService:
        service = InlineNerService(nlp, parser=parser, model="tiny-test-model")
        if started is not None:
            started.append(service)
        return service

    app = build_app(args, ner_factory=factory if nlp else None, ner_version="test")
    assert isinstance(app, ReaderApp)
    return app


async def wait_for(pilot: Pilot[Any], condition: Any, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)


async def wait_entities(pilot: Pilot[Any]) -> None:
    """Wait until NER has delivered entities for the article on screen."""
    app = pilot.app
    await wait_for(pilot, lambda: bool(app.screen.query_one("#article").entities))


class Heard:
    """Every notification the app raised, as the user saw it pop up: Textual's public
    `Notify` message, caught with `app.run_test(message_hook=heard)` (expired ones too)."""

    def __init__(self) -> None:
        from textual.notifications import Notification

        self.notifications: list[Notification] = []

    def __call__(self, message: Any) -> None:
        from textual.notifications import Notify

        if isinstance(message, Notify):
            self.notifications.append(message.notification)

    @property
    def messages(self) -> list[str]:
        """The notifications' texts, oldest first."""
        return [str(n.message) for n in self.notifications]

    def text(self) -> str:
        """Every notification's text, one after another."""
        return "\n".join(self.messages)

    def clear(self) -> None:
        """Forget what was heard so far."""
        self.notifications.clear()


def screen_text(app: Any) -> str:
    """Everything on screen as plain text, one row per line (from the SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[int, list[str]] = {}
    for row, content in re.findall(r'<text [^>]*clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>'
                                   r"(.*?)</text>", svg, flags=re.S):
        rows.setdefault(int(row), []).append(content)
    lines = ("".join(rows[row]) for row in sorted(rows))
    return html.unescape("\n".join(lines)).replace("\xa0", " ")
