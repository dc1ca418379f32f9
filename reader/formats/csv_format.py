"""CSV: one claim per row, safe to open in a spreadsheet.

Cells that start with `=`, `+`, `-`, `@` (or a tab or carriage return) get a leading `'` so a
spreadsheet never runs them as a formula. With `terminal=True` control characters are replaced
by visible placeholders too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from reader.text.sanitize import sanitize

__all__ = ["COLUMNS", "row", "safe_cell", "write"]

COLUMNS: tuple[str, ...] = (
    "quote",
    "label",
    "verdict",
    "speaker",
    "speaker_confirmed",
    "checkworthy",
    "note",
    "tags",
    "sources",
    "article_title",
    "article_id",
    "start",
    "end",
    "status",
    "annotator",
    "updated",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object, terminal: bool = False) -> str:
    """A cell's text: no formula trigger at the start, no raw controls for a terminal."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    if terminal:
        text = sanitize(text)
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    return text


def row(article: Mapping[str, Any], claim: Mapping[str, Any], terminal: bool = False) -> list[str]:
    """The CSV cells of one claim, in `COLUMNS` order."""
    values: dict[str, object] = {
        "quote": claim.get("quote"),
        "label": claim.get("label"),
        "verdict": claim.get("verdict"),
        "speaker": claim.get("speaker"),
        "speaker_confirmed": claim.get("speaker_confirmed") is True,
        "checkworthy": claim.get("checkworthy"),
        "note": claim.get("note"),
        "tags": "; ".join(str(t) for t in claim.get("tags") or []),
        "sources": "; ".join(
            f"{s.get('url') or s.get('article_id')} ({s.get('role')}, {s.get('stance')})"
            for s in claim.get("sources") or [] if isinstance(s, dict)),
        "article_title": article.get("title"),
        "article_id": article.get("id") or claim.get("article_id"),
        "start": claim.get("start"),
        "end": claim.get("end"),
        "status": claim.get("status"),
        "annotator": claim.get("annotator"),
        "updated": claim.get("updated"),
    }
    return [safe_cell(values[name], terminal) for name in COLUMNS]


def write(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
    out: TextIO,
    terminal: bool = False,
) -> int:
    """Write the header and one row per (article, claim) as it comes; return how many rows."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for article, claim in pairs:
        writer.writerow(row(article, claim, terminal))
        count += 1
    return count
