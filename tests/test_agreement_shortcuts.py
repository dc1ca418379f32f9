"""The shortcuts that make `reader agree` fast give exactly the numbers of the plain
computations they replace (not approximately: the report's figures must not move)."""

from __future__ import annotations

import random
from collections import Counter
from itertools import permutations

import pytest

from reader.agreement.coefficients import _coincidence, fleiss_kappa
from reader.agreement.unitizing import label_tally, partition, tally
from reader.agreement.units import Unit

LABELS = ("factual", "opinion", "quote")


def _units(rng: random.Random, coder: str, length: int, label: str) -> list[Unit]:
    units = []
    for n in range(rng.randint(0, 6)):
        start = rng.randrange(0, length + 5)  # some past the end, some cut at it
        end = start + rng.randint(1, 60)
        if rng.random() < 0.1:
            start = 0  # a span at the very start: the label's segment comes first
        units.append(Unit("a", coder, f"{coder}{n}", start, end, label, "true", ""))
    if rng.random() < 0.05:
        units.append(Unit("a", coder, f"{coder}-all", 0, length, label, "true", ""))
    return units


@pytest.mark.parametrize("seed", range(300))
def test_label_tally_equals_tally_of_the_labels_partitions(seed: int) -> None:
    """Self-overlapping spans, spans past the end, a span covering the whole article, a
    coder without the label, an empty article: every sum equal, the tags in the same order."""
    rng = random.Random(seed)
    length = rng.choice([0, 1, 40, 500])
    coders = ["ana", "ben", "cy", "dee"][: rng.randint(1, 4)]
    label = rng.choice(LABELS)
    units = {name: _units(rng, name, max(length, 1), label) for name in coders}
    fast = label_tally(units, length)
    plain = tally({name: partition(units[name], length) for name in coders})
    assert fast == plain
    assert list(fast.by_tag) == list(plain.by_tag)
    assert list(fast.square_by_tag) == list(plain.square_by_tag)
    assert fast.alpha() == plain.alpha()


def _unit_by_unit(units: list[list[str | None]]) -> dict[tuple[str, str], float]:
    """The coincidence matrix as the textbook builds it: each unit in turn."""
    coincidence: dict[tuple[str, str], float] = {}
    for unit in units:
        values = [v for v in unit if v is not None]
        if len(values) < 2:
            continue
        for pair in permutations(values, 2):
            coincidence[pair] = coincidence.get(pair, 0.0) + 1 / (len(values) - 1)
    return coincidence


@pytest.mark.parametrize("coders", [2, 3, 4, 5])
@pytest.mark.parametrize("seed", range(40))
def test_counted_coincidences_equal_unit_by_unit(coders: int, seed: int) -> None:
    """Equal to the last bit and in the same order (four coders: unit by unit anyway)."""
    rng = random.Random(seed)
    units = [[rng.choice([*LABELS, None]) for _ in range(coders)]
             for _ in range(rng.randint(0, 400))]
    fast, plain = _coincidence(units), _unit_by_unit(units)
    assert list(fast.items()) == list(plain.items())


def _fleiss_item_by_item(items: list[list[str]]) -> float | None:
    raters = len(items[0])
    totals: Counter[str] = Counter()
    agreement = 0.0
    for item in items:
        counts = Counter(item)
        totals.update(counts)
        agreement += (sum(c * c for c in counts.values()) - raters) / (raters * (raters - 1))
    n = len(items)
    p_e = sum((t / (n * raters)) ** 2 for t in totals.values())
    return None if p_e == 1 else (agreement / n - p_e) / (1 - p_e)


@pytest.mark.parametrize("seed", range(60))
def test_fleiss_with_repeated_items_equals_item_by_item(seed: int) -> None:
    rng = random.Random(seed)
    raters = rng.randint(2, 5)
    items = [[rng.choice(LABELS) for _ in range(raters)] for _ in range(rng.randint(1, 300))]
    assert fleiss_kappa(items) == _fleiss_item_by_item(items)
