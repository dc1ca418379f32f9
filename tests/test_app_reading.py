"""Pilot tests of the reading view: every key of the reading contract, on the real app."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TabbedContent

from reader.screens.help import HelpScreen
from reader.widgets.article_view import ArticleView
from tests.apphelpers import SAMPLE, make_app, screen_text, wait_entities, wait_for

SIZE = (120, 40)


def view_of(app) -> ArticleView:  # type: ignore[no-untyped-def]
    return app.screen.query_one(ArticleView)


async def test_cursor_starts_on_first_word_and_moves_by_line(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        view = view_of(app)
        assert view.cursor == 0 and view.text.startswith("In a joint")
        line = view.wrap.line_of(view.cursor)
        for key, delta in (("j", 1), ("down", 1), ("k", -1), ("up", -1)):
            await pilot.press(key)
            assert view.wrap.line_of(view.cursor) == line + delta, key
            line += delta


async def test_word_and_sentence_motions(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        text = view.text
        await pilot.press("w")
        assert text[view.cursor:].startswith("a joint")
        await pilot.press("right")
        assert text[view.cursor:].startswith("joint")
        await pilot.press("b")
        assert text[view.cursor:].startswith("a joint")
        await pilot.press("left")
        assert view.cursor == 0
        await pilot.press(")")
        assert text[view.cursor:].startswith("Josep Borrell, the High")
        await pilot.press(")")
        assert text[view.cursor:].startswith("“This constitutes")
        await pilot.press("(")
        assert text[view.cursor:].startswith("Josep Borrell, the High")


async def test_paging_and_ends(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        for key in ("pagedown", "space"):
            before_cursor, before_scroll = view.cursor, view.scroll_y
            await pilot.press(key)
            assert view.cursor > before_cursor and view.scroll_y > before_scroll, key
        before = view.cursor
        await pilot.press("pageup")
        assert view.cursor < before
        await pilot.press("G")
        assert view.text[view.cursor:] == "Korea."
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_y == 0
        await pilot.press("end")
        assert view.text[view.cursor:] == "Korea."
        await pilot.press("home")
        assert view.cursor == 0
        # the cursor stays on screen through all of it
        line = view.wrap.line_of(view.cursor)
        assert view.scroll_y <= line < view.scroll_y + view.scrollable_content_region.height


async def test_entity_jumps(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        view = view_of(app)
        await pilot.press("e")
        first = view.entity_at(view.cursor)
        assert first is not None and first.text_in(view.text) == "Monday"
        await pilot.press("e")
        second = view.entity_at(view.cursor)
        assert second is not None and second.start > first.start
        await pilot.press("E")
        assert view.entity_at(view.cursor) == first


async def test_search_and_repeat(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("/")
        search = app.screen.query_one("#search", Input)
        assert search.has_focus
        await pilot.press(*"borrell", "enter")
        assert view.has_focus
        starts = [s for s, _ in view.matches]
        assert len(starts) == view.text.lower().count("borrell") and len(starts) >= 5
        assert view.cursor == starts[0]
        await pilot.press("n")
        assert view.cursor == starts[1]
        await pilot.press("N")
        assert view.cursor == starts[0]
        await pilot.press("N")
        assert view.cursor == starts[-1]  # wraps to the bottom


async def test_tab_moves_focus_between_article_and_panel(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        view = view_of(app)
        assert view.has_focus
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "entities-tree"
        await pilot.press("tab")
        assert view.has_focus


async def test_entities_panel_jumps_and_filters(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        view = view_of(app)
        await pilot.press("tab")
        tree = app.focused
        assert tree is not None
        # first row: the most frequent label; down to its first entity, enter jumps to it
        await pilot.press("down", "enter")
        first_jump = view.cursor
        entity = view.entity_at(first_jump)
        assert entity is not None
        await pilot.press("enter")
        assert view.cursor != first_jump  # the next mention of the same string
        assert view.text[view.cursor:].startswith(entity.text_in(view.text))
        # space on the label hides its highlights
        await pilot.press("up", "space")
        assert entity.label in view.hidden_labels
        await pilot.press("space")
        assert entity.label not in view.hidden_labels


async def test_next_and_previous_article_and_reopen(tmp_path: Path, tiny_nlp) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha title\n\nJosep Borrell visited Seoul on Monday.\n")
    (folder / "b.html").write_text(
        "<html><head><title>Beta page</title></head><body><nav>menu</nav>"
        "<article><p>Seoul is far from Moscow. " + "It is a long way by train. " * 10
        + "</p></article></body></html>"
    )
    (folder / "c.jsonl").write_text('{"text": "Russia and Ukraine.", "title": "Gamma"}\n')
    db = tmp_path / "db"
    paths = [folder / "a.txt", folder / "b.html", folder / "c.jsonl"]
    app = make_app(db, paths, tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert [a.title for a in app.articles] == ["Alpha title", "Beta page", "Gamma"]
        view = view_of(app)
        assert view.text[view.cursor:].startswith("Josep")  # the body, after the title line
        await pilot.press("]")
        assert screen.index == 1 and "Seoul is far" in view.text and "menu" not in view.text
        await pilot.press("]")
        assert screen.index == 2
        await pilot.press("]")
        assert screen.index == 0
        await pilot.press("[")
        assert screen.index == 2
        await pilot.press("[", "w")
        remembered = view.cursor
        await pilot.press("q")
    again = make_app(db, (), tiny_nlp)
    async with again.run_test(size=SIZE) as pilot:
        assert [a.title for a in again.articles] == ["Alpha title", "Beta page", "Gamma"]
        assert again.screen.index == 1
        assert view_of(again).cursor == remembered


async def test_help_screen_and_quit(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("?")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert not app.is_running


async def test_show_tab_keys(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        tabs = app.screen.query_one("#side", TabbedContent)
        assert tabs.active == "entities"
        await pilot.press("f3")
        assert tabs.active == "claims"
        await pilot.press("f2")
        assert tabs.active == "entities"


async def test_label_toggle_rewraps(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        view = view_of(app)
        height = view.wrap.height
        await pilot.press("t")
        assert view.show_labels and view.wrap.height >= height
        await pilot.press("t")
        assert not view.show_labels


@pytest.mark.parametrize("width", [80, 200])
async def test_readable_at_80_and_200_columns(tmp_path: Path, tiny_nlp, width: int) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=(width, 30)) as pilot:
        await wait_for(pilot, lambda: view_of(app).wrap.height > 0)
        view = view_of(app)
        for line in range(view.wrap.height):
            start, end = view.wrap.span(line)
            assert len(view.text[start:end].rstrip()) <= view.text_width


async def test_a_title_line_is_shown_once_and_g_goes_to_it(tmp_path: Path, tiny_nlp) -> None:
    article = tmp_path / "budget.txt"
    article.write_text("Senate passes budget bill\n\nThe Senate passed the bill on Monday.\n\n"
                       "A second paragraph.\n", encoding="utf-8")
    app = make_app(tmp_path / "db", [article], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = view_of(app)
        assert view.text.startswith("The Senate", view.cursor)  # opens on the body
        screen = screen_text(app)
        assert screen.count("Senate passes budget bill") == 1, screen
        await pilot.press("j", "j", "g")
        assert view.cursor == 0
        assert view.scroll_y == 0


def status_of(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#status").render())


async def test_undo_and_redo_keep_the_entities_note(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await wait_for(pilot, lambda: "entities: " in status_of(app))
        note = status_of(app).split("entities: ", 1)[1].split(" · ")[0]
        assert "found by" in note
        await pilot.press("s", "1")
        await wait_for(pilot, lambda: " 1 claim" in status_of(app))
        for key in ("u", "ctrl+r"):
            await pilot.press(key)
            await pilot.pause()
            assert f"entities: {note}" in status_of(app), key


async def test_help_scrolls_with_j_and_k_and_its_footer_has_its_own_keys(
    tmp_path: Path, tiny_nlp
) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("?")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y > 3
        shown = screen_text(app)
        assert "escape, q or ? closes" in shown
        footer = shown.splitlines()[-1]
        assert "close" in footer and "down" in footer, footer
        assert "export" not in footer and "corpus" not in footer, footer
        await pilot.press("j", "j", "j")
        assert box.scroll_y == 3
        await pilot.press("k")
        assert box.scroll_y == 2
        await pilot.press("G")
        assert box.scroll_y == box.max_scroll_y
        await pilot.press("g")
        assert box.scroll_y == 0
        await pilot.press("q")
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running  # q closed the help, it did not quit


async def test_merged_duplicate_texts_are_counted_on_the_status_line(
    tmp_path: Path, tiny_nlp
) -> None:
    import json

    corpus = tmp_path / "news.jsonl"
    texts = ["Budget passes the Senate.", "Storm hits the coast.", "Rates stay the same."]
    lines = [json.dumps({"title": f"line {i}", "text": texts[i % 3]}) for i in range(10)]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(tmp_path / "db", [corpus], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(app.articles) == 3
        assert status_of(app).startswith("1/3 (7 duplicate texts merged) · ")
