"""Blind coding: whose claims I may see on an article.

With blind coding on (`blind = true` in reader.toml, or `--blind`), colleagues' claims on an
article stay hidden from me until I mark that article done. This is the one place the rule is
written; everything that shows claims asks it: the text and the Claims tab, the corpus view,
the known-claim hints of suggestions, the Agreement screen, `reader agree` and the app's
exports. (A discipline the reader keeps, not a secret: the data is in the store.) No Textual.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from reader.records import Claim, StoredArticle

__all__ = ["Blind", "BlindStore"]


@dataclass(frozen=True)
class Blind:
    """Who I am, and whether blind coding is on."""

    me: str
    on: bool = False

    def hides_others(self, done: Collection[str]) -> bool:
        """Whether others' claims are hidden on an article that `done` marked done."""
        return self.on and self.me not in done

    def may_see(self, annotator: str, done: Collection[str]) -> bool:
        """Whether I may see `annotator`'s claims on an article that `done` marked done."""
        return annotator == self.me or not self.hides_others(done)

    def visible(self, claims: Iterable[Claim], done: Collection[str]) -> list[Claim]:
        """The claims of one article I may see (all of them unless others' are hidden)."""
        if not self.hides_others(done):
            return list(claims)
        return [c for c in claims if c.annotator == self.me]


class BlindStore:
    """A store as I may see it: the claims blind coding hides are left out of `claims` and
    `iter_claims`; every other read goes to the store itself. With blind coding off it is the
    store's own reads. For whole-store passes that know nothing of blind coding (exports, the
    known-claim hints)."""

    def __init__(self, store: Any, blind: Blind) -> None:
        self.store = store
        self.blind = blind

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def _done(self, article_id: str) -> set[str]:
        return {str(m["annotator"]) for m in self.store.done_marks(article_id)}

    def claims(self, article_id: str) -> list[Claim]:
        """The article's claims I may see."""
        claims = self.store.claims(article_id)
        if not self.blind.on:
            return list(claims)
        return self.blind.visible(claims, self._done(article_id))

    def iter_claims(
        self, article_ids: Iterable[str] | None = None
    ) -> Iterator[tuple[StoredArticle, Claim]]:
        """(article, claim) for every claim I may see, one article file read at a time."""
        if not self.blind.on:
            yield from self.store.iter_claims(article_ids)
            return
        ids = ([d.id for d in self.store.articles()] if article_ids is None
               else list(article_ids))
        for doc, _text, claims, done in self.store.iter_texts_and_claims(ids):
            for claim in self.blind.visible(claims, done):
                yield doc, claim
