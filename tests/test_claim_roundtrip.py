"""`reader export` -> `reader import` into an empty store -> `reader export`, with the real
binary: the same claims for articles read from a file and from JSONL corpus lines; a corpus
line found by its text hash when the lines moved; claims whose files are gone are named."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from reader.claims import make_claim
from reader.store.store import Store
from reader.text.loading import load_paths

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "reader" / "data" / "eu-korea-joint-statement.txt"
CORPUS_TEXTS = [
    "Exports rose 4% in March, the ministry said.",
    "The mayor said the bridge will open in 2027.",
    "Inflation fell to 2.1% in May, according to the central bank.",
    "Rainfall was 30% above average this spring.",
    "The company said it hired 1,200 people last year.",
]


def reader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "reader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def _write_corpus(path: Path, texts: list[str]) -> None:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")


def _store_with_claims(root: Path, paths: list[Path]) -> int:
    """A store of every article in `paths`, claims on the file and on two corpus lines."""
    loaded = load_paths(paths).articles
    count = 0
    with Store(root) as store, store.transaction() as tx:
        for article in loaded:
            aid = tx.add_article(article).article.id
            if article.source.endswith(("#1", "#4")):
                continue  # corpus lines without claims
            words = article.text.split(" ")
            for i, (first, last) in enumerate(((0, 3), (2, 5))):
                start = len(" ".join(words[:first])) + (1 if first else 0)
                end = len(" ".join(words[:last]))
                tx.add_claim(make_claim(
                    article_id=aid, text=article.text, start=start, end=end, label="factual",
                    annotator="ana", speaker="the ministry" if i else "",
                    speaker_confirmed=bool(i), verdict="false" if i else "unverified"))
                count += 1
    return count


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _by_id(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {line["id"]: line for line in lines}


def test_export_import_export_gives_the_same_claims(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    corpus = data / "corpus.jsonl"
    _write_corpus(corpus, CORPUS_TEXTS)
    article = data / "eu.txt"
    shutil.copy(SAMPLE, article)
    count = _store_with_claims(tmp_path / "db", [corpus, article])
    assert count == 8  # corpus lines 2, 3, 5 and the file, two claims each
    out = tmp_path / "out"
    out.mkdir()
    first = out / "first.jsonl"
    done = reader("export", "--db", str(tmp_path / "db"), "--out", str(first), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sources = {line["article"]["source"] for line in _lines(first)}
    assert {s.rpartition("#")[2] for s in sources if "#" in s} == {"2", "3", "5"}

    done = reader("import", str(first), "--db", str(tmp_path / "new"), cwd=out)
    assert done.returncode == 0, done.stderr
    assert "8 added" in done.stderr and "0 skipped" in done.stderr, done.stderr
    second = out / "second.jsonl"
    done = reader("export", "--db", str(tmp_path / "new"), "--out", str(second), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _by_id(_lines(second)) == _by_id(_lines(first))

    # A line was added at the top of the corpus: every line moved down by one. The hash of
    # line 3 is now another article's: the line whose hash is the article id is taken.
    _write_corpus(corpus, ["A new first line.", *CORPUS_TEXTS])
    done = reader("import", str(first), "--db", str(tmp_path / "moved"), cwd=out)
    assert done.returncode == 0, done.stderr
    assert "8 added" in done.stderr and "0 skipped" in done.stderr, done.stderr
    with Store(tmp_path / "moved", readonly=True) as store:
        placed = {c.quote: (a.source, store.text(a.id)) for a, c in store.iter_claims()}
    for quote, (source, text) in placed.items():
        assert quote in text
        if "#" in source:
            line = int(source.rpartition("#")[2])
            assert CORPUS_TEXTS[line - 2] == text  # the line that holds it now

    # The files are gone: every claim is named on stderr, none is lost silently.
    shutil.rmtree(data)
    done = reader("import", str(first), "--db", str(tmp_path / "gone"), cwd=out)
    assert "0 added" in done.stderr
    for line in _lines(first):
        assert line["id"] in done.stderr, line["id"]
    assert done.stderr.count("not imported") >= 8


def test_a_corpus_line_with_other_text_is_never_guessed(tmp_path: Path) -> None:
    """No line of the corpus has the article's hash any more: the claims are named, and no
    other line's text takes them."""
    corpus = tmp_path / "corpus.jsonl"
    _write_corpus(corpus, CORPUS_TEXTS)
    _store_with_claims(tmp_path / "db", [corpus])
    first = tmp_path / "first.jsonl"
    assert reader("export", "--db", str(tmp_path / "db"), "--out", str(first),
                  cwd=tmp_path).returncode == 0
    edited = [t.replace(".", "!") for t in CORPUS_TEXTS]
    _write_corpus(corpus, edited)
    done = reader("import", str(first), "--db", str(tmp_path / "new"), cwd=tmp_path)
    assert "0 added" in done.stderr and "no line of it has the article's text" in done.stderr
    with Store(tmp_path / "new", readonly=True) as store:
        assert list(store.iter_claims()) == []
