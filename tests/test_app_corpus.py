"""Pilot tests of the corpus view: figures across articles, drilling into an entity or a
speaker, cross-article search, and jumping to what was found."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Input

from reader.records import Entity
from reader.screens.corpus import CorpusScreen, squeeze
from reader.screens.main import MainScreen
from reader.widgets.article_view import ArticleView
from tests.apphelpers import make_app, wait_for
from tests.corpushelpers import NOTE, corpus_folder, visit_all

SIZE = (120, 40)


def main_view(app: Any) -> ArticleView:
    return app.screen.query_one(ArticleView)


def cells(screen: CorpusScreen, table_id: str) -> list[list[str]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    rows = []
    for index in range(table.row_count):
        row = table.get_row_at(index)
        assert all(isinstance(cell, Text) for cell in row)
        rows.append([cell.plain for cell in row])
    return rows


def same_title(cell: str, title: str) -> bool:
    """A title cell shows the title, or its start and an ellipsis."""
    return cell == title or (cell.endswith("…") and title.startswith(cell[:-1]))


def add_claim(app: Any, index: int, quote: str, speaker: str, verdict: str,
              label: str = "factual") -> dict[str, Any]:
    article = app.articles[index]
    start = article.text.index(quote)
    claim, saved = app.session.create(article, start, start + len(quote), label, [],
                                      speaker=speaker, verdict=verdict)
    assert saved
    return claim


async def open_corpus(pilot: Any) -> CorpusScreen:
    app = pilot.app
    await pilot.press("ctrl+f")
    await wait_for(pilot, lambda: isinstance(app.screen, CorpusScreen))
    screen = app.screen
    assert isinstance(screen, CorpusScreen)
    await wait_for(pilot, lambda: screen.ready)
    await pilot.pause()
    return screen


async def setup_corpus(pilot: Any) -> None:
    """NER on every article; three claims in the sample, one in the note."""
    app = pilot.app
    await visit_all(pilot)
    add_claim(app, 0, "Borrell also visited the demilitarised zone", "Josep Borrell", "true")
    add_claim(app, 0, "We are strategic partners.", "josep  borrell", "false", "opinion")
    add_claim(app, 0, "all scenarios are being considered", "Cho Tae-yul", "unverified",
              "quote")
    add_claim(app, 4, "Borrell met Cho Tae-yul in Seoul", "the reporter", "true")


async def test_corpus_figures_across_articles(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [corpus_folder(tmp_path)], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        assert len(app.articles) == 5
        await setup_corpus(pilot)
        screen = await open_corpus(pilot)
        data = screen.data
        assert data is not None and data.stats.articles == 5
        entities = cells(screen, "corpus-entities")
        counts = [int(row[2]) for row in entities]
        assert counts == sorted(counts, reverse=True)
        expected: Counter[tuple[str, str]] = Counter()
        for article in app.articles:
            for entity in app.workspace.entities[article.id]:
                expected[(entity.text_in(article.text), entity.label)] += 1
        top = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        assert [(r[0], r[1], int(r[2])) for r in entities[:3]] == [(*k, n) for k, n in top]
        borrell = next(row for row in entities if row[:2] == ["Borrell", "PERSON"])
        assert borrell[2:] == ["6", "2"]  # 5 in the sample, 1 in the note; 2 articles
        speakers = cells(screen, "corpus-speakers")
        assert speakers[0] == ["Josep Borrell", "2", "true 1 · false 1"]
        assert ["Cho Tae-yul", "1", "unverified 1"] in speakers
        labels = cells(screen, "corpus-labels")
        assert labels[0] == ["factual", "0", "2", "0", "2"]  # unverified true false All
        assert ["opinion", "0", "0", "1", "1"] in labels
        summary = str(screen.query_one("#corpus-summary").render())
        assert "5 articles" in summary and "4 claims" in summary
        assert "█▁▁▁▃" in summary  # 3, 0, 0, 0, 1 claims: 1/3 of 7 steps
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_entities_come_from_the_cache_without_ner(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    app = make_app(db, [corpus_folder(tmp_path)], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await visit_all(pilot)
        await pilot.press("q")
    again = make_app(db, (), tiny_nlp)
    async with again.run_test(size=SIZE) as pilot:
        screen = await open_corpus(pilot)
        # only the article on screen was looked at (from the cache): NER never started
        assert again.workspace.entities.keys() == {again.articles[0].id}
        assert not again.workspace.ner_started
        borrell = next(row for row in cells(screen, "corpus-entities")
                       if row[:2] == ["Borrell", "PERSON"])
        assert borrell[2:] == ["6", "2"]


async def test_entity_and_speaker_lists_jump_across_articles(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [corpus_folder(tmp_path)], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await setup_corpus(pilot)
        screen = await open_corpus(pilot)
        entities = screen.query_one("#corpus-entities", DataTable)
        row = next(i for i, r in enumerate(cells(screen, "corpus-entities"))
                   if r[:2] == ["Borrell", "PERSON"])
        entities.focus()
        entities.move_cursor(row=row)
        await pilot.press("enter")
        results = cells(screen, "corpus-results")
        assert len(results) == 6 and results[-1][1] == "¶ 1"
        assert all("Borrell" in r[2] for r in results)
        assert same_title(results[-1][0], app.articles[4].title)
        table = screen.query_one("#corpus-results", DataTable)
        assert table.has_focus
        table.move_cursor(row=5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.screen.index == 4
        view = main_view(app)
        assert view.cursor == NOTE.index("Borrell")
        assert view.has_focus

        screen = await open_corpus(pilot)
        speakers = screen.query_one("#corpus-speakers", DataTable)
        speakers.focus()
        speakers.move_cursor(row=0)
        await pilot.press("enter")
        results = cells(screen, "corpus-results")
        assert [r[1] for r in results] == ["factual · true", "opinion · false"]
        assert results[1][2] == "We are strategic partners."
        screen.query_one("#corpus-results", DataTable).move_cursor(row=1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.screen.index == 0
        assert main_view(app).cursor == app.articles[0].text.index("We are strategic")


async def test_search_across_articles_lists_sentences_and_jumps(tmp_path: Path,
                                                               tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [corpus_folder(tmp_path)], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await visit_all(pilot)
        screen = await open_corpus(pilot)
        search = screen.query_one("#corpus-search", Input)
        assert search.has_focus
        await pilot.press(*"google")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.results_kind == "search" and screen.ready)
        results = cells(screen, "corpus-results")
        titles = [r[0] for r in results]
        brat = [a.title for a in app.articles[1:3]]
        shown = [a.title for a in app.articles]
        order = [next(i for i, t in enumerate(shown) if same_title(title, t)) for title in titles]
        assert sorted(set(order)) == [1, 2, 4] and order == sorted(order)
        assert {shown[i] for i in order} >= set(brat)
        texts = [r[2] for r in results]
        assert texts.count("2 ) YouTube and DoubleClick merged with Google.") == 1
        assert "5 ) YouTube and DoubleClick merged with Google." in texts
        sentence = "2 )  Google was founded by Larry Page and Sergey Brin in California."
        assert texts[:2] == [sentence.replace("2 )  ", "1 ) "), sentence]
        assert [r[1] for r in results[:2]] == ["¶ 3 · 1×", "¶ 6 · 1×"]  # paragraphs, not lines
        screen.query_one("#corpus-results", DataTable).move_cursor(row=1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.screen.index == 1
        text = app.articles[1].text
        assert main_view(app).cursor == text.index("Google", text.index(sentence))


async def test_search_finds_articles_not_opened_this_session(tmp_path: Path,
                                                            tiny_nlp) -> None:
    """Articles in the store but not open are searched, and jumping opens them."""
    db = tmp_path / "db"
    folder = corpus_folder(tmp_path)
    app = make_app(db, [folder], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
    only = make_app(db, [folder / "zz-note.txt"], tiny_nlp)
    async with only.run_test(size=SIZE) as pilot:
        assert len(only.articles) == 1
        screen = await open_corpus(pilot)
        assert screen.data is not None and screen.data.stats.articles == 5
        await pilot.press(*"cocoa zone")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.results_kind == "search" and screen.ready)
        [row] = cells(screen, "corpus-results")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(only.screen, MainScreen))
        assert len(only.articles) == 2 and only.screen.index == 1
        article = only.articles[1]
        assert main_view(only).cursor == article.text.index("cocoa zone")
        assert same_title(row[0], article.title)


def test_squeeze_groups_long_sparklines() -> None:
    assert squeeze([1, 2, 3], 5) == ([1, 2, 3], 1)
    assert squeeze(list(range(10)), 4) == ([3, 12, 21, 9], 3)
    assert Entity(0, 1, "X").label == "X"


async def test_summary_says_how_many_articles_have_no_entities_yet(tmp_path: Path,
                                                                  tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [corpus_folder(tmp_path)], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.articles[0].id in app.workspace.entities)
        screen = await open_corpus(pilot)
        summary = str(screen.query_one("#corpus-summary").render())
        assert "entities of 4 articles not computed yet, not counted" in summary, summary
        await pilot.press("escape")
        await visit_all(pilot)
        screen = await open_corpus(pilot)
        summary = str(screen.query_one("#corpus-summary").render())
        assert "not computed yet" not in summary, summary


def test_paragraph_numbers_skip_blank_lines_and_hard_wraps() -> None:
    from reader.screens.corpus import _where

    text = "Title\n\nFirst paragraph.\n\n\nSecond paragraph, Seoul.\n"
    assert _where(text, text.index("Seoul")) == "¶ 3"
    wrapped = ("A hard-wrapped paragraph that\ngoes on over\nthree lines.\n\n"
               "The second one\nnames Seoul here.\n\nThird.\n")
    assert _where(wrapped, wrapped.index("Seoul")) == "¶ 2"
    assert _where(wrapped, 0) == "¶ 1"
