"""ctrl+e as the analyst uses it: what the session shows is what is exported (UNSAVED claims
too), no export format brings spaCy into the UI process, and a worker that dies says so."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reader.formats.exporting import EXPORT_FORMATS
from reader.launch import build_app
from reader.nlp.service import NerProgress
from reader.records import Entity, text_hash
from reader.store.store import Store
from tests.apphelpers import SAMPLE, Heard, wait_for

ROOT = Path(__file__).parent.parent
SIZE = (120, 40)

APP_SCRIPT = textwrap.dedent(
    """
    import argparse, asyncio, errno, json, sys
    from textual.widgets import Select
    from reader.formats.exporting import EXPORT_FORMATS
    from reader.launch import build_app
    from reader.store.storage import LOW_LEVEL
    from tests.apphelpers import Heard, wait_for

    def no_space(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    async def main(sample, db):
        args = argparse.Namespace(paths=[sample], db=db, model=None, annotator="t",
                                  read_only=False)
        app = build_app(args)
        heard = Heard()
        seen = {"formats": {}}
        async with app.run_test(size=(120, 40), message_hook=heard) as pilot:
            await pilot.pause(0.2)
            await pilot.press("s", "1")                 # a saved claim
            LOW_LEVEL.write = no_space                  # the disk is full from now on
            await pilot.press(")", ")", "s", "2")       # a claim shown as UNSAVED
            await pilot.pause(0.1)
            seen["status"] = str(app.screen.query_one("#status").render())
            for fmt in EXPORT_FORMATS:
                heard.clear()
                await pilot.press("ctrl+e")
                await wait_for(pilot, lambda: app.screen.query("#export-format"))
                app.screen.query_one("#export-format", Select).value = fmt
                await pilot.press("ctrl+s")
                await wait_for(pilot, lambda: any(m.startswith(("Exported", "Export failed"))
                                                  for m in heard.messages), timeout=60)
                seen["formats"][fmt] = {
                    "said": heard.text(),
                    "spacy": sorted(m for m in sys.modules
                                    if m.split(".")[0] in ("spacy", "thinc")),
                }
        print(json.dumps(seen))

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


def _cached_store(db: Path) -> None:
    """The sample article with cached entities: the app opens it without starting NER (so
    nothing in the UI process has a reason to import spaCy)."""
    from reader.nlp.models import default_model, model_key

    model = default_model()
    assert model is not None
    name, version = model_key(model)
    text = SAMPLE.read_text(encoding="utf-8")
    with Store(db) as store:
        store.put_cached_entities(text_hash(text), name, version,
                                  [Entity(240, 253, "PERSON"), Entity(470, 475, "GPE")])


def test_every_export_format_from_the_app_keeps_spacy_out_and_has_unsaved_claims(
    tmp_path: Path,
) -> None:
    db = tmp_path / "db"
    _cached_store(db)
    result = subprocess.run(
        [sys.executable, "-c", APP_SCRIPT, str(SAMPLE), str(db)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "TEXTUAL_ANIMATIONS": "none",
             "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "UNSAVED: 1" in seen["status"]
    assert set(seen["formats"]) == set(EXPORT_FORMATS)
    imported = {fmt: o["spacy"] for fmt, o in seen["formats"].items() if o["spacy"]}
    assert imported == {}, "these formats imported spaCy into the UI process"
    for fmt, outcome in seen["formats"].items():
        assert f"Exported {fmt}: " in outcome["said"], outcome["said"]
        assert "1 unsaved claim change included" in outcome["said"], outcome["said"]
    exported = _jsonl_export(db)
    with Store(db, readonly=True) as store:
        [article] = store.articles()
        stored = [c.id for c in store.claims(article.id)]
    assert len(stored) == 1  # the second claim never reached the store...
    assert len(exported) == 2 and stored[0] in [c["id"] for c in exported]  # ...yet exported


def _jsonl_export(db: Path) -> list[dict[str, Any]]:
    """The claims of the app's `jsonl` export (the first file written)."""
    first = sorted((db / "exports").glob("*.jsonl"), key=lambda p: p.stat().st_mtime)[0]
    return [json.loads(line) for line in first.read_text("utf-8").splitlines()]


class _BrokenJob:
    """A NER job whose reply stream breaks after the first chunk (a reply that cannot be
    read): `progress()` raises instead of ending with an error update."""

    def __init__(self, text: str) -> None:
        self.text = text

    def progress(self) -> Iterator[NerProgress]:
        yield NerProgress(1, len(self.text), [], finished=False)
        raise ValueError("an entity is [start, end, label] or [start, end, label, model_label]")

    def cancel(self) -> None:
        """Nothing runs to stop."""


class _BreakingBackend:
    """The `NerBackend` calls the app makes, with jobs that break."""

    def submit(self, text: str, chunk_chars: int = 0) -> _BrokenJob:
        return _BrokenJob(text)

    def close(self) -> None:
        """Nothing to close."""


async def test_ner_worker_that_dies_says_so(tmp_path: Path) -> None:
    args = argparse.Namespace(paths=[str(SAMPLE)], db=str(tmp_path / "db"), model="broken",
                              annotator="t", read_only=False)
    app = build_app(args, ner_factory=_BreakingBackend)
    heard = Heard()
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        status = app.screen.query_one("#status")
        await wait_for(pilot, lambda: "NER failed" in str(status.render()))
        assert "NER: starting" not in str(status.render())
        assert "NER failed: ValueError: an entity is" in str(status.render())
        await wait_for(pilot, lambda: any(m.startswith("NER failed: ValueError")
                                          for m in heard.messages))


async def test_claims_of_an_article_not_in_the_store_are_named_not_lost(
    tmp_path: Path, tiny_nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only store takes no new article: a claim on a file opened with it is UNSAVED,
    and ctrl+e says it is left out (this article: nothing written; all articles: the stored
    ones, and the count of what was left out)."""
    from textual.widgets import Select

    from reader.records import SourceArticle
    from tests.apphelpers import make_app

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where a read-only store's
    db = tmp_path / "db"                                         # exports go
    with Store(db) as store:
        store.add_article(SourceArticle(title="t", text="A stored article.", source="s.txt"))
    new = tmp_path / "new.txt"
    new.write_text("A new article. It has two sentences.\n", encoding="utf-8")
    app = make_app(db, [new], tiny_nlp, read_only=True)
    heard = Heard()
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        await pilot.press("s", "1")
        await wait_for(pilot, lambda: "UNSAVED: 1" in str(app.screen.query_one("#status").render()))
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: bool(app.screen.query("#export-format")))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(m.startswith("Not exported") for m in heard.messages))
        assert ("Not exported: 1 claim of 1 article not in the store left out (an export reads "
                "stored articles)") in heard.messages
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: bool(app.screen.query("#export-scope")))
        app.screen.query_one("#export-scope", Select).value = "all"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(m.startswith(("Exported", "Export failed"))
                                          for m in heard.messages), timeout=30)
        [said] = [m for m in heard.messages if m.startswith(("Exported", "Export failed"))]
        assert said.startswith("Exported jsonl: ") and said.endswith(
            "(1 claim of 1 article not in the store left out (an export reads stored articles))")
        path = Path(said.removeprefix("Exported jsonl: ").split(" (", 1)[0])
    assert path.read_text(encoding="utf-8") == ""  # the stored article has no claims
    assert not (db / "exports").exists()  # read-only: written to the user's data folder
    assert path.parent == tmp_path / "data" / "reader" / "exports"


def test_the_child_export_lays_unsaved_claims_over_the_stored_ones(tmp_path: Path) -> None:
    """What `ctrl+e` hands the export process: the session's claims of an article with
    unsaved changes replace the stored ones (an unsaved deletion is left out, an unsaved
    edit wins, a new claim is in); other articles are exported from the store."""
    from reader.claims import make_claim
    from reader.formats.export_worker import ExportRequest, export_in_child
    from reader.records import SourceArticle

    db = tmp_path / "db"
    text = "One claim here. Another claim there. A third one."
    with Store(db) as store:
        aid = store.add_article(SourceArticle(title="a", text=text, source="a.txt")).article.id
        other = store.add_article(SourceArticle(title="b", text="Other text.", source="b.txt"))
        kept, gone = (make_claim(article_id=aid, text=text, start=s, end=e, label="factual",
                                 annotator="t") for s, e in ((0, 15), (16, 36)))
        elsewhere = make_claim(article_id=other.article.id, text="Other text.", start=0,
                               end=11, label="quote", annotator="t")
        for claim in (kept, gone, elsewhere):
            store.save_claim(claim)
    edited = msgspec.structs.replace(kept, verdict="false")
    new = make_claim(article_id=aid, text=text, start=37, end=49, label="opinion", annotator="t")
    outcome = export_in_child(db, tmp_path / "out", ExportRequest("jsonl", None),
                              {aid: [edited, new]})
    assert outcome.error == "", outcome.error
    exported = {c["id"]: c for c in map(json.loads, Path(outcome.path).read_text().splitlines())}
    assert set(exported) == {kept.id, new.id, elsewhere.id}
    assert exported[kept.id]["verdict"] == "false"
    failed = export_in_child(db, tmp_path / "out", ExportRequest("jsonl", "sha256:nope"), {})
    assert failed.path == "" and "no article" in failed.error
