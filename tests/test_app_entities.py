"""Pilot tests of entity corrections: relabel, rebound, delete, add, rules and their revert,
surviving a re-run of NER and reaching the gold-entity exports."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

import msgspec
from textual.widgets import Select

from reader.commands import export_cmd
from reader.records import Entity
from reader.screens.entity_form import (
    EntityForm,
    corrections_affecting,
    describe_correction,
    label_choices,
)
from reader.store.store import Store
from reader.widgets.article_view import ArticleView
from tests.apphelpers import SAMPLE, make_app, wait_entities, wait_for

SIZE = (120, 40)
TEXT = SAMPLE.read_text(encoding="utf-8")


def view_of(app: Any) -> ArticleView:
    return app.screen.query_one(ArticleView)


def span(word: str, nth: int = 0) -> tuple[int, int]:
    """The `nth` occurrence of `word` in the sample."""
    pos = -1
    for _ in range(nth + 1):
        pos = TEXT.index(word, pos + 1)
    return pos, pos + len(word)


def entity_at(app: Any, start: int, end: int) -> Entity | None:
    found = [e for e in view_of(app).entities if (e.start, e.end) == (start, end)]
    return found[0] if found else None


async def open_form(pilot: Any) -> EntityForm:
    await pilot.press("m")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, EntityForm))
    form = pilot.app.screen
    assert isinstance(form, EntityForm)
    return form


async def apply(pilot: Any, form: EntityForm, **values: str) -> None:
    for name, value in values.items():
        form.query_one(f"#entity-{name}", Select).value = value
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, EntityForm))


def export(db: Path, fmt: str, out: Path) -> int:
    args = argparse.Namespace(
        format=fmt, out=str(out), article=[], label=[], verdict=[], annotator=[], since=None,
        what="entities", model=None, db=str(db),
    )
    return export_cmd.run(args)


async def make_four_corrections(pilot: Any) -> None:
    """Relabel Seoul, rebound "the European Union", delete Monday, add Republic of Korea."""
    app = pilot.app
    view = view_of(app)
    seoul = span("Seoul")
    assert entity_at(app, *seoul) == Entity(*seoul, "GPE")
    view.move_to(seoul[0])
    form = await open_form(pilot)
    assert [str(o) for o in form.data.actions] == ["relabel", "delete"]
    await apply(pilot, form, label="LOC")
    assert entity_at(app, *seoul) == Entity(*seoul, "LOC")

    union = span("the European Union")
    assert entity_at(app, *union) is not None
    view.move_to(span("European")[0])
    await pilot.press("v", "w")
    assert view.selection == span("European Union")
    form = await open_form(pilot)
    assert form.data.action == "rebound"
    await apply(pilot, form)
    assert entity_at(app, *union) is None
    assert entity_at(app, *span("European Union")) == Entity(*span("European Union"), "ORG")

    monday = span("Monday")
    view.move_to(monday[0])
    form = await open_form(pilot)
    await apply(pilot, form, action="delete")
    assert not [e for e in view.entities if e.start < monday[1] and monday[0] < e.end]

    republic = span("Republic of Korea")
    assert entity_at(app, *republic) is None
    view.move_to(republic[0])
    await pilot.press("v", "w", "w")
    assert view.selection == republic
    form = await open_form(pilot)
    assert form.data.actions == ["add"]
    await apply(pilot, form, label="GPE")
    assert entity_at(app, *republic) == Entity(*republic, "GPE")


def expected_after_four() -> dict[tuple[int, int], str | None]:
    return {
        span("Seoul"): "LOC",
        span("European Union"): "ORG",
        span("the European Union"): None,
        span("Monday"): None,
        span("Republic of Korea"): "GPE",
    }


async def test_corrections_survive_rerunning_ner_and_export(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    app = make_app(db, [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await make_four_corrections(pilot)
        await pilot.press("q")
    with Store(db, readonly=True) as store:
        [article] = store.articles()
        records = store.corrections(article.id)
    assert sorted(str(r.action) for r in records) == ["add", "delete", "rebound", "relabel"]
    assert all(r.scope == "mention" and r.annotator == "tester" for r in records)
    # the model's output is untouched: the cache keeps what NER found
    assert Entity(*span("Seoul"), "GPE") in app.workspace.entities[article.id]

    shutil.rmtree(db / "cache")  # no cached entities: NER runs again on reopening
    again = make_app(db, (), tiny_nlp)
    async with again.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await wait_for(pilot, lambda: "found by" in again.screen.ner_note)
        for (start, end), label in expected_after_four().items():
            found = entity_at(again, start, end)
            assert (found.label if found else None) == label, TEXT[start:end]
        assert Entity(*span("Seoul"), "GPE") in again.workspace.entities[article.id]

    out = tmp_path / "gold.jsonl"
    assert export(db, "prodigy", out) == 0
    [task] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spans = {(s["start"], s["end"]): s["label"] for s in task["spans"]}
    for (start, end), label in expected_after_four().items():
        assert spans.get((start, end)) == label, TEXT[start:end]

    docbin = tmp_path / "gold.spacy"
    assert export(db, "spacy", docbin) == 0
    import spacy
    from spacy.tokens import DocBin

    [doc] = list(DocBin().from_disk(docbin).get_docs(spacy.blank("en").vocab))
    ents = {(e.start_char, e.end_char): e.label_ for e in doc.ents}
    for (start, end), label in expected_after_four().items():
        assert ents.get((start, end)) == label, TEXT[start:end]


def borrells(app: Any) -> list[Entity]:
    return [e for e in view_of(app).entities if e.text_in(TEXT) == "Borrell"]


async def test_apply_to_all_mentions_is_one_rule_undone_in_one_step(
    tmp_path: Path, tiny_nlp
) -> None:
    db = tmp_path / "db"
    app = make_app(db, [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        before = borrells(app)
        assert len(before) == 5 and {e.label for e in before} == {"PERSON"}
        view_of(app).move_to(span("Borrell also")[0])
        form = await open_form(pilot)
        await apply(pilot, form, label="GPE", scope="article")
        after = borrells(app)
        assert [(e.start, e.end) for e in after] == [(e.start, e.end) for e in before]
        assert {e.label for e in after} == {"GPE"}
        # "Josep Borrell" stays one PERSON entity
        assert entity_at(app, *span("Josep Borrell")) is not None
        article_id = app.articles[0].id
        [rule] = app.store.corrections(article_id)
        assert rule.scope == "article" and rule.text == "Borrell"
        # the form on another mention lists the rule; ctrl+u reverts every mention at once
        view_of(app).move_to(span("noted Borrell")[0] + len("noted "))
        form = await open_form(pilot)
        assert form.data.existing == [describe_correction(rule)]
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: not isinstance(app.screen, EntityForm))
        assert app.store.corrections(article_id) == []
        assert borrells(app) == before
        # again, and it survives NER running again
        view_of(app).move_to(span("Borrell also")[0])
        form = await open_form(pilot)
        await apply(pilot, form, label="NORP", scope="article")
        await pilot.press("q")
    shutil.rmtree(db / "cache")
    again = make_app(db, (), tiny_nlp)
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "found by" in again.screen.ner_note)
        assert len(borrells(again)) == 5 and {e.label for e in borrells(again)} == {"NORP"}


async def test_revert_a_deleted_entity_and_cancel(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        view = view_of(app)
        seoul = span("Seoul")
        view.move_to(seoul[0])
        form = await open_form(pilot)
        form.query_one("#entity-label", Select).value = "FAC"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EntityForm))
        assert entity_at(app, *seoul) == Entity(*seoul, "GPE")
        assert app.store.corrections(app.articles[0].id) == []
        form = await open_form(pilot)
        await apply(pilot, form, action="delete")
        assert entity_at(app, *seoul) is None
        # nothing under the cursor now, but the form opens to revert the deletion
        form = await open_form(pilot)
        assert form.data.actions == [] and len(form.data.existing) == 1
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: entity_at(app, *seoul) is not None)
        assert entity_at(app, *seoul) == Entity(*seoul, "GPE")
        # where there is no entity, no selection and no correction, m only explains
        view.move_to(0)
        await pilot.press("m")
        await pilot.pause()
        assert not isinstance(app.screen, EntityForm)


def test_corrections_affecting_and_labels() -> None:
    from reader.corrections import make_correction

    text = "Borrell met Borrell. Josep Borrell left."
    rule = make_correction("relabel", 0, 7, text, label="GPE", scope="article")
    mention = make_correction("rebound", 12, 19, text, new_start=12, new_end=20)
    assert corrections_affecting([rule, mention], text, 0, 3) == [rule]
    assert corrections_affecting([rule, mention], text, 19, 20) == [mention]
    assert corrections_affecting([rule, mention], text, 20, 21) == []
    assert corrections_affecting([rule], text, 27, 30) == [rule]
    labels = label_choices(["PERSON", "ZZ_CUSTOM", "[bold]x"])
    assert labels[:3] == ["PERSON", "NORP", "FAC"] and labels[-2:] == ["ZZ_CUSTOM", "[bold]x"]
    assert describe_correction(rule) == "relabel “Borrell” as GPE — all mentions in this article"


async def test_corpus_rule_applies_in_every_article_and_reverts_in_one_step(
    tmp_path: Path, tiny_nlp
) -> None:
    """Needs ReaderApp.displayed_entities to lay `store.corpus_corrections()` over too."""
    from tests.corpushelpers import NOTE, corpus_folder

    db = tmp_path / "db"
    app = make_app(db, [corpus_folder(tmp_path)], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        view_of(app).move_to(span("Borrell also")[0])
        form = await open_form(pilot)
        await apply(pilot, form, label="NORP", scope="corpus")
        assert {e.label for e in borrells(app)} == {"NORP"}
        [rule] = app.store.corpus_corrections()
        assert rule.scope == "corpus" and rule.text == "Borrell"
        assert all(app.store.corrections(a.id) == [] for a in app.articles)
        app.screen.open_article(4)  # the note: "Borrell met Cho Tae-yul in Seoul..."
        note = span_in(NOTE, "Borrell")
        await wait_for(pilot, lambda: entity_at(app, *note) is not None)
        assert entity_at(app, *note) == Entity(*note, "NORP")
        view_of(app).move_to(note[0])
        form = await open_form(pilot)
        assert form.data.existing == [describe_correction(rule)]
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: not isinstance(app.screen, EntityForm))
        assert app.store.corpus_corrections() == []
        assert entity_at(app, *note) == Entity(*note, "PERSON")
        app.screen.open_article(0)
        await pilot.pause()
        assert {e.label for e in borrells(app)} == {"PERSON"}
        # a corpus rule reaches the gold export of every article
        view_of(app).move_to(span("Seoul")[0])
        form = await open_form(pilot)
        await apply(pilot, form, label="LOC", scope="corpus")
        await pilot.press("q")
    out = tmp_path / "gold.jsonl"
    assert export(db, "prodigy", out) == 0
    tasks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    seoul = {
        (task["text"][s["start"]:s["end"]], s["label"])
        for task in tasks for s in task["spans"] if task["text"][s["start"]:s["end"]] == "Seoul"
    }
    assert seoul == {("Seoul", "LOC")}
    assert sum("Seoul" in task["text"] for task in tasks) == 2
    assert all(any(task["text"][s["start"]:s["end"]] == "Seoul" for s in task["spans"])
               for task in tasks if "Seoul" in task["text"])


def span_in(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def test_store_corpus_rules_persist_and_delete(tmp_path: Path) -> None:
    from reader.corrections import make_correction

    rule = make_correction("relabel", 0, 7, "Borrell met", label="GPE", scope="corpus")
    with Store(tmp_path / "db") as store:
        assert store.corpus_corrections() == []
        store.save_corpus_correction(rule)
        store.save_corpus_correction(msgspec.structs.replace(rule, label="LOC"))  # by id
    with Store(tmp_path / "db", readonly=True) as store:
        assert store.corpus_corrections() == [msgspec.structs.replace(rule, label="LOC")]
    with Store(tmp_path / "db") as store:
        removed = store.delete_corpus_correction(rule.id)
        assert removed == {**rule.to_record(), "label": "LOC"}
        assert store.delete_corpus_correction(rule.id) is None
        assert store.corpus_corrections() == []


async def test_u_undoes_corrections_and_claims_in_the_order_they_were_made(
    tmp_path: Path, tiny_nlp
) -> None:
    """One history: a claim, then an apply-to-all rule; `u` undoes the rule (every mention at
    once), `u` again the claim; `ctrl+r` redoes the claim, then the rule; a revert undoes too."""
    db = tmp_path / "db"
    app = make_app(db, [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        article = app.articles[0]
        before = borrells(app)
        await pilot.press("s", "1")  # a claim on the first sentence
        await wait_for(pilot, lambda: len(app.store.claims(article.id)) == 1)
        view_of(app).move_to(span("Borrell also")[0])
        form = await open_form(pilot)
        await apply(pilot, form, label="GPE", scope="article")
        assert {e.label for e in borrells(app)} == {"GPE"}
        await pilot.press("u")
        await wait_for(pilot, lambda: borrells(app) == before)
        assert app.store.corrections(article.id) == []
        assert len(app.store.claims(article.id)) == 1
        await pilot.press("u")
        await wait_for(pilot, lambda: app.store.claims(article.id) == [])
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(app.store.claims(article.id)) == 1)
        assert borrells(app) == before
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: {e.label for e in borrells(app)} == {"GPE"})
        [rule] = app.store.corrections(article.id)
        # reverting with the form is undone by u as well: the rule comes back
        view_of(app).move_to(span("noted Borrell")[0] + len("noted "))
        await open_form(pilot)
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: borrells(app) == before)
        await pilot.press("u")
        await wait_for(pilot, lambda: {e.label for e in borrells(app)} == {"GPE"})
        assert app.store.corrections(article.id) == [rule]
