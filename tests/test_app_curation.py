"""Pilot tests of curation mode: each kind of disagreement adjudicated into the gold layer by
its keys, decisions kept when curation runs again, the adjudicator's note shown to the
annotators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.screens.claim_form import ClaimForm
from reader.screens.curation import CurationScreen, NoteDialog
from reader.screens.main import MainScreen
from tests.apphelpers import make_app, wait_entities, wait_for
from tests.curationhelpers import ANNOTATORS, TEXT, claim, three_coders

SIZE = (120, 40)


def _open_rows(screen: CurationScreen) -> list[str]:
    return [TEXT[i.start:i.end] for i in screen.curation.open]


def _cursor_text(screen: CurationScreen) -> str:
    row = screen._current()
    assert row is not None
    item = row.item if hasattr(row, "item") else row
    return TEXT[item.start:item.end]


async def _to(pilot: Any, screen: CurationScreen, text: str) -> None:
    """Move the cursor with the keys to the item over `text`."""
    await pilot.press(*"k" * len(screen.rows))
    for _ in range(len(screen.rows) + 1):
        if _cursor_text(screen) == text:
            return
        await pilot.press("j")
    raise AssertionError(f"no item over {text!r}")


async def _start(pilot: Any) -> CurationScreen:
    await wait_entities(pilot)
    await pilot.press("C")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CurationScreen))
    screen = pilot.app.screen
    assert isinstance(screen, CurationScreen)
    return screen


def _gold(store: Any, aid: str) -> dict[tuple[str, ...], dict[str, Any]]:
    return {tuple(c.derived_from): c for c in store.claims(aid) if c.annotator == "gold"}


def _three_coders_and_ed(tmp_path: Path, tiny_nlp: Any) -> tuple[str, dict[str, Any], Any]:
    """Three annotators' claims on one article in `tmp_path/db`, and the app opened on it by
    the adjudicator "ed": the article id, the claims made, the app."""
    path = tmp_path / "three.txt"
    aid, made = three_coders(tmp_path / "db", path=path)
    return aid, made, make_app(tmp_path / "db", [path], tiny_nlp, annotator="ed")


def _ids(made: dict[str, Any], prefix: str) -> tuple[str, ...]:
    return tuple(made[f"{prefix}_{who}"].id for who in ANNOTATORS)


async def test_each_kind_of_disagreement_is_adjudicated_by_keys(tmp_path: Path,
                                                                tiny_nlp: Any) -> None:
    db = tmp_path / "db"
    aid, made, app = _three_coders_and_ed(tmp_path, tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot)
        # every annotator coded the growth figure alike: merged on its own
        assert screen.curation.merged == 1
        assert _open_rows(screen) == [
            "Unemployment fell to 3%", "The bridge will be finished by 2030",
            "Prices doubled in a decade", "Crime is at its lowest level since 1990",
            "the best in Europe", "Exports rose by a third"]
        # different labels: cy's version (the third) taken
        await _to(pilot, screen, "Unemployment fell to 3%")
        await pilot.press("l", "l", "t")
        # a span only ben marked: taken, with a note written first
        await _to(pilot, screen, "The bridge will be finished by 2030")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        await pilot.press(*"in the budget", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("t")
        # different verdicts: every version cannot be kept (same span and label): cy's taken
        await _to(pilot, screen, "Prices doubled in a decade")
        await pilot.press("b")
        assert "Prices doubled in a decade" in _open_rows(screen)
        assert any("share span and label" in str(n.message) for n in app._notifications)
        await pilot.press("l", "l", "t")
        # partial overlaps: the spans merged, coded as ana's version
        await _to(pilot, screen, "Crime is at its lowest level since 1990")
        await pilot.press("m")
        # different speakers: cy's version edited in the claim form
        await _to(pilot, screen, "Exports rose by a third")
        await pilot.press("l", "l", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ClaimForm))
        await pilot.press("end", *" office", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen)
        # a span two of three marked: rejected, with a note
        await _to(pilot, screen, "the best in Europe")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        await pilot.press(*"[b]opinion[/b]", "enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("x")
        assert _open_rows(screen) == []
        assert sorted(d.decision["action"] for d in screen.curation.decided) == [
            "edit", "merge", "reject", "take", "take", "take"]
        gold = _gold(app.store, aid)
        assert gold[_ids(made, "label")].label == "factual"
        assert gold[(made["only_ben"].id,)].label == "prediction"
        assert gold[_ids(made, "verdict")].verdict == "false"
        merged = gold[_ids(made, "overlap")]
        assert merged.quote == "Crime is at its lowest level since 1990"
        assert merged.derived_from == list(_ids(made, "overlap"))
        assert gold[_ids(made, "speaker")].speaker == "the minister office"
        assert not any(made["opinion_ana"].id in key for key in gold)
        # back on the article: the gold layer is drawn, and the annotators see the note
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        shown = {c.annotator for c in app.session.claims(app.articles[0])}
        assert "gold" in shown
    ben = make_app(db, [tmp_path / "three.txt"], tiny_nlp, annotator="ben")
    async with ben.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        main = pilot.app.screen
        await pilot.press("f3")
        assert await _row_detail(pilot, main, made["only_ben"].id) == \
            "gold: taken by ed; note: in the budget"
        assert await _row_detail(pilot, main, made["opinion_ben"].id) == \
            "gold: rejected by ed; note: [b]opinion[/b]"  # shown as it was written: no markup


async def _row_detail(pilot: Any, main: Any, claim_id: str) -> str:
    """Move the Claims tab's cursor (with the keys) to the claim; the gold line under it."""
    table = main.query_one("#claims-table")
    table.focus()
    await pilot.press("home")
    for _ in range(table.row_count):
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key == claim_id:
            await pilot.pause()
            return str(main.query_one("#claims-gold").render())
        await pilot.press("down")
    raise AssertionError(f"claim {claim_id} not in the Claims tab")


