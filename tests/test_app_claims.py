"""Pilot tests of claim annotation: keys, the form, the Claims panel, undo/redo, clipboard."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, TextArea

from reader.screens.claim_form import ClaimForm
from reader.store.store import Store
from reader.widgets.article_view import ArticleView
from tests.apphelpers import SAMPLE, Heard, make_app, wait_entities, wait_for

SIZE = (120, 40)
THIRD = (
    "“This constitutes a serious breach of international law, including the most fundamental "
    "principles of the UN Charter."
)


def view_of(app) -> ArticleView:  # type: ignore[no-untyped-def]
    return app.screen.query_one(ArticleView)


def claims_of(app):  # type: ignore[no-untyped-def]
    return app.session.claims(app.articles[app.screen.index])


async def test_tag_third_sentence_survives_reopen(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    app = make_app(db, [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press(")", ")", "s", "1")
        await pilot.press("q")
    with Store(db, readonly=True) as store:
        [article] = store.articles()
        [claim] = store.claims(article.id)
    text = SAMPLE.read_text(encoding="utf-8")
    assert claim.quote == THIRD
    assert text[claim.start:claim.end] == THIRD
    assert claim.label == "factual"
    assert claim.prefix == text[claim.start - 32:claim.start]
    assert claim.suffix == text[claim.end:claim.end + 32]
    assert {"text": "UNSC", "label": "ORG"}.items() <= {"text": "UNSC", "label": "ORG"}.items()
    assert claim.annotator == "tester" and claim.status == "anchored"
    again = make_app(db, (), tiny_nlp)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        [reloaded] = claims_of(again)
        assert reloaded.id == claim.id and reloaded.quote == THIRD
        overlay = view_of(again).overlays[0]
        assert (overlay.start, overlay.end) == (claim.start, claim.end)


async def test_claim_gets_entities_inside_its_span(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press(")", "s", "2")
        [claim] = claims_of(app)
        assert claim.label == "statistic"
        texts = [e.text for e in claim.entities]
        assert "Josep Borrell" in texts and "Seoul" in texts
        assert all(claim.start <= e.start < e.end <= claim.end
                   for e in claim.entities)


async def test_visual_selection_extend_swap_clear(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("w", "v", "w", "w")
        assert view.selection is not None
        assert view.text[slice(*view.selection)] == "a joint statement"
        await pilot.press("o")
        assert view.text[slice(*view.selection)] == "a joint statement"
        await pilot.press("b")
        assert view.text[slice(*view.selection)] == "In a joint statement"
        await pilot.press("escape")
        assert view.selection is None
        await pilot.press("v", "right", "right", "3")
        [claim] = claims_of(app)
        assert claim.quote == "In a joint" and claim.label == "quote"


async def test_claim_form_saves_fields_and_edit_delete_undo(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    app = make_app(db, [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press(")", ")", "s", "c")
        assert isinstance(app.screen, ClaimForm)
        form = app.screen
        form.query_one("#form-speaker", Input).value = "the two Ministers"
        form.query_one("#form-verdict", Select).value = "mostly-true"
        form.query_one("#form-checkworthy", Select).value = "true"
        form.query_one("#form-note", TextArea).text = "Line one\nline two [bold]x[/]"
        form.query_one("#form-tags", Input).value = "UN, law, UN"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ClaimForm))
        [claim] = claims_of(app)
        assert claim.speaker == "the two Ministers"
        assert claim.verdict == "mostly-true" and claim.checkworthy is True
        assert claim.note == "Line one\nline two [bold]x[/]"
        assert claim.tags == ["UN", "law"]
        # edit from the text: c on the claim under the cursor
        await pilot.press("c")
        assert isinstance(app.screen, ClaimForm)
        app.screen.query_one("#form-verdict", Select).value = "false"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ClaimForm))
        assert claims_of(app)[0].verdict == "false"
        # escape cancels an edit
        await pilot.press("c")
        app.screen.query_one("#form-speaker", Input).value = "nobody"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ClaimForm))
        assert claims_of(app)[0].speaker == "the two Ministers"
        # delete, then undo each step back
        await pilot.press("d")
        assert claims_of(app) == []
        await pilot.press("u")
        assert claims_of(app)[0].verdict == "false"
        await pilot.press("u")
        assert claims_of(app)[0].verdict == "mostly-true"
        await pilot.press("u")
        assert claims_of(app) == []
        await pilot.press("ctrl+r")
        assert claims_of(app)[0].verdict == "mostly-true"
        await pilot.press("q")
    with Store(db, readonly=True) as store:
        [article] = store.articles()
        [stored] = store.claims(article.id)
        assert stored.verdict == "mostly-true" and stored.tags == ["UN", "law"]


async def test_overlapping_claims_innermost_and_stepping(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("s", "1")  # the whole first sentence
        await pilot.press("w", "w", "w", "v", "w", "5")  # "statement on" inside it
        claims = claims_of(app)
        assert len(claims) == 2
        inner = min(claims, key=lambda c: c.end - c.start)
        outer = max(claims, key=lambda c: c.end - c.start)
        view.move_to(inner.start)
        here = view.claim_here()
        assert here is not None and here.ref == inner.id
        await pilot.press("g")
        assert view.claim_here().ref == outer.id
        await pilot.press(".")
        assert view.claim_here().ref == inner.id
        await pilot.press(",")
        assert view.claim_here().ref == outer.id
        await pilot.press(".", ".")  # no claim after the inner one: stays
        assert view.claim_here().ref == inner.id


async def test_claims_panel_keys(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press(")", "s", "1", ")", ")", "s", "4")
        assert len(claims_of(app)) == 2
        await pilot.press("f3", "g")
        table = app.screen.query_one("#claims-table")
        table.focus()
        await pilot.press("down", "enter")
        assert view.has_focus
        second = claims_of(app)[1]
        assert view.cursor == second.start
        table.focus()
        await pilot.press("y")
        assert "“" in app.clipboard and second.quote.split()[0] in app.clipboard
        await pilot.press("d")
        assert len(claims_of(app)) == 1
        await pilot.press("c")
        assert isinstance(app.screen, ClaimForm)
        await pilot.press("escape")


async def test_copy_without_clipboard_program_uses_osc52(tmp_path: Path, tiny_nlp,
                                                        monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    written: list[str] = []
    heard = Heard()
    from textual.drivers.headless_driver import HeadlessDriver

    original = HeadlessDriver.write  # what the terminal would receive

    def write(driver: HeadlessDriver, data: str) -> None:
        written.append(data)
        original(driver, data)

    monkeypatch.setattr(HeadlessDriver, "write", write)
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        await pilot.press("s", "1", "y")
        await pilot.pause(0.3)
        assert app.clipboard.startswith("“In a joint statement")
        assert any(chunk.startswith("\x1b]52;c;") for chunk in written)
        messages = [n.message for n in heard.notifications]
        assert any(m.startswith("Copied:") for m in messages)
        assert not any(n.severity == "error" for n in heard.notifications)
