"""Web pages: fetching (`fetch.py`), the `[web]` settings (`settings.py`), raw snapshots kept
in the store (`snapshots.py`), and opening or refreshing a URL as an article (`page.py`).
No Textual here; the app runs `page.open_url` in a worker thread."""

from __future__ import annotations

import re

__all__ = ["is_url"]

_URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(text: str) -> bool:
    """Whether a command-line argument is meant as a URL (`scheme://...`); cheap, so the
    launch can ask without importing the network modules."""
    return bool(_URL_START.match(text))
