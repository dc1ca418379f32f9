"""Fuzz: store dumps, store files and peer files with random types in every field.

Import either refuses the file with one line (exit 2) or imports it; the store then opens
everything the app reads (texts, claims, corrections, corpus rules, cached entities, the
session) without an error, every string it hands out is clean, and `db check` agrees: a record
the store skips is one `db check` reports, and after an import nothing is skipped at all.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.claims import claim_at, make_claim
from reader.commands import export_cmd, import_cmd
from reader.corrections import apply_corrections
from reader.records import SourceArticle, text_hash
from reader.screens.entity_form import correction_spans, describe_correction
from reader.store import Store
from reader.store.check import check_store
from reader.store.errors import StoreFileError
from reader.text.sanitize import FORBIDDEN

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TEXT = "Seoul said on Monday that the talks went well. Moscow did not comment.\n"
AID = text_hash(TEXT)

nasty_text = st.lists(st.sampled_from(
    ["a", " ", "\n", "\x1b", "\x07", "\x9b", "\u202e", "\ud800", "\udfff", "[b]", "²", "7"]),
    max_size=8).map("".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 80),
                    st.integers(min_value=10**20, max_value=10**30),
                    st.floats(allow_nan=False, allow_infinity=False), nasty_text)
anything = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(nasty_text, inner, max_size=3)), max_leaves=6)


def field_value(good: Any) -> st.SearchStrategy[Any]:
    """Mostly a good value, often anything at all."""
    return st.one_of(st.just(good), anything)


def record(good: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`good` with each field kept, replaced by a random value, or dropped."""
    return st.fixed_dictionaries(
        {}, optional={k: field_value(v) for k, v in good.items()})


GOOD_CLAIM = make_claim(article_id=AID, text=TEXT, start=0, end=5, label="factual",
                        annotator="a", tags=["t"]).to_record()
GOOD_CORRECTION = {"id": "c1", "action": "add", "start": 30, "end": 35, "text": TEXT[30:35],
                   "label": "DATE", "new_start": None, "new_end": None, "scope": "mention",
                   "created": "2026-01-01T00:00:00Z", "annotator": "a"}
GOOD_ARTICLE = {"id": AID, "title": "T", "source": "a.txt", "url": "", "date": "",
                "external_id": "", "meta": {}, "text_hash": AID, "added": "2026"}


def _dump(article: dict[str, Any], claims: list[dict[str, Any]],
          corrections: list[dict[str, Any]]) -> str:
    lines: list[Any] = [{"type": "reader-store", "version": 1},
                        {**article, "type": "article", "text": TEXT}]
    lines += [{**c, "type": "claim"} for c in claims]
    lines += [{**c, "type": "correction", "article_id": AID} for c in corrections]
    return "".join(json.dumps(line) + "\n" for line in lines)


@st.composite
def peer_file(draw: Any) -> tuple[str, dict[str, str]]:
    """(format, {file name: content}) of one peer file with random types in its fields."""
    kind = draw(st.sampled_from(["store", "jsonl", "label-studio", "doccano", "prodigy",
                                 "brat"]))
    if kind == "store":
        article = draw(record(GOOD_ARTICLE))
        article.setdefault("id", AID)
        claims = draw(st.lists(record({**GOOD_CLAIM, "article_id": AID}), max_size=3))
        for claim in claims:
            claim["article_id"] = AID
        corrections = draw(st.lists(record(GOOD_CORRECTION), max_size=3))
        return kind, {"dump.jsonl": _dump(article, claims, corrections)}
    if kind == "jsonl":
        claims = draw(st.lists(record(GOOD_CLAIM), min_size=1, max_size=3))
        lines = [{**c, "article_id": c.get("article_id", AID),
                  "article": draw(field_value({"id": AID, "title": "T"}))} for c in claims]
        return kind, {"claims.jsonl": "".join(json.dumps(line) + "\n" for line in lines)}
    span = {"start": 0, "end": 5, "text": "Seoul", "labels": ["GPE"]}
    if kind == "label-studio":
        value = draw(record(span))
        task = {"data": draw(field_value({"text": TEXT})),
                "annotations": draw(field_value(
                    [{"result": draw(field_value([{"value": value, "type": "labels"}]))}]))}
        return kind, {"tasks.json": json.dumps([task])}
    if kind == "doccano":
        label = draw(field_value([[0, 5, "GPE"], [30, 35, "DATE"]]))
        line = {"text": draw(field_value(TEXT)), "label": label}
        return kind, {"doc.jsonl": json.dumps(line) + "\n"}
    if kind == "prodigy":
        spans = draw(field_value([draw(record({"start": 0, "end": 5, "label": "GPE"}))]))
        line = {"text": draw(field_value(TEXT)), "spans": spans,
                "answer": draw(field_value("accept"))}
        return kind, {"task.jsonl": json.dumps(line) + "\n"}
    start = draw(st.one_of(st.just("0"), st.integers(-3, 10**6).map(str), st.just("9" * 5000),
                           nasty_text))
    label = draw(st.one_of(st.just("GPE"), nasty_text))
    ann = f"T1\t{label} {start} 5\tSeoul\nT2\tDATE 30 35\tMonday\n#1\tNote T1\t{label}\n"
    return kind, {"doc.ann": ann, "doc.txt": TEXT}


