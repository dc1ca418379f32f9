"""Blind coding everywhere claims show (issue 15): a colleague's claims on an article stay hidden
from me until I mark it done — in the corpus view, the known-claim hints of suggestions, the
app's exports, the status line and the suggestions a claim covers, and `reader agree`; with
blind coding off they show at once. (The text, the Claims tab and the Agreement screen:
tests/test_app_annotators.py and tests/test_app_agreement.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from reader.blind import Blind, BlindStore
from reader.claims import make_claim
from reader.records import Suggestion
from reader.screens.corpus import CorpusScreen
from reader.screens.export_dialog import ExportDialog
from reader.store import Store
from reader.text.loading import load_paths
from reader.widgets.suggestions_panel import SuggestionsPanel
from tests.apphelpers import SAMPLE, Heard, make_app, wait_entities, wait_for
from tests.claimhelpers import claim_with

SIZE = (120, 40)
MINE = (0, 40, "factual", "Josep Borrell")
THEIRS = (100, 150, "opinion", "Cho Tae-yul")


def two_coders(db: Path, blind: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sample with one claim of mine (ana) and one of ben's; blind coding on or off."""
    article = load_paths([SAMPLE]).articles[0]
    claims = []
    with Store(db) as store:
        doc = store.add_article(article).article
        for name, (start, end, label, speaker) in (("ana", MINE), ("ben", THEIRS)):
            claim = make_claim(article_id=doc.id, text=article.text, start=start, end=end,
                               label=label, annotator=name, speaker=speaker, verdict="false")
            store.save_claim(claim)
            claims.append(claim)
        store.set_done(doc.id, "ben", "2026-12-06T05:00:00Z")
    if blind:
        (db / "reader.toml").write_text("blind = true\n", encoding="utf-8")
    return claims[0], claims[1]


def cells(screen: Any, table_id: str) -> list[list[str]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def corpus_figures(pilot: Any) -> tuple[str, set[str], set[str]]:
    """Open the corpus view: its summary, the labels counted, the speakers listed; closed."""
    app = pilot.app
    await pilot.press("ctrl+f")
    await wait_for(pilot, lambda: isinstance(app.screen, CorpusScreen) and app.screen.ready)
    screen = app.screen
    summary = str(screen.query_one("#corpus-summary").render())
    labels = {row[0] for row in cells(screen, "corpus-labels")}
    speakers = {row[0] for row in cells(screen, "corpus-speakers")}
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, CorpusScreen))
    return summary, labels, speakers


@pytest.mark.parametrize("blind", [True, False])
async def test_the_corpus_view_counts_and_lists_only_what_i_may_see(
        tmp_path: Path, tiny_nlp: Any, blind: bool) -> None:
    two_coders(tmp_path / "db", blind)
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        summary, labels, speakers = await corpus_figures(pilot)
        if blind:
            assert "1 claim ·" in summary
            assert labels == {"factual"} and speakers == {"Josep Borrell"}
        else:
            assert "2 claims ·" in summary
            assert labels == {"factual", "opinion"}
            assert speakers == {"Josep Borrell", "Cho Tae-yul"}
        await pilot.press("D")  # done: ben's claim shows
        summary, labels, speakers = await corpus_figures(pilot)
        assert "2 claims ·" in summary and labels == {"factual", "opinion"}
        assert speakers == {"Josep Borrell", "Cho Tae-yul"}
        await pilot.press("ctrl+f")  # the speaker's claim list, from the corpus view
        await wait_for(pilot, lambda: isinstance(app.screen, CorpusScreen) and app.screen.ready)
        screen = app.screen
        assert isinstance(screen, CorpusScreen)
        index = next(i for i, s in enumerate(screen.data.stats.speakers)  # type: ignore[union-attr]
                     if s.speaker == "Cho Tae-yul")
        screen.show_speaker(index)
        await pilot.pause()
        [row] = cells(screen, "corpus-results")
        assert row[1] == "opinion · false"


