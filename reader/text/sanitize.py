"""Make untrusted text safe for a terminal, one character for one (offsets never move).

`sanitize` is for article text and notes (keeps `\\n` and `\\t`); `clean_line` is for one-line
fields such as titles, labels and file names (line breaks and tabs become spaces). Markup such
as `[red]` is not touched here: rendering code must treat text as data anyway.
"""

from __future__ import annotations

import re
from itertools import islice

__all__ = ["FORBIDDEN", "clean_line", "has_controls", "sanitize"]

_REPLACEMENT = "\ufffd"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        if code not in (0x09, 0x0A):
            table[code] = chr(0x2400 + code)  # Control Pictures: ESC -> U+241B "␛"
    table[0x7F] = "\u2421"  # DEL -> "␡"
    for code in range(0x80, 0xA0):  # C1 controls (CSI, OSC, NEL, ...)
        table[code] = _REPLACEMENT
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)):  # bidi overrides, isolates
        table[code] = _REPLACEMENT
    table[0x2028] = _REPLACEMENT  # LINE SEPARATOR
    table[0x2029] = _REPLACEMENT  # PARAGRAPH SEPARATOR
    for code in range(0xD800, 0xE000):  # lone surrogates (JSON "\\ud800"): unencodable
        table[code] = _REPLACEMENT
    return table


_TABLE: dict[int, str] = _build_table()
_LINE_TABLE: dict[int, str] = {**_TABLE, 0x09: " ", 0x0A: " ", 0x0D: " "}

FORBIDDEN: frozenset[str] = frozenset(chr(code) for code in _TABLE)
"""Every character `sanitize` replaces."""

_FORBIDDEN_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_LINE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def sanitize(text: str) -> str:
    """Replace terminal-unsafe characters with visible placeholders; `len` is unchanged.

    C0 controls except `\\n`/`\\t` become Control Pictures (U+2400 + code), DEL becomes U+2421;
    C1 controls, bidi overrides/isolates, U+2028/U+2029 and lone surrogates become U+FFFD.
    """
    return _apply(text, _FORBIDDEN_RE, _TABLE)


def clean_line(text: str) -> str:
    """`sanitize` for one-line fields: also `\\n`, `\\r` and `\\t` become spaces."""
    return _apply(text, _LINE_RE, _LINE_TABLE)


_SPARSE = 1000
"""Up to this many replacements, `re.sub` is faster than translating the whole text."""


def _apply(text: str, pattern: re.Pattern[str], table: dict[int, str]) -> str:
    """Replace every match of `pattern` (one character) through `table`."""
    first = pattern.search(text)
    if first is None:  # the common case: one fast scan, no copy
        return text
    if sum(1 for _ in islice(pattern.finditer(text, first.start()), _SPARSE)) < _SPARSE:
        return pattern.sub(lambda match: table[ord(match.group())], text)
    return text.translate(table)


def has_controls(text: str) -> bool:
    """True when `sanitize` would change `text`."""
    return _FORBIDDEN_RE.search(text) is not None
