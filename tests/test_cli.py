"""The command line as a user meets it: help, version, bad input, import hygiene."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.records import Entity, text_hash
from reader.store.store import Store
from tests.apphelpers import SAMPLE

ROOT = Path(__file__).parent.parent


def run_reader(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=full_env, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_help_names_the_store_and_subcommands(tmp_path: Path) -> None:
    result = run_reader("--help", env={"READER_DB": str(tmp_path / "db")})
    assert result.returncode == 0
    for word in ("export", "import", "ingest", "suggest", "db", "./NAME", str(tmp_path / "db")):
        assert word in result.stdout


def test_version() -> None:
    result = run_reader("--version")
    assert result.returncode == 0 and result.stdout.startswith("reader ")


def test_missing_file_is_one_line_and_status_2(tmp_path: Path) -> None:
    result = run_reader("missing.txt", "--db", str(tmp_path / "db"), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert any("missing.txt" in line for line in lines)
    assert "Traceback" not in result.stderr
    assert len(lines) <= 2


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", b"abc\x00def"])
def test_bad_files_exit_2_without_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run_reader(str(path), "--db", str(tmp_path / "db"))
    assert result.returncode == 2
    assert "bad.txt" in result.stderr and "Traceback" not in result.stderr


def test_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run_reader(str(fifo), "--db", str(tmp_path / "db"), timeout=20)
    assert result.returncode == 2 and "pipe.txt" in result.stderr


def test_file_named_like_a_subcommand_opens_with_dot_slash(tmp_path: Path) -> None:
    (tmp_path / "export").write_text("x")
    result = run_reader("export", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "--format" in result.stdout


def test_ui_import_does_not_import_spacy() -> None:
    code = textwrap.dedent(
        """
        import sys
        import reader.cli, reader.launch, reader.app, reader.screens.main
        import reader.nlp.service, reader.nlp.models
        bad = sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc'))
        print(','.join(bad))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_cached_article_shows_entities_without_spacy(tmp_path: Path) -> None:
    from reader.nlp.models import default_model, model_key

    model = default_model()
    assert model is not None
    name, version = model_key(model)
    text = SAMPLE.read_text(encoding="utf-8")
    db = tmp_path / "db"
    with Store(db) as store:
        store.put_cached_entities(text_hash(text), name, version,
                                  [Entity(240, 253, "PERSON"), Entity(470, 475, "GPE")])
    code = textwrap.dedent(
        f"""
        import argparse, asyncio, sys
        from reader.launch import build_app

        async def main():
            args = argparse.Namespace(paths=[{str(SAMPLE)!r}], db={str(db)!r}, model=None,
                                      annotator="t", read_only=False)
            app = build_app(args)
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause(0.2)
                view = app.screen.query_one("#article")
                print(len(view.entities), "spacy" in sys.modules, "thinc" in sys.modules)
                await pilot.press("q")

        asyncio.run(main())
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60, env={**os.environ,
                                                       "TEXTUAL_ANIMATIONS": "none"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "False", "False"]