def _run(module: Any, *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = int(module.run(parser.parse_args(list(argv))))
    return status, err.getvalue()


def _unsafe(value: Any) -> bool:
    if isinstance(value, str):
        return any(ch in FORBIDDEN for ch in value)
    if isinstance(value, dict):
        return any(_unsafe(k) or _unsafe(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_unsafe(v) for v in value)
    return False


def open_like_the_app(root: Path) -> Store:
    """Everything the app reads and draws of every article; raises on what it could not."""
    store = Store(root, readonly=True)
    rules = store.corpus_corrections()
    seen: list[Any] = [store.articles(), rules, store.session()]
    for article in store.articles():
        try:
            text = store.text(article.id)
        except StoreFileError:  # the app says FILE UNREADABLE and why (a newer schema, say)
            assert article.id in store.unreadable
            assert store.problems, "an unusable article file is reported"
            continue
        claims = store.claims(article.id)
        corrections = [*rules, *store.corrections(article.id)]
        cached = store.cached_entities(article.text_hash, "m", "1") or []
        entities = apply_corrections(cached, corrections, text)
        for corr in corrections:
            describe_correction(corr)
            correction_spans(corr, text)
        for claim in claims:
            claim_at(claims, claim.start)
            str(claim.label) + ", ".join(claim.tags) + claim.speaker + claim.note
        seen += [article, claims, corrections, entities]
    assert not _unsafe(seen), "a raw control character reached what the app draws"
    return store


def agree(root: Path, store: Store) -> None:
    """`db check` reports every record the store skipped (per table, at least as many)."""
    report = check_store(root)
    skipped = [p.message for p in store.problems]
    flagged = [f.record for f in report.errors]
    for table, said in (("claims/", "claim "), ("corrections/", "corrections #"),
                        ("articles/", "article ")):
        assert sum(r.startswith(table) for r in flagged) >= sum(m.startswith(said)
                                                                 for m in skipped), (
            table, skipped, [f.line() for f in report.errors])


@SETTINGS
@given(peer_file())
def test_fuzz_import_refuses_in_one_line_or_the_app_opens_the_result(
    case: tuple[str, dict[str, str]]
) -> None:
    kind, files = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "db"
        if kind == "jsonl":  # our own JSONL names a stored article
            with Store(db) as store:
                store.add_article(SourceArticle(title="T", text=TEXT, source="a.txt"))
        for name, content in files.items():
            (root / name).write_text(content, encoding="utf-8", errors="surrogatepass")
        target = root / next(iter(files))
        fmt = "label-studio" if kind == "label-studio" else kind
        status, err = _run(import_cmd, str(target), "--db", str(db), "--format", fmt)
        assert status in (0, 2), err
        assert "Traceback" not in err and not _unsafe(err.replace("\n", "")), err
        if status == 2 and not (db / "index.json").exists():
            assert len(err.strip().splitlines()) == 1, err
            return
        if not (db / "index.json").exists():
            return  # read, and nothing in it to import (every task skipped, each said)
        store = open_like_the_app(db)
        try:
            assert store.problems == [], [str(p) for p in store.problems]
            report = check_store(db)
            assert report.errors == [], [f.line() for f in report.errors]
            out = root / "out.csv"
            assert _run(export_cmd, "--db", str(db), "--format", "csv", "--out", str(out))[0] == 0
        finally:
            store.close()


@st.composite
def store_files(draw: Any) -> dict[str, Any]:
    """Random records in an article file, in the index's corpus rules and article records,
    and in a cache file."""
    claims = draw(st.lists(st.one_of(record(GOOD_CLAIM), anything), max_size=3))
    corrections = draw(st.lists(st.one_of(record(GOOD_CORRECTION), anything), max_size=3))
    rules = draw(st.lists(record({**GOOD_CORRECTION, "scope": "corpus"}), max_size=2))
    index_fields = draw(record({"title": "T", "position": 0, "meta": {}, "claim_count": 1,
                                "word_count": 3, "entity_count": None, "url": "", "date": ""}))
    cached = draw(field_value([[0, 5, "GPE"], [30, 35, "DATE"]]))
    return {"claims": claims, "corrections": corrections, "rules": rules,
            "index": index_fields, "cached": cached}


@SETTINGS
@given(store_files())
def test_fuzz_store_files_open_and_db_check_agrees(files: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db"
        with Store(db) as store:
            aid = store.add_article(SourceArticle(title="T", text=TEXT, source="a.txt")
                                    ).article.id
            store.put_cached_entities(text_hash(TEXT), "m", "1", [])
            name = store.article(aid).file  # type: ignore[union-attr]
        path = db / "articles" / name
        data = json.loads(path.read_text(encoding="utf-8"))
        data["claims"] = {str(i): {**c, "article_id": aid} if isinstance(c, dict) else c
                          for i, c in enumerate(files["claims"], 1)}
        data["corrections"] = {str(i): c for i, c in enumerate(files["corrections"], 1)}
        path.write_text(json.dumps(data), encoding="utf-8")
        index = json.loads((db / "index.json").read_text(encoding="utf-8"))
        index["articles"]["1"].update(files["index"])
        index["corrections"] = {str(i): c for i, c in enumerate(files["rules"], 1)}
        (db / "index.json").write_text(json.dumps(index), encoding="utf-8")
        cache = next((db / "cache").glob("*.json"))
        table = json.loads(cache.read_text(encoding="utf-8"))
        table["entities"]["1"]["entities"] = files["cached"]
        cache.write_text(json.dumps(table), encoding="utf-8")

        store = open_like_the_app(db)
        try:
            agree(db, store)
            report = check_store(db)
            if not report.errors:
                assert store.problems == [], [str(p) for p in store.problems]
        finally:
            store.close()


def test_a_claim_of_a_newer_schema_makes_its_article_unreadable_and_db_check_says_so(
    tmp_path: Path,
) -> None:
    """The record rule: a record newer than this reader is never rewritten or half-read; its
    article is read-only (unreadable here), the reason names the newer version, db check agrees.
    (A fuzz run found the app-like open raising on it.)"""
    from reader.records import CLAIM_SCHEMA

    db = tmp_path / "db"
    with Store(db) as store:
        aid = store.add_article(SourceArticle(title="T", text=TEXT, source="a.txt")
                                ).article.id
        name = store.article(aid).file  # type: ignore[union-attr]
    path = db / "articles" / name
    data = json.loads(path.read_text(encoding="utf-8"))
    claim = make_claim(article_id=aid, text=TEXT, start=0, end=5, label="factual",
                       annotator="p")
    data["claims"] = {"1": {**claim.to_record(), "schema": CLAIM_SCHEMA + 1}}
    before = json.dumps(data)
    path.write_text(before, encoding="utf-8")
    store = open_like_the_app(db)
    try:
        assert aid in store.unreadable
        assert any("newer version" in p.message for p in store.problems)
        agree(db, store)
    finally:
        store.close()
    assert path.read_text(encoding="utf-8") == before
