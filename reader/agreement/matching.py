"""One-to-one span matching between two annotators, and precision/recall/F1 over it.

Order-agnostic and one-to-one, so neither one long span against many short ones nor two
unrelated span sets can score as agreement: exact matches are taken first, then the pairs that
overlap most (any overlap counts), each span used at most once.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reader.agreement.units import Unit


@dataclass(frozen=True, slots=True)
class Match:
    """A span of annotator A matched with one of annotator B."""

    a: Unit
    b: Unit
    exact: bool


def match_exact(a: list[Unit], b: list[Unit]) -> list[Match]:
    """Pairs with the same start and end, one-to-one (labels do not matter here)."""
    free: dict[tuple[int, int], list[Unit]] = {}
    for unit in b:
        free.setdefault((unit.start, unit.end), []).append(unit)
    matches = []
    for unit in a:
        candidates = free.get((unit.start, unit.end))
        if candidates:
            # Prefer the same label among identical spans, so labels are compared fairly.
            pick = next((c for c in candidates if c.label == unit.label), candidates[0])
            candidates.remove(pick)
            matches.append(Match(unit, pick, True))
    return matches


def match_spans(a: list[Unit], b: list[Unit]) -> list[Match]:
    """Exact matches first, then greedy by overlap size (largest first), one-to-one."""
    exact = match_exact(a, b)
    used_a = {id(m.a) for m in exact}
    used_b = {id(m.b) for m in exact}
    rest_a = [u for u in a if id(u) not in used_a]
    rest_b = sorted((u for u in b if id(u) not in used_b), key=lambda u: u.start)
    starts = [u.start for u in rest_b]
    candidates: list[tuple[int, int, int, Unit, Unit]] = []
    longest_b = max((u.length for u in rest_b), default=0)
    width = len(rest_b)
    for i, unit in enumerate(rest_a):
        start, end = unit.start, unit.end
        # Only spans of B starting before unit.end and after unit.start - longest_b can overlap.
        lo = bisect.bisect_left(starts, start - longest_b)
        hi = bisect.bisect_left(starts, end)
        for j in range(lo, hi):
            other = rest_b[j]
            size = min(end, other.end) - max(start, other.start)
            if size > 0:
                # Ties: the closer pair (smaller combined length) first, then position: stable.
                candidates.append((-size, end - start + other.end - other.start, i * width + j,
                                   unit, other))
    candidates.sort()  # the third item is unique: the units themselves are never compared
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    matches = list(exact)
    for _, _, _, unit, other in candidates:
        if id(unit) in taken_a or id(other) in taken_b:
            continue
        taken_a.add(id(unit))
        taken_b.add(id(other))
        matches.append(Match(unit, other, False))
    return matches


@dataclass(frozen=True, slots=True)
class SpanScore:
    """Span identification of B against A (symmetric in F1)."""

    matched: int
    a_count: int
    b_count: int

    @property
    def precision(self) -> float | None:
        """Share of B's spans matched; None when B marked nothing."""
        return self.matched / self.b_count if self.b_count else None

    @property
    def recall(self) -> float | None:
        """Share of A's spans matched; None when A marked nothing."""
        return self.matched / self.a_count if self.a_count else None

    @property
    def f1(self) -> float | None:
        """2·matched / (|A| + |B|); None when neither marked anything."""
        total = self.a_count + self.b_count
        return 2 * self.matched / total if total else None

    def __add__(self, other: SpanScore) -> SpanScore:
        return SpanScore(self.matched + other.matched, self.a_count + other.a_count,
                         self.b_count + other.b_count)


ZERO = SpanScore(0, 0, 0)


def span_scores(a: list[Unit], b: list[Unit]) -> tuple[SpanScore, SpanScore, list[Match]]:
    """(exact score, overlap score, overlap matches) of B against A."""
    matches = match_spans(a, b)
    exact = sum(1 for m in matches if m.exact)
    return (SpanScore(exact, len(a), len(b)), SpanScore(len(matches), len(a), len(b)), matches)


def group_matches(names: Sequence[str], coded: Mapping[str, list[Unit]],
                  matches: Mapping[tuple[str, str], list[Match]]) -> list[list[Unit]]:
    """Spans matched across annotators, as connected groups (singletons included), each
    group ordered by annotator (in `names` order), the groups in text order. Agreement's
    disagreements and curation's items are these groups."""
    parent: dict[int, int] = {}
    units: dict[int, Unit] = {}
    for name in names:
        for unit in coded[name]:
            parent[id(unit)] = id(unit)
            units[id(unit)] = unit

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair_matches in matches.values():
        for match in pair_matches:
            ra, rb = find(id(match.a)), find(id(match.b))
            if ra != rb:
                parent[rb] = ra
    groups: dict[int, list[Unit]] = {}
    for key, unit in units.items():
        groups.setdefault(find(key), []).append(unit)
    rank = {name: i for i, name in enumerate(names)}
    ordered = [sorted(g, key=lambda u: (rank[u.annotator], u.start)) for g in groups.values()]
    ordered.sort(key=lambda g: (g[0].article_id, min(u.start for u in g), max(u.end for u in g)))
    return ordered
