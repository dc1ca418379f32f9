"""`reader ingest`: load a corpus into a store and cache entities with the tiny pipeline."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from reader.commands import ingest_cmd
from reader.nlp.models import model_key
from reader.records import Entity, text_hash

TEXTS = [
    "Josep Borrell visited Seoul on Monday.",
    "Nothing to see here.",
    "North Korea sent 8,000 troops to Russia, said Cho Tae-yul.",
    "The European Union met in Moscow.\n\nUkraine and the UNSC were discussed on Thursday.",
    "Josep Borrell visited Seoul on Monday.",  # same text twice: one cache entry
]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reader ingest")
    ingest_cmd.add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"id": f"a{i}", "title": f"T{i}", "text": t}) for i, t in enumerate(TEXTS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ingest_caches_entities_then_skips_them(
    corpus: Path, tmp_path: Path, tiny_model_path: Path, tiny_nlp, capsys
) -> None:
    from reader.store.store import Store

    db = tmp_path / "db"
    model = str(tiny_model_path)
    args = parse(str(corpus), "--model", model, "--processes", "2", "--db", str(db))
    assert ingest_cmd.run(args) == 0
    err = capsys.readouterr().err
    assert "5 articles (4 new), 0 already have entities" in err
    assert "1 duplicate text merged (4 distinct articles)" in err
    assert "ner 4/4 articles" in err
    assert "cached entities for 4/4 articles" in err

    name, version = model_key(str(tiny_model_path))
    with Store(db, readonly=True) as store:
        assert len(store.articles()) == 4  # the repeated text is one article
        for text in TEXTS:
            cached = store.cached_entities(text_hash(text), name, version)
            expected = [Entity(e.start_char, e.end_char, e.label_) for e in tiny_nlp(text).ents]
            assert cached == expected and cached is not None
        first = store.cached_entities(text_hash(TEXTS[0]), name, version) or []
        assert Entity(0, 13, "PERSON") in first
        assert store.cached_entities(text_hash(TEXTS[0]), name, "9.9") is None
        # the Articles tab's counts: the model's entities of each article
        counts = {a.text_hash: a.entity_count for a in store.articles()}
        assert counts == {text_hash(t): len(tiny_nlp(t).ents) for t in TEXTS}

    assert ingest_cmd.run(args) == 0
    err = capsys.readouterr().err
    assert "5 articles (0 new), 4 already have entities" in err
    assert "ner " not in err
    # a count lost (an older store said 0 for "not counted") is put right from the cache
    with Store(db) as store:
        first = store.articles()[0]
        store.update_article(first.id, entity_count=None)
    assert ingest_cmd.run(args) == 0
    with Store(db, readonly=True) as store:
        assert store.article(first.id).entity_count == first.entity_count  # type: ignore[union-attr]


def test_nothing_loaded_exits_2(tmp_path: Path, tiny_model_path: Path, capsys) -> None:
    args = parse(str(tmp_path / "missing.txt"), "--model", str(tiny_model_path),
                 "--db", str(tmp_path / "db"))
    assert ingest_cmd.run(args) == 2
    err = capsys.readouterr().err
    assert "missing.txt: no such file" in err and "nothing could be loaded" in err


def test_unknown_model_exits_2(corpus: Path, tmp_path: Path, capsys) -> None:
    args = parse(str(corpus), "--model", "no_such_model_xyz", "--db", str(tmp_path / "db"))
    assert ingest_cmd.run(args) == 2
    assert "no_such_model_xyz" in capsys.readouterr().err


def test_progress_line_in_place_on_a_terminal() -> None:
    class Tty:
        def __init__(self) -> None:
            self.out: list[str] = []

        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> None:
            self.out.append(text)

        def flush(self) -> None:
            pass

    tty = Tty()
    progress = ingest_cmd.Progress(10, 1000, tty)  # type: ignore[arg-type]
    progress.done, progress.done_chars = 5, 500
    progress.show(force=True)
    progress.end()
    assert tty.out[0].startswith("\rner 5/10 articles, ") and tty.out[0].endswith("left\x1b[K")
    assert tty.out[-1] == "\n"
    assert ingest_cmd._duration(3725) == "1:02:05" and ingest_cmd._duration(65) == "1:05"


def test_ctrl_c_keeps_what_was_cached(
    corpus: Path, tmp_path: Path, tiny_model_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(ingest_cmd, "JOB_ARTICLES", 1)  # one article per request
    calls = []

    def show(self: ingest_cmd.Progress, force: bool = False) -> None:
        calls.append(self.done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(ingest_cmd.Progress, "show", show)
    model = str(tiny_model_path)
    args = parse(str(corpus), "--model", model, "--processes", "1", "--db", str(tmp_path / "db"))
    assert ingest_cmd.run(args) == 130
    assert "interrupted after caching entities for 2/4 articles" in capsys.readouterr().err
    monkeypatch.undo()
    assert ingest_cmd.run(args) == 0
    assert "2 already have entities" in capsys.readouterr().err
