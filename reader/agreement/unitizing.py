"""Krippendorff's unitizing α (α_u, the labelled "cu-α" of Krippendorff et al. 2016, *On the
reliability of unitizing textual continua*), at character level.

Each annotator's claims on an article are laid out as a partition of the article's characters:
the labelled spans, and "empty" segments for the gaps. Observed coincidences are the characters
two annotators' segments share with the same label; expected ones follow from how long each
label's segments are. Traps, and what is done about them:

- **Self-overlap.** α_u assumes one annotator's units do not overlap. Where an annotator's own
  spans overlap, each character goes to the span that starts first (the longer one on a tie);
  `Partition.overlapped` counts the characters that had to be decided this way, for the notes.
- **An annotator who marked nothing** is one empty segment over the whole article: a valid,
  informative coding (agreement on the absence of claims), not missing data.
- **No variation** (everyone left the article empty): α_u is undefined, not 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reader.agreement.units import Unit

EMPTY = ""
"""The tag of the characters no claim covers."""


@dataclass(slots=True)
class Partition:
    """One annotator's article: (start, end, tag) segments covering [0, length) in order."""

    segments: list[tuple[int, int, str]]
    overlapped: int = 0


def partition(units: Iterable[Unit], length: int, label: str | None = None) -> Partition:
    """Lay one annotator's units out over [0, length); `label` keeps only that label's."""
    spans = sorted(
        ((u.start, u.end, u.label) for u in units
         if (label is None or u.label == label) and u.start < length),
        key=lambda s: (s[0], -s[1]),
    )
    segments: list[tuple[int, int, str]] = []
    position = 0
    overlapped = 0
    for start, end, tag in spans:
        end = min(end, length)
        if end <= position:
            overlapped += end - start
            continue
        if start < position:
            overlapped += position - start
            start = position
        if start > position:
            segments.append((position, start, EMPTY))
        segments.append((start, end, tag))
        position = end
    if position < length:
        segments.append((position, length, EMPTY))
    return Partition(segments, overlapped)


@dataclass(slots=True)
class UnitizingTally:
    """Sums α_u is made of; tallies of several articles add up to the pooled figure."""

    coders: int
    total: float = 0.0
    """l.. : every coder's characters."""
    observed_same: float = 0.0
    """Σ_c o_cc: characters two coders gave the same tag, over ordered coder pairs / (m-1)."""
    by_tag: dict[str, float] = field(default_factory=dict)
    """l_c. : characters each tag holds, over all coders."""
    square_by_tag: dict[str, float] = field(default_factory=dict)
    """Σ over the tag's segments of length² (length, for the empty tag)."""

    def add(self, other: UnitizingTally) -> None:
        """Pool another article's sums into this one."""
        self.total += other.total
        self.observed_same += other.observed_same
        for tag, value in other.by_tag.items():
            self.by_tag[tag] = self.by_tag.get(tag, 0.0) + value
        for tag, value in other.square_by_tag.items():
            self.square_by_tag[tag] = self.square_by_tag.get(tag, 0.0) + value

    def alpha(self) -> float | None:
        """α_u = 1 - D_o / D_e; None when undefined (no variation)."""
        if self.coders < 2 or self.total == 0:
            return None
        squares = sum(self.square_by_tag.values())
        denominator = self.total**2 - squares
        if denominator == 0:
            return None
        expected_same = sum(
            self.total * (self.by_tag[tag] ** 2 - self.square_by_tag.get(tag, 0.0)) / denominator
            for tag in self.by_tag
        )
        expected = self.total - expected_same
        if expected == 0:
            return None
        observed = self.total - self.observed_same
        return 1 - observed / expected


def tally(partitions: Mapping[str, Partition]) -> UnitizingTally:
    """The α_u sums of one article, each coder's partition covering the same characters."""
    return ArticleTally(partitions).of(list(partitions))


