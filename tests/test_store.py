"""The Store: articles, claims, corrections, cache, session, transactions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from tinydb import TinyDB

from reader.claims import make_claim
from reader.records import Claim, Entity, SourceArticle, text_hash
from reader.store import Store, StoreWriteError
from reader.store.articles import ArticleFiles
from reader.store.storage import LOW_LEVEL, AtomicJSONStorage
from reader.store.store import TEXT_Z_LIMIT, article_key

SENTENCE = (
    "They agreed to collaborate to counter the growing military cooperation between "
    "Moscow and Pyongyang."
)


def _src(text: str, source: str = "eu.txt", title: str = "EU and Korea") -> SourceArticle:
    return SourceArticle(title=title, text=text, source=source, url="https://example.org/a")


def _claim(store: Store, article_id: str, quote: str, label: str = "factual") -> Claim:
    text = store.text(article_id)
    start = text.index(quote)
    return make_claim(
        article_id=article_id,
        text=text,
        start=start,
        end=start + len(quote),
        label=label,
        annotator="tester",
    )


@pytest.fixture()
def store(tmp_path: Path) -> Any:
    with Store(tmp_path / "db") as s:
        yield s


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_new_store_layout_and_article_record(store: Store, sample_text: str) -> None:
    result = store.add_article(_src(sample_text))
    assert result.created and not result.text_changed
    doc = result.article
    assert doc.id == text_hash(sample_text) == doc.text_hash
    assert doc.file == f"{article_key(doc.id)}.json"
    assert len(article_key(doc.id)) == 32
    assert doc.word_count == len(sample_text.split())
    fields = (doc.position, doc.claim_count, doc.entity_count, doc.order)
    assert fields == (0, 0, None, 0)
    assert doc.title == "EU and Korea" and doc.url == "https://example.org/a"
    root = store.root
    assert (root / "index.json").is_file() and (root / ".lock").exists()
    assert (root / "articles" / doc.file).is_file()
    # The files are plain TinyDB databases.
    db = TinyDB(root / "articles" / doc.file, storage=AtomicJSONStorage, readonly=True)
    record = db.table("article").all()[0]
    assert record["text"] == sample_text and record["schema"] == 1
    index = TinyDB(root / "index.json", storage=AtomicJSONStorage, readonly=True)
    assert [d["id"] for d in index.table("articles").all()] == [doc.id]
    assert store.text(doc.id) == sample_text
    assert store.articles() == [doc] and store.article(doc.id) == doc
    assert store.find_by_source("eu.txt") == doc and store.find_by_source("x") is None


def test_save_load_delete_claims_in_order(store: Store, sample_text: str) -> None:
    aid = store.add_article(_src(sample_text)).article.id
    later = _claim(store, aid, SENTENCE)
    inner = _claim(store, aid, "the European Union (EU)")
    outer = _claim(store, aid, "the European Union (EU) and South Korea")
    for claim in (later, inner, outer):
        store.save_claim(claim)
    assert [c.id for c in store.claims(aid)] == [outer.id, inner.id, later.id]
    assert store.article(aid).claim_count == 3  # type: ignore[union-attr]

    edited = msgspec.structs.replace(inner, note="checked", verdict="true")
    store.save_claim(edited)
    store.save_claim(edited)  # idempotent: a retry does not duplicate
    assert len(store.claims(aid)) == 3
    assert store.delete_claim(aid, later.id) is True
    assert store.delete_claim(aid, later.id) is False
    store.close()

    with Store(store.root) as again:
        claims = again.claims(aid)
        assert [c.id for c in claims] == [outer.id, inner.id]
        assert claims[1] == edited
        assert again.article(aid).claim_count == 2  # type: ignore[union-attr]
        assert [a.claim_count for a in again.articles()] == [2]


def test_save_claim_rewrites_only_that_article(store: Store, sample_text: str) -> None:
    a = store.add_article(_src(sample_text)).article.id
    b = store.add_article(_src("Other text about Seoul.", "b.txt")).article.id
    before = _files(store.root)
    store.save_claim(_claim(store, a, SENTENCE))
    after = _files(store.root)
    changed = {k for k in after if before.get(k) != after[k]}
    file_a = f"articles/{store.article(a).file}"  # type: ignore[union-attr]
    assert changed == {file_a, file_a + ".bak"}
    assert store.claims(b) == []


def test_save_claim_rejects_invalid_or_unknown(store: Store, sample_text: str) -> None:
    aid = store.add_article(_src(sample_text)).article.id
    claim = _claim(store, aid, SENTENCE)
    with pytest.raises(ValueError):
        store.save_claim(msgspec.structs.replace(claim, end=len(sample_text) + 5))
    with pytest.raises(KeyError):
        store.save_claim(msgspec.structs.replace(claim, article_id="sha256:nope"))
    assert store.claims(aid) == []


def test_add_article_rules(store: Store, sample_text: str) -> None:
    first = store.add_article(_src(sample_text))
    aid = first.article.id
    claim = _claim(store, aid, SENTENCE)
    doomed = _claim(store, aid, "Kim Jong Un is using the Russia-Ukraine war")
    store.save_claim(claim)
    store.save_claim(doomed)
    seoul = sample_text.index("Seoul")
    store.save_correction(aid, {"id": "k", "action": "relabel", "label": "GPE", "start": seoul,
                                "end": seoul + 5, "text": "Seoul"})

    same = store.add_article(_src(sample_text))
    assert (same.created, same.text_changed, same.article.id) == (False, False, aid)

    other_source = store.add_article(_src(sample_text, "copy.txt"))
    assert (other_source.created, other_source.article.id) == (False, aid)

    lead = "Update: corrected version.\n"
    new_text = lead + sample_text.replace("Kim Jong Un is using the Russia-Ukraine war", "")
    changed = store.add_article(_src(new_text))
    assert changed.text_changed and not changed.created
    assert (changed.reanchored, changed.orphaned) == (1, 1)
    assert changed.article.id == aid  # the id stays the first text's hash
    assert changed.article.text_hash == text_hash(new_text) != aid
    assert store.text(aid) == new_text
    by_id = {c.id: c for c in store.claims(aid)}
    assert by_id[claim.id].start == claim.start + len(lead)
    assert by_id[doomed.id].status == "orphaned"
    corr = store.corrections(aid)[0]
    assert new_text[corr.start : corr.end] == "Seoul" and corr.start == seoul + len(lead)
    assert [c.status for _, c in store.iter_claims()].count("orphaned") == 1

    # A third source with the *new* text is the same article too.
    assert store.add_article(_src(new_text, "third.txt")).article.id == aid
    assert len(store.articles()) == 1
    # The replaced article file is gone; only the current one (and its backup) remain.
    names = sorted(p.name for p in (store.root / "articles").iterdir())
    assert names == [store.article(aid).file]  # type: ignore[union-attr]


def test_articles_keep_order_and_update(store: Store, sample_text: str) -> None:
    ids = [
        store.add_article(_src(f"Text {n}. " + sample_text, f"{n}.txt")).article.id
        for n in range(4)
    ]
    assert [a.id for a in store.articles()] == ids
    assert [a.order for a in store.articles()] == [0, 1, 2, 3]
    doc = store.update_article(ids[2], position=120, entity_count=7, title="New title")
    assert (doc.position, doc.entity_count, doc.title) == (120, 7, "New title")
    with pytest.raises(ValueError):
        store.update_article(ids[2], file="../../etc/passwd")
    with pytest.raises(KeyError):
        store.update_article("sha256:none", position=1)
    store.close()
    with Store(store.root) as again:
        assert again.article(ids[2]).position == 120  # type: ignore[union-attr]
        assert [a.id for a in again.articles()] == ids


def test_long_text_is_compressed(store: Store) -> None:
    text = ("Seoul and Brussels agreed on a partnership. " * 3000)[: TEXT_Z_LIMIT + 500]
    aid = store.add_article(_src(text, "long.txt")).article.id
    raw = json.loads((store.root / "articles" / store.article(aid).file).read_text())  # type: ignore[union-attr]
    record = raw["article"]["1"]
    assert "text_z" in record and "text" not in record
    store.close()
    with Store(store.root) as again:  # read back cleaned, one character for one
        assert again.text(aid) == text.replace("\udcff", "\ufffd")


def test_unicode_and_surrogates_round_trip(store: Store) -> None:
    text = "Zelenskyy “quoted” — naïve 😀 and a lone \udcff surrogate."
    aid = store.add_article(_src(text, "u.txt")).article.id
    store.close()
    with Store(store.root) as again:  # read back cleaned, one character for one
        assert again.text(aid) == text.replace("\udcff", "\ufffd")


def test_corrections_and_rejected(store: Store, sample_text: str) -> None:
    aid = store.add_article(_src(sample_text)).article.id
    corr = {"id": "c1", "start": 0, "end": 2, "text": "In", "label": "O", "action": "remove"}
    store.save_correction(aid, corr)
    store.save_correction(aid, {**corr, "label": "ORG"})
    assert store.correction_records(aid) == [{**corr, "label": "ORG"}]  # kept as given
    [typed] = store.corrections(aid)
    assert (typed.id, typed.action, typed.label, typed.scope) == ("c1", "remove", "ORG", "mention")
    assert store.delete_correction(aid, "c1") == {**corr, "label": "ORG"}  # for an undo
    assert store.delete_correction(aid, "c1") is None
    item = {"start": 5, "end": 9, "label": "factual"}
    store.add_rejected(aid, item)
    store.add_rejected(aid, item)
    store.add_rejected(aid, {**item, "start": 6})
    store.close()
    with Store(store.root) as again:
        assert again.corrections(aid) == []
        assert again.rejected(aid) == [item, {**item, "start": 6}]


def test_entity_cache(store: Store) -> None:
    ents = [Entity(0, 5, "GPE"), Entity(10, 14, "ORG")]
    assert store.cached_entities("sha256:aa", "m", "1") is None
    store.put_cached_entities("sha256:aa", "m", "1", ents)
    assert store.cached_entities("sha256:aa", "m", "1") == ents
    assert store.cached_entities("sha256:aa", "m", "2") is None
    assert store.cached_entities("sha256:aa", "other", "1") is None
    store.put_cached_entities_many(
        [
            ("sha256:aa", "m", "2", ents[:1]),
            ("sha256:bb", "m", "1", []),
            ("sha256:aa", "m", "1", ents[1:]),
        ]
    )
    assert store.cached_entities("sha256:aa", "m", "2") == ents[:1]
    assert store.cached_entities("sha256:aa", "m", "1") == ents[1:]
    assert store.cached_entities("sha256:bb", "m", "1") == []
    path = store.root / "cache" / f"{article_key('sha256:aa')}.json"
    assert json.loads(path.read_text())["entities"]["1"]["entities"] == [[10, 14, "ORG"]]
    path.write_text("{garbage")  # derived data: unreadable means a miss, then rebuilt
    assert store.cached_entities("sha256:aa", "m", "1") is None
    store.put_cached_entities("sha256:aa", "m", "1", ents)
    assert store.cached_entities("sha256:aa", "m", "1") == ents


def test_cache_writes_skip_fsync(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(LOW_LEVEL, "fsync", lambda fd: calls.append(fd))
    store.put_cached_entities("sha256:aa", "m", "1", [Entity(0, 1, "X")])
    assert calls == []
    store.save_session(current="x")
    assert calls  # the index (real data) is fsynced


def test_session(store: Store) -> None:
    assert store.session() == {}
    store.save_session(open=["a", "b"], current="b")
    store.save_session(current="a")
    assert store.session() == {"open": ["a", "b"], "current": "a"}
    store.close()
    with Store(store.root) as again:
        assert again.session() == {"open": ["a", "b"], "current": "a"}


def test_iter_claims_streams_one_article_at_a_time(
    store: Store, sample_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = []
    with store.transaction() as tx:
        for n in range(3):
            aid = tx.add_article(_src(f"Part {n}. " + sample_text, f"{n}.txt")).article.id
            ids.append(aid)
            text = f"Part {n}. " + sample_text
            for k in range(4):
                tx.add_claim(
                    make_claim(
                        article_id=aid,
                        text=text,
                        start=k * 10,
                        end=k * 10 + 5,
                        label="factual",
                        annotator="t",
                    )
                )
    opened: list[str] = []
    real = store.files.usable

    def spy(doc: dict[str, Any], **kw: Any) -> Any:
        opened.append(doc["id"])
        return real(doc, **kw)

    monkeypatch.setattr(store.files, "usable", spy)
    it = store.iter_claims()
    first = [next(it) for _ in range(4)]
    assert opened == [ids[0]] and {a.id for a, _ in first} == {ids[0]}
    rest = list(it)
    assert opened == ids and len(rest) == 8
    assert [c.start for _, c in store.iter_claims([ids[1]])] == [0, 10, 20, 30]


def test_transaction_commit_and_dedup(store: Store, sample_text: str) -> None:
    existing = store.add_article(_src(sample_text)).article.id
    kept = _claim(store, existing, SENTENCE)
    store.save_claim(kept)
    with store.transaction() as tx:
        new = tx.add_article(_src("Seoul hosted the Strategic Dialogue.", "n.txt"))
        assert new.created
        nid = new.article.id
        text = "Seoul hosted the Strategic Dialogue."
        c1 = make_claim(article_id=nid, text=text, start=0, end=5, label="factual", annotator="t")
        assert tx.add_claim(c1)
        assert not tx.add_claim(c1)  # same id
        # same article, span and label
        assert not tx.add_claim(msgspec.structs.replace(c1, id="other-id"))
        assert tx.add_claim(msgspec.structs.replace(c1, id="other-label", label="opinion"))
        assert not tx.add_claim(kept)  # already in the store
        # same span as a stored claim
        assert not tx.add_claim(msgspec.structs.replace(kept, id="fresh"))
        assert tx.add_correction(nid, {"id": "k1", "start": 0, "end": 5, "text": "Seoul"})
        assert not tx.add_correction(nid, {"id": "k1", "start": 0, "end": 5, "text": "Seoul"})
        with pytest.raises(ValueError):
            tx.add_claim(msgspec.structs.replace(c1, id="bad", end=999))
    assert (tx.articles_added, tx.claims_added, tx.claims_skipped_duplicates) == (1, 2, 4)
    assert tx.corrections_added == 1
    assert [a.id for a in store.articles()] == [existing, nid]
    assert store.article(nid).claim_count == 2  # type: ignore[union-attr]
    assert len(store.claims(nid)) == 2 and len(store.claims(existing)) == 1
    assert len(store.corrections(nid)) == 1


def test_transaction_failure_leaves_store_unchanged(store: Store, sample_text: str) -> None:
    aid = store.add_article(_src(sample_text)).article.id
    store.save_claim(_claim(store, aid, SENTENCE))
    before = _files(store.root)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.add_article(_src("A brand new article.", "new.txt"))
        tx.add_claim(msgspec.structs.replace(_claim(store, aid, "South Korea"), label="opinion"))
        raise RuntimeError("import failed half-way")
    assert _files(store.root) == before
    assert [a.id for a in store.articles()] == [aid] and len(store.claims(aid)) == 1


def test_transaction_failing_at_commit(
    store: Store, sample_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = store.add_article(_src(sample_text)).article.id
    index_before = (store.root / "index.json").read_bytes()
    real_replace = LOW_LEVEL.replace

    def no_index(src: str, dst: str) -> None:
        if dst.endswith("index.json"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(LOW_LEVEL, "replace", no_index)
    with pytest.raises(StoreWriteError, match="disk is full"), store.transaction() as tx:
        tx.add_article(_src("Another article.", "new.txt"))
        tx.add_claim(_claim(store, aid, SENTENCE))
    monkeypatch.undo()
    assert (store.root / "index.json").read_bytes() == index_before
    assert [a.id for a in store.articles()] == [aid]
    assert store.claims(aid) == []
    listed = sorted(p.name for p in (store.root / "articles").iterdir())
    assert listed == [store.article(aid).file]  # type: ignore[union-attr]


def test_writer_open_cleans_crash_leftovers(tmp_path: Path, sample_text: str) -> None:
    root = tmp_path / "db"
    with Store(root) as store:
        aid = store.add_article(_src(sample_text)).article.id
        live = store.article(aid).file  # type: ignore[union-attr]
    arts = root / "articles"
    stray = arts / f"{article_key(aid)}.0123abcd.json"  # a failed import's new generation
    stray.write_text("{}")
    (arts / (stray.name + ".bak")).write_text("{}")
    leftovers = [root / ".index.json.999.tmp", arts / f".{live}.999.tmp", root / "cache" / ".x.tmp"]
    (root / "cache").mkdir()
    for path in leftovers:
        path.write_text("partial")
    others = [arts / "notes.txt", root / "README.md", arts / "hand-made.json"]
    for path in others:
        path.write_text("not ours")

    with Store(root, readonly=True):
        assert stray.exists() and all(p.exists() for p in leftovers)  # readers clean nothing
    with Store(root) as store:
        assert store.claims(aid) == [] and store.text(aid) == sample_text
    assert not stray.exists() and not (arts / (stray.name + ".bak")).exists()
    assert not any(p.exists() for p in leftovers)
    assert all(p.read_text() == "not ours" for p in others)
    assert (arts / live).exists()


def test_claim_counts_are_right_after_a_crash(
    store: Store, sample_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts reach the index lazily; a store left without `close` (a crash) recounts the
    article files written after its index, and only those."""
    import shutil

    first = store.add_article(_src(sample_text)).article.id
    second = store.add_article(_src(sample_text + "\nMore.", source="b.txt")).article.id
    store.save_session(current=first)  # the index is written: both counts 0 on disk
    store.save_claim(_claim(store, first, SENTENCE))
    store.save_claim(_claim(store, first, "the European Union (EU)"))
    on_disk = json.loads((store.root / "index.json").read_text())
    assert [d["claim_count"] for d in on_disk["articles"].values()] == [0, 0]
    crashed = tmp_path / "crashed"
    shutil.copytree(store.root, crashed)  # the files as a crash leaves them (mtimes kept)
    (crashed / ".lock").unlink()
    read: list[str] = []
    reading = ArticleFiles.usable

    def counting(self: ArticleFiles, doc: dict[str, Any], *, keep: bool = True) -> Any:
        read.append(doc["id"])
        return reading(self, doc, keep=keep)

    monkeypatch.setattr(ArticleFiles, "usable", counting)
    with Store(crashed) as again:
        assert read == [first]  # only the file written after the index
        counts = {a.id: a.claim_count for a in again.articles()}
        assert counts == {first: 2, second: 0}
    on_disk = json.loads((crashed / "index.json").read_text())
    assert sorted(d["claim_count"] for d in on_disk["articles"].values()) == [0, 2]


