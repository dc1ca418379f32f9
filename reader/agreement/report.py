"""Every agreement figure for a set of annotators over a set of articles, as one report.

Per pair of annotators and overall, per article and pooled, per label: span identification
(exact and overlap F1), unitizing α_u, label agreement on matched spans (Cohen's κ per pair,
Fleiss' κ and nominal α overall), verdict agreement (ordinal α over the verdict scale without
the verdicts that are not judgements), a label confusion matrix and the disagreements.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from reader.agreement.coefficients import cohen_kappa, fleiss_kappa, krippendorff_alpha
from reader.agreement.matching import ZERO, Match, SpanScore, group_matches, span_scores
from reader.agreement.unitizing import (
    EMPTY,
    ArticleTally,
    Partition,
    UnitizingTally,
    label_tally,
    partition,
    tally,
)
from reader.agreement.units import Unit, by_annotator
from reader.wording import plural

NOT_JUDGEMENTS = ("unverified", "unverifiable")
"""Verdicts left out of verdict agreement: they say no judgement was made."""


@dataclass
class _PairData:
    """What one pair of annotators accumulates over articles."""

    exact: SpanScore = ZERO
    overlap: SpanScore = ZERO
    labels_a: list[str] = field(default_factory=list)
    labels_b: list[str] = field(default_factory=list)
    verdicts: list[tuple[str | None, str | None]] = field(default_factory=list)
    unitizing: UnitizingTally | None = None
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    def add_matches(self, matches: Iterable[Match], scale: Sequence[str]) -> None:
        judged = set(scale)
        confusion = self.confusion
        for match in matches:
            a, b = match.a, match.b
            self.labels_a.append(a.label)
            self.labels_b.append(b.label)
            row = confusion.setdefault(a.label, {})
            row[b.label] = row.get(b.label, 0) + 1
            self.verdicts.append((a.verdict if a.verdict in judged else None,
                                  b.verdict if b.verdict in judged else None))

    def add_pair(self, other: _PairData) -> None:
        """Pool another article's matches (as `add_matches` of them would, in their order)."""
        self.labels_a.extend(other.labels_a)
        self.labels_b.extend(other.labels_b)
        self.verdicts.extend(other.verdicts)
        for label_a, counts in other.confusion.items():
            row = self.confusion.setdefault(label_a, {})
            for label_b, count in counts.items():
                row[label_b] = row.get(label_b, 0) + count

    def add_tally(self, value: UnitizingTally) -> None:
        if self.unitizing is None:
            self.unitizing = UnitizingTally(coders=value.coders)
        self.unitizing.add(value)


def _judged(verdict: str, scale: Sequence[str]) -> str | None:
    return verdict if verdict in scale else None


