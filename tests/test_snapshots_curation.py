"""SVG snapshot of curation mode. Update with --snapshot-update after looking at the picture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.screens.curation import CurationScreen
from tests.apphelpers import make_app, wait_entities, wait_for
from tests.curationhelpers import three_coders

SIZE = (120, 36)


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_curation_mode(snap_compare: Any, in_tmp: Path, tiny_nlp: Any) -> None:
    three_coders(in_tmp / "store", path=in_tmp / "three.txt")
    app = make_app("store", ["three.txt"], tiny_nlp, annotator="ed")

    async def run_before(pilot: Any) -> None:
        await wait_entities(pilot)
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, CurationScreen)
                       and bool(app.screen.rows))
        await pilot.press("j", "l")  # the second item, its second version
        screen = app.screen
        assert isinstance(screen, CurationScreen)
        await wait_for(pilot, lambda: screen.version == 0 and screen._current() is not None
                       and screen._current().id == screen.rows[1].id)  # type: ignore[union-attr]
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
