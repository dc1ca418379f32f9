"""SVG snapshots of the main screens (pytest-textual-snapshot). Update with --snapshot-update
after looking at the new pictures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.records import Suggestion
from tests.apphelpers import SAMPLE, make_app, wait_entities

SIZE = (120, 36)


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a temporary folder, so the status line's store path is always `store/`."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def _settle(pilot: Any) -> None:
    await wait_entities(pilot)
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_sample_article_with_entities(snap_compare: Any, in_tmp: Path, tiny_nlp: Any) -> None:
    app = make_app("store", [SAMPLE], tiny_nlp)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_entities_tab_focused(snap_compare: Any, in_tmp: Path, tiny_nlp: Any) -> None:
    app = make_app("store", [SAMPLE], tiny_nlp)

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("tab", "down", "down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare: Any, in_tmp: Path, tiny_nlp: Any) -> None:
    app = make_app("store", [SAMPLE], tiny_nlp)

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_article_with_claims(snap_compare: Any, in_tmp: Path, tiny_nlp: Any) -> None:
    app = make_app("store", [SAMPLE], tiny_nlp)

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press(")", ")", "s", "1", ")", "s", "4", "w", "w", "v", "w", "w", "2")
        await pilot.press("g", "t")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_claims_tab(snap_compare: Any, in_tmp: Path, tiny_nlp: Any) -> None:
    app = make_app("store", [SAMPLE], tiny_nlp)

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press(")", ")", "s", "1", ")", "s", "4", "f3")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def _suggestion(sentence: str, label: str, speaker: str, reason: str) -> Suggestion:
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index(sentence)
    return Suggestion(start=start, end=start + len(sentence), text=sentence, label=label,
                      speaker=speaker, reason=reason, score=0.9, rule="test")


def test_review_mode(snap_compare: Any, in_tmp: Path, tiny_nlp: Any) -> None:
    """Review mode on suggestions (given, not computed: the parser is not in this test), one of
    them like a claim marked before."""
    app = make_app("store", [SAMPLE], tiny_nlp)
    items = [
        _suggestion("Intelligence from the U.S., South Korea, and Ukraine estimates that North "
                    "Korea has sent around 10,000 to 12,000 troops to Russia.", "statistic",
                    "Intelligence from the U.S., South Korea, and Ukraine",
                    "resembles your claim in “Troops abroad” (verdict: mostly-true): “North "
                    "Korea has sent around 10,000 to 12,000 troops to Russia”; number tied to a "
                    "verb: 10,000 to 12,000"),
        _suggestion("The U.S. and its allies accuse North Korea of already supplying arms to "
                    "Russia.", "factual", "The U.S. and its allies", "accusation: accuse"),
    ]

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        pilot.app.workspace.suggestions[pilot.app.articles[0].id] = items
        await pilot.press("R")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