class _Notes:
    """Why a figure is null, one line per figure."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def value(self, figure: float | None, name: str, scope: str, empty: bool) -> float | None:
        if figure is None:
            reason = "nothing to compare" if empty else "no variation (every value the same)"
            self.lines.append(f"{name} ({scope}): undefined, {reason}")
            return None
        return round(figure, 6)


def verdict_scale(verdicts: Sequence[str]) -> list[str]:
    """The configured verdicts in order, without those that are not judgements."""
    return [v for v in verdicts if v not in NOT_JUDGEMENTS]


def agreement(
    units: Iterable[Unit],
    lengths: Mapping[str, int],
    annotators: Sequence[str],
    verdicts: Sequence[str],
    titles: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The report (JSON-ready) over the articles in `lengths` and the given annotators."""
    scale = verdict_scale(verdicts)
    names = sorted(annotators)
    pairs = list(combinations(names, 2))
    notes = _Notes()
    by_article: dict[str, list[Unit]] = {article_id: [] for article_id in lengths}
    wanted = set(names)
    for unit in units:
        if unit.article_id in by_article and unit.annotator in wanted:
            by_article[unit.article_id].append(unit)

    pooled = {pair: _PairData() for pair in pairs}
    overall = UnitizingTally(coders=len(names))
    label_pairs: dict[str, dict[tuple[str, str], list[SpanScore]]] = {}
    label_tallies: dict[str, UnitizingTally] = {}
    groups_all: list[list[Unit]] = []
    codes_all = _GroupCodes([], names, scale)
    per_article: list[dict[str, Any]] = []
    self_overlap = 0
    labels = sorted({u.label for items in by_article.values() for u in items})

    for article_id in sorted(by_article):
        length = lengths[article_id]
        coded = by_annotator(by_article[article_id])
        for name in names:
            coded.setdefault(name, [])
        parts = {name: partition(coded[name], length) for name in names}
        self_overlap += sum(p.overlapped for p in parts.values())
        sums = ArticleTally(parts)
        article_tally = sums.of(names)
        overall.add(article_tally)
        article_pairs = []
        matches_by_pair: dict[tuple[str, str], list[Match]] = {}
        for pair in pairs:
            a, b = pair
            exact, overlap, matches = span_scores(coded[a], coded[b])
            matches_by_pair[pair] = matches
            data = pooled[pair]
            data.exact += exact
            data.overlap += overlap
            one = _PairData(exact=exact, overlap=overlap)
            one.add_matches(matches, scale)
            data.add_pair(one)
            pair_tally = sums.of([a, b])
            data.add_tally(pair_tally)
            one.add_tally(pair_tally)
            article_pairs.append(_pair_figures(pair, one, notes, f"article {article_id}", scale))
        by_label = {name: _split_by_label(coded[name]) for name in names}
        same_label = {pair: _matched_by_label(matches) for pair, matches in matches_by_pair.items()}
        for label in labels:
            present = {name: by_label[name].get(label, []) for name in names}
            label_tallies.setdefault(label, UnitizingTally(coders=len(names))).add(
                label_tally(present, length) if any(present.values())
                else _empty_tally(names, length))
            for a, b in pairs:
                if present[a] or present[b]:
                    # per label, from the pair's one-to-one matching: a match counts for L
                    # when both spans carry L (a span matched under another label is a miss)
                    same_exact, same = same_label[(a, b)].get(label, (0, 0))
                    counts = (len(present[a]), len(present[b]))
                    label_pairs.setdefault(label, {}).setdefault((a, b), []).extend((
                        SpanScore(same_exact, *counts), SpanScore(same, *counts)))
        groups = group_matches(names, coded, matches_by_pair)
        groups_all.extend(groups)
        coded_groups = _GroupCodes(groups, names, scale)
        codes_all.add(coded_groups)
        fleiss, alpha = coded_groups.label_figures()
        scope = f"article {article_id}"
        per_article.append({
            "article_id": article_id,
            "title": (titles or {}).get(article_id, ""),
            "pairs": article_pairs,
            "span_alpha_u": notes.value(article_tally.alpha(), "span_alpha_u", scope,
                                        not any(coded.values())),
            "label_fleiss_kappa": notes.value(fleiss[0], "label_fleiss_kappa", scope, fleiss[1]),
            "label_alpha_nominal": notes.value(alpha[0], "label_alpha_nominal", scope, alpha[1]),
        })

    fleiss, alpha = codes_all.label_figures()
    verdict_units = codes_all.verdicts
    verdict_alpha = krippendorff_alpha(verdict_units, "ordinal", scale)
    if self_overlap:
        notes.lines.append(
            f"self-overlapping spans: {plural(self_overlap, 'character')} covered by two spans "
            "of one annotator were given to the span that starts first (for span_alpha_u)")
    report: dict[str, Any] = {
        "articles": len(by_article),
        "annotators": names,
        "article_ids": sorted(by_article),
        "pairs": [_pair_figures(pair, pooled[pair], notes, "pooled", scale) for pair in pairs],
        "label_fleiss_kappa": notes.value(fleiss[0], "label_fleiss_kappa", "pooled", fleiss[1]),
        "label_alpha_nominal": notes.value(alpha[0], "label_alpha_nominal", "pooled", alpha[1]),
        "verdict_alpha_ordinal": notes.value(
            verdict_alpha, "verdict_alpha_ordinal", "pooled",
            not any(sum(v is not None for v in u) >= 2 for u in verdict_units)),
        "span_alpha_u": notes.value(overall.alpha(), "span_alpha_u", "pooled", overall.total == 0),
        "per_article": per_article,
        "per_label": [
            _label_figures(label, label_pairs.get(label, {}), label_tallies[label], notes)
            for label in labels
        ],
        "disagreements": [d for g in groups_all
                          if (d := _disagreement(g, names, wanted)) is not None],
        "notes": notes.lines,
    }
    return report


def _matched_by_label(matches: Iterable[Match]) -> dict[str, tuple[int, int]]:
    """Per label, (exact matches, all matches) of the pair's matches where both spans carry
    it (a span matched under another label is a miss for both labels)."""
    counts: dict[str, tuple[int, int]] = {}
    for match in matches:
        label = match.a.label
        if label == match.b.label:
            exact, both = counts.get(label, (0, 0))
            counts[label] = (exact + match.exact, both + 1)
    return counts


def _split_by_label(units: list[Unit]) -> dict[str, list[Unit]]:
    split: dict[str, list[Unit]] = {}
    for unit in units:
        split.setdefault(unit.label, []).append(unit)
    return split


def _empty_tally(names: Sequence[str], length: int) -> UnitizingTally:
    """The sums of an article where no one used the label: one empty segment per coder."""
    return tally({name: Partition([(0, length, EMPTY)]) for name in names}) if length else \
        UnitizingTally(coders=len(names))


