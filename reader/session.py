"""The reading session, without any UI: the open articles, their claims in memory, saving
through the store (with retries when a save fails), and one undo/redo history of claim edits
and entity corrections.

The UI calls this and shows what it answers; tests drive it directly.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import UNSET

from reader.claims import iso_now, make_claim, touch
from reader.records import Claim, Correction, Entity, SourceArticle, StoredArticle
from reader.store.errors import StoreError, StoreWriteError
from reader.store.store import Store


@dataclass
class OpenArticle:
    """An article the user has open: its text and where it came from."""

    id: str
    title: str
    loaded_text: str | None
    """The text, once loaded (see `text`)."""
    source: str
    url: str = ""
    date: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    position: int = 0
    in_store: bool = True
    loader: Callable[[], str] | None = None
    """Reads the text from the store on first use, so opening 1,000 articles reads none."""
    stored_words: int | None = None
    stored_claims: int = 0
    stored_entities: int | None = None

    @property
    def text(self) -> str:
        """The article's normalised text."""
        if self.loaded_text is None:
            self.loaded_text = self.loader() if self.loader is not None else ""
        return self.loaded_text

    @property
    def title_end(self) -> int:
        """End of the title line the text begins with (0 when the text carries no title): the
        view shows that line as the heading, so the title is on screen once."""
        if not self.meta.get("title_in_text"):
            return 0
        text = self.text
        body = self.meta.get("body_start")
        if not isinstance(body, int) or not 0 < body <= len(text):
            newline = text.find("\n")
            body = newline if newline > 0 else 0
        return len(text[:body].rstrip())

    @property
    def body_start(self) -> int:
        """Where the body starts (after a title line the text carries)."""
        end = self.title_end
        if not end:
            return 0
        position = end
        while position < len(self.text) and self.text[position].isspace():
            position += 1
        return position if position < len(self.text) else 0

    @property
    def word_count(self) -> int:
        """Words in the text (from the index when the text is not loaded yet)."""
        if self.loaded_text is None and self.stored_words is not None:
            return self.stored_words
        return len(self.text.split())


@dataclass
class Change:
    """One undoable change: the claim before and after (None for create/delete)."""

    article_id: str
    before: Claim | None
    after: Claim | None

    def describe(self) -> str:
        """What the change did, for a notification."""
        if self.before is None:
            return "the new claim"
        if self.after is None:
            return "the claim's deletion"
        return "the claim edit"


@dataclass
class DoneChange:
    """One undoable done mark: when the analyst marked the article done, before and after
    (None: not done)."""

    article_id: str
    annotator: str
    before: str | None
    after: str | None

    def describe(self) -> str:
        """What the change did, for a notification."""
        return "marking the article done" if self.after else "marking the article not done"


CorrectionRecord = tuple[bool, Correction | dict[str, Any]]
"""An entity correction and whether it is a corpus rule (else the article's own). Typed; once
removed, the stored record the store gave back (an undo puts it back exactly as it was)."""


@dataclass
class CorrectionChange:
    """One undoable entity correction: the records it added and those it removed (a revert
    removes every record that acted on a spot)."""

    article_id: str
    added: list[CorrectionRecord]
    removed: list[CorrectionRecord]

    def describe(self) -> str:
        """What the change did, for a notification."""
        return "the entity correction" if self.added else "the revert to the model"


Step = Change | CorrectionChange | DoneChange
"""One entry of the undo history."""


class NotYourClaim(Exception):
    """A change to a claim another annotator made: it is theirs to change."""

    def __init__(self, claim: Claim) -> None:
        self.annotator = claim.annotator or "another annotator"
        super().__init__(f"this claim is {self.annotator}'s: only they can change it")