def test_transaction_replaces_an_older_version_only_when_asked(
    store: Store, sample_text: str
) -> None:
    aid = store.add_article(_src(sample_text)).article.id
    kept = msgspec.structs.replace(_claim(store, aid, SENTENCE), updated="2026-11-28T08:00:00Z")
    store.save_claim(kept)
    later = msgspec.structs.replace(kept, verdict="false", updated="2026-11-28T09:00:00Z")
    older = msgspec.structs.replace(kept, verdict="true", updated="2026-11-28T07:00:00Z")
    with store.transaction() as tx:
        assert not tx.add_claim(later)  # not asked: the stored one stays
        assert not tx.add_claim(older, replace_older=True)  # older: stays
        assert not tx.add_claim(kept, replace_older=True)  # the same: stays
        assert tx.add_claim(later, replace_older=True)
    assert (tx.claims_added, tx.claims_updated) == (0, 1)
    [stored] = store.claims(aid)
    assert stored.verdict == "false" and stored.updated == later.updated


def test_records_under_keys_that_are_not_doc_ids_are_kept_and_the_file_still_saves(
    store: Store, sample_text: str
) -> None:
    """A file edited by hand or by another tool may key records `"abc"` or `"01"`: TinyDB
    cannot write such a table, so they get free numbers at load; nothing is lost."""
    aid = store.add_article(_src(sample_text)).article.id
    first = _claim(store, aid, SENTENCE)
    store.save_claim(first)
    path = store.root / "articles" / store.article(aid).file  # type: ignore[union-attr]
    store.close()
    data = json.loads(path.read_text("utf-8"))
    data["claims"] = {"abc": data["claims"]["1"], "01": {"note": "not a claim"}}
    path.write_text(json.dumps(data), "utf-8")
    with Store(store.root) as again:
        assert [c.id for c in again.claims(aid)] == [first.id]
        second = _claim(again, aid, "the European Union (EU)")
        again.save_claim(second)
        assert {c.id for c in again.claims(aid)} == {first.id, second.id}
    saved = json.loads(path.read_text("utf-8"))["claims"]
    assert sorted(saved) == ["1", "2", "3"]
    assert {"note": "not a claim"} in saved.values()
