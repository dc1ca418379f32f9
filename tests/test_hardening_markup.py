"""Rich/Textual markup in untrusted fields is shown literally, never interpreted (real app, Pilot).

Text, titles, notes, tags, speakers, claim labels (from reader.toml and from imports) and file
names all carry `[bold]`, `[/]`, `[link=...]` and `[@click=app.quit]`; the screen must show
them as typed, and the app must neither crash nor quit.
"""

from __future__ import annotations

import json
from pathlib import Path

from reader.claims import make_claim
from reader.commands import import_cmd
from reader.records import SourceArticle
from reader.store import Store
from tests.apphelpers import Heard, make_app, screen_text, wait_for

SIZE = (160, 45)
TITLE = "[bold]Title[/] [@click=app.quit]t[/]"
BODY = ("Plain opening words here. [link=https://x]linked[/link] then [@click=app.quit]quit[/] "
        "and [bold]bold[/bold] and a lone [/] closer.\n\nSecond paragraph [red]red[/red] end.")
SPEAKER = "[@click=app.quit]Speaker[/]"
NOTE = "[bold]note[/] [link=https://x]n[/link]"
TAG = "[/]tag"
LABEL = "[link=https://x]lab[/link]"



async def test_markup_in_text_title_claim_fields_is_literal(tmp_path: Path) -> None:
    db = tmp_path / "db"
    (tmp_path / "db").mkdir()
    (db / "reader.toml").write_text(
        '[[labels]]\nname = "[bold]tax[/]"\nkey = "1"\n\n'
        '[[labels]]\nname = "[@click=app.quit]q[/]"\nkey = "2"\n', encoding="utf-8")
    with Store(db) as store:
        src = SourceArticle(title=TITLE, text=BODY, source=str(tmp_path / "[bold]f[/].txt"))
        aid = store.add_article(src).article.id
        start = BODY.index("[link=")
        claim = make_claim(article_id=aid, text=BODY, start=start, end=BODY.index(" closer"),
                           label=LABEL, annotator="[bold]me[/]", speaker=SPEAKER, note=NOTE,
                           tags=[TAG])
        store.save_claim(claim)
    app = make_app(db, annotator="[bold]me[/]")  # the claim's own annotator may edit it
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "[bold]Title[/] [@click=app.quit]t[/]" in shown
        for token in ("[link=https://x]linked[/link]", "[@click=app.quit]quit[/]",
                      "[bold]bold[/bold]", " [/] ", "[red]red[/red]"):
            assert token in shown, token
        await pilot.press("f3")
        await pilot.pause()
        shown = screen_text(app)
        assert LABEL in shown
        # tag with labels whose names are markup: the notification quotes them literally
        await pilot.press("escape")
        app.screen.view.focus()
        app.screen.view.move_to(BODY.index("Second"))
        await pilot.press("s", "1")
        await wait_for(pilot, lambda: any("[bold]tax[/]" in m for m in heard.messages))
        app.screen.view.move_to(0)
        await pilot.press("s", "2")
        await wait_for(pilot, lambda: any("[@click=app.quit]q[/]" in m
                                          for m in heard.messages))
        await pilot.pause()
        assert "Claim tagged [bold]tax[/]" in screen_text(app)
        # the edit form shows note and tags as typed
        app.screen.view.move_to(start + 1)  # onto the stored claim, then the claim form key
        await pilot.press("c")
        await pilot.pause()
        shown = screen_text(app)
        assert NOTE in shown and TAG in shown and SPEAKER in shown
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
    with Store(db, readonly=True) as store:
        labels = sorted(c.label for c in store.claims(aid))
    assert labels == sorted([LABEL, "[bold]tax[/]", "[@click=app.quit]q[/]"])


async def test_markup_in_file_names_and_imported_labels(tmp_path: Path) -> None:
    db = tmp_path / "db"
    peer = tmp_path / "[bold]peer.jsonl"
    text = "Imported text with [@click=app.quit]markup[/] inside it."
    peer.write_text(json.dumps({"text": text, "label": [[0, 8, "[bold]imp[/]"],
                                                        [9, 13, "[@click=app.quit]x[/]"]]}) + "\n",
                    encoding="utf-8")
    args = import_cmd.argparse.Namespace(paths=[str(peer)], format=None, as_="claims",
                                         predictions=False, annotator="t", db=str(db))
    assert import_cmd.run(args) == 0
    app = make_app(db)
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        screen = app.screen
        for index, opened in enumerate(app.articles):
            if opened.text == text:
                screen.open_article(index)
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        shown = screen_text(app)
        assert "[bold]imp[/]" in shown and "[@click=app.quit]x[/]" in shown
        assert "[@click=app.quit]markup[/]" in shown
        assert app.is_running
    app.store.close()
    article = tmp_path / "[link=https:x]file.txt"
    article.write_text("A file whose name is markup.", encoding="utf-8")
    missing = tmp_path / "[@click=app.quit]gone.txt"
    app = make_app(db, [article, missing])
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        assert any("[@click=app.quit]gone.txt" in m for m in heard.messages)
        assert "[@click=app.quit]gone.txt: no such file" in screen_text(app)
        await pilot.press("f5")
        await pilot.pause()
        assert "[link=https:x]file" in screen_text(app)
        await pilot.press("f5")