def _pair_figures(pair: tuple[str, str], data: _PairData, notes: _Notes, scope: str,
                  scale: Sequence[str]) -> dict[str, Any]:
    a, b = pair
    where = f"{a}/{b}, {scope}"
    kappa = cohen_kappa(data.labels_a, data.labels_b)
    verdict = krippendorff_alpha(data.verdicts, "ordinal", scale)
    return {
        "annotators": [a, b],
        "spans": [data.overlap.a_count, data.overlap.b_count],
        "matched_exact": data.exact.matched,
        "matched_overlap": data.overlap.matched,
        "span_precision_exact": _round(data.exact.precision),
        "span_recall_exact": _round(data.exact.recall),
        "span_f1_exact": notes.value(data.exact.f1, "span_f1_exact", where,
                                     data.exact.a_count + data.exact.b_count == 0),
        "span_precision_overlap": _round(data.overlap.precision),
        "span_recall_overlap": _round(data.overlap.recall),
        "span_f1_overlap": notes.value(data.overlap.f1, "span_f1_overlap", where,
                                       data.overlap.a_count + data.overlap.b_count == 0),
        "span_alpha_u": notes.value(
            data.unitizing.alpha() if data.unitizing else None, "span_alpha_u", where,
            data.unitizing is None or data.unitizing.total == 0),
        "label_cohen_kappa": notes.value(kappa, "label_cohen_kappa", where, not data.labels_a),
        "verdict_alpha_ordinal": notes.value(
            verdict, "verdict_alpha_ordinal", where,
            not any(x is not None and y is not None for x, y in data.verdicts)),
        "confusion": data.confusion,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _label_figures(label: str, pairs: Mapping[tuple[str, str], list[SpanScore]],
                   unitizing: UnitizingTally, notes: _Notes) -> dict[str, Any]:
    rows = []
    for (a, b), scores in sorted(pairs.items()):
        exact = sum(scores[0::2], ZERO)
        overlap = sum(scores[1::2], ZERO)
        where = f"label {label}, {a}/{b}"
        rows.append({
            "annotators": [a, b],
            "spans": [overlap.a_count, overlap.b_count],
            "span_f1_exact": notes.value(exact.f1, "span_f1_exact", where,
                                         exact.a_count + exact.b_count == 0),
            "span_f1_overlap": notes.value(overlap.f1, "span_f1_overlap", where,
                                           overlap.a_count + overlap.b_count == 0),
        })
    return {
        "label": label,
        "pairs": rows,
        "span_alpha_u": notes.value(unitizing.alpha(), "span_alpha_u", f"label {label}",
                                    unitizing.total == 0),
    }


def _is_clean(group: list[Unit]) -> bool:
    """At most one span per annotator (a chain of matches can join two of one annotator's)."""
    return len({u.annotator for u in group}) == len(group)


class _GroupCodes:
    """What the label and verdict figures need of matched span groups, gathered once per
    article and pooled by concatenation (the pooled lists are the articles' in order)."""

    def __init__(self, groups: list[list[Unit]], names: Sequence[str],
                 scale: Sequence[str]) -> None:
        self.count = len(names)
        self.full: list[list[str]] = []
        """Labels of the clean groups every annotator is in (Fleiss' κ)."""
        self.labels: list[list[Hashable | None]] = []
        """Labels of every clean group, None where an annotator is missing (nominal α)."""
        self.verdicts: list[list[Hashable | None]] = []
        """Verdicts of every clean group, None where missing or not a judgement."""
        judged = set(scale)
        for group in groups:
            if not _is_clean(group):
                continue
            if len(group) == self.count:
                self.full.append([u.label for u in group])
            by_name = {u.annotator: u for u in group}
            found = [by_name.get(name) for name in names]
            self.labels.append([None if u is None else u.label for u in found])
            self.verdicts.append([None if u is None or u.verdict not in judged else u.verdict
                                  for u in found])

    def add(self, other: _GroupCodes) -> None:
        """Pool another article's groups after these."""
        self.full.extend(other.full)
        self.labels.extend(other.labels)
        self.verdicts.extend(other.verdicts)

    def label_figures(self) -> tuple[tuple[float | None, bool], tuple[float | None, bool]]:
        """(Fleiss' κ, empty?) over the full groups, (nominal α, empty?) over all."""
        alpha = krippendorff_alpha(self.labels, "nominal")
        pairable = any(sum(v is not None for v in u) >= 2 for u in self.labels)
        return (fleiss_kappa(self.full), not self.full), (alpha, not pairable)


def _disagreement(group: list[Unit], names: Sequence[str],
                  everyone: set[str] | None = None) -> dict[str, Any] | None:
    kinds = []
    first = group[0]
    who = {u.annotator for u in group}
    if len(who) != len(group) or who != (set(names) if everyone is None else everyone):
        kinds.append("span")
    if any(u.label != first.label for u in group):
        kinds.append("label")
    if any(u.verdict != first.verdict for u in group):
        kinds.append("verdict")
    speaker = first.speaker.casefold()
    if any(u.speaker.casefold() != speaker for u in group):
        kinds.append("speaker")
    if not kinds:
        return None
    return {
        "article_id": first.article_id,
        "start": min(u.start for u in group),
        "end": max(u.end for u in group),
        "kinds": kinds,
        "missing": [n for n in names if n not in who],
        "claims": [
            {"annotator": u.annotator, "id": u.claim_id, "start": u.start, "end": u.end,
             "label": u.label, "verdict": u.verdict, "speaker": u.speaker}
            for u in group
        ],
    }
