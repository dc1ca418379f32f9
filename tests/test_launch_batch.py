"""Opening a folder of many files stores them in one transaction, re-anchoring changed ones."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from reader.claims import make_claim
from reader.launch import build_app
from reader.store.store import Store


def _args(paths: list[Path], db: Path) -> argparse.Namespace:
    return argparse.Namespace(paths=[str(p) for p in paths], db=str(db), model=None,
                              annotator="t", read_only=False)


def _write(folder: Path, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        (folder / f"a{number:03d}.txt").write_text(
            f"Title {number}\n\nJosep Borrell visited Seoul on day {number}. It rained.\n",
            encoding="utf-8",
        )


def test_folder_enters_the_store_in_one_go_and_changes_reanchor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def one_by_one(self: Store, src: object) -> None:
        raise AssertionError("a folder of many files must enter in one transaction")

    monkeypatch.setattr(Store, "add_article", one_by_one)
    folder, db = tmp_path / "in", tmp_path / "db"
    folder.mkdir()
    _write(folder, 12)
    app = build_app(_args([folder], db), ner_factory=lambda: None)
    assert len(app.articles) == 12 and all(a.in_store for a in app.articles)
    app.store.close()
    with Store(db) as store:
        records = store.articles()
        assert len(records) == 12
        third = next(r for r in records if r.source.endswith("a002.txt"))
        text = store.text(third.id)
        start = text.index("It rained.")
        claim = make_claim(article_id=third.id, text=text, start=start,
                           end=start + len("It rained."), label="factual", annotator="t")
        store.save_claim(claim)
    changed = folder / "a002.txt"
    changed.write_text("New lead paragraph.\n\n" + changed.read_text(encoding="utf-8"),
                       encoding="utf-8")
    _write(folder, 10, start=100)  # enough new files for the one-transaction path
    again = build_app(_args([folder], db), ner_factory=lambda: None)
    try:
        assert len(again.articles) == 22
        assert any("a002.txt" in n and "1 claim re-anchored" in n for n in again.workspace.notices)
        article = next(a for a in again.articles if a.source.endswith("a002.txt"))
        [moved] = again.store.claims(article.id)
        assert article.text[moved.start:moved.end] == "It rained."
        assert moved.start == claim.start + len("New lead paragraph.\n\n")
    finally:
        again.store.close()