@pytest.mark.parametrize("blind", [True, False])
async def test_known_claim_hints_leave_out_what_blind_coding_hides(
        tmp_path: Path, tiny_nlp: Any, blind: bool) -> None:
    """The suggester's known claims: the open article's (the session's) and the stored ones
    of articles not open, where a done mark of mine decides."""
    db = tmp_path / "db"
    mine, theirs = two_coders(db, blind)
    other = tmp_path / "other.txt"
    other.write_text("Elsewhere\n\nNorth Korea has sent troops to Russia, officials said on "
                     "Friday. More news follows later.\n", encoding="utf-8")
    done_there = tmp_path / "done.txt"
    done_there.write_text("Done here\n\nThe ministers agreed to meet again in Brussels next "
                          "spring, a spokesman said.\n", encoding="utf-8")
    stored: dict[str, str] = {}
    with Store(db) as store:
        for path in (other, done_there):
            article = load_paths([path]).articles[0]
            doc = store.add_article(article).article
            claim = make_claim(article_id=doc.id, text=article.text, start=11, end=60,
                               label="factual", annotator="ben")
            store.save_claim(claim)
            stored[path.name] = claim.id
            if path is done_there:
                store.set_done(doc.id, "ana", "2026-12-06T05:00:00Z")
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        known = {r["id"] for r in app.workspace.known_claims()}
        hidden = {theirs.id, stored["other.txt"]} if blind else set()
        assert known == {mine.id, theirs.id, *stored.values()} - hidden
        await pilot.press("D")
        known = {r["id"] for r in app.workspace.known_claims()}
        assert known == {mine.id, theirs.id, *stored.values()} - (
            {stored["other.txt"]} if blind else set())


async def export_annotators(pilot: Any, db: Path, count: int, heard: Heard) -> set[str]:
    """ctrl+e, jsonl, this article: the annotators of the claims in the newest export."""
    app = pilot.app
    await pilot.press("ctrl+e")
    await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: sum(m.startswith("Exported jsonl")
                                      for m in heard.messages) == count)
    newest = max((db / "exports").glob("*.jsonl"), key=os.path.getmtime)
    lines = newest.read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["annotator"] for line in lines}


@pytest.mark.parametrize("blind", [True, False])
async def test_exports_from_the_app_leave_out_what_blind_coding_hides(
        tmp_path: Path, tiny_nlp: Any, blind: bool) -> None:
    db = tmp_path / "db"
    two_coders(db, blind)
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ana")
    heard = Heard()
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        await wait_entities(pilot)
        assert await export_annotators(pilot, db, 1, heard) == (
            {"ana"} if blind else {"ana", "ben"})
        await pilot.press("D")
        assert await export_annotators(pilot, db, 2, heard) == {"ana", "ben"}


@pytest.mark.parametrize("blind", [True, False])
async def test_the_status_line_and_covered_suggestions_follow_blind_coding(
        tmp_path: Path, tiny_nlp: Any, blind: bool) -> None:
    """A hidden claim is not counted on the status line, and does not hide the suggestion
    under it (which would give it away)."""
    db = tmp_path / "db"
    _, theirs = two_coders(db, blind)
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        article = app.articles[0]
        app.workspace.suggestions[article.id] = [Suggestion(
            start=theirs.start, end=theirs.end, label="opinion",
            text=article.text[theirs.start:theirs.end], reason="a test",
            speaker="", score=0.9, rule="test")]
        panel = app.screen.query_one(SuggestionsPanel)

        def status() -> str:
            return str(app.screen.query_one("#status").render())

        app.screen.open_article(0)  # type: ignore[attr-defined]  # shown again: the panel syncs
        await pilot.pause()
        assert len(panel.items) == (1 if blind else 0)
        assert ("1 claim" if blind else "2 claims") in status()
        await pilot.press("D")
        app.screen.open_article(0)  # type: ignore[attr-defined]  # shown again: the panel syncs
        await pilot.pause()
        assert panel.items == [] and "2 claims" in status()


