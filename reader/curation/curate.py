"""One article's curation: who is compared, the automatic merges, and each decision the
adjudicator makes, written through the store (gold claims and the decision in one write of the
article's file, in its `curation` table).

Running it again keeps what was decided: the claims a decision covered are left out when the
items are found again, so only claims nobody decided on yet (a colleague's claim that arrived
since) make new items. A decision can be reopened (its gold claims go with it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from reader.claims import iso_now, quote_selectors
from reader.curation.items import Item, find_items, make_item
from reader.curation.notes import AUTOMATIC
from reader.curation.settings import CurationSettings
from reader.records import Claim


class CurationStore(Protocol):
    """What curation needs of the store."""

    def claims(self, article_id: str) -> list[Claim]: ...
    def text(self, article_id: str) -> str: ...
    def done_marks(self, article_id: str) -> list[dict[str, Any]]: ...
    def decisions(self, article_id: str) -> list[dict[str, Any]]: ...
    def curate(self, article_id: str, *, save: Iterable[Claim] = (),
               remove: Iterable[str] = (), decision: dict[str, Any] | None = None,
               drop: str | None = None, decisions: Iterable[dict[str, Any]] = ()) -> None: ...


class SameSpan(ValueError):
    """Two versions of an item share span and label: they cannot both go into gold."""


class NothingToCurate(Exception):
    """Fewer than two annotators to compare on the article (or blind coding forbids it yet)."""


@dataclass
class Decided:
    """An item and what was decided on it."""

    item: Item
    decision: dict[str, Any]


@dataclass
class Curation:
    """The curation of one article by one adjudicator."""

    store: CurationStore
    article_id: str
    adjudicator: str
    settings: CurationSettings = field(default_factory=CurationSettings)
    blind: bool = False
    every_annotator: bool = False
    """Compare every annotator with claims here, not only those who marked the article done
    (as `reader agree --all`)."""
    annotators: list[str] = field(default_factory=list)
    open: list[Item] = field(default_factory=list)
    """Disagreements not decided yet, in text order."""
    decided: list[Decided] = field(default_factory=list)
    """Items decided by the adjudicator (automatic merges are counted in `merged`)."""
    merged: int = 0
    """Items that merged on their own (now and in earlier runs)."""
    notes: list[str] = field(default_factory=list)
    text: str = ""
    """The article's text (read by `load`)."""
    _claims: list[Claim] = field(default_factory=list, repr=False)
    _decisions: list[dict[str, Any]] = field(default_factory=list, repr=False)

    # -- reading --------------------------------------------------------------------------------
    def load(self) -> Curation:
        """Find the items again from the store; raises NothingToCurate with the reason."""
        claims = self._claims = self.store.claims(self.article_id)
        self.text = self.store.text(self.article_id)
        done = {str(m["annotator"]) for m in self.store.done_marks(self.article_id)}
        gold = self.settings.gold
        if self.blind and self.adjudicator not in done:
            raise NothingToCurate(f"blind coding: {self.adjudicator} has not marked this "
                                  "article done yet (D)")
        with_claims = {c.annotator for c in claims} - {gold, ""}
        names = with_claims | (done - {gold, self.adjudicator})
        self.notes = []
        if not self.every_annotator:
            left = sorted(names - done)
            names &= done
            if left:
                self.notes.append("not marked done, left out: " + ", ".join(left))
        if len(names) < 2:
            raise NothingToCurate(
                "fewer than two annotators to compare on this article"
                + ("" if self.every_annotator else " among those who marked it done"))
        self.annotators = sorted(names)
        decisions = self._decisions = self.store.decisions(self.article_id)
        by_id = {c.id: c for c in claims}
        covered = {cid for d in decisions for cid in d["claims"]}
        pool = [c for c in claims if c.id not in covered]
        self.open = [i for i in find_items(pool, self.annotators) if i.kinds]
        self.decided = []
        self.merged = 0
        for decision in sorted(decisions, key=lambda d: str(d.get("at", ""))):
            if decision["action"] in AUTOMATIC:
                self.merged += 1
                continue
            present = [by_id[cid] for cid in decision["claims"] if cid in by_id]
            item = make_item(present, self.annotators) if present else Item(
                str(decision["id"]), self.article_id, 0, 0, (), (), ())
            self.decided.append(Decided(item, decision))
        self.decided.sort(key=lambda d: (d.item.start, d.item.end))
        return self

    def agreeing(self) -> list[tuple[Item, Claim, str]]:
        """Items that merge on their own now (as `load` found the store): (item, the claim
        to merge, why)."""
        covered = {cid for d in self._decisions for cid in d["claims"]}
        pool = [c for c in self._claims if c.id not in covered]
        found = []
        for item in find_items(pool, self.annotators):
            if not item.kinds:
                found.append((item, item.claims[0], "agreed"))
                continue
            chosen = item.majority(self.settings.threshold)
            if chosen is not None:
                found.append((item, chosen, "threshold"))
        return found

    def auto_merge(self) -> int:
        """Merge the agreeing items (and those the threshold rule decides) into the gold
        layer; returns how many merged."""
        golds: list[Claim] = []
        decisions: list[dict[str, Any]] = []
        for item, chosen, action in self.agreeing():
            gold = self._gold_from(chosen, item)
            golds.append(gold)
            decisions.append(self._decision(item, action, [gold], [chosen.id]))
        if decisions:  # one write of the article's file for all of them, then read again
            self.store.curate(self.article_id, save=golds, decisions=decisions)
            self.load()
        return len(decisions)

    def find(self, item_id: str) -> Item | Decided | None:
        """An open item, or a decided one, by id."""
        for item in self.open:
            if item.id == item_id:
                return item
        return next((d for d in self.decided if d.decision["id"] == item_id), None)

    # -- decisions --------------------------------------------------------------------------------
    def take(self, item: Item, claim_id: str, note: str = "") -> None:
        """One annotator's version becomes the gold claim."""
        chosen = self._claim(item, claim_id)
        self._decide(item, "take", [self._gold_from(chosen, item)], [claim_id], note)
        self.load()

    def take_all(self, item: Item, note: str = "") -> None:
        """Every version becomes a gold claim of its own (each derived from its claim).

        Raises SameSpan when two versions share span and label: a layer holds one claim per
        span and label (an import would take the second for a duplicate)."""
        spans = [(c.start, c.end, c.label) for c in item.claims]
        if len(set(spans)) != len(spans):
            raise SameSpan("these versions share span and label: take one (t) or edit it (e)")
        golds = [self._gold_from(c, item, derived=[c.id]) for c in item.claims]
        self._decide(item, "both", golds, item.claim_ids, note)
        self.load()

    def merge(self, item: Item, claim_id: str, note: str = "") -> None:
        """One gold claim over the union of the item's spans, coded as `claim_id`'s version."""
        chosen = self._claim(item, claim_id)
        gold = self._gold_from(chosen, item, start=item.start, end=item.end)
        self._decide(item, "merge", [gold], [claim_id], note)
        self.load()

    def edit(self, item: Item, claim_id: str, values: dict[str, Any], note: str = "") -> None:
        """`claim_id`'s version with the fields the claim form returned."""
        chosen = self._claim(item, claim_id)
        gold = msgspec.structs.replace(self._gold_from(chosen, item), **values)
        self._decide(item, "edit", [gold], [claim_id], note)
        self.load()

    def reject(self, item: Item, note: str = "") -> None:
        """Nothing of the item goes into the gold layer."""
        self._decide(item, "reject", [], [], note)
        self.load()

    def set_note(self, decided: Decided, note: str) -> None:
        """Change the adjudicator's note on a decision."""
        decision = {**decided.decision, "note": note, "at": iso_now()}
        self.store.curate(self.article_id, decision=decision)
        self.load()

    def reopen(self, decided: Decided) -> None:
        """Undo a decision: its gold claims go, its claims are an open item again."""
        decision = decided.decision
        self.store.curate(self.article_id, remove=list(decision["gold"]),
                          drop=str(decision["id"]))
        self.load()

    # -- helpers ----------------------------------------------------------------------------------
    def _claim(self, item: Item, claim_id: str) -> Claim:
        for claim in item.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)

    def _gold_from(self, chosen: Claim, item: Item, *, derived: Sequence[str] = (),
                   start: int | None = None, end: int | None = None) -> Claim:
        """A gold claim: `chosen`'s version (re-spanned for a merge), derived from the
        item's claims."""
        stamp = iso_now()
        gold = msgspec.structs.replace(
            chosen, id=str(uuid.uuid4()), annotator=self.settings.gold, created=stamp,
            updated=stamp, status="anchored", derived_from=list(derived) or item.claim_ids,
            entities=list(chosen.entities), tags=list(chosen.tags),
            sources=list(chosen.sources))
        if start is not None and end is not None and (start, end) != (gold.start, gold.end):
            quote, prefix, suffix = quote_selectors(self.text, start, end)
            seen = set()
            entities = []
            for claim in item.claims:
                for entity in claim.entities:
                    key = (entity.start, entity.end, entity.label)
                    if key not in seen:
                        seen.add(key)
                        entities.append(entity)
            gold = msgspec.structs.replace(
                gold, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix,
                entities=sorted(entities, key=lambda e: (e.start, e.end)))
        return gold

    def _decide(self, item: Item, action: str, golds: list[Claim],
                chosen: list[str], note: str = "") -> None:
        decision = self._decision(item, action, golds, chosen, note)
        self.store.curate(self.article_id, save=golds, decision=decision)

    def _decision(self, item: Item, action: str, golds: list[Claim],
                  chosen: list[str], note: str = "") -> dict[str, Any]:
        return {
            "id": item.id,
            "article_id": self.article_id,
            "action": action,
            "claims": item.claim_ids,
            "chosen": chosen,
            "gold": [g.id for g in golds],
            "note": note,
            "adjudicator": self.adjudicator,
            "at": iso_now(),
        }
