"""What a save and an article switch cost in file reads and writes, counted at the storage
(TinyDB's `Storage` interface: `read`, and `read_uncached` for a caller that keeps the data;
`write`)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reader.claims import make_claim
from reader.records import SourceArticle
from reader.store import storage
from reader.store.store import Store
from tests.apphelpers import make_app, wait_for


class Counts:
    """Reads and writes per file name, from the moment `start()` is called."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reads: Counter[str] = Counter()
        self.writes: Counter[str] = Counter()
        cls = storage.AtomicJSONStorage
        read, read_uncached, write = cls.read, cls.read_uncached, cls.write

        def counted_read(this: storage.AtomicJSONStorage) -> Any:
            self.reads[this.path.name] += 1
            return read(this)

        def counted_read_uncached(this: storage.AtomicJSONStorage) -> Any:
            self.reads[this.path.name] += 1
            return read_uncached(this)

        def counted_write(this: storage.AtomicJSONStorage, data: Any, **kwargs: Any) -> None:
            self.writes[this.path.name] += 1
            write(this, data, **kwargs)

        self._patches = [("read", counted_read), ("read_uncached", counted_read_uncached),
                         ("write", counted_write)]
        self._monkeypatch = monkeypatch

    def start(self) -> None:
        for name, function in self._patches:
            self._monkeypatch.setattr(storage.AtomicJSONStorage, name, function)


def _article(tmp_path: Path, name: str, text: str) -> SourceArticle:
    return SourceArticle(title=name, text=text, source=str(tmp_path / f"{name}.txt"))


def test_a_save_reads_the_article_file_at_most_once_and_writes_it_once(
    tmp_path: Path, sample_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(tmp_path / "db") as store:
        article = store.add_article(_article(tmp_path, "eu", sample_text)).article
        other = store.add_article(_article(tmp_path, "other", "Another text. " * 40)).article
    counts = Counts(monkeypatch)
    with Store(tmp_path / "db") as store:
        text = store.text(article.id)  # the article on screen: its file is read here
        file_name = article.file
        counts.start()
        for number in range(5):
            claim = make_claim(article_id=article.id, text=text, start=number * 20,
                               end=number * 20 + 12, label="factual", annotator="t")
            store.save_claim(claim)
            # an edit: replaced by id
            store.save_claim(msgspec.structs.replace(claim, note="edited"))
        assert counts.reads[file_name] == 0  # was 3 per save: each a copy of the whole file
        assert counts.writes[file_name] == 10
        assert len(store.claims(article.id)) == 5
        # a save of an article not read yet reads its file once
        other_text = store.text(other.id)
        store.save_claim(make_claim(article_id=other.id, text=other_text, start=0, end=7,
                                    label="factual", annotator="t"))
        assert counts.reads[other.file] == 1
        assert counts.writes[other.file] == 1
        assert counts.writes["index.json"] == 0  # counts reach the index later (lazily)
    stored = json.loads((tmp_path / "db" / "articles" / file_name).read_text("utf-8"))
    assert sorted(c["note"] for c in stored["claims"].values()) == ["edited"] * 5


async def test_an_article_switch_writes_the_index_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = []
    for number in range(3):
        path = tmp_path / f"a{number}.txt"
        path.write_text(f"Article {number}. " + "Some words to read here. " * 30, "utf-8")
        paths.append(path)
    counts = Counts(monkeypatch)
    app = make_app(tmp_path / "db", paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one("#article").text.startswith(
            "Article 0"))
        await pilot.pause()
        counts.start()
        for number in (1, 2):
            await pilot.press("w", "w", "right_square_bracket")
            await wait_for(pilot, lambda n=number: app.screen.query_one(  # type: ignore[misc]
                "#article").text.startswith(f"Article {n}"))
            await pilot.pause()
            await pilot.pause()
            # the position left and the session (current article): one write, was two
            assert counts.writes["index.json"] == number
        session = app.store.session()
        stored = app.store.articles()
    assert session["current"] == stored[2].id
    assert stored[0].position and stored[1].position
