"""Pilot tests of working beside colleagues: their claims are theirs to change."""

from __future__ import annotations

from pathlib import Path

from reader.claims import make_claim
from reader.screens.claim_form import ClaimForm
from reader.store.store import Store
from reader.text.loading import load_paths
from tests.apphelpers import SAMPLE, Heard, make_app, wait_entities

SIZE = (120, 40)


async def test_a_colleagues_claim_cannot_be_edited_or_deleted(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    article = load_paths([SAMPLE]).articles[0]
    with Store(db) as store:
        doc = store.add_article(article).article
        theirs = make_claim(article_id=doc.id, text=article.text, start=0, end=40,
                            label="factual", annotator="[b]ben[/b]")
        store.save_claim(theirs)
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ana")
    heard = Heard()
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        await wait_entities(pilot)
        await pilot.press("g", "d")
        await pilot.pause()
        assert [c.id for c in app.session.claims(app.articles[0])] == [theirs.id]
        notes = [str(n.message) for n in heard.notifications]
        assert "This claim is [b]ben[/b]'s: you can read it, not change it." in notes
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimForm)
        # my own claim beside it stays mine to change
        await pilot.press(")", ")", "s", "1")
        mine = [c for c in app.session.claims(app.articles[0]) if c.annotator == "ana"]
        assert len(mine) == 1
        await pilot.press("d")
        assert [c.id for c in app.session.claims(app.articles[0])] == [theirs.id]
    with Store(db, readonly=True) as store:
        assert [c.id for c in store.claims(doc.id)] == [theirs.id]


async def test_a_synced_store_takes_the_servers_name_for_new_claims(tmp_path: Path,
                                                                    tiny_nlp) -> None:
    from reader.team.state import SyncState

    db = tmp_path / "db"
    Store(db).close()
    state = SyncState(server="postgresql://ana@db/newsroom", role="ana")
    state.save(db)
    app = make_app(db, [SAMPLE], tiny_nlp, annotator=None)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press(")", "s", "1")
        [claim] = app.session.claims(app.articles[0])
        assert claim.annotator == "ana"


def _two_coders(db: Path) -> tuple[dict, dict]:
    article = load_paths([SAMPLE]).articles[0]
    with Store(db) as store:
        doc = store.add_article(article).article
        mine = make_claim(article_id=doc.id, text=article.text, start=0, end=40,
                          label="factual", annotator="ana")
        theirs = make_claim(article_id=doc.id, text=article.text, start=100, end=150,
                            label="opinion", annotator="ben")
        store.save_claim(mine)
        store.save_claim(theirs)
    return mine, theirs


def _drawn(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {o.ref for o in app.screen.view.overlays if o.kind == "claim"}


async def test_layers_toggle_and_others_are_marked(tmp_path: Path, tiny_nlp) -> None:
    from reader.widgets.annotators_panel import AnnotatorsTable

    db = tmp_path / "db"
    mine, theirs = _two_coders(db)
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        assert _drawn(app) == {mine.id, theirs.id}
        assert {o.mark for o in app.screen.view.overlays if o.kind == "claim"} == {"", "B"}
        await pilot.press("f6")
        table = app.screen.query_one(AnnotatorsTable)
        table.focus()
        assert [table.get_row_at(i)[1].plain for i in range(2)] == ["ana (you)", "ben"]
        await pilot.press("down", "space")
        assert _drawn(app) == {mine.id}
        assert table.get_row_at(1)[4].plain == "hidden"
        await pilot.press("space")
        assert _drawn(app) == {mine.id, theirs.id}
        await pilot.press("up", "space")  # my own layer stays
        assert _drawn(app) == {mine.id, theirs.id}


async def test_blind_coding_hides_others_until_done(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    mine, theirs = _two_coders(db)
    (db / "reader.toml").write_text("blind = true\n", encoding="utf-8")
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        assert _drawn(app) == {mine.id}
        await pilot.press("f3")
        assert claim_rows(app) == {mine.id}
        await pilot.press("D")
        assert _drawn(app) == {mine.id, theirs.id}
        assert claim_rows(app) == {mine.id, theirs.id}
        with Store(db, readonly=True) as store:
            assert [m["annotator"] for m in store.done_marks(mine.article_id)] == ["ana"]
        await pilot.press("u")  # undone: not done, blind again
        assert _drawn(app) == {mine.id}
        await pilot.press("ctrl+r")
        assert _drawn(app) == {mine.id, theirs.id}
    with Store(db, readonly=True) as store:
        assert [m["annotator"] for m in store.done_marks(mine.article_id)] == ["ana"]



def claim_rows(app) -> set[str]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#claims-table")
    return {key.value for key in table.rows}
