"""The command line starts NER workers first; the launch adopts or ends them."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.launch import build_app
from reader.nlp.spawn import start_early
from reader.records import Entity, text_hash
from reader.store.store import Store
from tests.apphelpers import SAMPLE


def _args(db: Path, model: Path) -> argparse.Namespace:
    return argparse.Namespace(paths=[str(SAMPLE)], db=str(db), model=str(model),
                              annotator="t", read_only=False)


def test_uncached_article_adopts_the_early_workers(tmp_path: Path, tiny_model_path: Path) -> None:
    early = start_early(str(tiny_model_path), 1)
    pid = early.workers[0].popen.pid
    app = build_app(_args(tmp_path / "db", tiny_model_path), early_ner=early)
    try:
        service = app.workspace.ner_backend()
        assert service.pids == [pid] and early.workers == []
        job = service.submit(SAMPLE.read_text(encoding="utf-8"))
        found = {(e.start, e.end, e.label) for e in job.result()}
        assert (240, 253, "PERSON") in found
    finally:
        app.workspace.ner_backend().close()
        app.store.close()


def test_cached_article_ends_the_early_workers(tmp_path: Path, tiny_model_path: Path) -> None:
    from reader.nlp.models import model_key

    db = tmp_path / "db"
    name, version = model_key(str(tiny_model_path))
    text = SAMPLE.read_text(encoding="utf-8")
    with Store(db) as store:
        store.put_cached_entities(text_hash(text), name, version, [Entity(240, 253, "PERSON")])
    early = start_early(str(tiny_model_path), 1)
    popen = early.workers[0].popen
    app = build_app(_args(db, tiny_model_path), early_ner=early)
    try:
        assert early.workers == [] and popen.poll() is not None
        assert not app.workspace.ner_started
    finally:
        app.store.close()
