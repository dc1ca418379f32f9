"""The article reads in a dark and in a light theme: every character drawn in the article view
(plain text, the cursor's sentence, a claim, a selection, a search match, entities and their
labels) has a WCAG contrast of at least 4.5 with what is behind it, the claim's margin bar at
least 3, and each highlight is visible against the plain background."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.color import Color, rgb_to_lab

from reader.widgets.article_view import MARGIN, ArticleView
from reader.widgets.styles import contrast
from tests.apphelpers import SAMPLE, make_app, wait_entities, wait_for

SIZE = (120, 40)


def cell_colours(style: Style, base: Style) -> tuple[Color, Color]:
    """(text, background) of a cell as the terminal shows it: reverse swaps them, dim blends
    the text half way to the background."""
    fg = Color.from_rich_color(style.color or base.color)
    bg = Color.from_rich_color(style.bgcolor or base.bgcolor)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = fg.blend(bg, 0.5)
    return fg, bg


def difference(one: Color, other: Color) -> float:
    """CIE76 colour difference (about 2.3: just noticeable; 8 and more: plainly seen)."""
    return math.dist(rgb_to_lab(one), rgb_to_lab(other))


def drawn(view: ArticleView) -> list[tuple[int, str, Style]]:
    """(column, text, style) of every segment on screen in the view."""
    cells = []
    for y in range(view.size.height):
        column = 0
        for segment in view.render_line(y):
            cells.append((column, segment.text, segment.style or Style()))
            column += len(segment.text)
    return cells


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_article_text_and_highlights_read_in_dark_and_light_themes(
    tmp_path: Path, tiny_nlp: Any, theme: str
) -> None:
    db = tmp_path / "db"
    db.mkdir()
    (db / "reader.toml").write_text(  # the analyst's colours: one too light, one too dark
        '[[labels]]\nname = "factual"\nkey = "1"\ncolour = "#ffff66"\n\n'
        '[[labels]]\nname = "statistic"\nkey = "2"\ncolour = "grey7"\n', encoding="utf-8")
    app = make_app(db, [SAMPLE], tiny_nlp)
    other = "textual-light" if theme == "textual-dark" else "textual-dark"
    async with app.run_test(size=SIZE) as pilot:
        app.theme = other  # everything is drawn first in the other theme, then switched
        await wait_entities(pilot)
        view = app.screen.query_one(ArticleView)
        await pilot.press("s", "1")                    # claims (and their margin bars)
        await pilot.press("j", "j", "j", "s", "2")
        await pilot.press(")", ")", "v", "w", "w")     # a selection in another sentence
        await pilot.press("t")                         # entity labels after the entities
        await pilot.press("slash", *"Korea", "enter")  # search matches
        await wait_for(pilot, lambda: bool(view.matches))
        app.theme = theme
        view.focus()
        await pilot.pause()
        base = view.rich_style
        plain = Color.from_rich_color(base.bgcolor)
        assert contrast(*cell_colours(base, base)) >= 4.5, theme
        cells = drawn(view)
        grounds: set[Color] = set()
        low: list[tuple[str, float]] = []
        for column, text, style in cells:
            if not text.strip():
                continue
            fg, bg = cell_colours(style, base)
            grounds.add(bg)
            need = 3.0 if column < MARGIN else 4.5
            ratio = contrast(fg, bg)
            if ratio < need:
                low.append((text, round(ratio, 2)))
        assert low == [], f"{theme}: too little contrast: {low[:8]}"
        highlights = {view.view_styles.sentence.bgcolor, view.view_styles.claim.bgcolor,
                      view.view_styles.selection.bgcolor, view.view_styles.match.bgcolor}
        for colour in highlights:
            assert colour is not None
            shown = Color.from_rich_color(colour)
            assert shown in grounds, f"{theme}: a highlight is not on screen"
            assert difference(shown, plain) >= 8, f"{theme}: a highlight hardly shows"
        assert len(highlights) == 4  # four different backgrounds
        entity_colours = {style.color for _c, text, style in cells
                          if style.bold and style.color and text.strip() in ("Borrell", "Cho")}
        assert entity_colours, "no entity on screen"
        bars = {style.color for column, text, style in cells if column == 0 and "▌" in text}
        assert len(bars) == 2, "both claims' margin bars are on screen"
        # the label names in the side panel's Entities and Claims tabs read as well
        for key, selector in (("f2", "#entities-tree"), ("f3", "#claims-table")):
            await pilot.press(key)
            await pilot.pause()
            panel = app.screen.query_one(selector)
            ground = panel.rich_style
            labels = [(text, contrast(*cell_colours(style, ground)))
                      for y in range(panel.size.height) for segment in panel.render_line(y)
                      for text, style in [(segment.text, segment.style or Style())]
                      if style.bold and style.color and text.strip() and not style.reverse]
            assert labels, f"{theme}: no label in {selector}"
            assert all(ratio >= 4.5 for _t, ratio in labels), (theme, selector, labels)
