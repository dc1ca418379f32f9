"""CSV: one claim per row, safe to open in a spreadsheet.

A cell that a spreadsheet could run as a formula gets a leading `'`: one whose first character
after any white space (which spreadsheets may trim) is `=`, `+`, `-`, `@` or their full-width
forms (`＝`...), or a tab or carriage return; and one where such a character follows a line
break or a `;`, `,`, `|` or tab (a tool that splits cells there would start a cell with it: a
`'` goes before that trigger as well).
Every cell is quoted, so a `;` or a line break inside it never starts another cell. With
`terminal=True` control characters are replaced by visible placeholders too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from reader.records import Claim
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
    "derived_from",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = "=+\\-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b\u2212"
_SEPARATORS = "\\n\\r;,|\\t\uff1b\uff0c\uff5c"
_HIDDEN_FORMULA = re.compile(f"(?:^|[{_SEPARATORS}])\\s*[{_TRIGGERS}]")
"""A formula trigger (ASCII or a full-width form a spreadsheet may fold to it) at the start of
the cell, of a line in it, or after a separator some tool may split on; white space before it
allowed."""
_INNER_FORMULA = re.compile(f"([{_SEPARATORS}]\\s*)([{_TRIGGERS}])")


def formula_risk(text: str) -> bool:
    """Whether some spreadsheet could read part of `text` as a formula."""
    return text.startswith(_FORMULA_STARTS) or bool(_HIDDEN_FORMULA.search(text))


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
    if formula_risk(text):  # a `'` before the cell, and before a trigger a split would expose
        text = "'" + _INNER_FORMULA.sub(r"\1'\2", text)
    return text


def row(article: Mapping[str, Any], claim: Claim, terminal: bool = False) -> list[str]:
    """The CSV cells of one claim, in `COLUMNS` order."""
    values: dict[str, object] = {
        "quote": claim.quote,
        "label": claim.label,
        "verdict": claim.verdict,
        "speaker": claim.speaker,
        "speaker_confirmed": claim.speaker_confirmed is True,
        "checkworthy": claim.checkworthy,
        "note": claim.note,
        "tags": "; ".join(claim.tags),
        "sources": "; ".join(
            f"{s.url or s.article_id} ({s.role}, {s.stance})" for s in claim.sources),
        "article_title": article.get("title"),
        "article_id": article.get("id") or claim.article_id,
        "start": claim.start,
        "end": claim.end,
        "status": claim.status,
        "annotator": claim.annotator,
        "updated": claim.updated,
        "derived_from": "; ".join(claim.derived_from),
    }
    return [safe_cell(values[name], terminal) for name in COLUMNS]


def write(
    pairs: Iterable[tuple[Mapping[str, Any], Claim]],
    out: TextIO,
    terminal: bool = False,
) -> int:
    """Write the header and one row per (article, claim) as it comes; return how many rows."""
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    count = 0
    for article, claim in pairs:
        writer.writerow(row(article, claim, terminal))
        count += 1
    return count
