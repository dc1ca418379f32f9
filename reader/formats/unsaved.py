"""The store as the session sees it: the claims of articles with unsaved changes (saves that
failed and are being retried) laid over the stored ones, so the app's ctrl+e exports what the
analyst sees, UNSAVED claims included and unsaved deletions left out. No Textual, no spaCy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from reader.records import Claim, StoredArticle

__all__ = ["UnsavedOverlay"]


class UnsavedOverlay:
    """A `StoreLike` over `store` whose `claims`/`iter_claims` answer, for each article in
    `claims_by_article`, that list (the session's claims of it) instead of the stored ones;
    everything else is the store's."""

    def __init__(self, store: Any, claims_by_article: Mapping[str, list[Claim]]) -> None:
        self._store = store
        self._claims = {key: list(value) for key, value in claims_by_article.items()}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def claims(self, article_id: str) -> list[Claim]:
        """The session's claims of the article when it has unsaved changes, else the store's."""
        found = self._claims.get(article_id)
        return list(found) if found is not None else list(self._store.claims(article_id))

    def iter_claims(
        self, article_ids: Iterable[str] | None = None
    ) -> Iterator[tuple[StoredArticle, Claim]]:
        """(article, claim) in the store's article order, as `Store.iter_claims`."""
        ids = ([d.id for d in self._store.articles()] if article_ids is None
               else list(article_ids))
        for article_id in ids:
            found = self._claims.get(article_id)
            if found is None:
                yield from self._store.iter_claims([article_id])
                continue
            doc = self._store.article(article_id)
            if doc is not None:
                for claim in found:
                    yield doc, claim

    def iter_texts_and_claims(
        self, article_ids: Iterable[str]
    ) -> Iterator[tuple[StoredArticle, str, list[Claim], list[str]]]:
        """As `Store.iter_texts_and_claims`, with the session's claims where it has them."""
        for doc, text, claims, done in self._store.iter_texts_and_claims(article_ids):
            found = self._claims.get(doc.id)
            yield doc, text, list(found) if found is not None else claims, done
