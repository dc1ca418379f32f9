"""Child for the crash test: the real `reader` whose help key raises inside the running app.

Usage: python crash_in_app.py READER-ARGS...
`?` (help) raises `RuntimeError` in the app's event loop: a bug we do not know of yet, as the
app meets it. Everything else is the real program.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.cli import main  # noqa: E402
from reader.screens.main import MainScreen  # noqa: E402


def _crash(self: MainScreen) -> None:
    raise RuntimeError("injected crash inside the app")


MainScreen.action_help = _crash  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
