"""The app's "Open a web page" command (`O`, also in the palette): the URL is fetched in a
worker thread from a local server on 127.0.0.1, stored with its snapshot and opened; a page
that cannot be opened is a message, and the app goes on."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.screens.open_url import OpenUrlDialog
from reader.widgets.article_view import ArticleView
from tests.apphelpers import SAMPLE, Heard, make_app, wait_for
from tests.webserver import serve

FIRST = "In a joint statement on Monday, the European Union (EU) and South Korea condemned"


async def test_open_a_web_page_from_the_app(tmp_path: Path) -> None:
    db = tmp_path / "db"
    with serve() as server:
        server.slow_seconds = 1.0
        app = make_app(db, [SAMPLE])
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            await pilot.press("O")
            assert isinstance(app.screen, OpenUrlDialog)
            await pilot.press(*server.url("/slow"))
            started = time.monotonic()
            await pilot.press("enter")
            await pilot.pause()
            # the UI answers while the page is still on its way
            assert not isinstance(app.screen, OpenUrlDialog)
            assert len(app.articles) == 1 and time.monotonic() - started < 0.9
            await wait_for(pilot, lambda: len(app.articles) == 2, timeout=20)
            await pilot.pause()
            assert screen.index == 1
            view = app.screen.query_one(ArticleView)
            assert view.text.startswith(FIRST)
            assert app.articles[1].meta["web"]["final_url"] == server.url("/slow")
        assert server.hits["/slow"] == 1
        assert len(list((db / "snapshots").glob("*.gz"))) == 1


async def test_a_page_that_cannot_be_opened_is_a_message(tmp_path: Path) -> None:
    with serve() as server:
        app = make_app(tmp_path / "db", [SAMPLE])
        heard = Heard()
        async with app.run_test(size=(120, 40), message_hook=heard) as pilot:
            await pilot.press("O")
            await pilot.press(*server.url("/missing"))
            await pilot.press("enter")
            expected = f"{server.url('/missing')}: HTTP 404 Not Found"
            await wait_for(pilot, lambda: any(n.message == expected
                                              for n in heard.notifications))
            assert len(app.articles) == 1
        assert not (tmp_path / "db" / "snapshots").exists()


async def test_a_fetch_that_breaks_unexpectedly_is_shown_and_the_app_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies (here the page opener raises what it never should) says so in a
    notification; the app neither ends nor swallows it."""
    import reader.web.page

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the page opener broke")

    monkeypatch.setattr(reader.web.page, "open_url", broken)
    app = make_app(tmp_path / "db", [SAMPLE])
    heard = Heard()
    async with app.run_test(size=(120, 40), message_hook=heard) as pilot:
        await pilot.press("O")
        await pilot.press(*"http://127.0.0.1:9/page", "enter")
        await wait_for(pilot, lambda: any("RuntimeError: the page opener broke" in m
                                          for m in heard.messages))
        assert app.is_running and len(app.articles) == 1
