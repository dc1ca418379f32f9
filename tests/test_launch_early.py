"""The command line starts NER workers first; the launch adopts or ends them."""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from reader.launch import build_app
from reader.nlp.spawn import EarlyWorkers, start_early
from reader.records import Entity, text_hash
from reader.store.store import Store
from tests.apphelpers import SAMPLE

ROOT = Path(__file__).parent.parent


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


def test_command_line_spawns_the_workers_before_the_language_detector_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The detector's thread imports numpy holding the GIL: started first, it delayed the
    spawn (and so the whole NER path) by 30-80 ms."""
    import reader.nlp.language
    import reader.nlp.spawn
    from reader.cli import prestart_ner

    order: list[str] = []
    real_start, real_warm_up = reader.nlp.spawn.start_early, reader.nlp.language.warm_up

    def start_early_seen(model: str | None, processes: int) -> EarlyWorkers:
        order.append("spawn")
        return real_start(model, processes)

    def warm_up_seen() -> threading.Thread:
        order.append("language detector")
        return real_warm_up()

    monkeypatch.setattr(reader.nlp.spawn, "start_early", start_early_seen)
    monkeypatch.setattr(reader.nlp.language, "warm_up", warm_up_seen)
    args = argparse.Namespace(paths=[str(SAMPLE)], db=str(tmp_path / "db"), model=None)
    early = prestart_ner(args)
    try:
        assert early is not None and len(early.workers) == 1
        assert order == ["spawn", "language detector"]
    finally:
        early.close()


def test_workers_learn_their_pipeline_before_the_ui_toolkit_is_imported(
    tmp_path: Path,
) -> None:
    """Without --model the early workers wait for the pipeline's name; the launch sends it
    before importing Textual (0.25-0.3 s), not after."""
    code = textwrap.dedent(
        f"""
        import argparse, sys
        from reader.nlp import spawn

        told = []
        real_load = spawn.EarlyWorkers.load

        def load(self, model):
            told.append((model, "textual" in sys.modules))
            real_load(self, model)

        spawn.EarlyWorkers.load = load
        from reader.launch import build_app

        early = spawn.start_early(None, 1)
        args = argparse.Namespace(paths=[{str(SAMPLE)!r}], db={str(tmp_path / "db")!r},
                                  model=None, annotator="t", read_only=False)
        app = build_app(args, early_ner=early)
        try:
            print(told, "textual" in sys.modules)
        finally:
            app.workspace.close_ner()
            app.store.close()
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    from reader.nlp.models import default_model

    assert result.stdout.split("\n")[0] == f"[({default_model()!r}, False)] True"


def test_command_line_spawns_the_workers_before_the_heavier_imports(tmp_path: Path) -> None:
    """Every import before the spawn delays the NER path: `reader` with no path reaches the
    spawn without dataclasses, pathlib, json or tempfile (about 14 ms), nor the store."""
    code = textwrap.dedent(
        f"""
        import sys
        from reader import cli
        from reader.nlp import spawn

        real_spawn = spawn.spawn
        heavy = ("dataclasses", "pathlib", "json", "tempfile", "reader.store", "textual")

        def spawn_seen(argv):
            print(sorted(name for name in heavy if name in sys.modules))
            return real_spawn(argv)

        spawn.spawn = spawn_seen
        args = cli.build_parser(for_help=False).parse_args(["--db", {str(tmp_path)!r}])
        cli.prestart_ner(args).close()
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_app_runs_with_what_the_launch_made_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Modules, store, workspace and app live as long as the app: frozen before it runs, the
    full collections stop walking them (one was a 50 ms pause in the frame that shows the
    first entities)."""
    import gc

    from reader.app import ReaderApp
    from reader.launch import launch

    seen: list[int] = []

    def run(self: ReaderApp, *args: object, **kwargs: object) -> None:
        seen.append(gc.get_freeze_count())

    monkeypatch.setattr(ReaderApp, "run", run)
    args = argparse.Namespace(paths=[str(SAMPLE)], db=str(tmp_path / "db"),
                              model="no_such_model_xyz", annotator="t", read_only=False)
    try:
        assert gc.get_freeze_count() == 0
        assert launch(args) == 0
        assert len(seen) == 1 and seen[0] > 10_000
    finally:
        gc.unfreeze()
