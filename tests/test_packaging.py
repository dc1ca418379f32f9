"""A non-editable install carries its styles and sample article and starts from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_wheel_installs_with_styles_and_runs(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = list(wheels.glob("reader-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "reader/styles/reader.tcss" in names
    assert "reader/data/eu-korea-joint-statement.txt" in names
    assert "reader/formats/claim.schema.json" in names
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
         "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr
    code = textwrap.dedent(
        """
        import argparse, asyncio, sys
        import reader, reader.paths
        from reader.launch import build_app
        assert reader.__file__.startswith(sys.argv[1]), reader.__file__
        styles = reader.paths.styles_dir()
        assert styles.is_relative_to(sys.argv[1]) and (styles / "reader.tcss").is_file()

        async def main():
            args = argparse.Namespace(paths=[], db=sys.argv[2], model=None, annotator="t",
                                      read_only=False)
            app = build_app(args)
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                pane = app.screen.query_one("#side")
                print("side-width", pane.outer_size.width)
                await pilot.press("q")

        asyncio.run(main())
        """
    )
    env = {**os.environ, "PYTHONPATH": str(target), "TEXTUAL_ANIMATIONS": "none"}
    run = subprocess.run([sys.executable, "-c", code, str(target), str(tmp_path / "db")],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "side-width 44" in run.stdout  # the width set in styles/reader.tcss