async def test_running_curation_again_keeps_the_decisions(tmp_path: Path,
                                                          tiny_nlp: Any) -> None:
    aid, made, app = _three_coders_and_ed(tmp_path, tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot)
        await _to(pilot, screen, "The bridge will be finished by 2030")
        await pilot.press("x")
        await _to(pilot, screen, "Unemployment fell to 3%")
        await pilot.press("t")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        gold_before = _gold(app.store, aid)
        # a colleague's claim arrives meanwhile (an import, a sync)
        late = claim(aid, "cy", "The bridge will be finished", label="prediction")
        app.store.save_claim(late)
        screen = await _start(pilot)
        assert screen.curation.merged == 1  # not merged twice
        assert "Unemployment fell to 3%" not in _open_rows(screen)
        assert "The bridge will be finished by 2030" not in _open_rows(screen)
        assert "The bridge will be finished" in _open_rows(screen)
        decided = {d.decision["action"] for d in screen.curation.decided}
        assert decided == {"reject", "take"}
        assert _gold(app.store, aid) == gold_before
        # partial overlaps, every version kept: one gold claim each
        await _to(pilot, screen, "Crime is at its lowest level since 1990")
        await pilot.press("b")
        for who in ANNOTATORS:
            assert (made[f"overlap_{who}"].id,) in _gold(app.store, aid)
        # reopening a decision takes its gold claim away
        await _to(pilot, screen, "Unemployment fell to 3%")
        await pilot.press("r")
        assert "Unemployment fell to 3%" in _open_rows(screen)
        assert _ids(made, "label") not in _gold(app.store, aid)


async def test_curation_opens_from_the_palette(tmp_path: Path, tiny_nlp: Any) -> None:
    _, _, app = _three_coders_and_ed(tmp_path, tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"adjudicate")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CurationScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
