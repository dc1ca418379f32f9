"""A long article is wrapped once for its first paint (P4), not once per resize event: before,
a 1 MB text was wrapped four times (at width 10 before the view had a size, then once per
resize, then once more when its scrollbar appeared), 0.1 s each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import reader.widgets.article_view as article_view
from reader.widgets.article_view import ArticleView
from tests.apphelpers import make_app, wait_for

# Written for this test: numbered paragraphs, so each line of the text is told apart.
LONG = "A long article\n\n" + "\n\n".join(
    f"Paragraph {n}: the minister said the figures for region {n} would be published "
    f"on Monday, and the opposition asked why they were late again." for n in range(4000))


@pytest.fixture
def wraps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The width of every wrap of a whole text the article view makes."""
    widths: list[int] = []
    real = article_view.WrapLayout

    def counted(text: str, width: int, *args: Any) -> Any:
        widths.append(width)
        return real(text, width, *args)

    monkeypatch.setattr(article_view, "WrapLayout", counted)
    return widths


async def test_a_long_article_is_wrapped_once_at_first_paint(
    tmp_path: Path, tiny_nlp, wraps: list[int]
) -> None:
    article = tmp_path / "long.txt"
    article.write_text(LONG, encoding="utf-8")
    app = make_app(tmp_path / "db", [article], tiny_nlp)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.show_vertical_scrollbar)
        await pilot.pause()
        assert len(wraps) == 1, wraps
        assert wraps[0] == view.wrap.width == view.text_width  # the scrollbar's column left out

        await pilot.resize_terminal(120, 30)  # a change of height alone: no new wrap
        await pilot.pause()
        assert len(wraps) == 1, wraps

        await pilot.resize_terminal(100, 30)  # a new width: one wrap at it
        await pilot.pause()
        assert len(wraps) == 2, wraps
        assert wraps[1] == view.text_width < wraps[0]


async def test_a_cursor_restored_mid_article_is_centred_once_the_view_has_a_size(
    tmp_path: Path, tiny_nlp
) -> None:
    """The session reopens the article where the analyst left it; the view loads the text
    before it has a size, so the cursor is centred when the size comes (the one wrap)."""
    article = tmp_path / "long.txt"
    article.write_text(LONG, encoding="utf-8")
    app = make_app(tmp_path / "db", [article], tiny_nlp)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        await pilot.pause()
        await pilot.press(*["pagedown"] * 40)
        left_at = view.cursor
        assert left_at > 50_000
        await pilot.press("q")
    again = make_app(tmp_path / "db", [], tiny_nlp)
    async with again.run_test(size=(120, 40)) as pilot:
        view = again.screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.show_vertical_scrollbar)
        await pilot.pause()
        assert view.cursor == left_at
        line = view.wrap.line_of(view.cursor)
        top, height = int(view.scroll_y), view.scrollable_content_region.height
        assert line - top == height // 3, (line, top, height)  # centred, as a load says
