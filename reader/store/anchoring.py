"""Re-anchoring claims after an article's text changed (W3C TextPosition + TextQuote selectors).

Order of attempts: the stored position; every exact occurrence of the quote, chosen by how
well the stored prefix/suffix agree (then by distance to the old position); a fuzzy match
near the old position, then anywhere, snapped to word boundaries and at least `threshold`
similar to the quote; else the claim is orphaned (last known offsets and quote kept).
"""

from __future__ import annotations

from typing import Any

from reader.claims import quote_selectors
from reader.records import CONTEXT_CHARS

MAX_CANDIDATES = 10_000
"""Exact occurrences scored at most (a very common short quote is cut off here)."""


def reanchor(claim: dict[str, Any], new_text: str, *, threshold: float = 85) -> dict[str, Any]:
    """A copy of `claim` anchored in `new_text`, or marked `orphaned` where it cannot be."""
    quote = claim.get("quote", "")
    start, end = claim.get("start", 0), claim.get("end", 0)
    if not isinstance(quote, str) or not quote:
        return {**claim, "status": "orphaned"}
    if 0 <= start < end <= len(new_text) and new_text[start:end] == quote:
        return _anchored(claim, new_text, start, end)
    exact = _best_exact(claim, new_text, quote, start)
    if exact is not None:
        return _anchored(claim, new_text, exact, exact + len(quote))
    fuzzy = _fuzzy(quote, new_text, start, end, threshold)
    if fuzzy is not None:
        return _anchored(claim, new_text, *fuzzy)
    return {**claim, "status": "orphaned"}


def _anchored(claim: dict[str, Any], text: str, start: int, end: int) -> dict[str, Any]:
    quote, prefix, suffix = quote_selectors(text, start, end)
    old_start = claim.get("start")
    delta = start - old_start if isinstance(old_start, int) else 0
    return {
        **claim,
        "entities": _move_entities(claim.get("entities"), text, start, end, delta),
        "start": start,
        "end": end,
        "quote": quote,
        "prefix": prefix,
        "suffix": suffix,
        "status": "anchored",
    }


def _move_entities(entities: object, text: str, start: int, end: int, delta: int) -> object:
    """The claim's entities moved with it; one whose words are gone from the span is dropped."""
    if not isinstance(entities, list):
        return entities
    moved: list[Any] = []
    for ent in entities:
        if not isinstance(ent, dict):
            moved.append(ent)
            continue
        surface, e_start = ent.get("text"), ent.get("start")
        if not isinstance(surface, str) or not isinstance(e_start, int) or not surface:
            moved.append(ent)
            continue
        pos = e_start + delta
        if not (
            start <= pos and pos + len(surface) <= end and text[pos : pos + len(surface)] == surface
        ):
            found = text.find(surface, start, end)
            if found < 0:
                continue
            pos = found
        moved.append({**ent, "start": pos, "end": pos + len(surface)})
    return moved


def _occurrences(text: str, quote: str) -> list[int]:
    found: list[int] = []
    pos = text.find(quote)
    while pos >= 0 and len(found) < MAX_CANDIDATES:
        found.append(pos)
        pos = text.find(quote, pos + 1)
    return found


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _best_exact(claim: dict[str, Any], text: str, quote: str, old_start: int) -> int | None:
    """The exact occurrence whose surroundings agree best with the stored prefix/suffix."""
    candidates = _occurrences(text, quote)
    if not candidates:
        return None
    prefix = claim.get("prefix", "") if isinstance(claim.get("prefix"), str) else ""
    suffix = claim.get("suffix", "") if isinstance(claim.get("suffix"), str) else ""
    old = old_start if isinstance(old_start, int) else 0

    def score(pos: int) -> tuple[int, int]:
        before = text[max(0, pos - CONTEXT_CHARS) : pos]
        after = text[pos + len(quote) : pos + len(quote) + CONTEXT_CHARS]
        agree = _common_suffix(prefix, before) + _common_prefix(suffix, after)
        return (-agree, abs(pos - old))

    return min(candidates, key=score)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _snap_starts(text: str, s: int) -> set[int]:
    """Word-boundary starts near `s`: the start of the word it cuts, and the next word."""
    left = s
    while 0 < left < len(text) and _is_word(text[left - 1]) and _is_word(text[left]):
        left -= 1
    right = s
    while right < len(text) and _is_word(text[right]):
        right += 1
    while right < len(text) and not _is_word(text[right]) and text[right].isspace():
        right += 1
    punct = left
    while punct > 0 and not _is_word(text[punct - 1]) and not text[punct - 1].isspace():
        punct -= 1
    out = {left, right, punct}
    return {x for x in out if x < len(text) and not text[x].isspace()}


def _snap_ends(text: str, e: int) -> set[int]:
    """Word-boundary ends near `e`: the end of the word it cuts, and the previous word's end."""
    right = e
    while 0 < right < len(text) and _is_word(text[right - 1]) and _is_word(text[right]):
        right += 1
    left = e
    while left > 0 and _is_word(text[left - 1]):
        left -= 1
    while left > 0 and text[left - 1].isspace():
        left -= 1
    punct = right
    while punct < len(text) and not _is_word(text[punct]) and not text[punct].isspace():
        punct += 1
    out = {right, left, punct}
    return {x for x in out if x > 0 and not text[x - 1].isspace()}


def _fuzzy(
    quote: str, text: str, old_start: object, old_end: object, threshold: float
) -> tuple[int, int] | None:
    """The best word-aligned span at least `threshold` similar to `quote`, nearest first."""
    from rapidfuzz import fuzz  # imported here: only edited texts need it

    if len(text) < 1:
        return None
    s0 = old_start if isinstance(old_start, int) else 0
    e0 = old_end if isinstance(old_end, int) else s0
    margin = 4 * len(quote) + 256
    windows = [(max(0, s0 - margin), min(len(text), max(e0, s0) + margin)), (0, len(text))]
    tried: set[tuple[int, int]] = set()
    for lo, hi in windows:
        if (lo, hi) in tried or lo >= hi:
            continue
        tried.add((lo, hi))
        align = fuzz.partial_ratio_alignment(quote, text[lo:hi], score_cutoff=threshold)
        if align is None:
            continue
        best: tuple[float, int, int] | None = None
        for s in _snap_starts(text, lo + align.dest_start):
            for e in _snap_ends(text, lo + align.dest_end):
                if s >= e:
                    continue
                score = fuzz.ratio(quote, text[s:e])
                if score >= threshold and (best is None or score > best[0]):
                    best = (score, s, e)
        if best is not None:
            return best[1], best[2]
    return None
