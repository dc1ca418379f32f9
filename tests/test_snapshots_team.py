"""SVG snapshots of working with several analysts: the Annotators tab and the Agreement
screen. Update with --snapshot-update after looking at the new pictures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.screens.agreement import AgreementScreen
from tests.apphelpers import SAMPLE, make_app, wait_entities, wait_for
from tests.test_app_agreement import three_coders

SIZE = (120, 36)


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def _settle(pilot: Any) -> None:
    await wait_entities(pilot)
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_annotators_tab(snap_compare: Any, in_tmp: Path, tiny_nlp: Any) -> None:
    three_coders(in_tmp / "store")
    app = make_app("store", [SAMPLE], tiny_nlp, annotator="ana")

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("f6")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_agreement_screen(snap_compare: Any, in_tmp: Path, tiny_nlp: Any) -> None:
    three_coders(in_tmp / "store")
    app = make_app("store", [SAMPLE], tiny_nlp, annotator="ana")

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen)
                       and app.screen.report is not None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
