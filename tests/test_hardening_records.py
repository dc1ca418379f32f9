"""Records enter through one boundary (import, store load, cache load): every string of every
record is cleaned there and wrong types are refused, so the app, the exports and `db check` all
see the same usable records (issue 13: terminal injection, crashes, wrong exit status)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from reader.claims import make_claim
from reader.commands import db_cmd, export_cmd, import_cmd
from reader.records import SourceArticle, text_hash
from reader.store import Store
from reader.store.check import check_store
from reader.text.sanitize import FORBIDDEN

ESC_TITLE = "\x1b]0;PWNED\x07"
CSI = "\x1b[2J"
C1 = "\x9b31m"
RLO = "\u202e"
HOSTILE = f"h{ESC_TITLE}{CSI}{C1}{RLO}\ud800"
"""An OSC title, a CSI clear, an 8-bit CSI, a bidi override and a lone surrogate."""
TEXT = "Seoul said on Monday that the talks went well. Moscow did not comment.\n"
_UNSAFE_ESCAPE = re.compile(r"\\u(00[01][0-9a-f]|007f|008[0-9a-f]|009[0-9a-f]|202[a-e]|d[89a-f])")


def run(module: Any, *argv: str) -> tuple[int, str, str]:
    """A sub-command run in-process: (status, stdout, stderr)."""
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = int(module.run(parser.parse_args(list(argv))))
    return status, out.getvalue(), err.getvalue()


def unsafe_strings(value: Any, where: str = "") -> list[str]:
    """Every string (dict keys too) in `value` holding a character the sanitiser replaces."""
    found: list[str] = []
    if isinstance(value, str):
        if any(ch in FORBIDDEN for ch in value):
            found.append(where)
    elif isinstance(value, dict):
        for key, item in value.items():
            found += unsafe_strings(key, f"{where}/key") + unsafe_strings(item, f"{where}/{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found += unsafe_strings(item, f"{where}[{i}]")
    return found


def stored_files_unsafe(root: Path) -> list[str]:
    """Store files holding a raw unsafe character or a JSON escape of one."""
    bad = []
    for path in sorted(root.rglob("*.json")):
        raw = path.read_bytes().decode("utf-8", "surrogatepass")
        if any(ch in FORBIDDEN for ch in raw) or _UNSAFE_ESCAPE.search(raw.lower()):
            bad.append(str(path.relative_to(root)))
    return bad


def hostile_claim(article_id: str, **over: Any) -> dict[str, Any]:
    claim = make_claim(article_id=article_id, text=TEXT, start=0, end=5, label="factual",
                       annotator="a")
    claim.update({
        "id": f"id-{HOSTILE}", "tags": [f"tag{HOSTILE}", "plain"], "speaker": f"sp{HOSTILE}",
        "note": f"note{HOSTILE}", "annotator": f"an{HOSTILE}", "verdict": f"v{HOSTILE}",
        "label": f"lab{HOSTILE}", "created": f"2026{HOSTILE}", "updated": f"2026{HOSTILE}",
        "entities": [{"text": "Seoul", "label": f"GPE{HOSTILE}", "start": 0, "end": 5,
                      f"k{HOSTILE}": f"v{HOSTILE}"}],
    })
    claim.update(over)
    return claim


def hostile_corrections() -> list[dict[str, Any]]:
    return [
        {"id": f"c1{HOSTILE}", "action": "add", "start": 30, "end": 35, "text": TEXT[30:35],
         "label": f"ORG{HOSTILE}", "new_start": None, "new_end": None, "scope": "mention",
         "created": f"2026{HOSTILE}", "annotator": f"an{HOSTILE}", "source": f"s{HOSTILE}"},
        {"id": "c2", "action": "relabel", "start": 47, "end": 53, "text": "Moscow",
         "label": f"PER{HOSTILE}", "scope": "corpus", "created": "2026", "annotator": "x"},
    ]


def dump_lines(claims: list[dict[str, Any]], corrections: list[dict[str, Any]],
               article: dict[str, Any] | None = None) -> str:
    aid = text_hash(TEXT)
    lines: list[Any] = [{"type": "reader-store", "version": 1},
                        {"type": "article", "id": aid, "title": f"T{HOSTILE}",
                         "source": f"src{HOSTILE}.txt", "url": f"u{HOSTILE}",
                         "meta": {f"m{HOSTILE}": [f"v{HOSTILE}"]}, "text": TEXT,
                         **(article or {})}]
    lines += [{"type": "claim", **c} for c in claims]
    lines += [{"type": "correction", "article_id": aid, **c} for c in corrections]
    return "".join(json.dumps(line) + "\n" for line in lines)


def our_jsonl(claims: list[dict[str, Any]]) -> str:
    return "".join(
        json.dumps({**c, "article": {"id": c["article_id"], "title": f"T{HOSTILE}"}}) + "\n"
        for c in claims)


# --- 1-3: every string of every record is cleaned where it enters ------------------------


@pytest.mark.parametrize("kind", ["store", "jsonl"])
def test_import_cleans_every_string_of_every_record(tmp_path: Path, kind: str) -> None:
    """Tags, ids, entities, every correction field, index fields: nothing raw is stored, and
    `db check` finds the store clean (the records are usable as they are)."""
    db = tmp_path / "db"
    aid = text_hash(TEXT)
    if kind == "jsonl":  # our own JSONL names a stored article: the text comes first
        with Store(db) as store:
            store.add_article(SourceArticle(title="t", text=TEXT, source="a.txt"))
        path = tmp_path / "claims.jsonl"
        second = hostile_claim(aid, id="second", start=6, end=10, quote=TEXT[6:10],
                               prefix=TEXT[:6], suffix=TEXT[10:42])
        path.write_text(our_jsonl([hostile_claim(aid), second]), encoding="utf-8")
    else:
        path = tmp_path / "dump.jsonl"
        path.write_text(dump_lines([hostile_claim(aid)], hostile_corrections()),
                        encoding="utf-8")
    status, _, err = run(import_cmd, str(path), "--db", str(db))
    assert status == 0, err
    assert "0 skipped" in err, err
    assert stored_files_unsafe(db) == []
    with Store(db, readonly=True) as store:
        claims = [c for _, c in store.iter_claims()]
        assert len(claims) == (2 if kind == "jsonl" else 1)
        assert claims[0]["tags"][0] == "tag" + "h\u241b]0;PWNED\u2407\u241b[2J\ufffd31m\ufffd\ufffd"
        seen = [store.articles(), claims, store.corpus_corrections(),
                store.corrections(aid)]
        assert unsafe_strings(seen) == []
        if kind == "store":
            assert len(store.corrections(aid)) == 2
    report = check_store(db)
    assert report.errors == [], [f.line() for f in report.errors]


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON escapes (\u001b...)


def _stored(db: Path) -> tuple[str, Path]:
    with Store(db) as store:
        aid = store.add_article(SourceArticle(title="t", text=TEXT, source="a.txt")).article["id"]
        store.save_claim(make_claim(article_id=aid, text=TEXT, start=0, end=5, label="factual",
                                    annotator="a"))
        store.put_cached_entities(text_hash(TEXT), "m", "1", [])
        file = store.article(aid)["file"]  # type: ignore[index]
    return aid, db / "articles" / file


@pytest.mark.parametrize("raw", [False, True], ids=["json-escapes", "raw-characters"])
def test_store_load_cleans_index_article_and_cache_files(tmp_path: Path, raw: bool) -> None:
    """A hand-edited store: every file kind (index, article file, cache) with hostile strings
    in every record kind; what the store hands out is clean, and `db check` warns."""
    db = tmp_path / "db"
    aid, article_file = _stored(db)

    def article(data: dict[str, Any]) -> None:
        data["claims"]["1"].update(hostile_claim(aid, id=data["claims"]["1"]["id"]))
        data["claims"]["1"]["label"] = "factual"
        data["corrections"] = {str(i): c for i, c in enumerate(hostile_corrections()[:1], 1)}

    def index(data: dict[str, Any]) -> None:
        doc = data["articles"]["1"]
        doc.update(title=f"T{HOSTILE}", url=f"u{HOSTILE}", meta={"k": f"v{HOSTILE}"})
        data["corrections"] = {"1": hostile_corrections()[1]}
        data["session"] = {"1": {f"s{HOSTILE}": f"v{HOSTILE}"}}

    cache = next((db / "cache").glob("*.json"))

    def cached(data: dict[str, Any]) -> None:
        data["entities"]["1"]["entities"] = [[0, 5, f"GPE{HOSTILE}"], [47, 53, f"X{C1}"]]

    for path, change in ((article_file, article), (db / "index.json", index), (cache, cached)):
        _edit(path, change)
        if raw:  # the same characters raw in the file (JSON allows all but C0 raw)
            text = path.read_text(encoding="utf-8")
            text = text.replace("\\u009b", "\x9b").replace("\\u202e", "\u202e")
            path.write_text(text, encoding="utf-8")
    with Store(db, readonly=True) as store:
        seen = [store.articles(), store.claims(aid), store.corrections(aid),
                store.corpus_corrections(), store.session(),
                store.cached_entities(text_hash(TEXT), "m", "1")]
        assert len(store.claims(aid)) == 1 and len(store.corrections(aid)) == 1
        assert len(store.corpus_corrections()) == 1
        assert [e.label for e in store.cached_entities(text_hash(TEXT), "m", "1") or []] == [
            "GPE" + "h\u241b]0;PWNED\u2407\u241b[2J\ufffd31m\ufffd\ufffd", "X\ufffd31m"]
        assert store.problems == []
        assert unsafe_strings(seen) == []
    report = check_store(db)
    assert report.errors == [], [f.line() for f in report.errors]
    warned = {f.path.name for f in report.warnings if "control characters" in f.message}
    assert {"index.json", article_file.name} <= warned
    # the writer opening it writes the cleaned records back: nothing raw stays on disk
    with Store(db) as store:
        store.save_claim(store.claims(aid)[0])
        store.save_session(x=1)
    assert [p for p in stored_files_unsafe(db) if not p.startswith("cache")] == []
