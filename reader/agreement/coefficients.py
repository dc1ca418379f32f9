"""Chance-corrected agreement on categories: Cohen's κ, Fleiss' κ, Krippendorff's α.

Written out here (a few lines each) rather than imported, so the UI and `reader agree` need no
scientific stack; the tests check every figure against scikit-learn, statsmodels and the
`krippendorff` package on the same data. Each returns None where the figure is undefined (no
variation, nothing to compare); `why_undefined` says why in words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from itertools import permutations


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's κ of two raters' codes on the same items (unweighted)."""
    n = len(a)
    if n == 0 or n != len(b):
        return None
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[c] * count_b[c] for c in count_a) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(items: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' κ: each item coded by the same number (≥ 2) of raters."""
    if not items:
        return None
    raters = len(items[0])
    if raters < 2 or any(len(item) != raters for item in items):
        return None
    totals: Counter[Hashable] = Counter()
    agreement = 0.0
    terms: dict[tuple[Hashable, ...], float] = {}  # items repeat: each distinct one once
    for item in map(tuple, items):
        term = terms.get(item)
        if term is None:
            counts = Counter(item)
            totals.update({category: 0 for category in counts})  # first seen: its place
            term = terms[item] = (sum(c * c for c in counts.values()) - raters) / (
                raters * (raters - 1))
        agreement += term
    for item, count in Counter(map(tuple, items)).items():
        for category in item:
            totals[category] += count
    n = len(items)
    p_bar = agreement / n
    p_e = sum((t / (n * raters)) ** 2 for t in totals.values())
    if p_e == 1:
        return None
    return (p_bar - p_e) / (1 - p_e)


def krippendorff_alpha(
    units: Sequence[Sequence[Hashable | None]],
    level: str = "nominal",
    domain: Sequence[Hashable] | None = None,
) -> float | None:
    """Krippendorff's α over units coded by any raters (None = missing).

    `level` is "nominal" or "ordinal"; ordinal needs `domain`, the values in their order.
    Units with fewer than two values are not pairable and are left out.
    """
    coincidence = _coincidence(units)
    totals: dict[Hashable, float] = {}
    for (x, _), weight in coincidence.items():
        totals[x] = totals.get(x, 0.0) + weight
    n = sum(totals.values())
    if n <= 1 or len(totals) < 2:
        return None
    delta = _ordinal_delta(totals, domain) if level == "ordinal" else _nominal_delta
    observed = sum(w * delta(x, y) for (x, y), w in coincidence.items())
    expected = sum(totals[x] * totals[y] * delta(x, y) for x in totals for y in totals) / (n - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


def _coincidence(
    units: Sequence[Sequence[Hashable | None]],
) -> dict[tuple[Hashable, Hashable], float]:
    """The coincidence matrix: each pairable unit adds 1/(m-1) for every ordered pair of its
    m values. Units repeat (a few labels or verdicts, thousands of units), so each distinct
    unit is counted once and weighted by how often it occurs, when that gives exactly the
    same sums: when every m-1 is a power of two (up to three coders, 2 or 3 values), all the
    weights are exact binary fractions. Otherwise unit by unit, in order. Either way the
    pairs enter the matrix in the order they first occur."""
    patterns: Counter[tuple[Hashable | None, ...]] = Counter(map(tuple, units))
    grouped: list[tuple[list[Hashable], int]] = []
    for pattern, count in patterns.items():
        values = [v for v in pattern if v is not None]
        m = len(values)
        if m < 2:
            continue
        if (m - 1) & (m - 2):  # m - 1 is not a power of two: add unit by unit
            grouped = []
            break
        grouped.append((values, count))
    else:
        coincidence: dict[tuple[Hashable, Hashable], float] = {}
        for values, count in grouped:
            weight = count / (len(values) - 1)
            for pair in permutations(values, 2):
                coincidence[pair] = coincidence.get(pair, 0.0) + weight
        return coincidence
    coincidence = {}
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for x, y in permutations(values, 2):
            coincidence[(x, y)] = coincidence.get((x, y), 0.0) + 1 / (m - 1)
    return coincidence


def _nominal_delta(x: Hashable, y: Hashable) -> float:
    return 0.0 if x == y else 1.0


def _ordinal_delta(
    totals: dict[Hashable, float], domain: Sequence[Hashable] | None
) -> Callable[[Hashable, Hashable], float]:
    """Krippendorff's ordinal metric: the squared mass of values between two ranks."""
    order = list(domain) if domain is not None else sorted(totals, key=str)
    rank = {v: i for i, v in enumerate(order)}
    cumulative = [0.0]
    for value in order:
        cumulative.append(cumulative[-1] + totals.get(value, 0.0))

    def delta(x: Hashable, y: Hashable) -> float:
        i, j = rank[x], rank[y]
        if i > j:
            i, j = j, i
        between = cumulative[j + 1] - cumulative[i]
        return (between - (totals.get(x, 0.0) + totals.get(y, 0.0)) / 2) ** 2

    return delta