class ReaderSession:
    """Claims of the open articles, kept in memory and saved through one store."""

    def __init__(self, store: Store, annotator: str) -> None:
        self.store = store
        self.annotator = annotator
        self._claims: dict[str, list[Claim]] = {}
        self.pending: dict[str, tuple[str, Claim | None]] = {}
        """Claims whose save failed, by claim id: (article id, claim or None for a delete)."""
        self.undo_stack: list[Step] = []
        self.redo_stack: list[Step] = []
        self.last_error = ""
        self.listeners: list[Callable[[str], None]] = []
        """Called with an article's id after each change to it (claims, done marks,
        corrections, undo and redo): what shows them redraws from the session."""

    def _changed(self, article_id: str) -> None:
        for listener in list(self.listeners):
            listener(article_id)

    # -- reading ------------------------------------------------------------------------
    def claim_count(self, article: OpenArticle) -> int:
        """How many claims, without reading the article's file when it is not loaded."""
        claims = self._claims.get(article.id)
        return article.stored_claims if claims is None else len(claims)

    def claims(self, article: OpenArticle) -> list[Claim]:
        """The article's claims in text order (loaded once from the store). Each is frozen: a
        change replaces it in the list with a new record."""
        claims = self._claims.get(article.id)
        if claims is None:
            claims = list(self.store.claims(article.id)) if article.in_store else []
            self._claims[article.id] = claims
        claims.sort(key=lambda c: (c.start, -c.end))
        return claims

    def article_stored(self, article: OpenArticle, claim_count: int) -> None:
        """An article opened from its file has entered the store: from now on its claims
        are read from and saved to it (those made meanwhile are kept, and saved by
        `retry_pending`); `claim_count`: what the store holds."""
        article.in_store = True
        article.stored_claims = claim_count
        made = self._claims.pop(article.id, None)
        if made is None:
            return
        stored = self.claims(article)
        known = {c.id for c in stored}
        stored.extend(c for c in made if c.id not in known)

    def loaded_claims(self) -> dict[str, list[Claim]]:
        """The claims of every article loaded so far, by article id (copies of the lists;
        safe to call from a worker thread)."""
        return {article_id: list(claims) for article_id, claims in list(self._claims.items())}

    def done_by(self, article: OpenArticle) -> set[str]:
        """Who marked the article done ({} for an article not in the store)."""
        if not article.in_store:
            return set()
        try:
            return {m["annotator"] for m in self.store.done_marks(article.id)}
        except (KeyError, StoreError):
            return set()

    def set_done(self, article: OpenArticle, done: bool) -> None:
        """Mark the article done (or not) for this analyst; undoable. Raises StoreError."""
        before = next((m["at"] for m in self.store.done_marks(article.id)
                       if m["annotator"] == self.annotator), None)
        after = iso_now() if done else None
        self.store.set_done(article.id, self.annotator, after)
        self._record(DoneChange(article.id, self.annotator, before, after))

    def forget(self, article_id: str) -> bool:
        """Drop an article's claims from memory, so they are read again from the store (after
        a sync changed them); kept while one of its changes waits to be saved."""
        if any(a == article_id for a, _ in self.pending.values()):
            return False
        return self._claims.pop(article_id, None) is not None

    def owns(self, claim: Claim) -> bool:
        """Whether the analyst may change this claim: each claim belongs to its annotator
        (curation, which writes the gold layer, is the one exception)."""
        return claim.annotator == self.annotator

    def find(self, article: OpenArticle, claim_id: str) -> Claim | None:
        """A claim of the article by id."""
        for claim in self.claims(article):
            if claim.id == claim_id:
                return claim
        return None

    def _replace(self, article: OpenArticle, old: Claim, new: Claim) -> None:
        """Put `new` where `old` is in the article's claims."""
        claims = self.claims(article)
        claims[next(i for i, c in enumerate(claims) if c is old)] = new

    # -- changes --------------------------------------------------------------------------
    def create(
        self,
        article: OpenArticle,
        start: int,
        end: int,
        label: str,
        entities: list[Entity],
        **fields: Any,
    ) -> tuple[Claim, bool]:
        """Create a claim; returns it and whether it is saved (durably) yet."""
        claim = make_claim(
            article_id=article.id,
            text=article.text,
            start=start,
            end=end,
            label=label,
            annotator=self.annotator,
            entities=entities,
            **fields,
        )
        self.claims(article).append(claim)
        saved = self._save(article, claim)
        self._record(Change(article.id, None, claim))
        return claim, saved

    def update(self, article: OpenArticle, claim_id: str, **fields: Any) -> bool:
        """Change fields of a claim (a new record in its place, `updated` now); returns
        whether it is saved."""
        before = self.find(article, claim_id)
        if before is None:
            return False
        if not self.owns(before):
            raise NotYourClaim(before)
        claim = touch(msgspec.structs.replace(before, **fields))
        self._replace(article, before, claim)
        saved = self._save(article, claim)
        self._record(Change(article.id, before, claim))
        return saved

    def delete(self, article: OpenArticle, claim_id: str) -> bool:
        """Delete a claim; returns whether the deletion is saved."""
        claim = self.find(article, claim_id)
        if claim is None:
            return False
        if not self.owns(claim):
            raise NotYourClaim(claim)
        self.claims(article).remove(claim)
        saved = self._delete(article, claim_id)
        self._record(Change(article.id, claim, None))
        return saved

    def fill_entities(self, article: OpenArticle, entities: list[Entity]) -> int:
        """Give claims made before NER finished the entities inside their span."""
        from reader.claims import entities_in

        filled = 0
        for claim in self.claims(article):
            if claim.entities:
                continue
            found = entities_in(entities, article.text, claim.start, claim.end)
            if found:
                filled_claim = msgspec.structs.replace(claim, entities=found)
                self._replace(article, claim, filled_claim)
                self._save(article, filled_claim)
                filled += 1
        if filled:
            self._changed(article.id)
        return filled

    # -- entity corrections -------------------------------------------------------------------
    def change_corrections(self, article: OpenArticle, added: list[CorrectionRecord],
                           removed: list[CorrectionRecord]) -> None:
        """Store entity corrections (and remove others) as one undoable change; raises the
        store's errors. What was written before an error is recorded, so `u` undoes it."""
        done_added: list[CorrectionRecord] = []
        done_removed: list[CorrectionRecord] = []
        try:
            self._write_corrections(article.id, added, removed, done_added, done_removed)
        finally:
            if done_added or done_removed:
                self._record(CorrectionChange(article.id, copy.deepcopy(done_added),
                                              copy.deepcopy(done_removed)))

    def _write_corrections(self, article_id: str, add: list[CorrectionRecord],
                           remove: list[CorrectionRecord],
                           added: list[CorrectionRecord] | None = None,
                           removed: list[CorrectionRecord] | None = None) -> None:
        """Remove, then add; each one done is appended to `removed` / `added`. Removing one
        that is already gone, or adding one already there, is harmless (a retried undo)."""
        for corpus, corr in remove:
            corr_id = corr.id if isinstance(corr, Correction) else str(corr["id"])
            if corpus:
                gone = self.store.delete_corpus_correction(corr_id)
            else:
                gone = self.store.delete_correction(article_id, corr_id)
            if removed is not None:
                removed.append((corpus, corr if gone is None else gone))
        for corpus, corr in add:
            if corpus:
                self.store.save_corpus_correction(corr)
            else:
                self.store.save_correction(article_id, corr)
            if added is not None:
                added.append((corpus, corr))

    # -- history ------------------------------------------------------------------------------
    def _record(self, change: Step) -> None:
        self.undo_stack.append(change)
        self.redo_stack.clear()
        self._changed(change.article_id)

    def _apply(self, article: OpenArticle, target: Claim | None,
               current: Claim | None) -> bool:
        claims = self.claims(article)
        if current is not None:
            existing = self.find(article, current.id)
            if existing is not None:
                claims.remove(existing)
        if target is None:
            assert current is not None
            return self._delete(article, current.id)
        claims.append(target)  # records are frozen: the history's own is put back
        return self._save(article, target)

    def undo(self, articles: dict[str, OpenArticle]) -> Step | None:
        """Undo the last claim create, edit or delete, or entity correction. A correction
        whose undo cannot be stored stays on the history and the store's error is raised."""
        return self._step(articles, self.undo_stack, self.redo_stack, backwards=True)

    def redo(self, articles: dict[str, OpenArticle]) -> Step | None:
        """Redo what was undone."""
        return self._step(articles, self.redo_stack, self.undo_stack, backwards=False)

    def _step(self, articles: dict[str, OpenArticle], source: list[Step],
              target: list[Step],
              backwards: bool) -> Step | None:
        if not source:
            return None
        change = source[-1]
        if isinstance(change, DoneChange):
            self.store.set_done(change.article_id, change.annotator,
                                change.before if backwards else change.after)
        elif isinstance(change, CorrectionChange):
            added, removed = change.added, change.removed
            if backwards:
                added, removed = removed, added
            self._write_corrections(change.article_id, added, removed)
        else:
            article = articles.get(change.article_id)
            if article is None:
                source.pop()
                return None
            if backwards:
                self._apply(article, change.before, change.after)
            else:
                self._apply(article, change.after, change.before)
        source.pop()
        target.append(change)
        self._changed(change.article_id)
        return change

    # -- saving -------------------------------------------------------------------------------
    def _save(self, article: OpenArticle, claim: Claim) -> bool:
        if not article.in_store or self.store.readonly:
            self.pending[claim.id] = (article.id, claim)
            self.last_error = self.store.readonly_reason or "the article is not in the store"
            return False
        try:
            self.store.save_claim(claim)
        except StoreWriteError as error:
            self.pending[claim.id] = (article.id, claim)
            self.last_error = str(error)
            return False
        self.pending.pop(claim.id, None)
        return True

    def _delete(self, article: OpenArticle, claim_id: str) -> bool:
        if not article.in_store or self.store.readonly:
            self.pending[claim_id] = (article.id, None)
            self.last_error = self.store.readonly_reason or "the article is not in the store"
            return False
        try:
            self.store.delete_claim(article.id, claim_id)
        except StoreWriteError as error:
            self.pending[claim_id] = (article.id, None)
            self.last_error = str(error)
            return False
        self.pending.pop(claim_id, None)
        return True

    def retry_pending(self) -> int:
        """Try the failed saves again; returns how many are still unsaved."""
        if self.store.readonly:
            return len(self.pending)
        for claim_id, (article_id, claim) in list(self.pending.items()):
            try:
                if claim is None:
                    self.store.delete_claim(article_id, claim_id)
                else:
                    self.store.save_claim(claim)
            except StoreWriteError as error:
                self.last_error = str(error)
                continue
            except KeyError:  # its article is not in the store (yet): kept, rescued at exit
                self.last_error = "the article is not in the store"
                continue
            self.pending.pop(claim_id, None)
        return len(self.pending)


def open_article_from_record(
    record: StoredArticle, loader: Callable[[], str], text: str | None = None
) -> OpenArticle:
    """An open article from a store index record; its text is read when first needed."""
    return OpenArticle(
        id=record.id,
        title=record.name,
        loaded_text=text,
        loader=loader,
        stored_words=None if record.word_count is UNSET else record.word_count,
        stored_claims=record.claim_count or 0,
        stored_entities=None if record.entity_count is UNSET else record.entity_count,
        source=record.source,
        url=record.url or "",
        date=record.date or "",
        meta=dict(record.meta or {}),
        position=record.position or 0,
    )


def open_article_from_source(src: SourceArticle, article_id: str, in_store: bool) -> OpenArticle:
    """An open article straight from a loaded file (used when the store is read-only)."""
    return OpenArticle(
        id=article_id,
        title=src.title,
        loaded_text=src.text,
        source=src.source,
        url=src.url,
        date=src.date,
        meta=dict(src.meta),
        in_store=in_store,
    )
