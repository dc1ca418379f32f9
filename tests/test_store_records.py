"""Typed records past the store edge: the index's article records come out as
`StoredArticle`s, and what is on disk stays byte for byte what it was (unknown keys, missing
optional fields, nested `meta`)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.claims import make_claim
from reader.clean import INDEX_OPTIONAL, index_problems
from reader.formats.exporting import export
from reader.records import SourceArticle, StoredArticle
from reader.session import open_article_from_record
from reader.store import Store

TEXT = "Seoul and Brussels agreed on a partnership. The council met on Monday in Seoul."
NESTED_META = {
    "web": {"history": [{"content_hash": "sha256:00", "redirects": [{"to": "https://b/"}]}],
            "urls": ["https://a/", "https://b/"], "status": 200},
    "pages": [0, 40],
    "language": "en",
    "note": "東京・서울 \"quoted\" \\ 🇰🇷",
}


def _store(root: Path, meta: dict[str, Any] | None = None) -> str:
    with Store(root) as store:
        result = store.add_article(SourceArticle(title="T", text=TEXT, source="t.txt",
                                                 meta=dict(meta or {})))
        return result.article.id


def _index(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "index.json").read_text("utf-8"))
    return data


def _rewrite_index(root: Path, change: Any) -> None:
    data = _index(root)
    change(data["articles"]["1"])
    (root / "index.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def test_the_store_returns_typed_article_records(tmp_path: Path) -> None:
    aid = _store(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        article = store.article(aid)
        assert isinstance(article, StoredArticle)
        assert [type(a) for a in store.articles()] == [StoredArticle]
        assert isinstance(store.find_by_source("t.txt"), StoredArticle)
        assert isinstance(store.find_by_text(aid), StoredArticle)
        assert (article.id, article.title, article.source, article.order) == (aid, "T", "t.txt", 0)
        changed = store.update_article(aid, position=7)
        assert isinstance(changed, StoredArticle) and changed.position == 7
        store.save_claim(make_claim(article_id=aid, text=TEXT, start=0, end=5, label="factual",
                                    annotator="t"))
        assert store.article(aid).claim_count == 1  # type: ignore[union-attr]
        [(doc, _claim)] = list(store.iter_claims())
        assert isinstance(doc, StoredArticle) and doc.claim_count == 1
        # the record, written back, is the stored dict: same keys, same order, same values
        assert store.article(aid).to_record() == _index(store.root)["articles"]["1"] | {  # type: ignore[union-attr]
            "claim_count": 1}


def test_an_unknown_index_key_stays_on_disk_where_it_was(tmp_path: Path) -> None:
    """A key this reader does not know (a newer reader's) is neither refused nor lost: the
    record opens, and every write of the index keeps it, in its place."""
    root = tmp_path / "db"
    aid = _store(root)

    def add_unknown(record: dict[str, Any]) -> None:
        items = list(record.items())
        items.insert(3, ("reviewed_by", {"name": "ana", "at": ["2026", 12]}))
        record.clear()
        record.update(items)

    _rewrite_index(root, add_unknown)
    with Store(root) as store:
        article = store.article(aid)
        assert article is not None and not store.problems
        assert "reviewed_by" not in article.to_record()
        store.update_article(aid, position=3)
        # a changed text goes through a transaction, which rewrites the record whole
        store.add_article(SourceArticle(title="T2", text=TEXT + " More.", source="t.txt"))
    record = _index(root)["articles"]["1"]
    assert list(record)[3] == "reviewed_by"
    assert record["reviewed_by"] == {"name": "ana", "at": ["2026", 12]}
    assert record["position"] == 3 and record["title"] == "T2"


def test_a_record_missing_optional_fields_opens_and_exports_without_them(tmp_path: Path) -> None:
    """An older record without `added`, `external_id`, `entity_count`, `word_count`: the typed
    record says UNSET, the store dump leaves them out as before, the session opens it."""
    root = tmp_path / "db"
    aid = _store(root)
    gone = ("added", "external_id", "entity_count", "word_count")

    def drop(record: dict[str, Any]) -> None:
        for name in gone:
            del record[name]

    _rewrite_index(root, drop)
    before = (root / "index.json").read_bytes()
    with Store(root, readonly=True) as store:
        article = store.article(aid)
        assert article is not None
        assert all(getattr(article, name) is msgspec.UNSET for name in gone)
        assert not set(gone) & set(article.to_record())
        out = io.StringIO()
        export(store, "store", stream=out)
        line = json.loads(out.getvalue().splitlines()[1])
        assert list(line) == ["type", "id", "title", "source", "url", "date", "meta",
                              "text_hash", "text"]
        opened = open_article_from_record(article, lambda: TEXT)
        assert (opened.stored_words, opened.stored_entities, opened.title) == (None, None, "T")
    assert (root / "index.json").read_bytes() == before


def test_nested_meta_round_trips_byte_for_byte(tmp_path: Path) -> None:
    root = tmp_path / "db"
    aid = _store(root, NESTED_META)
    with Store(root) as store:
        before = (root / "index.json").read_bytes()
        article = store.article(aid)
        assert article is not None and article.meta == NESTED_META
        # the caller's copy is its own: changing it changes nothing stored
        assert isinstance(article.meta, dict)
        article.meta["web"]["urls"].append("https://c/")
        article.meta["pages"].append(99)
        assert store.article(aid).meta == NESTED_META  # type: ignore[union-attr]
        out = io.StringIO()
        export(store, "store", stream=out)
        line = json.loads(out.getvalue().splitlines()[1])
        assert line["meta"] == NESTED_META
        store.update_article(aid, position=0)  # the same value: the index written again
    assert (root / "index.json").read_bytes() == before


_OPTIONAL_VALUES = {
    "title": st.text(max_size=5), "url": st.text(max_size=5), "date": st.text(max_size=5),
    "external_id": st.text(max_size=5), "added": st.text(max_size=5),
    "meta": st.dictionaries(st.text(max_size=3), st.integers() | st.text(max_size=3)
                            | st.lists(st.integers(), max_size=2), max_size=3),
    "position": st.integers(min_value=0), "word_count": st.integers(min_value=0),
    "claim_count": st.none() | st.integers(min_value=0),
    "entity_count": st.none() | st.integers(min_value=0),
}


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional=_OPTIONAL_VALUES), st.integers(), st.booleans())
def test_every_record_the_index_accepts_converts_and_back(
        optional: dict[str, Any], order: int, unknown: bool) -> None:
    """What `reader.clean.index_problems` accepts, the typed record holds: converted, and
    back to the same fields (those it knows, in its order)."""
    assert set(optional) <= set(INDEX_OPTIONAL)
    record = {"id": "sha256:x", "source": "s", "text_hash": "sha256:x", "file": "a.json",
              "order": order, **optional}
    if unknown:
        record["newer_field"] = [1, {"a": None}]
    assert index_problems(record) == ""
    article = StoredArticle.from_record(record)
    back = article.to_record()
    assert back == {k: v for k, v in record.items() if k != "newer_field"}
    assert list(back) == [f for f in msgspec.structs.fields(StoredArticle)
                          for f in [f.name] if f in back]


def test_a_bad_index_record_is_skipped_as_before(tmp_path: Path) -> None:
    """Refused exactly as before (the store's checks run first): a record with a field of the
    wrong type is skipped and named, the others open."""
    root = tmp_path / "db"
    aid = _store(root)
    with Store(root) as store:
        store.add_article(SourceArticle(title="U", text="Other text.", source="u.txt"))
    _rewrite_index(root, lambda r: r.update(position=True))
    with Store(root, readonly=True) as store:
        assert store.article(aid) is None
        assert [a.title for a in store.articles()] == ["U"]
        assert any("field 'position' is not an integer" in p.message for p in store.problems)


# -- stored corrections ---------------------------------------------------------------------

BORRELL = "Josep Borrell met Borrell fans in Seoul."


def _corr_file(root: Path, aid: str) -> dict[str, Any]:
    with Store(root, readonly=True) as store:
        name = store.article(aid).file  # type: ignore[union-attr]
    data: dict[str, Any] = json.loads((root / "articles" / name).read_text("utf-8"))
    return data


def test_corrections_cross_the_store_edge_typed(tmp_path: Path) -> None:
    """The store gives `Correction`s and takes them; on disk, the record `make_correction`
    always wrote (same keys, same order, nulls kept)."""
    from reader.corrections import make_correction
    from reader.records import Correction, TeamRecord

    root = tmp_path / "db"
    with Store(root) as store:
        aid = store.add_article(SourceArticle(title="b", text=BORRELL, source="b.txt")).article.id
        mine = make_correction("relabel", 6, 13, BORRELL, label="GPE", annotator="a",
                               created="2026-01-01T00:00:00.000+00:00", correction_id="m1")
        rule = make_correction("delete", 34, 39, BORRELL, scope="corpus", annotator="a",
                               created="2026-01-01T00:00:00.000+00:00", correction_id="r1")
        store.save_correction(aid, mine)
        store.save_corpus_correction(rule)
        assert store.corrections(aid) == [mine] and store.corpus_corrections() == [rule]
        assert all(isinstance(c, Correction) for c in store.all_corrections(aid))
        assert store.all_corrections(aid) == [rule, mine]
        assert store.put_team_rules([("ben", "x1", rule.to_record())]) == 1
        assert store.team_rules() == [TeamRecord(kind="rule", annotator="ben", id="x1",
                                                 body=rule.to_record())]
    [stored] = _corr_file(root, aid)["corrections"].values()
    assert list(stored) == ["id", "action", "start", "end", "label", "new_start", "new_end",
                            "text", "scope", "created", "annotator"]
    assert stored == {"id": "m1", "action": "relabel", "start": 6, "end": 13, "label": "GPE",
                      "new_start": None, "new_end": None, "text": "Borrell",
                      "scope": "mention", "created": "2026-01-01T00:00:00.000+00:00",
                      "annotator": "a"}
    index = _index(root)["corrections"]
    assert list(index.values()) == [rule.to_record()]


def test_an_imported_correction_stays_verbatim_through_dump_and_undo(tmp_path: Path) -> None:
    """A correction imported from a dump with a key this reader does not know, its keys in
    another order and optional fields missing: typed for the app (defaults for what it
    lacks), exported verbatim, and a revert the analyst undoes puts it back exactly."""
    from reader.formats.importing import import_unit, read_units
    from reader.session import OpenArticle, ReaderSession

    odd = {"text": "Borrell", "end": 13, "start": 6, "id": "odd1", "action": "relabel",
           "label": "ORG", "reviewed_by": {"name": "ana"}, "annotator": "ben"}
    from reader.records import text_hash as digest

    aid = digest(BORRELL)
    dump = tmp_path / "in.jsonl"
    lines = [{"type": "reader-store", "version": 1},
             {"type": "article", "id": aid, "title": "b", "source": "b.txt", "text": BORRELL},
             {"type": "correction", "article_id": aid, **odd}]
    dump.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                    "utf-8")
    root = tmp_path / "db"
    with Store(root) as store:
        [unit] = read_units(dump, None)
        with store.transaction() as tx:
            import_unit(store, tx, unit, annotator="t")
        [corr] = store.corrections(aid)
        assert (corr.id, corr.label, corr.scope, corr.created, corr.new_start) == (
            "odd1", "ORG", "mention", "", None)
        assert store.correction_records(aid) == [odd]
        out = io.StringIO()
        export(store, "store", stream=out)
        [line] = [json.loads(x) for x in out.getvalue().splitlines() if '"correction"' in x]
        assert line == {"type": "correction", "article_id": aid, **odd}
        assert list(line)[2:] == list(odd)
        before = (root / "articles" / store.article(aid).file).read_bytes()  # type: ignore[union-attr]
        article = OpenArticle(id=aid, title="b", loaded_text=BORRELL, source="b.txt")
        session = ReaderSession(store, "tester")
        session.change_corrections(article, [], [(False, corr)])  # the form's revert
        assert store.corrections(aid) == []
        assert session.undo({aid: article}) is not None
        assert store.correction_records(aid) == [odd]
        assert list(store.correction_records(aid)[0]) == list(odd)
        name = store.article(aid).file  # type: ignore[union-attr]
    after = (root / "articles" / name).read_bytes()
    assert json.loads(after)["corrections"] == json.loads(before)["corrections"]
