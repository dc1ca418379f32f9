"""Agreement figures equal the reference implementations on the same data, and the traps the
peers' users report do not score as agreement."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest
from krippendorff_unitized_alpha.krippendorffs_unitized_alpha import (
    KrippendorffUnitizedAlpha,
    Segment,
)
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from reader.agreement.coefficients import cohen_kappa, fleiss_kappa, krippendorff_alpha
from reader.agreement.matching import match_spans, span_scores
from reader.agreement.report import agreement
from reader.agreement.unitizing import partition, tally
from reader.agreement.units import Unit

LABELS = ["factual", "statistic", "quote", "opinion"]
SCALE = ["true", "mostly-true", "mixed", "mostly-false", "false"]


def unit(annotator: str, start: int, end: int, label: str = "factual", verdict: str = "true",
         article: str = "a1", speaker: str = "") -> Unit:
    return Unit(article, annotator, f"{annotator}-{start}-{end}-{label}", start, end, label,
                verdict, speaker)


@pytest.mark.parametrize("seed", range(20))
def test_cohen_kappa_equals_scikit_learn(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 60)
    a = [rng.choice(LABELS) for _ in range(n)]
    b = [x if rng.random() < 0.6 else rng.choice(LABELS) for x in a]
    mine = cohen_kappa(a, b)
    ref = cohen_kappa_score(a, b)
    if math.isnan(ref):
        assert mine is None
    else:
        assert mine == pytest.approx(ref, abs=1e-12)


def test_cohen_kappa_without_variation_is_undefined() -> None:
    assert cohen_kappa(["factual"] * 5, ["factual"] * 5) is None


@pytest.mark.parametrize("seed", range(20))
def test_fleiss_kappa_equals_statsmodels(seed: int) -> None:
    rng = random.Random(seed)
    raters = rng.randint(2, 5)
    items = []
    for _ in range(rng.randint(3, 40)):
        base = rng.choice(LABELS)
        items.append([base if rng.random() < 0.7 else rng.choice(LABELS) for _ in range(raters)])
    table, _ = aggregate_raters(np.array([[LABELS.index(x) for x in item] for item in items]))
    ref = sm_fleiss(table, method="fleiss")
    mine = fleiss_kappa(items)
    if math.isnan(ref):
        assert mine is None
    else:
        assert mine == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_krippendorff_alpha_equals_the_krippendorff_package(seed: int, level: str) -> None:
    rng = random.Random(seed)
    coders = rng.randint(2, 4)
    units = []
    for _ in range(rng.randint(4, 40)):
        base = rng.randrange(len(SCALE))
        units.append([
            None if rng.random() < 0.2
            else SCALE[min(len(SCALE) - 1, max(0, base + rng.choice([0, 0, 1, -1])))]
            for _ in range(coders)
        ])
    data = np.array([[np.nan if u[c] is None else SCALE.index(u[c]) for u in units]
                     for c in range(coders)], dtype=float)
    mine = krippendorff_alpha(units, level, SCALE)
    try:
        ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level,
                                 value_domain=list(range(len(SCALE))))
    except ValueError:  # the package refuses data with a single value
        ref = math.nan
    if math.isnan(ref):
        assert mine is None
    else:
        assert mine == pytest.approx(ref, abs=1e-9)


def _random_layout(rng: random.Random, length: int) -> list[tuple[int, int, str]]:
    """Non-overlapping labelled spans over [0, length)."""
    spans, position = [], 0
    while position < length - 2:
        start = position + rng.randint(0, 15)
        end = min(length, start + rng.randint(1, 25))
        if start >= end:
            break
        spans.append((start, end, rng.choice(LABELS[:3])))
        position = end + rng.randint(0, 3)
    return spans


@pytest.mark.parametrize("seed", range(25))
def test_unitizing_alpha_equals_an_independent_implementation(seed: int) -> None:
    """α_u against `krippendorff-unitized-alpha` on the same partitions (gaps as empty)."""
    rng = random.Random(seed)
    length = rng.randint(40, 300)
    coders = rng.randint(2, 4)
    base = _random_layout(rng, length)
    layouts = []
    for _ in range(coders):
        mine = [(max(0, s + rng.randint(-3, 3)), e, t) for s, e, t in base if rng.random() < 0.8]
        mine = [(s, e, t if rng.random() < 0.85 else rng.choice(LABELS[:3])) for s, e, t in mine]
        cleaned, position = [], 0
        for s, e, t in sorted(mine):
            s = max(s, position)
            if s < e:
                cleaned.append((s, e, t))
                position = e
        layouts.append(cleaned)
    parts = {f"c{i}": partition([unit(f"c{i}", s, e, t) for s, e, t in layout], length)
             for i, layout in enumerate(layouts)}
    data = {name: [Segment("_empty" if t == "" else t, s, e) for s, e, t in p.segments]
            for name, p in parts.items()}
    ref = KrippendorffUnitizedAlpha(data).result
    assert tally(parts).alpha() == pytest.approx(ref, abs=1e-9)


def test_span_matching_is_one_to_one_exact_first_then_largest_overlap() -> None:
    a = [unit("a", 0, 10), unit("a", 20, 30)]
    b = [unit("b", 0, 10), unit("b", 5, 25), unit("b", 22, 29)]
    matches = match_spans(a, b)
    pairs = {(m.a.start, m.b.start, m.exact) for m in matches}
    assert pairs == {(0, 0, True), (20, 22, False)}


def test_completely_different_spans_do_not_score_as_agreement() -> None:
    a = [unit("a", 0, 10), unit("a", 40, 50)]
    b = [unit("b", 15, 30), unit("b", 60, 80)]
    report = agreement(a + b, {"a1": 100}, ["a", "b"], ["unverified", *SCALE])
    pair = report["pairs"][0]
    assert pair["span_f1_exact"] == 0 and pair["span_f1_overlap"] == 0
    assert report["span_alpha_u"] is not None and report["span_alpha_u"] < 0.1
    assert pair["label_cohen_kappa"] is None
    assert any("label_cohen_kappa" in note and "nothing to compare" in note
               for note in report["notes"])


def test_an_annotator_who_marked_nothing() -> None:
    a = [unit("a", 0, 10), unit("a", 40, 50)]
    report = agreement(a, {"a1": 100}, ["a", "b"], ["unverified", *SCALE])
    pair = report["pairs"][0]
    assert pair["spans"] == [2, 0]
    assert pair["span_f1_overlap"] == 0 and pair["span_recall_overlap"] == 0
    assert pair["span_precision_overlap"] is None
    assert report["span_alpha_u"] is not None and report["span_alpha_u"] < 0.5
    assert len(report["disagreements"]) == 2
    assert all(d["missing"] == ["b"] for d in report["disagreements"])


def test_both_left_the_article_empty_is_undefined_not_perfect() -> None:
    report = agreement([], {"a1": 100}, ["a", "b"], SCALE)
    assert report["span_alpha_u"] is None
    assert report["pairs"][0]["span_f1_overlap"] is None
    assert any(n.startswith("span_alpha_u (pooled)") for n in report["notes"])


def test_one_span_against_its_two_halves_is_not_perfect() -> None:
    a = [unit("a", 0, 20)]
    b = [unit("b", 0, 10), unit("b", 10, 20)]
    exact, overlap, _ = span_scores(a, b)
    assert exact.f1 == 0
    assert overlap.matched == 1 and overlap.f1 == pytest.approx(2 / 3)
    report = agreement(a + b, {"a1": 40}, ["a", "b"], SCALE)
    assert report["pairs"][0]["span_f1_overlap"] == pytest.approx(2 / 3)
    assert report["disagreements"][0]["kinds"] == ["span"]
    # α_u is character-level: the same characters with the same label coincide, so it cannot
    # see a boundary inside a span (the README names this trap); the span figures do.
    assert report["span_alpha_u"] == pytest.approx(1.0)


def test_self_overlapping_spans_are_resolved_and_noted() -> None:
    a = [unit("a", 0, 20), unit("a", 10, 30, "opinion")]
    b = [unit("b", 0, 20), unit("b", 20, 30, "opinion")]
    parts = partition(a, 40)
    assert parts.segments == [(0, 20, "factual"), (20, 30, "opinion"), (30, 40, "")]
    assert parts.overlapped == 10
    report = agreement(a + b, {"a1": 40}, ["a", "b"], SCALE)
    assert any("self-overlapping" in note for note in report["notes"])
    assert report["span_alpha_u"] == pytest.approx(1.0)


def test_identical_codings_agree_perfectly() -> None:
    spans = [(0, 10, "factual", "true"), (20, 35, "statistic", "false"), (50, 60, "quote", "mixed")]
    units = [unit(n, s, e, lab, v) for n in ("a", "b", "c") for s, e, lab, v in spans]
    report = agreement(units, {"a1": 80}, ["a", "b", "c"], ["unverified", *SCALE])
    for pair in report["pairs"]:
        assert pair["span_f1_exact"] == 1 and pair["label_cohen_kappa"] == 1
        assert pair["verdict_alpha_ordinal"] == 1
    assert report["label_fleiss_kappa"] == 1 and report["label_alpha_nominal"] == 1
    assert report["span_alpha_u"] == 1 and report["disagreements"] == []


def test_disagreements_name_their_kind() -> None:
    units = [
        unit("a", 0, 10, "factual", "true", speaker="Kim"),
        unit("b", 0, 10, "opinion", "true", speaker="kim"),
        unit("a", 20, 30, "factual", "true"),
        unit("b", 21, 30, "factual", "false"),
        unit("a", 40, 50, "factual", "true", speaker="Lee"),
        unit("b", 40, 50, "factual", "true", speaker="Park"),
    ]
    report = agreement(units, {"a1": 60}, ["a", "b"], SCALE)
    kinds = [d["kinds"] for d in report["disagreements"]]
    assert kinds == [["label"], ["verdict"], ["speaker"]]
    assert report["pairs"][0]["confusion"] == {"factual": {"factual": 2, "opinion": 1}}
