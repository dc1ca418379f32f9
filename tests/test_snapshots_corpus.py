"""SVG snapshots of the corpus view (figures, an entity's mentions, search results).

The store path is relative to the working directory, so the title line is the same anywhere.
Update with `pytest tests/test_snapshots_corpus.py --snapshot-update`, then look at them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from reader.screens.corpus import CorpusScreen
from tests.apphelpers import make_app, wait_for
from tests.corpushelpers import corpus_folder, visit_all

SIZE = (120, 40)


def add_claim(app: Any, index: int, quote: str, speaker: str, verdict: str,
              label: str) -> None:
    article = app.articles[index]
    start = article.text.index(quote)
    app.session.create(article, start, start + len(quote), label, [], speaker=speaker,
                       verdict=verdict)


async def corpus_ready(pilot: Any) -> CorpusScreen:
    """NER on every article, four claims, then the corpus view with its figures."""
    app = pilot.app
    await visit_all(pilot)
    add_claim(app, 0, "Borrell also visited the demilitarised zone", "Josep Borrell", "true",
              "factual")
    add_claim(app, 0, "We are strategic partners.", "Josep Borrell", "false", "opinion")
    add_claim(app, 0, "all scenarios are being considered", "Cho Tae-yul", "unverified",
              "quote")
    add_claim(app, 4, "Borrell met Cho Tae-yul in Seoul", "the reporter", "true", "factual")
    await pilot.press("ctrl+f")
    await wait_for(pilot, lambda: isinstance(app.screen, CorpusScreen))
    screen = app.screen
    assert isinstance(screen, CorpusScreen)
    await wait_for(pilot, lambda: screen.ready)
    return screen


async def settle(pilot: Any) -> None:
    pilot.app.clear_notifications()
    await pilot.pause()
    await pilot.pause()


@pytest.fixture()
def corpus_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_nlp: Any) -> Any:
    monkeypatch.chdir(tmp_path)
    folder = corpus_folder(tmp_path)
    return make_app("store", [folder.relative_to(tmp_path)], tiny_nlp)


def test_corpus_overview(corpus_app: Any, snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await corpus_ready(pilot)
        await settle(pilot)

    assert snap_compare(corpus_app, terminal_size=SIZE, run_before=run_before)


def test_corpus_entity_mentions(corpus_app: Any, snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        screen = await corpus_ready(pilot)
        table = screen.query_one("#corpus-entities", DataTable)
        table.focus()
        row = next(i for i in range(table.row_count)
                   if [c.plain for c in table.get_row_at(i)][:2] == ["Borrell", "PERSON"])
        table.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(corpus_app, terminal_size=SIZE, run_before=run_before)


def test_corpus_search_results(corpus_app: Any, snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        screen = await corpus_ready(pilot)
        await pilot.press(*"google")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.results_kind == "search" and screen.ready)
        await settle(pilot)

    assert snap_compare(corpus_app, terminal_size=SIZE, run_before=run_before)
