"""Re-anchoring claims after an article's text changed (W3C TextPosition + TextQuote selectors).

Order of attempts: the stored position; every exact occurrence of the quote, chosen by how
well the stored prefix/suffix agree (then by distance to the old position); a fuzzy match at
least `threshold` similar to the quote, snapped to word boundaries, ranked by its wording, its
surroundings and its distance (one side at least must still read as before); else the claim is
orphaned (last known offsets and quote kept).
"""

from __future__ import annotations

from typing import Any

import msgspec

from reader.claims import quote_selectors
from reader.records import CONTEXT_CHARS, Claim

MAX_CANDIDATES = 10_000
"""Exact occurrences scored at most (a very common short quote is cut off here)."""


def reanchor(claim: dict[str, Any], new_text: str, *, threshold: float = 85) -> dict[str, Any]:
    """A copy of a claim record (a stored dict, possibly one `db repair` is mending) anchored
    in `new_text`, or marked `orphaned` where it cannot be."""
    quote = claim.get("quote", "")
    start, end = claim.get("start", 0), claim.get("end", 0)
    if not isinstance(quote, str) or not quote:
        return {**claim, "status": "orphaned"}
    if 0 <= start < end <= len(new_text) and new_text[start:end] == quote:
        return _anchored(claim, new_text, start, end)
    exact = _best_exact(claim, new_text, quote, start)
    if exact is not None:
        return _anchored(claim, new_text, exact, exact + len(quote))
    fuzzy = _fuzzy(claim, quote, new_text, start, end, threshold)
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


def _occurrences(text: str, quote: str, lo: int = 0, hi: int | None = None) -> list[int]:
    found: list[int] = []
    hi = len(text) if hi is None else hi
    pos = text.find(quote, lo, hi)
    while pos >= 0 and len(found) < MAX_CANDIDATES:
        found.append(pos)
        pos = text.find(quote, pos + 1, hi)
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


QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50.0, 20.0, 20.0, 2.0
"""How a fuzzy candidate is ranked (the weights Hypothesis's client gives quote, prefix, suffix
and position): a place whose surroundings still read as before beats a slightly closer wording
elsewhere, which in a text of repeated words is often just the same words further on."""


MIN_CONTEXT_FIT = 0.75
"""A changed quote is found again only where the text on at least one side of it still reads
as before: like wording elsewhere, in other surroundings, is other words (the claim is orphaned
and keeps its quote for the analyst to place)."""


def _fuzzy(
    claim: dict[str, Any], quote: str, text: str, old_start: object, old_end: object,
    threshold: float,
) -> tuple[int, int] | None:
    """The word-aligned span at least `threshold` similar to `quote` that fits best, counting
    its surroundings (stored prefix and suffix) and its distance to the old place."""
    from rapidfuzz import fuzz  # imported here: only edited texts need it

    if len(text) < 1:
        return None
    s0 = min(max(old_start if isinstance(old_start, int) else 0, 0), len(text))
    e0 = old_end if isinstance(old_end, int) else s0
    e0 = min(max(e0, s0), len(text))
    prefix = claim.get("prefix", "") if isinstance(claim.get("prefix"), str) else ""
    suffix = claim.get("suffix", "") if isinstance(claim.get("suffix"), str) else ""
    tight = len(quote) // 2 + 16
    margin = 4 * len(quote) + 256
    near = (max(0, s0 - margin), min(len(text), e0 + margin))
    candidates: set[tuple[int, int]] = set()
    # the claim's own place: its old start and end (or start + quote length), snapped to words
    for s in _snap_starts(text, s0) | _snap_starts(text, max(0, s0 - 1)):
        candidates |= {(s, e) for e in _snap_ends(text, e0) | _word_ends(text, s, len(quote))}
    # the text between the stored prefix and suffix, where they are still found near the place
    context_starts = _context_ends(text, prefix, s0, near)
    context_ends = _context_starts(text, suffix, e0, near)
    for s in context_starts:
        candidates |= {(s, e) for e in context_ends | _word_ends(text, s, len(quote))}
    for e in context_ends:
        candidates |= {(s, e) for s in _snap_starts(text, max(0, e - len(quote)))}
    # then the best alignment in ever wider windows around the old place, then anywhere: a
    # wider window only when nothing nearer fits
    rank = _Ranking(quote, text, prefix, suffix, s0, threshold)
    windows = [(s0 - tight, e0 + tight), near, (0, len(text))]
    tried: set[tuple[int, int]] = set()
    for lo, hi in windows:
        lo, hi = max(0, lo), min(len(text), hi)
        if (lo, hi) in tried or lo >= hi:
            continue
        tried.add((lo, hi))
        align = fuzz.partial_ratio_alignment(quote, text[lo:hi], score_cutoff=threshold)
        if align is not None:
            for s in _snap_starts(text, lo + align.dest_start):
                candidates |= {(s, e) for e in _snap_ends(text, lo + align.dest_end)}
        best = rank.best(candidates)
        if best is not None:
            return best
    return None


