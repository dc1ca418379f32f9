"""What agreement compares, read from a store: the annotators, the articles, their units."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from reader.agreement.units import Unit
from reader.blind import Blind
from reader.records import Claim, StoredArticle
from reader.wording import plural


class StoreReader(Protocol):
    """The read-only part of the store agreement needs."""

    def articles(self) -> list[StoredArticle]: ...
    def iter_texts_and_claims(
        self, article_ids: Iterable[str]
    ) -> Iterator[tuple[StoredArticle, str, list[Claim], list[str]]]: ...


class NothingToCompare(Exception):
    """Fewer than two annotators, or no article, to compare: the message says which."""


@dataclass
class Compared:
    """The units of the compared annotators on the compared articles."""

    annotators: list[str]
    units: list[Unit] = field(default_factory=list)
    lengths: dict[str, int] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def collect(
    store: StoreReader,
    *,
    annotators: Sequence[str] = (),
    articles: Sequence[str] = (),
    labels: Sequence[str] = (),
    every_article: bool = False,
    leave_out: Iterable[str] = (),
    blind: Blind | None = None,
) -> Compared:
    """Read the units to compare; raises NothingToCompare with the reason. `blind`: only what
    blind coding lets me see (an article where others' claims are hidden from me is left out:
    there is nothing of theirs to compare with)."""
    docs = [d for d in store.articles()
            if not articles or any(d.id.startswith(p) for p in articles)]
    if articles and not docs:
        raise NothingToCompare(f"no article matches {', '.join(articles)}")
    marks: dict[str, set[str]] = {}
    claims: dict[str, list[Claim]] = {}
    lengths: dict[str, int] = {}
    for doc, text, items, done in store.iter_texts_and_claims([d.id for d in docs]):
        claims[doc.id] = items
        lengths[doc.id] = len(text)
        marks[doc.id] = set(done)
    docs = [d for d in docs if d.id in claims]  # unreadable ones are the store's problems
    if blind is not None and blind.on:
        docs = [d for d in docs if not blind.hides_others(marks[d.id])]
        if not docs:
            raise NothingToCompare(f"blind coding: {blind.me} has marked no article done yet")
        claims = {d.id: claims[d.id] for d in docs}
        marks = {d.id: marks[d.id] for d in docs}
    skip = set(leave_out)
    names = list(annotators) or sorted(
        {c.annotator for items in claims.values() for c in items}
        | {a for ids in marks.values() for a in ids}
    )
    names = [n for n in names if n and n not in skip]
    if len(names) < 2:
        raise NothingToCompare(
            "fewer than two annotators to compare" + (f" (only {names[0]})" if names else ""))
    if every_article:
        chosen = docs
    else:
        chosen = [d for d in docs if set(names) <= marks.get(d.id, set())]
        if not chosen:
            with_done = sorted({a for ids in marks.values() for a in ids} & set(names))
            raise NothingToCompare(
                f"no article was marked done by all of {', '.join(names)} "
                f"(annotators with done articles: {', '.join(with_done) or 'none'}; "
                "--all compares every article)")
    result = Compared(annotators=names)
    wanted_labels = set(labels)
    for doc in chosen:
        article_id = doc.id
        result.lengths[article_id] = lengths[article_id]
        result.titles[article_id] = doc.title or ""
        for claim in claims[article_id]:
            unit = Unit.from_claim(claim)
            if unit is None:
                continue
            if wanted_labels and unit.label not in wanted_labels:
                continue
            result.units.append(unit)
    orphaned = sum(1 for d in chosen for c in claims[d.id]
                   if c.status == "orphaned" and c.annotator in names)
    if orphaned:
        result.notes.append(f"{plural(orphaned, 'orphaned claim')} left out (their text is gone)")
    return result