class ArticleTally:
    """One article's α_u sums for any subset of its coders: each coder's segment sums and each
    pair's shared characters are computed once (the overall figure and every pair's reuse them).
    """

    def __init__(self, partitions: Mapping[str, Partition]) -> None:
        self._partitions = partitions
        self._sums: dict[str, tuple[float, dict[str, float], dict[str, float]]] = {}
        self._shared: dict[tuple[str, str], int] = {}
        for name, part in partitions.items():
            total = 0.0
            by_tag: dict[str, float] = {}
            squares: dict[str, float] = {}
            for start, end, tag in part.segments:
                size = end - start
                total += size
                by_tag[tag] = by_tag.get(tag, 0.0) + size
                squares[tag] = squares.get(tag, 0.0) + (size if tag == EMPTY else size * size)
            self._sums[name] = (total, by_tag, squares)

    def shared(self, first: str, second: str) -> int:
        """Characters the two coders gave the same tag."""
        key = (first, second) if first <= second else (second, first)
        if key not in self._shared:
            self._shared[key] = _shared_same_tag(self._partitions[key[0]].segments,
                                                 self._partitions[key[1]].segments)
        return self._shared[key]

    def of(self, coders: list[str]) -> UnitizingTally:
        """The sums for these coders."""
        result = UnitizingTally(coders=len(coders))
        for name in coders:
            total, by_tag, squares = self._sums[name]
            result.total += total
            for tag, value in by_tag.items():
                result.by_tag[tag] = result.by_tag.get(tag, 0.0) + value
            for tag, value in squares.items():
                result.square_by_tag[tag] = result.square_by_tag.get(tag, 0.0) + value
        if len(coders) >= 2:
            same = sum(2 * self.shared(a, b)
                       for i, a in enumerate(coders) for b in coders[i + 1 :])
            result.observed_same = same / (len(coders) - 1)
        return result


def label_tally(units: Mapping[str, Iterable[Unit]], length: int) -> UnitizingTally:
    """`tally` of one label's spans (every unit given carries it) over an article of `length`
    characters, each coder's partition being that label and the empty tag: the same numbers,
    without a walk over every pair of partitions. Each coder's labelled characters are a bit
    mask; two coders give the same tag to the characters both labelled and those neither did.
    (All the sums are whole numbers, so they add up exactly in any order; the tags enter each
    table in the order their first segments come, as in `tally`.)"""
    coders = list(units)
    result = UnitizingTally(coders=len(coders))
    masks: list[int] = []
    covers: list[int] = []
    for name in coders:
        segments = partition(units[name], length).segments
        mask = cover = square = rest = 0
        label = EMPTY
        for start, end, tag in segments:
            size = end - start
            if tag == EMPTY:
                rest += size
            else:
                label = tag
                cover += size
                square += size * size
                mask |= ((1 << size) - 1) << start
        masks.append(mask)
        covers.append(cover)
        result.total += cover + rest
        order = [(label, cover, square), (EMPTY, rest, rest)]
        if not segments or segments[0][2] == EMPTY:
            order.reverse()
        for tag, value, squares in order:
            if value:
                result.by_tag[tag] = result.by_tag.get(tag, 0.0) + value
                result.square_by_tag[tag] = result.square_by_tag.get(tag, 0.0) + squares
    if len(coders) >= 2:
        same = 0
        for i in range(len(coders)):
            for j in range(i + 1, len(coders)):
                both = (masks[i] & masks[j]).bit_count()
                same += 2 * (both + length - covers[i] - covers[j] + both)
        result.observed_same = same / (len(coders) - 1)
    return result


def _shared_same_tag(a: list[tuple[int, int, str]], b: list[tuple[int, int, str]]) -> int:
    """Characters where two partitions give the same tag (a merge walk over both)."""
    if not a or not b:
        return 0
    shared = 0
    ia, ib = iter(a), iter(b)
    a_start, a_end, a_tag = next(ia)
    b_start, b_end, b_tag = next(ib)
    try:
        while True:
            if a_tag == b_tag:
                size = min(a_end, b_end) - max(a_start, b_start)
                if size > 0:
                    shared += size
            if a_end <= b_end:
                a_start, a_end, a_tag = next(ia)
            else:
                b_start, b_end, b_tag = next(ib)
    except StopIteration:
        return shared
