"""Untrusted text reaches the screen literally: markup is not interpreted, controls are
placeholders."""

from __future__ import annotations

from pathlib import Path

from reader.widgets.article_view import ArticleView
from tests.apphelpers import make_app, wait_for

HOSTILE = (
    "Title [bold]x[/bold]\n\n"
    "A [red]x[/red] and [/] and \x1b]0;title\x07 end [@click=app.quit]q[/].\n"
)


def rendered_text(view: ArticleView) -> str:
    lines = []
    for y in range(view.scrollable_content_region.height):
        lines.append(view.render_line(y).text)
    return "\n".join(lines)


async def test_markup_and_controls_show_literally(tmp_path: Path, tiny_nlp) -> None:
    path = tmp_path / "[bold]evil[@click=app.quit].txt"
    path.write_text(HOSTILE, encoding="utf-8")
    app = make_app(tmp_path / "db", [path], tiny_nlp)
    async with app.run_test(size=(120, 30)) as pilot:
        view = app.screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.wrap.height > 0)
        shown = rendered_text(view)
        assert "[red]x[/red]" in shown and "and [/] and" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert "␛]0;title␇" in shown
        assert "[@click=app.quit]q[/]" in shown
        title = app.screen.query_one("#title")
        assert "Title [bold]x[/bold]" in str(title.render())
        # the claim path: a note with markup, a speaker with markup, a copy notification
        await pilot.press("s", "1", "y")
        await pilot.pause()
        assert app.is_running
        assert len(app.session.claims(app.articles[0])) == 1
        svg = app.export_screenshot()
        assert "[red]x[/red]" in svg.replace("&#160;", " ")