def test_the_rule_and_the_blind_store(tmp_path: Path) -> None:
    rule = Blind("ana", True)
    claims = [claim_with(annotator="ana"), claim_with(annotator="ben"), claim_with(annotator="")]
    assert rule.visible(claims, {"ben"}) == [claims[0]]
    assert rule.visible(claims, {"ana"}) == claims
    assert Blind("ana", False).visible(claims, ()) == claims
    assert rule.may_see("ana", ()) and not rule.may_see("ben", ()) and rule.may_see("ben", {"ana"})
    db = tmp_path / "db"
    mine, theirs = two_coders(db, True)
    with Store(db, readonly=True) as store:
        view = BlindStore(store, rule)
        assert [c.id for c in view.claims(mine.article_id)] == [mine.id]
        assert [c.id for _, c in view.iter_claims()] == [mine.id]
        assert view.text(mine.article_id) == store.text(mine.article_id)
        seen = BlindStore(store, Blind("ana", False))
        assert [c.id for _, c in seen.iter_claims()] == [mine.id, theirs.id]


def agree(db: Path, *args: str, me: str = "ana") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, READER_ANNOTATOR=me)
    return subprocess.run([sys.executable, "-m", "reader", "agree", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=120, env=env, check=False)


def test_reader_agree_with_blind_coding_compares_only_my_done_articles(tmp_path: Path) -> None:
    db = tmp_path / "db"
    mine, _ = two_coders(db, False)
    assert agree(db, "--all").returncode == 0
    hidden = agree(db, "--all", "--blind")
    assert hidden.returncode == 2
    assert hidden.stderr == "reader agree: blind coding: ana has marked no article done yet\n"
    assert agree(db, "--all", "--blind", "--annotator", "ben").returncode == 0  # ben did it
    (db / "reader.toml").write_text("blind = true\n", encoding="utf-8")
    assert agree(db, "--all").returncode == 2
    with Store(db) as store:
        store.set_done(mine.article_id, "ana", "2026-12-06T06:00:00Z")
    shown = agree(db, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["annotators"] == ["ana", "ben"]


@pytest.mark.parametrize("blind", [True, False])
async def test_the_annotators_tab_keeps_a_hidden_layers_count_back(
        tmp_path: Path, tiny_nlp: Any, blind: bool) -> None:
    from reader.widgets.annotators_panel import AnnotatorsTable

    two_coders(tmp_path / "db", blind)
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press("f6")
        table = app.screen.query_one(AnnotatorsTable)

        def ben() -> list[str]:
            return [cell.plain for cell in table.get_row_at(1)]

        assert ben()[1:] == (["ben", "—", "✓", "blind"] if blind else ["ben", "1", "✓", "yes"])
        await pilot.press("D")
        assert ben()[1:] == ["ben", "1", "✓", "yes"]


@pytest.mark.parametrize("blind", [True, False])
async def test_the_agreement_screen_compares_once_i_marked_the_article_done(
        tmp_path: Path, tiny_nlp: Any, blind: bool) -> None:
    from reader.screens.agreement import AgreementScreen

    two_coders(tmp_path / "db", blind)
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp, annotator="ana")

    async def agreement() -> AgreementScreen:
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen)
                       and ("marked no article" in str(app.screen.query_one(
                           "#agree-summary").render()) or app.screen.report is not None))
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        return screen

    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        screen = await agreement()
        if blind:
            assert screen.report is None
        else:  # not done by both: every article, said in the notes
            assert screen.report is not None and screen.report["annotators"] == ["ana", "ben"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AgreementScreen))
        await pilot.press("D")
        screen = await agreement()
        assert screen.report is not None and screen.report["annotators"] == ["ana", "ben"]
        assert screen.report["pairs"][0]["spans"] == [1, 1]
