"""Entity corrections on the sample article: relabel, rebound, delete, add, rules, undo."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reader.corrections import (
    CorrectionError,
    apply_corrections,
    find_anchor,
    inconsistent_labels,
    make_correction,
    remove_correction,
    rule_matches,
)
from reader.records import Entity, SourceArticle


def occurrences(text: str, surface: str) -> list[int]:
    """Start offsets of every occurrence of `surface`."""
    found, pos = [], text.find(surface)
    while pos != -1:
        found.append(pos)
        pos = text.find(surface, pos + 1)
    return found


def ent(text: str, surface: str, label: str, nth: int = 0) -> Entity:
    """The `nth` occurrence of `surface` as an entity."""
    start = occurrences(text, surface)[nth]
    return Entity(start, start + len(surface), label)


@pytest.fixture()
def model_entities(sample_text: str) -> list[Entity]:
    """A subset of what en_core_web_sm tags in the sample, mistakes included:
    "Borrell" as GPE twice, "North Korea’s" with the possessive."""
    t = sample_text
    borrells = [s for s in occurrences(t, "Borrell") if t[s - 6 : s] != "Josep "]
    ents = [
        ent(t, "Josep Borrell", "PERSON", 0),
        ent(t, "Josep Borrell", "PERSON", 1),
        Entity(borrells[0], borrells[0] + 7, "PERSON"),
        Entity(borrells[1], borrells[1] + 7, "PERSON"),
        Entity(borrells[2], borrells[2] + 7, "PERSON"),
        Entity(borrells[3], borrells[3] + 7, "GPE"),
        Entity(borrells[4], borrells[4] + 7, "GPE"),
        ent(t, "North Korea’s", "GPE", 0),
        ent(t, "Monday", "DATE"),
        ent(t, "The Indo-Pacific", "WORK_OF_ART"),
    ]
    return sorted(ents)


def test_make_correction_validates(sample_text: str) -> None:
    with pytest.raises(CorrectionError):
        make_correction("rename", 0, 5, sample_text)
    with pytest.raises(CorrectionError):
        make_correction("relabel", 0, 5, sample_text)  # no label
    with pytest.raises(CorrectionError):
        make_correction("add", 10, 5, sample_text, label="ORG")
    with pytest.raises(CorrectionError):
        make_correction("rebound", 0, 5, sample_text, label="ORG")  # no new bounds
    c = make_correction("add", 0, 2, sample_text, label="X", scope="article", annotator="ann")
    assert c.text == "In" and c.scope == "article" and c.annotator == "ann"
    assert set(c.to_record()) == {"id", "action", "start", "end", "label", "new_start",
                                  "new_end", "text", "scope", "created", "annotator"}


def test_relabel_one_mention(sample_text: str, model_entities: list[Entity]) -> None:
    wrong = [e for e in model_entities if e.label == "GPE" and e.text_in(sample_text) == "Borrell"]
    c = make_correction("relabel", wrong[0].start, wrong[0].end, sample_text, label="PERSON")
    result = apply_corrections(model_entities, [c], sample_text)
    assert Entity(wrong[0].start, wrong[0].end, "PERSON") in result
    assert wrong[1] in result  # only that mention
    assert wrong[0] not in result
    assert len(result) == len(model_entities)


def test_rebound_drops_possessive(sample_text: str, model_entities: list[Entity]) -> None:
    nk = ent(sample_text, "North Korea’s", "GPE")
    c = make_correction("rebound", nk.start, nk.end, sample_text, label="GPE",
                        new_start=nk.start, new_end=nk.end - 2)
    result = apply_corrections(model_entities, [c], sample_text)
    assert Entity(nk.start, nk.end - 2, "GPE") in result
    assert nk not in result
    assert sample_text[nk.start : nk.end - 2] == "North Korea"


def test_delete_and_add(sample_text: str, model_entities: list[Entity]) -> None:
    indo = ent(sample_text, "The Indo-Pacific", "WORK_OF_ART")
    delete = make_correction("delete", indo.start, indo.end, sample_text)
    start = sample_text.index("Indo-Pacific", indo.start)
    add = make_correction("add", start, start + len("Indo-Pacific"), sample_text, label="LOC")
    result = apply_corrections(model_entities, [delete], sample_text)
    assert indo not in result and len(result) == len(model_entities) - 1
    result = apply_corrections(model_entities, [delete, add], sample_text)
    assert Entity(start, start + 12, "LOC") in result


def test_added_entity_replaces_overlapping(sample_text: str, model_entities: list[Entity]) -> None:
    nk = ent(sample_text, "North Korea’s", "GPE")
    add = make_correction("add", nk.start, nk.start + 5, sample_text, label="MISC")
    result = apply_corrections(model_entities, [add], sample_text)
    assert nk not in result and Entity(nk.start, nk.start + 5, "MISC") in result
    for a, b in zip(result, result[1:], strict=False):
        assert a.end <= b.start, "result overlaps"


def test_apply_to_all_and_undo(sample_text: str, model_entities: list[Entity]) -> None:
    first = next(e for e in model_entities if e.label == "GPE"
                 and e.text_in(sample_text) == "Borrell")
    rule = make_correction("relabel", first.start, first.end, sample_text, label="PERSON",
                           scope="article")
    result = apply_corrections(model_entities, [rule], sample_text)
    labels = [e.label for e in result if e.text_in(sample_text) == "Borrell"]
    # Every standalone "Borrell" is a PERSON; the two inside "Josep Borrell" are left alone.
    assert labels and set(labels) == {"PERSON"}
    assert len(labels) == len(rule_matches(sample_text, "Borrell")) - 2
    assert not inconsistent_labels(result, sample_text)
    # Josep Borrell entities untouched (occurrence inside a larger entity)
    assert ent(sample_text, "Josep Borrell", "PERSON") in result
    undone = apply_corrections(model_entities, remove_correction([rule], rule.id), sample_text)
    assert undone == sorted(model_entities)


def test_rule_adds_missing_mentions(sample_text: str) -> None:
    entities = [ent(sample_text, "Moscow", "GPE", 0)]
    rule = make_correction("add", entities[0].start, entities[0].end, sample_text, label="GPE",
                           scope="article")
    result = apply_corrections([], [rule], sample_text)
    assert [e.start for e in result] == occurrences(sample_text, "Moscow")


def test_corpus_rule_applies_to_other_articles(sample_text: str) -> None:
    rule = make_correction("relabel", *_span(sample_text, "Borrell"), sample_text,
                           label="PERSON", scope="corpus")
    other = "Mr Borrell spoke. Borrellia is a word. Borrell left."
    model = [Entity(3, 10, "GPE")]
    result = apply_corrections(model, [rule], other)
    last = other.index("Borrell left")
    assert result == [Entity(3, 10, "PERSON"), Entity(last, last + 7, "PERSON")]


def test_mention_beats_rule(sample_text: str, model_entities: list[Entity]) -> None:
    span = _span(sample_text, "Borrell", after=1500)
    rule = make_correction("relabel", *span, sample_text, label="PERSON", scope="corpus",
                           created="2024-01-02T00:00:00+00:00")
    mention = make_correction("delete", *span, sample_text, created="2024-01-01T00:00:00+00:00")
    result = apply_corrections(model_entities, [mention, rule], sample_text)
    assert not [e for e in result if e.start == span[0]]


def test_survives_rerun_with_different_entities(sample_text: str,
                                                model_entities: list[Entity]) -> None:
    nk = ent(sample_text, "North Korea’s", "GPE")
    rebound = make_correction("rebound", nk.start, nk.end, sample_text, label="GPE",
                              new_start=nk.start, new_end=nk.end - 2)
    borrell = next(e for e in model_entities if e.label == "GPE"
                   and e.text_in(sample_text) == "Borrell")
    relabel = make_correction("relabel", borrell.start, borrell.end, sample_text, label="PERSON")
    # A later model run: no entity at the Borrell mention, and "North Korea’s" split differently.
    rerun = [e for e in model_entities if e not in (borrell, nk)]
    rerun.append(Entity(nk.start + 6, nk.end, "GPE"))
    result = apply_corrections(rerun, [rebound, relabel], sample_text)
    assert Entity(nk.start, nk.end - 2, "GPE") in result
    assert Entity(nk.start + 6, nk.end, "GPE") not in result
    assert Entity(borrell.start, borrell.end, "PERSON") in result


def test_orphan_and_moved_anchor(sample_text: str) -> None:
    c = make_correction("add", *_span(sample_text, "Seoul"), sample_text, label="GPE")
    moved = "Intro line.\n" + sample_text
    assert find_anchor(c, moved) == (c.start + 12, c.end + 12)
    assert find_anchor(c, sample_text.replace("Seoul", "Busan")) is None
    assert apply_corrections([], [c], sample_text.replace("Seoul", "Busan")) == []


def test_inconsistent_labels(sample_text: str, model_entities: list[Entity]) -> None:
    found = inconsistent_labels(model_entities, sample_text)
    assert found == {"Borrell": Counter({"PERSON": 3, "GPE": 2})}


def test_deterministic_order(sample_text: str, model_entities: list[Entity]) -> None:
    rule = make_correction("relabel", *_span(sample_text, "Borrell"), sample_text,
                           label="PERSON", scope="article")
    a = apply_corrections(model_entities, [rule], sample_text)
    b = apply_corrections(list(reversed(model_entities)), [rule], sample_text)
    assert a == b == sorted(a)


def _span(text: str, surface: str, after: int = 0) -> tuple[int, int]:
    start = text.index(surface, after)
    return start, start + len(surface)


BORRELL_TEXT = "Josep Borrell met Borrell fans in Seoul."


@pytest.fixture()
def borrell_session(tmp_path: Path) -> Any:
    """(store, article, session) on a one-sentence article; the store is closed after."""
    from reader.session import OpenArticle, ReaderSession
    from reader.store import Store

    store = Store(tmp_path / "db")
    aid = store.add_article(
        SourceArticle(title="t", text=BORRELL_TEXT, source="t.txt")).article.id
    article = OpenArticle(id=aid, title="t", loaded_text=BORRELL_TEXT, source="t.txt")
    yield store, article, ReaderSession(store, "tester")
    store.close()


def test_an_undo_that_cannot_be_stored_stays_undoable(
    borrell_session: Any, monkeypatch: Any
) -> None:
    """A correction's undo that fails to write raises and leaves the history as it was."""
    import errno
    import os

    from reader.corrections import make_correction
    from reader.session import CorrectionChange
    from reader.store import StoreWriteError
    from reader.store.storage import LOW_LEVEL

    store, article, session = borrell_session
    aid = article.id
    corr = make_correction("relabel", 18, 25, BORRELL_TEXT, label="GPE", scope="article",
                           annotator="tester")
    session.change_corrections(article, [(False, corr)], [])
    assert store.corrections(aid) == [corr]

    def fail(*_args: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(LOW_LEVEL, "write", fail)
    with pytest.raises(StoreWriteError):
        session.undo({aid: article})
    assert isinstance(session.undo_stack[-1], CorrectionChange) and not session.redo_stack
    monkeypatch.undo()
    assert session.undo({aid: article}) is not None
    assert store.corrections(aid) == []
    assert session.redo({aid: article}) is not None
    assert store.corrections(aid) == [corr]


def test_a_revert_that_fails_half_way_records_what_it_did(
    borrell_session: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    """Reverting two corrections where the second removal fails: the first is gone and that
    is on the history, so `u` puts it back (nothing is left half-done and unundoable)."""
    from reader.corrections import make_correction
    from reader.store import StoreWriteError

    store, article, session = borrell_session
    aid = article.id
    rule = make_correction("relabel", 18, 25, BORRELL_TEXT, label="GPE", scope="corpus",
                           annotator="tester")
    mine = make_correction("delete", 34, 39, BORRELL_TEXT, scope="mention", annotator="tester")
    session.change_corrections(article, [(True, rule), (False, mine)], [])

    def fail(*_args: Any) -> bool:
        raise StoreWriteError(tmp_path, "disk full")

    monkeypatch.setattr(store, "delete_correction", fail)
    with pytest.raises(StoreWriteError):
        session.change_corrections(article, [], [(True, rule), (False, mine)])
    assert store.corpus_corrections() == [] and store.corrections(aid) == [mine]
    monkeypatch.undo()
    assert session.undo({aid: article}) is not None  # the half that happened
    assert store.corpus_corrections() == [rule] and store.corrections(aid) == [mine]


def test_corrections_are_typed_at_the_modules_door_and_stored_as_before() -> None:
    """`make_correction` writes the record it always wrote (same keys, same order, nulls kept);
    `apply_corrections` reads a stored record and the typed `Correction` alike."""
    from reader.corrections import typed
    from reader.records import Correction

    text = "Borrell met Cho in Seoul."
    made = make_correction("relabel", 0, 7, text, label="PERSON", annotator="a",
                           created="2026-01-01T00:00:00.000+00:00", correction_id="c1")
    assert isinstance(made, Correction)
    record = made.to_record()
    assert list(record) == ["id", "action", "start", "end", "label", "new_start", "new_end",
                            "text", "scope", "created", "annotator"]
    assert record["new_start"] is None and record["scope"] == "mention"
    corr = Correction.from_record(record)
    assert corr.to_record() == record and list(corr.to_record()) == list(record)
    moved = Correction.from_record({**record, "status": "orphaned", "extra": 1})
    assert moved.to_record() == {**record, "status": "orphaned"}  # set: written; unknown: not
    assert typed({**record, "start": "0"}) is None
    model = [Entity(0, 7, "ORG")]
    assert apply_corrections(model, [record], text) == apply_corrections(model, [corr], text) \
        == [Entity(0, 7, "PERSON")]
