"""Claims that could not be saved when the reader quits are written to a rescue file.

The file is our own JSONL export format, so `reader import FILE` puts the claims back once the
store can be written again (the article is read from its source file if the store lacks it).
It goes to the first folder that takes it: the store's, the user data folder, the temp folder.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.formats.base import json_line
from reader.formats.jsonl import claim_line
from reader.paths import APP_NAME
from reader.records import Claim
from reader.safe_io import write_new

__all__ = ["rescue_folders", "rescue_lines", "write_rescue"]


def rescue_folders(store_root: Path) -> list[Path]:
    """Where a rescue file may go, best first."""
    import platformdirs

    return [store_root, Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "rescue",
            Path(tempfile.gettempdir())]


def rescue_lines(
    claims: Iterable[Claim], articles: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """The claims as JSONL export lines (each ending in a newline)."""
    return [json_line(claim_line(articles.get(c.article_id, {}), c)) + "\n" for c in claims]


def write_rescue(
    claims: Iterable[Claim],
    articles: Mapping[str, Mapping[str, Any]],
    folders: Iterable[Path],
    now: datetime | None = None,
) -> Path | None:
    """Write `claims` as JSONL to a new file in the first folder
    that takes it; `articles` gives each article's id, title, source, url and date. Returns
    the file, or None when no folder could be written (nothing is left half-written)."""
    lines = rescue_lines(claims, articles)
    if not lines:
        return None
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    payload = "".join(lines).encode("utf-8", "surrogatepass")
    for folder in folders:
        path = folder / f"unsaved-claims-{stamp}-{os.getpid()}.jsonl"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_new(path, payload)  # never over another file, never through a link
        except OSError:
            continue  # nothing half-written is left
        return path
    return None
