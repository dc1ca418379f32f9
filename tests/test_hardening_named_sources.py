"""An untrusted claims file names local files: `reader import` reads one only when a claim
anchors in it, says which it read, never follows a symlink out of the imported folder, and
stores nothing of a file when nothing of it was imported. Also: claims with wrong offsets on
an article whose text did not change are not called re-anchored in changed text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.claims import make_claim
from reader.records import SourceArticle, text_hash
from reader.store import Store

SECRET = "Private notes: the password is hunter2 and the safe code is 4711.\n"
ARTICLE = "The minister said taxes rose by 5 percent in 2023. Unemployment fell to 3 percent.\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd, stdin=subprocess.DEVNULL)


def store_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(db.rglob("*")) if p.is_file())


def claim_line(text: str, quote: str, **article: str) -> str:
    """One line of our JSONL naming an article the store does not have."""
    start = text.find(quote)
    start = 0 if start < 0 else start
    return json.dumps({
        "id": "c1", "article_id": text_hash(text), "start": start, "end": start + len(quote),
        "quote": quote, "prefix": "", "suffix": "", "label": "factual",
        "article": {"id": text_hash(text), "title": "t", "source": "", **article},
    }) + "\n"


@pytest.mark.parametrize("field", ["source", "path"])
def test_a_named_file_no_claim_anchors_in_is_not_stored(tmp_path: Path, field: str) -> None:
    """The claim file names a private file (as its source, or as the article's recorded path)
    with a claim that does not anchor in it: nothing of it reaches the store."""
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    peer = work / "claims.jsonl"
    named = {"source": str(secret)} if field == "source" else {"source": "x.txt",
                                                                "path": str(secret)}
    peer.write_text(claim_line("Some other article text.", "other article", **named),
                    encoding="utf-8")
    result = run("import", "--db", str(work / "db"), str(peer), cwd=work)
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr
    assert "nothing of it stored" in result.stderr, result.stderr
    assert b"hunter2" not in store_bytes(work / "db")
    with Store(work / "db", readonly=True) as store:
        assert store.articles() == []


def test_a_named_file_a_claim_anchors_in_is_read_and_named(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    peer = work / "claims.jsonl"
    peer.write_text(claim_line(ARTICLE, "taxes rose by 5 percent", source=str(source)),
                    encoding="utf-8")
    result = run("import", "--db", str(work / "db"), str(peer), cwd=work)
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stderr and str(source) in result.stderr, result.stderr
    with Store(work / "db", readonly=True) as store:
        [article] = store.articles()
        assert [c.quote for c in store.claims(article.id)] == ["taxes rose by 5 percent"]


def test_symlinks_out_of_the_imported_folder_are_not_followed(tmp_path: Path) -> None:
    """A brat `.txt` that is a symlink to a private file, and a claim file whose source is a
    symlink beside it: neither is read, though the claims would anchor in the private text."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "doc.txt").symlink_to(secret)
    (brat / "doc.ann").write_text("T1\tfactual 15 23\tthe pass\n", encoding="utf-8")
    peer_dir = tmp_path / "peer"
    peer_dir.mkdir()
    (peer_dir / "note.txt").symlink_to(secret)
    (peer_dir / "claims.jsonl").write_text(
        claim_line(SECRET, "password is hunter2", source="note.txt"), encoding="utf-8")
    db = tmp_path / "db"
    for target in (brat, brat / "doc.ann", peer_dir / "claims.jsonl"):
        result = run("import", "--db", str(db), str(target), cwd=tmp_path)
        assert "Traceback" not in result.stderr
        assert result.returncode == 2 or "0 added" in result.stderr, result.stderr
        assert b"hunter2" not in store_bytes(db)
    with Store(db, readonly=True) as store:
        assert store.articles() == []
    inside = brat / "inside.txt"  # a link that stays inside the imported folder is fine
    inside_target = brat / "real" / "inside-real.txt"
    inside_target.parent.mkdir()
    inside_target.write_text(ARTICLE, encoding="utf-8")
    inside.symlink_to(inside_target)
    (brat / "inside.ann").write_text("T1\tfactual 4 12\tminister\n", encoding="utf-8")
    result = run("import", "--db", str(db), str(brat / "inside.ann"), cwd=tmp_path)
    assert result.returncode == 0 and "1 added" in result.stderr, result.stderr


def test_a_brat_text_no_span_matches_is_not_stored(tmp_path: Path) -> None:
    """A `.ann` beside a `.txt` none of whose spans match it: the text is not stored."""
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "doc.txt").write_text(SECRET, encoding="utf-8")
    (brat / "doc.ann").write_text("T1\tfactual 0 7\tPrivaty\nT2\tfactual 9 12\twrong\n",
                                  encoding="utf-8")
    db = tmp_path / "db"
    result = run("import", "--db", str(db), str(brat), cwd=tmp_path)
    assert "nothing of it stored" in result.stderr, result.stderr
    assert "0 articles" in result.stderr
    assert b"hunter2" not in store_bytes(db)


def test_wrong_offsets_on_an_unchanged_article_are_not_called_changed_text(
        tmp_path: Path) -> None:
    db = tmp_path / "db"
    with Store(db) as store:
        aid = store.add_article(SourceArticle(title="t", text=ARTICLE, source="a.txt")
                                ).article.id
    quotes = ["taxes rose", "Unemployment fell", "3 percent"]
    lines = []
    for n, quote in enumerate(quotes):
        start = ARTICLE.index(quote)
        claim = make_claim(article_id=aid, text=ARTICLE, start=start, end=start + len(quote),
                           label="factual", annotator="t")
        record = claim.to_record()
        record["start"] += 2 + n  # bogus offsets; quote, prefix and suffix as they were
        record["end"] += 2 + n
        lines.append(json.dumps({**record, "article": {"id": aid, "source": "a.txt"}}))
    peer = tmp_path / "claims.jsonl"
    peer.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("import", "--db", str(db), str(peer), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "re-anchored in changed text" not in result.stderr, result.stderr
    assert "3 claims placed by their quote" in result.stderr, result.stderr
