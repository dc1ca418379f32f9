"""The Makefile: which Python it picks, and what `make run` and `make test` install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def dry_run(
    target: str, bin_dir: Path, venv: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    """`make -n TARGET` with only `bin_dir` on PATH (the commands it would run)."""
    assert MAKE is not None
    return subprocess.run(
        [MAKE, "-n", "-C", str(ROOT), target, f"VENV={venv}", *extra],
        capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items() if k != "PYTHON"}, "PATH": str(bin_dir)},
    )


def pythons(tmp_path: Path, names: dict[str, bool]) -> Path:
    """A PATH folder: each name a real interpreter (True) or one that is too old (False)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, recent in names.items():
        path = bin_dir / name
        if recent:
            path.symlink_to(sys.executable)
        else:  # answers the Makefile's version check as Python 3.10 would
            path.write_text("#!/bin/sh\nexit 1\n")
            path.chmod(0o755)
    return bin_dir


def test_the_first_python_311_or_newer_is_used(tmp_path: Path) -> None:
    bin_dir = pythons(tmp_path, {"python3": False, "python3.12": True, "python3.13": True})
    run = dry_run("run", bin_dir, tmp_path / "venv")
    assert run.returncode == 0, run.stderr
    assert f"python3.12 -m venv {tmp_path / 'venv'}" in run.stdout


def test_python_variable_overrides(tmp_path: Path) -> None:
    bin_dir = pythons(tmp_path, {"python3.12": True})
    run = dry_run("run", bin_dir, tmp_path / "venv", f"PYTHON={sys.executable}")
    assert run.returncode == 0, run.stderr
    assert f"{sys.executable} -m venv" in run.stdout
    assert "python3.12 -m venv" not in run.stdout


def test_no_recent_python_is_one_clear_line(tmp_path: Path) -> None:
    bin_dir = pythons(tmp_path, {"python3": False})
    assert MAKE is not None
    run = subprocess.run([MAKE, "-C", str(ROOT), "run", f"VENV={tmp_path / 'venv'}"],
                         capture_output=True, text=True, timeout=60,
                         env={"PATH": str(bin_dir), "HOME": str(tmp_path)})
    assert run.returncode != 0
    assert "reader needs Python 3.11 or newer" in run.stdout + run.stderr
    assert not (tmp_path / "venv").exists()


def test_make_run_installs_the_runtime_only_make_test_the_test_extra(tmp_path: Path) -> None:
    bin_dir = pythons(tmp_path, {"python3": True})
    run = dry_run("run", bin_dir, tmp_path / "venv")
    assert run.returncode == 0, run.stderr
    installs = [line for line in run.stdout.splitlines() if " install " in line]
    assert any(line.endswith("install --quiet -e .") for line in installs), installs
    assert "[test]" not in run.stdout
    for target in ("test", "lint", "bench"):
        out = dry_run(target, bin_dir, tmp_path / "venv").stdout
        assert "pip install --quiet -e '.[test]'" in out, target
