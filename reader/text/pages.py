"""Pages of an article that came from a PDF: derived from `meta["pages"]` (the offset where
each page starts), never stored on a claim."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from typing import Any


def page_starts(meta: Mapping[str, Any] | None) -> list[int]:
    """The page start offsets in `meta`, or [] when the article has no pages (or they are
    not a sorted list of offsets, e.g. from a hand-edited record)."""
    value = meta.get("pages") if isinstance(meta, Mapping) else None
    if not isinstance(value, list) or not value:
        return []
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        return []
    if any(b < a for a, b in zip(value, value[1:], strict=False)):
        return []
    return value


def page_at(starts: list[int], offset: int) -> int | None:
    """The 1-based page holding `offset`, or None when there are no pages."""
    if not starts:
        return None
    return max(1, bisect_right(starts, max(0, offset)))


def span_pages(meta: Mapping[str, Any] | None, start: int, end: int) -> tuple[int, int] | None:
    """`(page, page_end)` of the span `[start, end)`, or None for an article without pages."""
    return pages_of(page_starts(meta), start, end)


def pages_of(starts: list[int], start: int, end: int) -> tuple[int, int] | None:
    """`span_pages` over page starts already read (an export reads them once per article)."""
    first = page_at(starts, start)
    if first is None:
        return None
    last = page_at(starts, max(start, end - 1))
    return first, last if last is not None else first
