"""Pilot tests of the Agreement screen: from the main screen and the corpus view, figures
computed in a worker, enter on a disagreement jumps to it."""

from __future__ import annotations

from pathlib import Path

from reader.claims import make_claim
from reader.screens.agreement import AgreementScreen
from reader.screens.corpus import CorpusScreen
from reader.store import Store
from reader.text.loading import load_paths
from tests.apphelpers import SAMPLE, make_app, wait_entities, wait_for
from tests.test_agree_cmd import CODINGS

SIZE = (120, 40)


def three_coders(db: Path) -> str:
    """The sample coded by ana, ben and cy (as in test_agree_cmd), all marked done."""
    article = load_paths([SAMPLE]).articles[0]
    with Store(db) as store:
        doc = store.add_article(article).article
        for name, spans in CODINGS.items():
            for start, end, label, verdict in spans:
                store.save_claim(make_claim(article_id=doc.id, text=article.text,
                                            start=start, end=end, label=label, verdict=verdict,
                                            annotator=name))
            store.set_done(doc.id, name, "2026-12-06T05:00:00Z")
    return str(doc.id)


async def test_agreement_screen_shows_the_figures_and_jumps(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    three_coders(db)
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press("A")
        assert isinstance(app.screen, AgreementScreen)
        screen = app.screen
        await wait_for(pilot, lambda: screen.report is not None)
        pairs = screen.query_one("#agree-pairs")
        assert pairs.row_count == 3
        assert [c.plain for c in pairs.get_row_at(0)][:4] == ["ana / ben", "5/4", "0.667",
                                                              "0.889"]
        table = screen.query_one("#agree-disagreements")
        assert table.row_count == 5
        table.focus()
        await pilot.press("down", "enter")  # the label disagreement at 500
        await wait_for(pilot, lambda: not isinstance(app.screen, AgreementScreen))
        assert app.screen.view.cursor == 500


async def test_agreement_from_the_corpus_view(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    three_coders(db)
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, CorpusScreen)
        app.screen.set_focus(None)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen))
        await wait_for(pilot, lambda: app.screen.report is not None)
        await pilot.press("escape")
        assert isinstance(app.screen, CorpusScreen)


async def test_blind_coding_keeps_the_agreement_to_my_done_articles(tmp_path: Path,
                                                                    tiny_nlp) -> None:
    db = tmp_path / "db"
    article_id = three_coders(db)
    with Store(db) as store:
        store.set_done(article_id, "dee", None)
    (db / "reader.toml").write_text("blind = true\n", encoding="utf-8")
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="dee")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press("A")
        screen = app.screen
        await wait_for(pilot, lambda: "blind coding: dee has marked no article done yet"
                       in str(screen.query_one("#agree-summary").render()))
        assert screen.report is None
