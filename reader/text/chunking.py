"""Cut a long text into consecutive chunks (for NER) at the most natural boundary available."""

from __future__ import annotations

import re

from reader.text.segment import grapheme_start

__all__ = ["DEFAULT_MAX_CHARS", "chunk_spans"]

DEFAULT_MAX_CHARS = 100_000

_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*[ \t]+")
_SPACES = (" ", "\t", "\u3000")


def chunk_spans(
    text: str, max_chars: int = DEFAULT_MAX_CHARS, *, target_chars: int | None = None
) -> list[tuple[int, int]]:
    """Consecutive `(start, end)` spans covering `text` exactly, each at most the limit long.

    The limit is `max_chars`, or `target_chars` when that is smaller (callers wanting finer
    progress ask for smaller chunks). Each cut is the last paragraph break (`\\n\\n`), else
    line break, else sentence end, else whitespace in the second half of the window; failing
    all of those, a hard cut that never splits a grapheme cluster. An empty text has no chunks.
    """
    limit = max_chars if target_chars is None else min(max_chars, target_chars)
    if limit < 1:
        raise ValueError(f"chunk size must be at least 1, not {limit}")
    spans: list[tuple[int, int]] = []
    pos = 0
    size = len(text)
    while size - pos > limit:
        cut = _cut(text, pos, pos + limit)
        spans.append((pos, cut))
        pos = cut
    if pos < size:
        spans.append((pos, size))
    return spans


def _cut(text: str, start: int, end: int) -> int:
    """The best cut in `(start, end]`."""
    floor = start + (end - start) // 2
    found = text.rfind("\n\n", floor, end)
    if found >= 0:
        return found + 2
    found = text.rfind("\n", floor, end)
    if found >= 0:
        return found + 1
    last = None
    for last in _SENTENCE_END.finditer(text, floor, end):  # noqa: B007 - we want the last one
        pass
    if last is not None:
        return last.end()
    found = max(text.rfind(space, floor, end) for space in _SPACES)
    if found >= 0:
        return found + 1
    cut = grapheme_start(text, end)
    if cut <= start:  # one cluster longer than the limit: the limit wins
        cut = end
    return cut
