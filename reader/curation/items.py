"""An article's curation items: the annotators' claims grouped by agreement's one-to-one span
matching (`reader.agreement.matching`), each group either agreeing (it merges into the gold
layer on its own) or a disagreement for the adjudicator.

Kinds of disagreement: `span` (not every compared annotator marked it), `overlap` (they
marked spans that overlap but differ), `label`, `verdict`, `speaker` (case and surrounding
space ignored).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from reader.agreement.matching import group_matches, match_spans
from reader.agreement.units import Unit, by_annotator
from reader.records import Claim


def item_id(claim_ids: Iterable[str]) -> str:
    """The stable id of the item made of these claims (a decision is stored under it)."""
    joined = "\n".join(sorted(claim_ids))
    return "item:" + hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def version(claim: Claim) -> tuple[int, int, str, str, str]:
    """What two annotators must share to agree on a claim: span, label, verdict, speaker."""
    return (claim.start, claim.end, claim.label, claim.verdict,
            claim.speaker.strip().casefold())


@dataclass(frozen=True)
class Item:
    """One group of matched claims (one per annotator when clean)."""

    id: str
    article_id: str
    start: int
    end: int
    claims: tuple[Claim, ...]
    """The claims, ordered by annotator then start."""
    kinds: tuple[str, ...]
    """What they disagree on (empty: they agree)."""
    missing: tuple[str, ...]
    """Compared annotators who marked nothing here."""

    @property
    def claim_ids(self) -> list[str]:
        """The ids of its claims."""
        return [c.id for c in self.claims]

    def majority(self, threshold: int) -> Claim | None:
        """The claim whose version at least `threshold` annotators marked, when no other
        version was marked as often; None otherwise (or with two claims of one annotator)."""
        if threshold < 1 or len({c.annotator for c in self.claims}) != len(self.claims):
            return None
        counts = Counter(version(c) for c in self.claims)
        (best, count), *rest = counts.most_common()
        if count < threshold or (rest and rest[0][1] == count):
            return None
        return next(c for c in self.claims if version(c) == best)


def make_item(claims: Sequence[Claim], names: Sequence[str]) -> Item:
    """The item of these claims (already grouped) for the compared annotators `names`."""
    rank = {name: i for i, name in enumerate(names)}
    ordered = sorted(claims, key=lambda c: (rank.get(c.annotator, len(rank)),
                                            c.start, c.end, c.id))
    marked = [c.annotator for c in ordered]
    kinds = []
    if set(marked) != set(names) or len(set(marked)) != len(marked):
        kinds.append("span")
    if len({(c.start, c.end) for c in ordered}) > 1:
        kinds.append("overlap")
    if len({c.label for c in ordered}) > 1:
        kinds.append("label")
    if len({c.verdict for c in ordered}) > 1:
        kinds.append("verdict")
    if len({c.speaker.strip().casefold() for c in ordered}) > 1:
        kinds.append("speaker")
    return Item(
        id=item_id(c.id for c in ordered),
        article_id=ordered[0].article_id if ordered else "",
        start=min((c.start for c in ordered), default=0),
        end=max((c.end for c in ordered), default=0),
        claims=tuple(ordered),
        kinds=tuple(kinds),
        missing=tuple(n for n in names if n not in marked),
    )


def find_items(claims: Iterable[Claim], names: Sequence[str]) -> list[Item]:
    """The items of the compared annotators' claims (orphaned ones left out), in text order:
    each pair of annotators matched one-to-one, matches joined into groups."""
    wanted = set(names)
    records: dict[str, Claim] = {}
    units: list[Unit] = []
    for claim in claims:
        if claim.annotator not in wanted:
            continue
        unit = Unit.from_claim(claim)
        if unit is None:
            continue
        records[unit.claim_id] = claim
        units.append(unit)
    coded = by_annotator(units)
    for name in names:
        coded.setdefault(name, [])
    matches = {(a, b): match_spans(coded[a], coded[b]) for a, b in combinations(names, 2)}
    return [make_item([records[u.claim_id] for u in group], names)
            for group in group_matches(names, coded, matches)]
