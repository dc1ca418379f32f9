"""The UI's one-way shape, seen from outside: the workspace below it needs no Textual, keys
become typed messages up, the corpus view returns where to go through `dismiss`, and the
status line and review mode follow reactive state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.widgets import Footer

from reader import messages
from reader.screens.corpus import CorpusScreen, Target
from reader.widgets.article_view import ArticleView
from reader.widgets.status_line import StatusLine
from tests.apphelpers import SAMPLE, make_app, wait_entities, wait_for

SIZE = (120, 40)


def test_the_workspace_loads_without_textual() -> None:
    """What the screens work on is core: importing it (and the launch, which builds it)
    brings in neither Textual nor Rich nor spaCy."""
    code = ("import sys, reader.workspace, reader.launch; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'spacy'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"


async def test_keys_post_one_typed_message_per_intent(tmp_path: Path, tiny_nlp) -> None:
    seen: list[Message] = []

    def of(kind: type[Message]) -> list[Any]:
        """The messages of a kind, each once (the hook sees a message at every hop up)."""
        return list({id(m): m for m in seen if isinstance(m, kind)}.values())

    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await wait_entities(pilot)
        view = app.screen.query_one(ArticleView)
        await pilot.press(")", "s", "1")
        await wait_for(pilot, lambda: bool(app.session.claims(app.articles[0])))
        [claim] = app.session.claims(app.articles[0])
        [tag] = of(messages.TagClaim)
        assert (tag.number, tag.start, tag.end) == (1, claim.start, claim.end)
        view.move_to(claim.start)
        await pilot.press("y")
        await wait_for(pilot, lambda: any(isinstance(m, messages.CopyText) for m in seen))
        [copy] = of(messages.CopyClaim)
        assert copy.claim_id == claim.id
        [text] = of(messages.CopyText)
        assert text.text.startswith(f"“{claim.quote}”")
        await pilot.press("d")
        await wait_for(pilot, lambda: not app.session.claims(app.articles[0]))
        [delete] = of(messages.DeleteClaim)
        assert delete.claim_id == claim.id
        entity = view.entities[0]
        view.move_to(entity.start)
        await pilot.press("m")
        await pilot.pause()
        [correct] = of(messages.CorrectEntity)
        assert correct.entity == entity and correct.selection is None


async def test_the_corpus_view_dismisses_with_the_place_chosen(tmp_path: Path,
                                                                tiny_nlp) -> None:
    """The corpus view does not drive the main screen: it returns the place, the opener
    goes there."""
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    chosen: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        article = app.articles[0]
        offset = article.text.index("Seoul")
        corpus = CorpusScreen(app.workspace)
        await app.push_screen(corpus, chosen.append)
        await wait_for(pilot, lambda: corpus.ready)
        corpus.jump(Target(article.id, offset))
        await wait_for(pilot, lambda: bool(chosen))
        assert chosen == [Target(article.id, offset)]
        await wait_for(pilot, lambda: app.screen is not corpus)
        corpus2 = CorpusScreen(app.workspace)
        await app.push_screen(corpus2, chosen.append)
        await wait_for(pilot, lambda: corpus2.ready)
        corpus2.jump(Target("no-such-article", 0))  # not in the store: it stays open
        await pilot.pause()
        assert app.screen is corpus2 and len(chosen) == 1


async def test_the_status_line_follows_reactive_state(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await wait_for(pilot, lambda: "found by" in app.screen.ner_note)
        status = app.screen.query_one(StatusLine)
        assert status.ner == app.screen.ner_note  # bound, not copied by hand
        app.screen.sync_note = "synced 10:00"
        await pilot.pause()
        assert "· synced 10:00 ·" in str(status.render())
        await pilot.press(")", "s", "1")
        await pilot.pause()
        assert status.claims == 1 and "1 claim ·" in str(status.render())


async def test_review_mode_shows_its_keys_in_the_footer(tmp_path: Path, tiny_nlp) -> None:
    """Review mode is reactive state: setting it is enough for the footer to change."""
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        view = app.screen.query_one(ArticleView)

        def footer_actions() -> set[str]:
            bindings = app.screen.active_bindings.values()
            return {b.binding.action for b in bindings if b.enabled}

        assert "review_accept" not in footer_actions()
        view.review_mode = True
        await pilot.pause()
        assert "review_accept" in footer_actions()
        assert app.screen.query_one(Footer).display
        view.review_mode = False
        await pilot.pause()
        assert "review_accept" not in footer_actions()


def test_the_session_tells_each_change_to_its_listeners(tmp_path: Path) -> None:
    """What shows claims redraws from the session when it says an article changed: create,
    edit, delete, done marks, undo and redo each say so once, with the article's id."""
    from reader.records import SourceArticle
    from reader.session import OpenArticle, ReaderSession
    from reader.store import Store

    text = "The minister said that prices rose by 4 % last year."
    with Store(tmp_path / "db") as store:
        article_id = store.add_article(
            SourceArticle(title="t", text=text, source="t.txt")).article.id
        article = OpenArticle(id=article_id, title="t", loaded_text=text, source="t.txt")
        session = ReaderSession(store, "tester")
        told: list[str] = []
        session.listeners.append(told.append)
        claim, _saved = session.create(article, 0, len(text), "factual", [])
        session.update(article, claim.id, verdict="true")
        session.set_done(article, True)
        session.undo({article_id: article})
        session.redo({article_id: article})
        session.delete(article, claim.id)
        assert told == [article_id] * 6
        session.listeners.remove(told.append)
        session.undo({article_id: article})
        assert len(told) == 6
