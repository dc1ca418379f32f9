"""Claims are typed records past the store edge: what a stored record turns into, which
records the fast (msgspec) path accepts (exactly those `validate_claim` accepts), and that a
record handed out is never changed in place."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.claims import make_claim, read_claim, read_claims, validate_claim
from reader.records import CLAIM_FIELDS, CLAIM_SCHEMA, Claim, ClaimEntity, SourceArticle
from reader.sources import make_source
from reader.store.store import Store
from tests.test_hardening_fuzz_records import anything, field_value

TEXT = "Growth hit 5.2% in 2023.\nUnemployment fell to 3%, the minister said."
GOOD: dict[str, Any] = make_claim(
    article_id="sha256:x", text=TEXT, start=25, end=48, label="statistic", annotator="ana",
    speaker="the minister", tags=["jobs"],
    sources=[make_source("https://example.org/jobs", title="Jobs")],
).to_record()
GOOD["entities"] = [{"text": "Unemployment", "label": "X", "start": 25, "end": 37}]


def _without(record: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in names}


ACCEPTED = {
    "as stored": GOOD,
    "checkworthy an int": {**GOOD, "checkworthy": 1},
    "checkworthy a float": {**GOOD, "checkworthy": 0.25},
    "checkworthy a bool": {**GOOD, "checkworthy": True},
    "an entity with a key of its own": {**GOOD, "entities": [
        {"text": "Unemployment", "label": "X", "start": 25, "end": 37, "source": "model"}]},
    "a key the record does not know": {**GOOD, "colour": "blue"},
    "schema 1": {**_without(GOOD, "speaker_confirmed", "sources", "derived_from"),
                 "schema": 1},
    "schema 2": {**_without(GOOD, "sources", "derived_from"), "schema": 2},
    "schema 3": {**_without(GOOD, "derived_from"), "schema": 3},
    "schema 2 that has sources already": {**_without(GOOD, "derived_from"), "schema": 2},
    "orphaned past the end": {**GOOD, "status": "orphaned", "start": 60, "end": 90},
}

REFUSED = {
    "not a record": ["a", "list"],
    "checkworthy text": {**GOOD, "checkworthy": "yes"},
    "an entity without its label": {**GOOD, "entities": [
        {"text": "Unemployment", "start": 25, "end": 37}]},
    "an entity that is not a record": {**GOOD, "entities": ["Unemployment"]},
    "schema 1 without a speaker": {**_without(GOOD, "speaker", "speaker_confirmed", "sources",
                                              "derived_from"), "schema": 1},
    "schema 4 without speaker_confirmed": _without(GOOD, "speaker_confirmed"),
    "a newer schema": {**GOOD, "schema": CLAIM_SCHEMA + 1},
    "no schema": _without(GOOD, "schema"),
    "schema true": {**GOOD, "schema": True},
    "start true": {**GOOD, "start": True},
    "start a float": {**GOOD, "start": 25.0},
    "negative start": {**GOOD, "start": -1},
    "empty span": {**GOOD, "end": 25},
    "past the end": {**GOOD, "end": 90},
    "unknown status": {**GOOD, "status": "lost"},
    "empty id": {**GOOD, "id": ""},
    "an empty id in derived_from": {**GOOD, "derived_from": [""]},
    "a source with a key of its own": {**GOOD, "sources": [{**GOOD["sources"][0], "x": "y"}]},
    "a source with neither url nor article": {**GOOD, "sources": [
        {**GOOD["sources"][0], "url": ""}]},
    "a source of an unknown role": {**GOOD, "sources": [{**GOOD["sources"][0], "role": "x"}]},
    "tags not a list": {**GOOD, "tags": "jobs"},
    "speaker_confirmed not a bool": {**GOOD, "speaker_confirmed": 1},
    "a lone surrogate where entities belong": {**GOOD, "entities": "\ud800"},
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_record_validate_claim_accepts_becomes_a_claim(name: str) -> None:
    record = ACCEPTED[name]
    assert validate_claim(record, len(TEXT)) == []
    claim = read_claim(record, len(TEXT))
    assert isinstance(claim, Claim)
    assert claim.schema == CLAIM_SCHEMA  # older records are upgraded, with the defaults
    out = claim.to_record()
    assert list(out) == list(CLAIM_FIELDS)
    for name_ in CLAIM_FIELDS:  # every field it had is kept as it was (types included)
        if name_ in record and name_ not in ("schema", "entities"):
            assert out[name_] == record[name_] and type(out[name_]) is type(record[name_])


@pytest.mark.parametrize("name", REFUSED)
def test_a_record_validate_claim_refuses_is_refused_with_its_messages(name: str) -> None:
    record = REFUSED[name]
    problems = validate_claim(record, len(TEXT))
    assert problems
    assert read_claim(record, len(TEXT)) == problems


def test_upgrades_and_what_is_not_kept() -> None:
    one = read_claim(ACCEPTED["schema 1"], len(TEXT))
    assert isinstance(one, Claim)
    assert (one.speaker_confirmed, one.sources, one.derived_from) == (False, [], [])
    two = read_claim(ACCEPTED["schema 2 that has sources already"], len(TEXT))
    assert isinstance(two, Claim) and two.sources == read_claim(GOOD, len(TEXT)).sources
    extra = read_claim(ACCEPTED["an entity with a key of its own"], len(TEXT))
    assert isinstance(extra, Claim)
    assert extra.entities == [ClaimEntity(text="Unemployment", label="X", start=25, end=37)]
    unknown = read_claim(ACCEPTED["a key the record does not know"], len(TEXT))
    assert isinstance(unknown, Claim) and "colour" not in unknown.to_record()
    number = read_claim(ACCEPTED["checkworthy an int"], len(TEXT))
    assert isinstance(number, Claim) and number.checkworthy == 1
    assert json.dumps(number.to_record()["checkworthy"]) == "1"  # not 1.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional={k: field_value(v) for k, v in GOOD.items()})
       | anything)
def test_the_fast_path_and_validate_claim_always_agree(record: Any) -> None:
    problems = validate_claim(record, len(TEXT))
    found = read_claim(record, len(TEXT))
    assert (found if isinstance(found, list) else []) == problems


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*ACCEPTED.values(), *REFUSED.values()])
                | st.fixed_dictionaries({}, optional={k: field_value(v) for k, v in GOOD.items()}),
                max_size=6))
def test_a_whole_table_read_at_once_is_each_record_read_alone(records: list[Any]) -> None:
    assert read_claims(records, len(TEXT)) == [read_claim(r, len(TEXT)) for r in records]


def _store_with_record(root: Path, record: dict[str, Any]) -> str:
    with Store(root) as store:
        aid = store.add_article(SourceArticle(title="T", text=TEXT, source="t.txt")).article.id
        path = root / "articles" / store.article(aid).file  # type: ignore[union-attr]
    data = json.loads(path.read_text("utf-8"))
    data["claims"] = {"1": {**record, "article_id": aid}}
    path.write_text(json.dumps(data), "utf-8")
    return aid


def test_a_stored_int_checkworthy_stays_an_int_through_load_save_and_export(
        tmp_path: Path) -> None:
    root = tmp_path / "db"
    aid = _store_with_record(root, {**GOOD, "checkworthy": 1})
    with Store(root) as store:
        [claim] = store.claims(aid)
        assert claim.checkworthy == 1 and type(claim.checkworthy) is int
        store.save_claim(msgspec.structs.replace(claim, note="seen"))
        path = root / "articles" / store.article(aid).file  # type: ignore[union-attr]
    assert '"checkworthy":1,' in path.read_text("utf-8")  # the store's compact JSON
    done = subprocess.run([sys.executable, "-m", "reader", "export", "--db", str(root)],
                          capture_output=True, text=True, check=True)
    assert '"checkworthy": 1,' in done.stdout and json.loads(done.stdout)["note"] == "seen"


def test_the_store_hands_out_frozen_claims_never_its_own_records(tmp_path: Path) -> None:
    root = tmp_path / "db"
    aid = _store_with_record(root, GOOD)
    with Store(root) as store:
        first, again = store.claims(aid)[0], store.claims(aid)[0]
        assert isinstance(first, Claim) and first == again and first is not again
        with pytest.raises(AttributeError):
            first.note = "changed in place"  # type: ignore[misc]
        [(_, streamed)] = list(store.iter_claims())
        assert streamed == first


def test_a_session_edit_is_a_new_record_and_undo_puts_the_old_one_back(
        tmp_path: Path) -> None:
    from reader.session import ReaderSession, open_article_from_record

    root = tmp_path / "db"
    aid = _store_with_record(root, GOOD)
    with Store(root) as store:
        session = ReaderSession(store, "ana")
        record = store.article(aid)
        assert record is not None
        article = open_article_from_record(record, lambda: store.text(aid))
        [before] = session.claims(article)
        assert session.update(article, before.id, verdict="false")
        [after] = session.claims(article)
        assert after is not before and before.verdict == "unverified"
        assert after.verdict == "false" and after.updated >= before.updated
        session.undo({aid: article})
        assert session.claims(article) == [before] == store.claims(aid)


def test_an_edit_keeps_the_keys_of_the_stored_record_the_reader_does_not_know(
        tmp_path: Path) -> None:
    root = tmp_path / "db"
    aid = _store_with_record(root, {**GOOD, "colour": "blue"})
    with Store(root) as store:
        [claim] = store.claims(aid)
        store.save_claim(msgspec.structs.replace(claim, note="seen"))
        path = root / "articles" / store.article(aid).file  # type: ignore[union-attr]
        [again] = store.claims(aid)
    [stored] = json.loads(path.read_text("utf-8"))["claims"].values()
    assert list(stored) == [*CLAIM_FIELDS, "colour"] and stored["colour"] == "blue"
    assert stored["note"] == "seen" and again.note == "seen"


def test_an_edit_keeps_the_keys_of_a_stored_entity_item_the_reader_does_not_know(
        tmp_path: Path) -> None:
    """Another tool's keys inside an entity item (a knowledge-base id) stay through an edit in
    the reader, as the record's own unknown keys do; an entity the edit removed goes whole."""
    root = tmp_path / "db"
    linked = {"text": "Unemployment", "label": "X", "start": 25, "end": 37, "kb_id": "Q41171"}
    other = {"text": "fell", "label": "Y", "start": 38, "end": 42, "score": 0.5}
    aid = _store_with_record(root, {**GOOD, "entities": [linked, other]})
    with Store(root) as store:
        [claim] = store.claims(aid)
        store.save_claim(msgspec.structs.replace(claim, verdict="false",
                                                 entities=claim.entities[:1]))
        path = root / "articles" / store.article(aid).file  # type: ignore[union-attr]
    [stored] = json.loads(path.read_text("utf-8"))["claims"].values()
    assert stored["verdict"] == "false"
    assert stored["entities"] == [linked]
    assert list(stored["entities"][0]) == list(linked)
