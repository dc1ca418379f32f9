"""Records enter through one boundary (import, store load, cache load): every string of every
record is cleaned there and wrong types are refused, so the app, the exports and `db check` all
see the same usable records (issue 13: terminal injection, crashes, wrong exit status)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from reader.claims import make_claim
from reader.commands import db_cmd, export_cmd, import_cmd
from reader.records import SourceArticle, text_hash
from reader.store import Store
from reader.store.check import check_store
from reader.text.sanitize import FORBIDDEN
from tests.apphelpers import make_app, wait_entities

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
                       annotator="a").to_record()
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
        {"id": "c3", "action": f"x{HOSTILE}", "start": 30, "end": 35, "text": TEXT[30:35],
         "scope": f"s{HOSTILE}"},  # unknown action and scope: kept, shown cleaned, do nothing
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
        assert claims[0].tags[0] == "tag" + "h\u241b]0;PWNED\u2407\u241b[2J\ufffd31m\ufffd\ufffd"
        seen = [store.articles(), claims, store.corpus_corrections(),
                store.corrections(aid)]
        assert unsafe_strings(seen) == []
        if kind == "store":
            assert len(store.corrections(aid)) == 3
    report = check_store(db)
    assert report.errors == [], [f.line() for f in report.errors]


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON escapes (\u001b...)


def _stored(db: Path) -> tuple[str, Path]:
    with Store(db) as store:
        aid = store.add_article(SourceArticle(title="t", text=TEXT, source="a.txt")).article.id
        store.save_claim(make_claim(article_id=aid, text=TEXT, start=0, end=5, label="factual",
                                    annotator="a"))
        store.put_cached_entities(text_hash(TEXT), "m", "1", [])
        file = store.article(aid).file  # type: ignore[union-attr]
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


# --- 15, 16: malformed corrections and wrong-typed index fields ------------------------------

BAD_CORRECTIONS: list[dict[str, Any]] = [
    {"id": "no-start", "action": "add", "end": 5, "text": "Seoul", "label": "GPE"},
    {"id": "zero", "action": "add", "start": "zero", "end": 5, "text": "Seoul", "label": "GPE"},
    {"id": "list-label", "action": "add", "start": 0, "end": 5, "text": "Seoul",
     "label": ["GPE"]},
    {"id": "num-created", "action": "add", "start": 0, "end": 5, "text": "Seoul",
     "label": "GPE", "created": 5},
    {"id": "num-text", "action": "add", "start": 0, "end": 5, "text": 5, "label": "GPE"},
    {"id": "bool-start", "action": "add", "start": True, "end": 5, "text": "Seoul",
     "label": "GPE"},
    {"id": "rebound-none", "action": "rebound", "start": 0, "end": 5, "text": "Seoul",
     "label": "GPE"},
    {"id": "bad-action", "action": ["add"], "start": 0, "end": 5, "text": "Seoul"},
    {"id": "bad-scope", "action": "add", "start": 0, "end": 5, "text": "Seoul", "label": "G",
     "scope": 3},
    {"id": 7, "action": "add", "start": 0, "end": 5, "text": "Seoul", "label": "GPE"},
]
GOOD_CORRECTION = {"id": "good", "action": "add", "start": 30, "end": 35, "text": TEXT[30:35],
                   "label": "DAY", "scope": "mention", "created": "2026-01-01T00:00:00Z"}
BAD_INDEX_FIELDS: dict[str, Any] = {"position": "x", "meta": [1], "claim_count": "3",
                                    "title": 5, "word_count": -1, "entity_count": 2.5,
                                    "url": None}


def test_malformed_corrections_from_a_dump_are_refused_one_by_one(tmp_path: Path) -> None:
    db = tmp_path / "db"
    path = tmp_path / "dump.jsonl"
    path.write_text(dump_lines([], [*BAD_CORRECTIONS, GOOD_CORRECTION]), encoding="utf-8")
    status, _, err = run(import_cmd, str(path), "--db", str(db))
    assert status == 0, err
    assert f"1 added, 0 already present, {len(BAD_CORRECTIONS)} skipped" in err, err
    assert err.count("correction not imported") == len(BAD_CORRECTIONS)
    assert "\x1b" not in err
    assert check_store(db).errors == []


def _hand_edited_store(db: Path) -> tuple[str, Path]:
    """A store whose article file holds every malformed correction (beside a good one), whose
    index holds the same as corpus rules, and one extra article per wrong-typed index field."""
    aid, article_file = _stored(db)
    _edit(article_file, lambda d: d.__setitem__(
        "corrections", {str(i): c for i, c in enumerate([*BAD_CORRECTIONS, GOOD_CORRECTION], 1)}))

    lone = json.loads(article_file.read_text(encoding="utf-8"))
    lone.update(claims={}, corrections={})

    def index(data: dict[str, Any]) -> None:
        rule = {**GOOD_CORRECTION, "id": "rule", "scope": "corpus"}
        data["corrections"] = {str(i): c for i, c in enumerate([*BAD_CORRECTIONS, rule], 1)}
        good = data["articles"]["1"]
        for n, (name, value) in enumerate(BAD_INDEX_FIELDS.items(), 2):
            file = f"{n:032x}.json"  # an article file of its own, without claims
            (db / "articles" / file).write_text(json.dumps(lone), encoding="utf-8")
            data["articles"][str(n)] = {**good, "id": f"bad-{name}", "source": f"{name}.txt",
                                        "order": n, "file": file, name: value}
    _edit(db / "index.json", index)
    return aid, article_file


async def test_malformed_records_in_the_store_neither_crash_nor_pass_db_check(
    tmp_path: Path, tiny_nlp: Any
) -> None:
    """The app opens, draws entities (`t`), opens the entity form (`m`); `export --what
    entities` works; `db check` names every record the app skipped, and repair fixes or
    quarantines each."""
    db = tmp_path / "db"
    aid, article_file = _hand_edited_store(db)
    app = make_app(db, nlp=tiny_nlp)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_entities(pilot)
        view = app.screen.query_one("#article")
        assert ("DAY" in {e.label for e in view.entities}), view.entities
        await pilot.press("t", "m")
        await pilot.pause()
        await pilot.press("escape")
        skipped = [p.message for p in app.store.problems]
        assert [a.id for a in app.store.articles()] == [aid]
    app.store.close()
    assert sum("corrections #" in m for m in skipped) == 2 * len(BAD_CORRECTIONS), skipped
    assert sum("article 'bad-" in m for m in skipped) == len(BAD_INDEX_FIELDS), skipped

    exported = tmp_path / "gold.jsonl"
    status, _, err = run(export_cmd, "--db", str(db), "--what", "entities", "--format",
                         "doccano", "--out", str(exported))
    assert status == 2, err  # what it could not export is named, one line each; the rest is
    assert '"DAY"' in exported.read_text(encoding="utf-8")  # written
    assert err.count("unreadable, not exported") == 2 * len(BAD_CORRECTIONS) + len(
        BAD_INDEX_FIELDS), err
    assert "Traceback" not in err and "\x1b" not in err

    report = check_store(db)
    flagged = {(f.path.name, f.record.split(" ")[0]) for f in report.errors}
    expected = {(article_file.name, f"corrections/{i}") for i in range(1, len(BAD_CORRECTIONS) + 1)}
    expected |= {("index.json", f"corrections/{i}") for i in range(1, len(BAD_CORRECTIONS) + 1)}
    expected |= {("index.json", f"articles/{n}") for n in range(2, len(BAD_INDEX_FIELDS) + 2)}
    assert flagged == expected, sorted(flagged ^ expected)
    status, _, err = run(db_cmd, "check", "--db", str(db))
    assert status == 2

    out_dir = tmp_path / "repaired"
    status, out, err = run(db_cmd, "repair", "--db", str(db), "--out", str(out_dir))
    assert status == 0, out + err
    with Store(out_dir, readonly=True) as repaired:
        assert len(repaired.articles()) == 1 + len(BAD_INDEX_FIELDS)  # fields reset, kept
        assert [r.id for r in repaired.corpus_corrections()] == ["rule"]  # rules kept too
        assert repaired.problems == []


# --- 18: nesting, huge integers, wrong shapes: one line, never a traceback -------------------

DEEP = "[" * 1000 + "]" * 1000
HUGE = "9" * 5000


def _peer_files(folder: Path) -> dict[str, tuple[Path, str | None]]:
    """One hostile file per importer; (path, --format or None)."""
    folder.mkdir()
    aid = text_hash(TEXT)
    files: dict[str, tuple[str, str, str | None]] = {
        "deep-jsonl": ("deep.jsonl", f'{{"article_id": "x", "start": {DEEP}}}\n', "jsonl"),
        "deep-sniffed": ("deep2.jsonl", f'{{"article_id": "x", "start": {DEEP}}}\n', None),
        "deep-list": ("deep.json", DEEP, "label-studio"),
        "huge-dump": ("huge.jsonl", '{"type": "reader-store", "version": 1}\n'
                      f'{{"type": "article", "id": "{aid}", "text": "t", "n": {HUGE}}}\n', "store"),
        "huge-sniffed": ("huge2.jsonl", '{"type": "reader-store", "version": 1}\n'
                         f'{{"type": "article", "id": "{aid}", "text": "t", "n": {HUGE}}}\n',
                         None),
        "huge-doccano": ("huge-d.jsonl", f'{{"text": "abc", "label": [[0, {HUGE}, "X"]]}}\n',
                         "doccano"),
        "huge-prodigy": ("huge-p.jsonl", f'{{"text": "abc", "spans": [{{"start": {HUGE}}}]}}\n',
                         "prodigy"),
        "huge-ls": ("huge-ls.json", f'[{{"data": {{"text": "abc"}}, "id": {HUGE}}}]',
                    "label-studio"),
    }
    out = {}
    for key, (name, content, fmt) in files.items():
        (folder / name).write_text(content, encoding="utf-8")
        out[key] = (folder / name, fmt)
    return out


def test_deep_nesting_and_huge_integers_are_refused_in_one_line(tmp_path: Path) -> None:
    for key, (path, fmt) in _peer_files(tmp_path / "peers").items():
        argv = [str(path), "--db", str(tmp_path / "db")] + (["--format", fmt] if fmt else [])
        status, out, err = run(import_cmd, *argv)
        assert status == 2, (key, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and ("nothing imported" in lines[0] or "not JSON" in lines[0]), (
            key, err)
        if fmt is not None:
            assert "not JSON" in err, (key, err)
            assert ("nested too deeply" in err) == key.startswith("deep"), (key, err)
        assert not (tmp_path / "db" / "index.json").exists(), key


@pytest.mark.parametrize("shape", [
    {"annotations": 5}, {"annotations": [{"result": 7}]}, {"annotations": "x"},
    {"predictions": 5, "annotations": [{"result": {"a": 1}}]},
    {"annotations": [{"result": [{"value": {"start": 0, "end": 3, "labels": ["L"]}}]}, 5]},
])
def test_label_studio_fields_of_the_wrong_shape_are_skipped(tmp_path: Path,
                                                            shape: dict[str, Any]) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"data": {"text": "abc def"}, **shape}]), encoding="utf-8")
    status, _, err = run(import_cmd, str(path), "--db", str(tmp_path / "db"),
                         "--format", "label-studio")
    assert status == 0, err
    assert "Traceback" not in err


@pytest.mark.parametrize("offsets", [f"0 {HUGE}", f"{HUGE} {HUGE}1", f"0 2;3 {HUGE}",
                                     "0 \u0663"], ids=["end", "both", "fragment", "arabic"])
def test_brat_offsets_of_thousands_of_digits(tmp_path: Path, offsets: str) -> None:
    (tmp_path / "doc.txt").write_text("abc def\n", encoding="utf-8")
    (tmp_path / "doc.ann").write_text(f"T1\tX {offsets}\tabc\nT2\tY 4 7\tdef\n",
                                      encoding="utf-8")
    status, _, err = run(import_cmd, str(tmp_path / "doc.ann"), "--db", str(tmp_path / "db"))
    assert "Traceback" not in err
    if offsets.endswith("\u0663"):  # not ASCII digits: not a brat offset, the file is refused
        assert status == 2 and "bad offsets" in err, err
    else:
        assert status == 0, err
        assert "1 added" in err and "outside the text" in err, err


@pytest.mark.parametrize("toml", [
    "x = " + "[" * 500 + "]" * 500, "x = " + "{a = " * 500 + "1" + "}" * 500,
    f"x = {HUGE}", '[[labels]]\nname = "   "\nkey = "1"\n', '[[labels]]\nname = "\\t\\n"\n',
], ids=["nested-arrays", "nested-tables", "huge-integer", "blank-label", "blank-escapes"])
def test_bad_reader_toml_is_one_line_and_exit_2(tmp_path: Path, toml: str) -> None:
    """Nested 500 levels, a 5,000-digit integer, a blank label name: the app refuses to start
    with one line, and `db check` says the configuration cannot be read."""
    import subprocess
    import sys

    db = tmp_path / "db"
    _stored(db)
    (db / "reader.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "reader", "--db", str(db), "--model", "none",
                           "a.txt"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "reader.toml" in lines[0], done.stderr
    report = check_store(db)
    assert any(f.path.name == "reader.toml" for f in report.warnings)


def _corpus(path: Path) -> None:
    lines = [json.dumps({"id": "good1", "text": "Josep Borrell visited Seoul on Monday. He said "
                         "the talks went well and that 8,000 troops were there."}),
             f'{{"id": "huge", "text": "x", "n": {HUGE}}}',
             '{"id": "deep", "text": "x", "n": ' + DEEP + "}",
             f'{{"id": {HUGE}, "text": "y"}}',
             json.dumps({"id": "good2", "text": "Moscow did not comment on Thursday. The "
                         "minister said that 15 ships had left the port."})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def test_a_bad_corpus_line_never_stops_the_good_ones_in_the_app(tmp_path: Path,
                                                                     tiny_nlp: Any) -> None:
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus)
    app = make_app(tmp_path / "db", [corpus], nlp=tiny_nlp)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert {a.external_id for a in app.store.articles()} == {"good1", "good2"}
    app.store.close()


def test_a_bad_corpus_line_never_stops_the_good_ones_in_ingest(tmp_path: Path,
                                                              tiny_model_path: Path) -> None:
    from reader.commands import ingest_cmd

    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus)
    status, _, err = run(ingest_cmd, str(corpus), "--model", str(tiny_model_path),
                         "--processes", "1", "--db", str(tmp_path / "db"))
    assert "Traceback" not in err
    assert "corpus.jsonl:2: bad JSON" in err and "corpus.jsonl:3: bad JSON" in err, err
    assert "corpus.jsonl:4: bad JSON" in err, err
    with Store(tmp_path / "db", readonly=True) as store:
        assert {a.external_id for a in store.articles()} == {"good1", "good2"}


def test_a_bad_corpus_line_never_stops_the_good_ones_in_suggest(tmp_path: Path) -> None:
    import subprocess
    import sys

    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus)
    done = subprocess.run([sys.executable, "-m", "reader", "suggest", str(corpus), "--format",
                           "jsonl"], cwd=tmp_path, capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)
    assert "Traceback" not in done.stderr
    assert "corpus.jsonl:2: bad JSON" in done.stderr, done.stderr
    articles = {json.loads(line)["article"] for line in done.stdout.splitlines()}
    assert articles == {"corpus #1", "corpus #5"}, done.stdout


# --- 4: argparse repeats what was typed; nothing raw reaches the terminal --------------------

@pytest.mark.parametrize("argv", [
    ["import", "a.jsonl", f"--x{ESC_TITLE}"],  # `reader import *` with such a file name
    [f"--bogus{CSI}"],
    ["export", "--format", f"csv{ESC_TITLE}"],
    ["db", f"check{C1}"],
    ["export", "--since", "2026", f"--what{RLO}"],
], ids=["import-glob", "main", "invalid-choice", "sub-sub-command", "bidi"])
def test_argument_errors_print_names_cleaned(tmp_path: Path, argv: list[str]) -> None:
    import subprocess
    import sys

    (tmp_path / "a.jsonl").write_text("", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "reader", *argv], cwd=tmp_path,
                          capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    err = done.stderr.decode("utf-8", "surrogateescape")
    assert done.returncode == 2, err
    assert "error:" in err and "Traceback" not in err
    assert not any(ch in FORBIDDEN for ch in err), err
    # the character is shown, made harmless (argparse itself quotes a bad choice with repr)
    assert "\u241b" in err or "\ufffd" in err or "\\x" in err, err


# --- 19: db repair on strange digits; nothing left behind when it fails -----------------------

@pytest.mark.parametrize("start", ["\u00b2", "\u0663", HUGE, " 1\u00b9"],
                         ids=["superscript", "arabic-indic", "huge", "mixed"])
def test_db_repair_on_strange_digits(tmp_path: Path, start: str) -> None:
    db = tmp_path / "db"
    aid, article_file = _stored(db)
    _edit(article_file, lambda d: d["claims"]["1"].update(start=start))
    status, _, err = run(db_cmd, "check", "--db", str(db))
    assert status == 2
    out = tmp_path / "copy"
    status, printed, err = run(db_cmd, "repair", "--db", str(db), "--out", str(out))
    assert status == 0, printed + err
    with Store(out, readonly=True) as store:
        claims = store.claims(aid)
    assert len(claims) == 1 and claims[0].start == 0  # re-anchored by its quote


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"),
                                   RuntimeError("a bug")], ids=["disk-full", "crash"])
def test_db_repair_that_fails_leaves_no_out_folder(tmp_path: Path, error: Exception,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.store import check

    db = tmp_path / "db"
    _stored(db)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(check, "_repair_article", broken)
    out = tmp_path / "copy"
    if isinstance(error, OSError):
        status, _, err = run(db_cmd, "repair", "--db", str(db), "--out", str(out))
        assert status == 2 and "nothing was written" in err, err
    else:
        with pytest.raises(RuntimeError):
            run(db_cmd, "repair", "--db", str(db), "--out", str(out))
    assert not out.exists()  # the retry is not blocked
    monkeypatch.undo()
    assert run(db_cmd, "repair", "--db", str(db), "--out", str(out))[0] == 0


# --- 20: lone surrogates (and other unencodable strings) never reach an export ---------------

@pytest.mark.parametrize("how", ["import", "hand-edited"])
def test_lone_surrogates_in_tags_and_ids_export_everywhere(tmp_path: Path, how: str) -> None:
    db = tmp_path / "db"
    aid = text_hash(TEXT)
    odd = {"id": "id\ud800", "tags": ["t\udfff", "\udc80"], "speaker": "s\ud83d",
           "note": "n\udbff", "label": "lab\ud800"}
    if how == "import":
        path = tmp_path / "dump.jsonl"
        claim = {**make_claim(article_id=aid, text=TEXT, start=0, end=5, label="x",
                              annotator="a").to_record(), **odd}
        path.write_text(dump_lines([claim], []), encoding="utf-8")
        assert run(import_cmd, str(path), "--db", str(db))[0] == 0
    else:
        aid, article_file = _stored(db)
        _edit(article_file, lambda d: d["claims"]["1"].update(odd))
    for fmt in ("csv", "spacy", "jsonl", "doccano", "prodigy", "label-studio", "claimreview",
                "brat", "store"):
        out = tmp_path / f"out-{fmt}"
        every = ["--all"] if fmt == "claimreview" else []  # unverified claims too
        status, _, err = run(export_cmd, "--db", str(db), "--format", fmt, "--out", str(out),
                             *every)
        assert status == 0, (fmt, err)
        assert "1 record" in err or fmt in ("spacy", "brat"), (fmt, err)
        if out.is_file() and fmt != "spacy":
            assert "\\ud" not in out.read_text(encoding="utf-8").lower(), fmt


# --- 21: --since at the edges of the calendar -------------------------------------------------

@pytest.mark.parametrize(("since", "count"), [
    ("0001-01-01T00:00:00+14:00", 1), ("0001-01-01T00:00:00+00:30", 1),
    ("9999-12-31T23:59:59-14:00", 0), ("9999-12-31T12:00:00-12:00", 0),
    ("0001-01-01T00:00:00Z", 1),
])
def test_since_at_the_edges_of_the_calendar(tmp_path: Path, since: str, count: int) -> None:
    db = tmp_path / "db"
    _stored(db)
    out = tmp_path / "out.jsonl"
    status, _, err = run(export_cmd, "--db", str(db), "--format", "jsonl", "--since", since,
                         "--out", str(out))
    assert status == 0, err
    assert len(out.read_text(encoding="utf-8").splitlines()) == count


# --- 1-3 in the real program: claim form, entity labels (`t`), entity form (`m`) --------------

def _drive_in_pty(argv: list[str], wait_for: bytes, keys: list[bytes],
                  timeout: float = 60.0) -> bytes:
    """Run `argv` in a 120x50 pty; once `wait_for` appeared, type `keys` one by one with pauses;
    every byte the program wrote."""
    import fcntl
    import os
    import pty
    import select
    import signal
    import struct
    import termios
    import time

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            env = dict(os.environ, TERM="xterm-256color", TEXTUAL_ANIMATIONS="none")
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    out = b""
    pending = list(keys)
    started = False
    next_key = 0.0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                out += data
            if not started and wait_for in out:
                started, next_key = True, time.monotonic() + 1.0
            if started and pending and time.monotonic() >= next_key:
                os.write(fd, pending.pop(0))
                next_key = time.monotonic() + 1.0
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert started and not pending, out[-600:]
    return out


def test_hostile_records_are_drawn_cleaned_by_the_real_program(tmp_path: Path,
                                                               tiny_model_path: Path) -> None:
    """Imported tags in the claim form (`c`), entity labels from a correction and from an
    edited cache file (`t`), a correction's action in the entity form (`m`): the terminal
    receives placeholders, never the sequences."""
    import sys

    from reader.nlp.models import model_key

    db = tmp_path / "db"
    dump = tmp_path / "dump.jsonl"
    claim = hostile_claim(text_hash(TEXT), label="factual", annotator=f"an{ESC_TITLE}")
    corrections = [*hostile_corrections(),
                   {"id": "c4", "action": f"zap{ESC_TITLE}", "start": 0, "end": 5,
                    "text": "Seoul", "scope": "mention"}]
    dump.write_text(dump_lines([claim], corrections), encoding="utf-8")
    assert run(import_cmd, str(dump), "--db", str(db))[0] == 0
    name, version = model_key(str(tiny_model_path))
    with Store(db) as store:
        store.put_cached_entities(text_hash(TEXT), name, version, [])
    cache = next((db / "cache").glob("*.json"))
    _edit(cache, lambda d: d["entities"]["1"].update(
        entities=[[0, 5, f"GPE{ESC_TITLE}"], [47, 53, f"LOC{CSI}"]]))
    # the analyst is the claim's own (a colleague's claim opens no form), named raw here and
    # cleaned where the name enters, as the stored one was
    out = _drive_in_pty([sys.executable, "-m", "reader", "--db", str(db), "--model",
                         str(tiny_model_path), "--annotator", f"an{ESC_TITLE}"], b"comment",
                        [b"c", b"\x1b", b"t", b"m", b"\x1b", b"q"])
    text = out.decode("utf-8", "replace")
    for payload in ("\x1b]0;PWNED", "\x1b[2J", "\u202e"):
        assert payload not in text, f"{payload!r} reached the terminal"
    assert b"\x9b" not in out.replace("\ufffd".encode(), b"").replace("\u241b".encode(), b"")
    assert "tag" + "h\u241b]0;PWNED\u2407" in text  # the claim form's tags, made visible
    assert "GPE\u241b]0;PWNED\u2407" in text  # `t`: the cached label, made visible
    assert "zap\u241b]0;PWNED\u2407" in text  # `m`: the correction's action, made visible


@pytest.mark.parametrize("session", [{"open": 5}, {"open": [{"a": 1}, "AID"], "current": 3},
                                     {"open": "AID", "current": ["AID"]}],
                         ids=["open-number", "open-record", "open-string"])
async def test_a_wrong_typed_session_still_reopens_the_store(tmp_path: Path,
                                                            session: dict[str, Any]) -> None:
    db = tmp_path / "db"
    aid, _ = _stored(db)
    fields = json.loads(json.dumps(session).replace('"AID"', json.dumps(aid)))
    _edit(db / "index.json", lambda d: d.__setitem__("session", {"1": fields}))
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#article").text == TEXT
    app.store.close()
