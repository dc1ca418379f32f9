"""The UI's one-way shape, checked on the import graph: no import cycle anywhere in `reader`
(function-level and TYPE_CHECKING imports count), and the import-linter contracts of
pyproject.toml (layers; no Textual or Rich in the core; no spaCy in the UI process)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.import_graph import cycles, import_edges

ROOT = Path(__file__).parent.parent


def test_reader_has_no_import_cycle() -> None:
    edges = import_edges()
    assert "reader.workspace" in edges and "reader.screens.main" in edges
    assert cycles(edges) == []


def test_the_cycle_check_sees_hidden_imports(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Cycles closed only by an import inside a function, under TYPE_CHECKING, or by
    `from package import module` (which runs the package's `__init__`) are cycles."""
    package = tmp_path / "cyclic_pkg"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from cyclic_pkg import b\n",
        "b.py": "def later():\n    from cyclic_pkg import a\n",
        "c.py": ("from typing import TYPE_CHECKING\n"
                 "if TYPE_CHECKING:\n    from cyclic_pkg import d\n"),
        "d.py": "import cyclic_pkg.c\n",
        "e.py": "",
        "sub/__init__.py": "from cyclic_pkg.sub.f import F\n",
        "sub/f.py": "from cyclic_pkg.sub import g\nF = 1\n",
        "sub/g.py": "from cyclic_pkg.sub import f\n",
    }
    for name, text in files.items():
        (package / name).write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = cycles(import_edges("cyclic_pkg"))
    assert ["cyclic_pkg.a", "cyclic_pkg.b"] in found
    assert ["cyclic_pkg.c", "cyclic_pkg.d"] in found
    assert ["cyclic_pkg.sub", "cyclic_pkg.sub.f", "cyclic_pkg.sub.g"] in found
    assert not any("cyclic_pkg.e" in group for group in found)


def test_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    from importlinter.cli import lint_imports

    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    shown = capsys.readouterr().out
    assert status == 0, shown
    assert "Contracts: 3 kept, 0 broken." in shown


def test_listing_the_export_formats_loads_no_exporter() -> None:
    """The export dialog lists the formats from `reader.formats.base`; the exporters (and
    their spaCy-facing modules) load in the export's child process only. The package's
    `__init__` imported them all (0.12 s in the UI process at the first ctrl+e)."""
    import subprocess
    import sys

    code = ("import sys, reader.formats.base, reader.formats.export_worker\n"
            "print(sorted(m for m in sys.modules if m.startswith('reader.formats.')))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=ROOT, check=True).stdout
    assert shown.strip() == ("['reader.formats.base', 'reader.formats.detect', "
                             "'reader.formats.export_worker']")
