"""Unreadable store files, invalid records and failing writes."""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reader.claims import make_claim
from reader.records import CLAIM_SCHEMA, SourceArticle
from reader.store import Store, StoreFileError, StoreWriteError
from reader.store.storage import LOW_LEVEL, AtomicJSONStorage

SENTENCE = (
    "They agreed to collaborate to counter the growing military cooperation between "
    "Moscow and Pyongyang."
)


def _make_store(root: Path, text: str) -> tuple[str, dict[str, Any]]:
    with Store(root) as store:
        aid = store.add_article(SourceArticle(title="t", text=text, source="eu.txt")).article.id
        start = text.index(SENTENCE)
        claim = make_claim(
            article_id=aid,
            text=text,
            start=start,
            end=start + len(SENTENCE),
            label="factual",
            annotator="t",
        )
        store.save_claim(claim)
        store.save_session(current=aid)
    return aid, claim


def _garbage(raw: bytes) -> bytes:
    return b"\x00\xffnot json at all"


def _truncated(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


def _empty(raw: bytes) -> bytes:
    return b""


def _newer_schema(raw: bytes) -> bytes:
    data = json.loads(raw)
    for table in data.values():
        for doc in table.values():
            doc["schema"] = 99
        if table:
            break
    data.setdefault("claims", {})["77"] = {"id": "future", "schema": 99}
    return json.dumps(data).encode()


def _not_tables(raw: bytes) -> bytes:
    return b"[1, 2, 3]"


DAMAGE: list[Callable[[bytes], bytes]] = [_garbage, _truncated, _empty, _newer_schema, _not_tables]


def _try_writes(store: Store, aid: str, claim: dict[str, Any], text: str) -> None:
    attempts: list[Callable[[], object]] = [
        lambda: store.save_claim(msgspec.structs.replace(claim, note="changed")),
        lambda: store.delete_claim(aid, claim.id),
        lambda: store.add_article(SourceArticle(title="n", text="New text.", source="n.txt")),
        lambda: store.update_article(aid, position=3),
        lambda: store.save_session(current="x"),
        lambda: store.save_correction(aid, {"id": "c"}),
        lambda: store.add_rejected(aid, {"x": 1}),
    ]
    for attempt in attempts:
        with pytest.raises((StoreWriteError, KeyError)):
            attempt()


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
def test_damaged_index_is_reported_and_never_written(
    tmp_path: Path, sample_text: str, damage: Callable[[bytes], bytes]
) -> None:
    root = tmp_path / "db"
    aid, claim = _make_store(root, sample_text)
    index = root / "index.json"
    index.write_bytes(damage(index.read_bytes()))
    before = index.read_bytes()
    store = Store(root)
    assert store.readonly and "index.json" in store.readonly_reason
    assert [p.path for p in store.problems] == [index]
    assert store.problems[0].message
    _try_writes(store, aid, claim, sample_text)
    store.close()
    assert index.read_bytes() == before
    # An index that cannot be read never leads to deleting article files.
    assert len(list((root / "articles").glob("*.json"))) == 1


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
def test_damaged_article_file_is_reported_and_never_written(
    tmp_path: Path, sample_text: str, damage: Callable[[bytes], bytes]
) -> None:
    root = tmp_path / "db"
    aid, claim = _make_store(root, sample_text)
    path = next((root / "articles").glob("*.json"))
    path.write_bytes(damage(path.read_bytes()))
    before = path.read_bytes()
    store = Store(root)
    assert [a.id for a in store.articles()] == [aid]  # the index is fine
    assert store.claims(aid) == []
    assert not store.readonly and store.unreadable == {aid}  # that article alone
    assert [p.path for p in store.problems] == [path]
    with pytest.raises(StoreFileError):
        store.text(aid)
    assert list(store.iter_claims()) == []
    for attempt in (
        lambda: store.save_claim(msgspec.structs.replace(claim, note="changed")),
        lambda: store.delete_claim(aid, claim.id),
        lambda: store.save_correction(aid, {"id": "c"}),
        lambda: store.add_rejected(aid, {"x": 1}),
    ):
        with pytest.raises(StoreWriteError, match="this article is read-only"):
            attempt()
    # the rest of the store goes on: a new article, its claims, the session
    other = store.add_article(SourceArticle(title="n", text="New text here.", source="n.txt"))
    new_id = other.article.id
    store.save_claim(make_claim(article_id=new_id, text="New text here.", start=0, end=3,
                                label="factual", annotator="t"))
    store.save_session(current=new_id)
    store.close()
    assert path.read_bytes() == before
    with Store(root) as again:
        assert len(again.claims(new_id)) == 1 and again.unreadable == set()
        again.claims(aid)
        assert again.unreadable == {aid}


def test_storage_refuses_to_write_after_a_bad_read(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    newer = json.dumps({"t": {"1": {"schema": CLAIM_SCHEMA + 1}}})
    path.write_text(newer)
    storage = AtomicJSONStorage(path)
    with pytest.raises(StoreFileError, match="newer version"):
        storage.read()
    with pytest.raises(StoreWriteError):
        storage.write({"t": {}})
    assert path.read_text() == newer
    with pytest.raises(StoreWriteError):
        AtomicJSONStorage(tmp_path / "y.json", readonly=True).write({})
    assert not (tmp_path / "y.json").exists()


def test_invalid_records_are_reported_skipped_and_kept(tmp_path: Path, sample_text: str) -> None:
    root = tmp_path / "db"
    aid, claim = _make_store(root, sample_text)
    path = next((root / "articles").glob("*.json"))
    data = json.loads(path.read_text())
    bad = {
        "90": {**claim.to_record(), "id": "past-end", "start": 10, "end": len(sample_text) + 10},
        "91": {**claim.to_record(), "id": "wrong-type", "start": "10"},
        "92": {"id": "missing-fields", "quote": "x"},
    }
    data["claims"].update(bad)
    path.write_text(json.dumps(data))
    with Store(root) as store:
        assert [c.id for c in store.claims(aid)] == [claim.id]
        assert not store.readonly  # a valid file with bad records stays writable
        messages = " | ".join(p.message for p in store.problems)
        for rid in ("past-end", "wrong-type", "missing-fields"):
            assert rid in messages
        assert all(p.path == path for p in store.problems)
        assert [c.id for _, c in store.iter_claims()] == [claim.id]
        text = store.text(aid)
        new = make_claim(article_id=aid, text=text, start=0, end=2, label="quote", annotator="t")
        store.save_claim(new)
        # Re-anchoring after a text change leaves invalid records alone as well.
        store.add_article(SourceArticle(title="t", text="Lead.\n" + text, source="eu.txt"))
        path = root / "articles" / store.article(aid).file  # type: ignore[union-attr]
    kept = json.loads(path.read_text())["claims"]
    by_id = {c["id"]: c for c in kept.values()}
    for rid, doc in bad.items():
        assert by_id[doc["id"]] == doc, rid
    assert {claim.id, new.id} <= set(by_id)


ERRORS = [errno.ENOSPC, errno.EROFS, errno.EACCES]


@pytest.mark.parametrize("err", ERRORS, ids=errno.errorcode.get)
@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_write_errors_keep_the_old_file(
    tmp_path: Path, sample_text: str, monkeypatch: pytest.MonkeyPatch, err: int, step: str
) -> None:
    root = tmp_path / "db"
    aid, claim = _make_store(root, sample_text)
    store = Store(root)
    path = root / "articles" / store.article(aid).file  # type: ignore[union-attr]
    before = path.read_bytes()

    def fail(*args: object) -> None:
        raise OSError(err, "injected")

    monkeypatch.setattr(LOW_LEVEL, step, fail)
    text = store.text(aid)
    new = make_claim(article_id=aid, text=text, start=0, end=9, label="quote", annotator="t")
    with pytest.raises(StoreWriteError) as info:
        store.save_claim(new)
    assert str(path) in str(info.value) and "could not save" in info.value.message
    assert path.read_bytes() == before
    assert not [p for p in root.rglob("*.tmp")]
    assert [c.id for c in store.claims(aid)] == [claim.id]  # memory matches the disk
    monkeypatch.undo()
    store.save_claim(new)  # the caller's retry succeeds
    store.close()
    with Store(root) as again:
        assert {c.id for c in again.claims(aid)} == {claim.id, new.id}


def test_index_write_error_keeps_index(
    tmp_path: Path, sample_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "db"
    aid, _ = _make_store(root, sample_text)
    index = root / "index.json"
    before = index.read_bytes()
    with Store(root) as store:
        monkeypatch.setattr(
            LOW_LEVEL,
            "write",
            lambda fd, data: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")),
        )
        with pytest.raises(StoreWriteError, match="disk is full"):
            store.update_article(aid, position=42)
        assert index.read_bytes() == before
        assert store.article(aid).position == 0  # type: ignore[union-attr]
        monkeypatch.undo()
        store.update_article(aid, position=42)
    with Store(root) as again:
        assert again.article(aid).position == 42  # type: ignore[union-attr]
