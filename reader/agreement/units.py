"""The unit agreement is computed over: one annotator's claim span, typed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reader.records import Claim


@dataclass(frozen=True, slots=True)
class Unit:
    """A claim as agreement sees it: who marked which characters, and how they coded them."""

    article_id: str
    annotator: str
    claim_id: str
    start: int
    end: int
    label: str
    verdict: str
    speaker: str

    @property
    def length(self) -> int:
        """Characters covered."""
        return self.end - self.start

    def overlap(self, other: Unit) -> int:
        """Characters both cover."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))

    @classmethod
    def from_claim(cls, claim: Claim) -> Unit | None:
        """The unit of a stored claim; None for an orphaned or empty span."""
        start, end = claim.start, claim.end
        if claim.status == "orphaned" or end <= start:
            return None
        return cls(
            article_id=claim.article_id,
            annotator=claim.annotator,
            claim_id=claim.id,
            start=start,
            end=end,
            label=claim.label,
            verdict=claim.verdict,
            speaker=claim.speaker.strip(),
        )


def by_annotator(units: Iterable[Unit]) -> dict[str, list[Unit]]:
    """Units grouped by annotator, each list sorted by (start, -end)."""
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        groups.setdefault(unit.annotator, []).append(unit)
    for items in groups.values():
        items.sort(key=lambda u: (u.start, -u.end, u.claim_id))
    return groups