class _Ranking:
    """Scores fuzzy candidates: wording, surroundings and distance (see the weights above)."""

    def __init__(self, quote: str, text: str, prefix: str, suffix: str, old_start: int,
                 threshold: float) -> None:
        from rapidfuzz import fuzz

        self.ratio = fuzz.ratio
        self.quote, self.text, self.prefix, self.suffix = quote, text, prefix, suffix
        self.old_start, self.threshold = old_start, threshold
        self.lead = len(text) - len(text.lstrip())
        self.tail = len(text.rstrip())
        self.seen: dict[tuple[int, int], float | None] = {}

    def best(self, candidates: set[tuple[int, int]]) -> tuple[int, int] | None:
        best: tuple[float, int, int] | None = None
        for span in sorted(candidates):
            if span not in self.seen:
                self.seen[span] = self.fit(*span)
            fit = self.seen[span]
            if fit is not None and (best is None or fit > best[0]):
                best = (fit, *span)
        return None if best is None else (best[1], best[2])

    def fit(self, s: int, e: int) -> float | None:
        text = self.text
        if s >= e:
            return None
        similarity = self.ratio(self.quote, text[s:e])
        if similarity < self.threshold:
            return None
        # an empty prefix/suffix says the claim touched an end of the text: is this one there?
        if self.prefix:
            before = text[max(0, s - len(self.prefix)) : s]
        else:
            before = "" if s <= self.lead else text[max(0, s - CONTEXT_EVIDENCE) : s]
        if self.suffix:
            after = text[e : e + len(self.suffix)]
        else:
            after = "" if e >= self.tail else text[e : e + CONTEXT_EVIDENCE]
        prefix_fit = _context_fit(self.prefix, before, self.ratio)
        suffix_fit = _context_fit(self.suffix, after, self.ratio)
        if max(prefix_fit, suffix_fit) < MIN_CONTEXT_FIT:
            return None
        return (
            QUOTE_WEIGHT * similarity / 100
            + PREFIX_WEIGHT * prefix_fit
            + SUFFIX_WEIGHT * suffix_fit
            + POSITION_WEIGHT * (1 - abs(s - self.old_start) / len(text))
        )


def _word_ends(text: str, start: int, length: int) -> set[int]:
    """Word ends that make a span from `start` between 4/5 and 5/4 of the quote's length (an
    edit inside the quote made it longer or shorter)."""
    lo, hi = start + (4 * length) // 5, min(len(text), start + (5 * length) // 4 + 1)
    ends = {e for e in range(max(lo, start + 1), hi + 1)
            if e == len(text) or (_is_word(text[e - 1]) and not _is_word(text[e]))}
    return ends | _snap_ends(text, min(len(text), start + length))


def _context_ends(text: str, prefix: str, near: int, window: tuple[int, int]) -> set[int]:
    """Where the stored prefix (or its last half) ends in `window`, the nearest to `near`."""
    found: set[int] = set()
    for part in (prefix, prefix[len(prefix) // 2 :]):
        if len(part.strip()) < 4:
            continue
        places = _occurrences(text, part, *window)
        if places:
            found.add(min((p + len(part) for p in places), key=lambda x: abs(x - near)))
    return found


def _context_starts(text: str, suffix: str, near: int, window: tuple[int, int]) -> set[int]:
    """Where the stored suffix (or its first half) starts in `window`, the nearest to `near`."""
    found: set[int] = set()
    for part in (suffix, suffix[: len(suffix) // 2]):
        if len(part.strip()) < 4:
            continue
        places = _occurrences(text, part, *window)
        if places:
            found.add(min(places, key=lambda x: abs(x - near)))
    return found


CONTEXT_EVIDENCE = 16
"""A stored prefix/suffix shorter than this (a claim near an end of the text) counts for less:
a few characters such as " beta." agree by chance."""


def _context_fit(stored: str, found: str, ratio: Any) -> float:
    """How alike a stored prefix/suffix and the text now beside a candidate are, 0..1."""
    if not stored and not found:
        return 1.0  # both at an end of the text: as sure as context gets
    weight = min(1.0, len(stored) / CONTEXT_EVIDENCE)
    return weight * float(ratio(stored, found)) / 100


def reanchor_claim(claim: Claim, new_text: str, *, threshold: float = 85) -> Claim:
    """`reanchor` for a typed claim: a new `Claim`, anchored in `new_text` or orphaned."""
    moved: Claim = msgspec.convert(reanchor(claim.to_record(), new_text, threshold=threshold),
                                   Claim)
    return moved
