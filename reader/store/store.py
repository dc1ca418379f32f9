"""The `Store`: articles, claims, corrections, entity cache and session in one folder.

Layout (see ARCHITECTURE.md): `index.json` (tables `articles`, `session`, and `corrections`:
corpus-wide entity rules), one file per article under `articles/`, derived entity cache under
`cache/`, the writer lock `.lock`. The facade over the seams: `index.StoreIndex` (the index and
the session), `articles.ArticleFiles` (article files), `transaction.Transaction` (imports),
`cache.EntityCache`; each file is TinyDB (`tables.FileDB`) over the atomic storage.
Article files are opened only when asked for, so opening a large store costs one index read.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from reader.claims import record_problems, validate_claim
from reader.clean import correction_problems, decision_problems
from reader.records import (
    CLAIM_FIELDS,
    Claim,
    ClaimEntity,
    Correction,
    Entity,
    SourceArticle,
    StoredArticle,
    TeamRecord,
    text_hash,
)
from reader.store.articles import (
    ARTICLES_DIR,
    FILE_RE,
    TEXT_Z_LIMIT,
    ArticleFiles,
    article_key,
    decode_text,
    encode_text,
    span_key,
    valid_done,
)
from reader.store.cache import CACHE_DIR, CacheItem, EntityCache
from reader.store.errors import (
    StoreFileError,
    StoreProblem,
    StoreReadOnlyError,
    StoreWriteError,
)
from reader.store.index import (
    CORPUS_CORRECTIONS,
    CURATION,
    INDEX_NAME,
    PROTECTED_FIELDS,
    TEAM_RULES,
    StoreIndex,
    record_problem,
)
from reader.store.lock import StoreLock
from reader.store.storage import Tables, copy_tree
from reader.store.tables import RECORD, FileDB, remove_by_id, replace_with, upsert_by_id
from reader.store.transaction import (
    AddResult,
    Transaction,
    TransactionContext,
    TransactionStopped,
    sync_folder,
)

EXPORTS_DIR = "exports"


class Store:
    """One store folder. Writers hold the lock; others (or when the index cannot be read) are
    read-only. An article whose file cannot be read is read-only alone (`unreadable`)."""

    def __init__(self, root: Path | str, *, readonly: bool = False, wait: float = 0.0) -> None:
        self.root = Path(root)
        self.readonly = readonly
        self.readonly_reason = "opened read-only" if readonly else ""
        self.problems: list[StoreProblem] = []
        self._problem_keys: set[tuple[str, str]] = set()
        self.mutex = threading.RLock()
        """Held for every read and write of the store's files (a transaction shared with a
        worker thread holds it only for its reads and its index write)."""
        self._lock: StoreLock | None = None
        self._articles_written = False
        """An article file was written since the index was (the index is rewritten at close,
        so the next open has no newer file to recount)."""
        if not readonly:
            self._acquire(wait)
        self.files = ArticleFiles(self.root, readonly=lambda: self.readonly,
                                  problem=self._problem)
        self.entity_cache = EntityCache(self.root)
        self.index = StoreIndex(self.root, readonly=self.readonly, problem=self._problem)
        index_ok = True
        try:
            self.index.load()
        except StoreFileError as exc:
            index_ok = False
            self._file_problem(exc)
        if self._lock is not None and index_ok:
            self._clean()
        if index_ok:
            self._recount_changed_since_index()

    @property
    def unreadable(self) -> set[str]:
        """Ids of the articles whose file cannot be used (read-only, each reported once)."""
        return self.files.unreadable

    # -- opening and closing -----------------------------------------------------------------

    def _acquire(self, wait: float) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = exc.strerror or exc
            self._go_readonly(f"cannot create {self.root} ({reason}); opened read-only")
            return
        lock = StoreLock(self.root)
        if lock.try_acquire(wait):
            self._lock = lock
        else:
            self._go_readonly(lock.busy_reason())

    def _go_readonly(self, reason: str) -> None:
        if not self.readonly:
            self.readonly = True
            self.readonly_reason = reason

    def _problem(self, path: Path, message: str) -> None:
        key = (str(path), message)
        if key not in self._problem_keys:
            self._problem_keys.add(key)
            self.problems.append(StoreProblem(path, message))

    def _file_problem(self, exc: StoreFileError) -> None:
        self._problem(exc.path, exc.message)
        self._go_readonly(f"{exc.path} cannot be used: {exc.message}; opened read-only")

    def _clean(self) -> None:
        """Remove what a crash left: temp files, and article files the index does not name."""
        for folder in (self.root, self.root / ARTICLES_DIR, self.root / CACHE_DIR):
            for entry in _regular_files(folder):
                if entry.name.endswith(".tmp"):
                    _unlink(Path(entry.path))
        if not (self.root / INDEX_NAME).exists():
            return  # no index: nothing tells which article files are live, so keep them all
        referenced = self.index.referenced_files()
        for entry in _regular_files(self.root / ARTICLES_DIR):
            base = entry.name.removesuffix(".bak")
            if FILE_RE.match(base) and base not in referenced:
                _unlink(Path(entry.path))

    def _recount_changed_since_index(self) -> None:
        """Correct the claim counts of article files written after the index last was.

        Counts reach the index lazily (at the next index write or at close), so after a crash
        the index may be behind the article files; only the newer files are read.
        """
        try:
            index_time = (self.root / INDEX_NAME).stat().st_mtime_ns
        except OSError:
            return
        by_file = self.index.docs_by_file()  # no copy of 100,000 records at open
        for entry in _regular_files(self.root / ARTICLES_DIR):
            doc = by_file.get(entry.name)
            try:
                newer = doc is not None and entry.stat().st_mtime_ns >= index_time
            except OSError:
                newer = False
            if not newer:
                continue
            assert doc is not None
            db = self.files.usable(doc, keep=False)
            if db is None:
                continue
            count = self.files.count_valid(doc, db)
            if doc.get("claim_count") != count:
                self.index.set_count(doc["id"], count)

    def close(self) -> None:
        """Write pending claim counts (best effort) and release the lock."""
        with self.mutex:
            if (self.index.counts or self._articles_written) and not self.readonly:
                with contextlib.suppress(StoreWriteError):
                    self._write_index()
            self.files.close()
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the index ----------------------------------------------------------------------------

    def check_writable(self, path: Path) -> None:
        """Raise StoreReadOnlyError (naming `path`) when the store is read-only."""
        if self.readonly:
            raise StoreReadOnlyError(path, self.readonly_reason or "opened read-only")

    def _write_index(self, change: Callable[[], object] | None = None) -> None:
        self.check_writable(self.root / INDEX_NAME)
        self.index.write(change)
        self._articles_written = False

    def referenced_files(self) -> set[str]:
        """Every article file name the index names."""
        with self.mutex:
            return self.index.referenced_files()

    def commit_articles(self, written: Path | None, *, new: list[dict[str, Any]],
                        changed: list[dict[str, Any]]) -> None:
        """A transaction's commit: the folder of its new files made durable (`written`), then
        the index pointed at them in one write."""
        with self.mutex:
            if written is not None:
                sync_folder(written)  # once: every rename durable
            self.check_writable(self.root / INDEX_NAME)
            self.index.commit_articles(new, changed)
            self._articles_written = False

    def forget_files(self, names: Iterable[str]) -> None:
        """Drop replaced article files (best effort: the next writer open cleans leftovers)."""
        with self.mutex:
            referenced = self.index.referenced_files()
            for name in names:
                self.files.forget(name)
                if name in referenced:
                    continue
                path = self.root / ARTICLES_DIR / name
                _unlink(path)
                _unlink(path.with_name(name + ".bak"))

    # -- articles -------------------------------------------------------------------------------

    def articles(self) -> list[StoredArticle]:
        """Every (valid) article record, in index order."""
        with self.mutex:
            docs = [d for d in (self.index.article(i) for i in self.index.ids()) if d is not None]
        return sorted(docs, key=lambda d: d.order)

    def article(self, article_id: str) -> StoredArticle | None:
        """The index record of an article, or None."""
        with self.mutex:
            return self.index.article(article_id)

    def find_by_source(self, source: str) -> StoredArticle | None:
        """The article first loaded from `source`, or None."""
        with self.mutex:
            article_id = self.index.by_source(source)
            return None if article_id is None else self.index.article(article_id)

    def find_by_text(self, digest: str) -> StoredArticle | None:
        """The article whose id or text hash is `digest`, or None."""
        with self.mutex:
            article_id = self.index.by_hash(digest)
            return None if article_id is None else self.index.article(article_id)

    # The stored dicts themselves, for a transaction (it changes and writes them back whole,
    # keys it does not know included): the index's side of the store edge.

    def article_record(self, article_id: str) -> dict[str, Any] | None:
        """A copy of the article's stored index record, or None."""
        with self.mutex:
            return self.index.doc(article_id)

    def record_by_source(self, source: str) -> dict[str, Any] | None:
        """A copy of the stored index record of the article first loaded from `source`."""
        with self.mutex:
            article_id = self.index.by_source(source)
            return None if article_id is None else self.index.doc(article_id)

    def record_by_text(self, digest: str) -> dict[str, Any] | None:
        """A copy of the stored index record of the article whose id or text hash is
        `digest`."""
        with self.mutex:
            article_id = self.index.by_hash(digest)
            return None if article_id is None else self.index.doc(article_id)

    def add_article(self, src: SourceArticle) -> AddResult:
        """Add an article, or find it (same source / same text); re-anchor claims if it changed."""
        with self.transaction() as tx:
            result = tx.add_article(src)
        with self.mutex:
            committed = self.index.article(result.article.id)
        if committed is not None:
            result.article = committed
        return result

    def update_article(self, article_id: str, **fields: Any) -> StoredArticle:
        """Change index fields of an article (position, counts, title...); returns the record."""
        if article_id not in self.index:
            raise KeyError(article_id)
        self.update_articles({article_id: fields})
        doc = self.article(article_id)
        assert doc is not None
        return doc

    def update_articles(self, changes: Mapping[str, Mapping[str, Any]]) -> int:
        """Change index fields of several articles in one index write (unknown ids are
        skipped); how many were changed."""
        for fields in changes.values():
            bad = PROTECTED_FIELDS.intersection(fields)
            if bad:
                raise ValueError(f"cannot change {', '.join(sorted(bad))}")
        with self.mutex:
            if not any(a in self.index for a in changes):
                return 0
            self.check_writable(self.root / INDEX_NAME)
            count = self.index.update_articles(changes)
            self._articles_written = False
            return count

    def article_tables_copy(self, doc: dict[str, Any]) -> Tables | None:
        """A private copy of an article file's tables (what a transaction changes), or None
        if the file cannot be used."""
        with self.mutex:
            return self.files.copy_tables(doc)

    def _require(self, article_id: str) -> tuple[dict[str, Any], FileDB]:
        doc = self.index.doc(article_id)
        if doc is None:
            raise KeyError(article_id)
        db = self.files.usable(doc)
        if db is None:
            raise StoreFileError(self.files.path(doc), "the article file cannot be used")
        return doc, db

    def _require_writable(self, article_id: str) -> tuple[dict[str, Any], FileDB]:
        """`_require` for a write: an article whose file cannot be used is read-only."""
        try:
            doc, db = self._require(article_id)
        except StoreFileError as exc:
            raise StoreReadOnlyError(
                exc.path, "the article file cannot be used; this article is read-only "
                "(see `reader db check`)"
            ) from exc
        self.check_writable(db.path)
        return doc, db

    def text(self, article_id: str) -> str:
        """The article's current text; KeyError if unknown, StoreFileError if unreadable."""
        with self.mutex:
            doc, db = self._require(article_id)
            return self.files.text(doc, db)

    # -- claims -------------------------------------------------------------------------------

    def claims(self, article_id: str) -> list[Claim]:
        """The article's valid claims (orphaned ones too), by (start, -end); [] if unreadable.
        New `Claim` objects at each call: the stored records never leave the store."""
        with self.mutex:
            doc = self.index.doc(article_id)
            if doc is None:
                raise KeyError(article_id)
            db = self.files.usable(doc)
            if db is None:
                return []
            claims = self.files.valid_claims(doc, db)
            if doc.get("claim_count") != len(claims) and not self.readonly:
                self.index.set_count(article_id, len(claims))
            return claims

    def iter_claims(
        self, article_ids: Iterable[str] | None = None
    ) -> Iterator[tuple[StoredArticle, Claim]]:
        """(article, claim) for every valid claim, one article file in memory at a time."""
        ids = [d.id for d in self.articles()] if article_ids is None else list(article_ids)
        for article_id in ids:
            with self.mutex:
                doc = self.index.doc(article_id)
                if doc is None:
                    continue
                article = StoredArticle.from_record(doc)  # doc is a copy: nothing shared
                db = self.files.usable(doc, keep=False)
                claims = [] if db is None else self.files.valid_claims(doc, db)
            for claim in claims:
                yield article, claim

    def iter_texts_and_claims(
        self, article_ids: Iterable[str]
    ) -> Iterator[tuple[StoredArticle, str, list[Claim], list[str]]]:
        """(article, text, valid claims, annotators who marked it done) per readable article:
        one read of each file, nothing kept (for whole-store passes such as agreement)."""
        for article_id in article_ids:
            with self.mutex:
                doc = self.index.doc(article_id)
                if doc is None:
                    continue
                article = StoredArticle.from_record(doc)  # doc is a copy: nothing shared
                db = self.files.usable(doc, keep=False)
                if db is None:
                    continue
                text = self.files.text(doc, db)
                claims = self.files.valid_claims(doc, db)
                done = sorted({d["annotator"] for d in (db.data() or {}).get("done", {}).values()
                               if valid_done(d)})
            yield article, text, claims, done

    def _modify(self, article_id: str, change: Callable[[FileDB], object]) -> object:
        """Apply `change(db)` (TinyDB table operations, held in memory) to an article file and
        write it once; returns what `change` returned (False: nothing to write)."""
        _doc, db = self._require_writable(article_id)
        try:
            result = change(db)
        except BaseException:
            db.discard()
            raise
        if result is False:
            db.discard()
            return False
        db.commit()
        self._articles_written = True
        return result

    def save_claim(self, claim: Claim) -> None:
        """Insert or replace a claim by id; durable on return (one read of the article file at
        most, one write). The stored record is `claim.to_record()`, checked like one read
        back, and the keys of the stored one this reader does not know (a `Claim` has none)
        stay, after it. Raises ValueError for an invalid claim, StoreWriteError."""
        article_id = claim.article_id
        if not isinstance(article_id, str):
            raise ValueError("claim has no article_id")
        record = claim.to_record()
        with self.mutex:
            self.check_writable(self.root / ARTICLES_DIR)
            doc, db = self._require_writable(article_id)
            problems = record_problems(record, len(self.files.text(doc, db)))
            if problems:
                raise ValueError(f"claim {claim.id!r}: " + "; ".join(problems))
            self._modify(article_id, lambda d: upsert_by_id(
                d.table("claims"), _keep_unknown(d.table("claims"), record)))
            self.index.set_count(article_id, self.files.count_valid(doc, db))

    def delete_claim(self, article_id: str, claim_id: str) -> bool:
        """Remove a claim; False if there was none with that id."""
        with self.mutex:
            self.check_writable(self.root / ARTICLES_DIR)
            removed = bool(self._modify(
                article_id, lambda d: remove_by_id(d.table("claims"), claim_id)))
            if removed:
                doc, db = self._require(article_id)
                self.index.set_count(article_id, self.files.count_valid(doc, db))
            return removed

    # -- corrections and rejected suggestions ---------------------------------------------------

    def _records(self, article_id: str, table: str) -> list[dict[str, Any]]:
        with self.mutex:
            doc = self.index.doc(article_id)
            if doc is None:
                raise KeyError(article_id)
            db = self.files.usable(doc)
            if db is None:
                return []
            records = []
            for doc_id, record in (db.data() or {}).get(table, {}).items():
                why = record_problem(table, record)
                if not why:
                    records.append(copy_tree(record))
                else:
                    self._problem(self.files.path(doc), f"{table} #{doc_id}: {why}; skipped")
            return records

    def done_marks(self, article_id: str) -> list[dict[str, Any]]:
        """Who marked the article done: `{"article_id", "annotator", "at"}` records."""
        return [
            {"article_id": article_id, "annotator": d["annotator"], "at": d["at"]}
            for d in self._records(article_id, "done")
            if valid_done(d)
        ]

    def set_done(self, article_id: str, annotator: str, at: str | None) -> None:
        """Mark the article done for one annotator (`at`: when), or unmark it (`at=None`).

        One write of the article's own file, like a claim save."""
        with self.mutex:
            self.check_writable(self.root / ARTICLES_DIR)

            def change(db: FileDB) -> bool:
                table = db.table("done")
                mine = RECORD.annotator == annotator
                if at is not None and [dict(d) for d in table.search(mine)] == [
                        {"annotator": annotator, "at": at}]:
                    return False
                removed = table.remove(mine)
                if at is not None:
                    table.insert({"annotator": annotator, "at": at})
                return bool(removed) or at is not None

            self._modify(article_id, change)

    # -- curation (table "curation" of the article file) ---------------------------------------

    def decisions(self, article_id: str) -> list[dict[str, Any]]:
        """The article's curation decisions (see `reader.curation`)."""
        return self._records(article_id, CURATION)

    def curate(self, article_id: str, *, save: Iterable[Claim] = (),
               remove: Iterable[str] = (), decision: dict[str, Any] | None = None,
               drop: str | None = None, decisions: Iterable[dict[str, Any]] = ()) -> None:
        """One curation step in one write of the article's file: gold claims saved (each
        validated like `save_claim`) and removed, a decision (or several: `decisions`) stored,
        each replacing the one with its id, or one `drop`ped. Raises ValueError for a claim or
        decision that is not valid."""
        saved = [claim.to_record() for claim in save]
        removed = list(remove)
        stored = [*([] if decision is None else [decision]), *decisions]
        for record in stored:
            problems = decision_problems(record)
            if problems:
                raise ValueError("curation decision: " + "; ".join(problems))
        with self.mutex:
            self.check_writable(self.root / ARTICLES_DIR)
            doc, db = self._require_writable(article_id)
            length = len(self.files.text(doc, db))
            for claim in saved:
                problems = validate_claim(claim, length)
                if claim.get("article_id") != article_id:
                    problems.append("'article_id' names another article")
                if problems:
                    raise ValueError(f"claim {claim.get('id')!r}: " + "; ".join(problems))

            def change(d: FileDB) -> None:
                claims = d.table("claims")
                for claim_id in removed:
                    remove_by_id(claims, claim_id)
                _upsert_many(claims, saved)
                table = d.table(CURATION)
                if drop is not None:
                    remove_by_id(table, drop)
                _upsert_many(table, stored)

            self._modify(article_id, change)
            self.index.set_count(article_id, self.files.count_valid(doc, db))

    # Corrections cross the store edge typed (`Correction`): read, converted from the stored
    # records (`record_problem` has already refused any the class would not take); written,
    # `Correction.to_record`. The stored dicts themselves (`correction_records`, and what a
    # delete returns) are for what must carry them verbatim, keys this reader does not know
    # and key order included: the store dump, the team server, an undone revert.

    def corrections(self, article_id: str) -> list[Correction]:
        """The article's entity corrections."""
        return [Correction.from_record(r) for r in self._records(article_id, "corrections")]

    def correction_records(self, article_id: str) -> list[dict[str, Any]]:
        """The article's entity corrections as stored (copies)."""
        return self._records(article_id, "corrections")

    def save_correction(self, article_id: str,
                        corr: Correction | Mapping[str, Any]) -> None:
        """Insert or replace an entity correction by its `id`; durable on return. A mapping
        (a stored record given back: an undo, a colleague's pulled record) is kept as it is."""
        record = _correction_record(corr)
        with self.mutex:
            self.check_writable(self.root / ARTICLES_DIR)
            self._modify(article_id, lambda d: upsert_by_id(d.table("corrections"), record))

    def delete_correction(self, article_id: str, corr_id: str) -> dict[str, Any] | None:
        """Remove an entity correction: the stored record removed (for an undo to put back
        exactly), or None if there was none with that id."""
        with self.mutex:
            self.check_writable(self.root / ARTICLES_DIR)
            gone: list[dict[str, Any]] = []

            def remove(d: FileDB) -> bool:
                table = d.table("corrections")
                found = table.get(RECORD.id == corr_id)
                if found is None:
                    return False
                gone.append(copy_tree(dict(found)))  # type: ignore[arg-type]
                return bool(remove_by_id(table, corr_id))

            self._modify(article_id, remove)
            return gone[0] if gone else None

    def rejected(self, article_id: str) -> list[dict[str, Any]]:
        """The article's rejected suggestions."""
        return self._records(article_id, "rejected")

    def add_rejected(self, article_id: str, item: dict[str, Any]) -> None:
        """Remember a rejected suggestion (an equal one is not stored twice)."""
        with self.mutex:
            self.check_writable(self.root / ARTICLES_DIR)

            def change(db: FileDB) -> bool | None:
                if item in (db.data() or {}).get("rejected", {}).values():
                    return False
                db.table("rejected").insert(copy_tree(item))
                return None

            self._modify(article_id, change)

    # -- corpus-wide entity correction rules (table "corrections" of index.json) ---------------

    def corpus_corrections(self) -> list[Correction]:
        """Entity correction rules that apply to every article (scope `corpus`)."""
        return [Correction.from_record(r) for r in self.corpus_correction_records()]

    def corpus_correction_records(self) -> list[dict[str, Any]]:
        """The corpus rules as stored (copies)."""
        with self.mutex:
            good = []
            for doc_id, corr in self.index.records(CORPUS_CORRECTIONS):
                why = record_problem(CORPUS_CORRECTIONS, corr)
                if why:
                    self._problem(
                        self.root / INDEX_NAME, f"{CORPUS_CORRECTIONS} #{doc_id}: {why}; skipped"
                    )
                else:
                    good.append(copy_tree(corr))
            return good

    def save_corpus_correction(self, corr: Correction | Mapping[str, Any]) -> None:
        """Insert or replace a corpus rule by its `id`; durable on return (one index write).
        A mapping (a stored record given back) is kept as it is."""
        record = _correction_record(corr)
        with self.mutex:
            self.check_writable(self.root / INDEX_NAME)
            self.index.save_rule(record)
            self._articles_written = False

    def delete_corpus_correction(self, corr_id: str) -> dict[str, Any] | None:
        """Remove a corpus rule: the stored record removed, or None if there was none with
        that id."""
        with self.mutex:
            self.check_writable(self.root / INDEX_NAME)
            removed = self.index.delete_rule(corr_id)
            if removed is not None:
                self._articles_written = False
            return removed

    # -- colleagues' records pulled from the team server (their layers, never applied) ----------

    def team_records(self, article_id: str) -> list[TeamRecord]:
        """Colleagues' corrections and rejections of the article (its `team` table); a record
        that is not one is skipped."""
        return [TeamRecord.from_record(r) for r in self._records(article_id, "team")
                if not team_problem(r)]

    def team_rules(self) -> list[TeamRecord]:
        """Colleagues' corpus-wide rules (kind `rule`)."""
        with self.mutex:
            return [TeamRecord.from_record(copy_tree(r))
                    for _, r in self.index.records(TEAM_RULES) if not team_problem(r)]

    def put_team_rules(self, changes: list[tuple[str, str, dict[str, Any] | None]]) -> int:
        """Keep (or, with body None, forget) colleagues' corpus rules, given as (annotator,
        id, body), in one durable index write; how many changed."""
        with self.mutex:
            self.check_writable(self.root / INDEX_NAME)
            changed = self.index.put_team_rules(changes)
            if changed:
                self._articles_written = False
            return changed

    def all_corrections(self, article_id: str) -> list[Correction]:
        """Corpus rules and the article's own corrections: everything to lay over its entities."""
        return [*self.corpus_corrections(), *self.corrections(article_id)]

    # -- entity cache (derived: no fsync, rebuilt if unreadable) -------------------------------

    def cached_entities(self, digest: str, model: str, version: str) -> list[Entity] | None:
        """Entities a model found in a text, if cached; None if not (or unreadable)."""
        return self.entity_cache.get(digest, model, version)

    def put_cached_entities(
        self, digest: str, model: str, version: str, entities: list[Entity]
    ) -> None:
        """Cache a model's entities for a text (atomic, not fsynced)."""
        self.put_cached_entities_many([(digest, model, version, entities)])

    def put_cached_entities_many(self, items: Iterable[CacheItem]) -> None:
        """Cache several results, one write per cache file."""
        with self.mutex:
            self.check_writable(self.root / CACHE_DIR)
            self.entity_cache.put_many(items)

    # -- session --------------------------------------------------------------------------------

    def session(self) -> dict[str, Any]:
        """The saved session (open articles, current one...), {} if none."""
        with self.mutex:
            return self.index.session()

    def save_session(self, **fields: Any) -> None:
        """Merge `fields` into the saved session (one index write)."""
        self.save_reading_state(session=fields)

    def save_reading_state(self, positions: Mapping[str, int] | None = None,
                           session: Mapping[str, Any] | None = None) -> None:
        """Reading positions of articles and session fields together, in one index write (an
        article switch changes both)."""
        with self.mutex:
            self.check_writable(self.root / INDEX_NAME)
            self.index.save_state(positions, session)
            self._articles_written = False

    # -- transactions ---------------------------------------------------------------------------

    def transaction(self, *, shared: bool = False) -> TransactionContext:
        """`with store.transaction() as tx:` — commit on success, nothing visible on error.

        `shared=True` (adding new articles from a worker thread while the UI uses the store):
        the store's mutex is held only for each read and for the index rewrite, not while
        article files are written. Only for articles nobody else writes meanwhile (the app
        keeps those out of the store's other writers until they are committed)."""
        return TransactionContext(self, shared=shared)


def _correction_record(corr: Correction | Mapping[str, Any]) -> dict[str, Any]:
    """The record to store for a correction (a mapping: a copy of it, as it is)."""
    record = corr.to_record() if isinstance(corr, Correction) else copy_tree(dict(corr))
    if not isinstance(record.get("id"), str):
        raise ValueError("correction has no id")
    return record


def _upsert_many(table: Any, records: list[dict[str, Any]]) -> None:
    """Insert or replace (by `id`) each record, the table searched once and the new ones
    inserted together (one `Table.insert` per record rebuilds the table each time)."""
    where = {str(doc.get("id")): doc.doc_id for doc in table.all()}
    new = []
    for record in records:
        doc_id = where.get(str(record["id"]))
        if doc_id is None:
            new.append(copy_tree(dict(record)))
        else:
            table.update(replace_with(record), doc_ids=[doc_id])
    if new:
        table.insert_multiple(new)


def _regular_files(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return [e for e in entries if e.is_file(follow_symlinks=False)]
    except OSError:
        return []


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


__all__ = [
    "TEXT_Z_LIMIT",
    "AddResult",
    "Store",
    "StoreFileError",
    "StoreProblem",
    "StoreReadOnlyError",
    "StoreWriteError",
    "Transaction",
    "TransactionStopped",
    "article_key",
    "decode_text",
    "encode_text",
    "span_key",
    "text_hash",
]


def team_problem(record: object) -> str:
    """Why a colleague's pulled record is skipped ('' if it is not)."""
    if not isinstance(record, dict):
        return "not a record"
    if record.get("kind") not in ("correction", "rejected", "rule"):
        return "unknown kind"
    if not (isinstance(record.get("annotator"), str) and isinstance(record.get("id"), str)
            and isinstance(record.get("body"), dict)):
        return "annotator, id or body missing"
    if record["kind"] != "rejected":
        return "; ".join(correction_problems(record["body"]))
    body = record["body"]
    if not (type(body.get("start")) is int and type(body.get("end")) is int
            and 0 <= body["start"] < body["end"]):
        return "a rejection without a span"
    return ""


_CLAIM_KEYS = frozenset(CLAIM_FIELDS)
_ENTITY_KEYS = tuple(ClaimEntity.__struct_fields__)


def _keep_unknown(table: Any, record: dict[str, Any]) -> dict[str, Any]:
    """`record` with the keys of the stored record of its id that no claim field names (a
    hand edit, another tool), and those of each stored entity item the record still has (same
    text, label and bounds), so an edit in the reader never drops them."""
    stored = table.get(RECORD.id == record["id"])
    if not isinstance(stored, dict):
        return record
    kept = {**record, **{k: v for k, v in stored.items() if k not in _CLAIM_KEYS}}
    items = stored.get("entities")
    if isinstance(items, list) and any(
            isinstance(item, dict) and item.keys() - set(_ENTITY_KEYS) for item in items):
        kept["entities"] = [_entity_kept(entity, items) for entity in record["entities"]]
    return kept


def _entity_kept(entity: dict[str, Any], stored: list[Any]) -> dict[str, Any]:
    """`entity` with the other keys of the stored item it is the same entity as, if any."""
    for item in stored:
        if isinstance(item, dict) and all(item.get(k) == entity[k] for k in _ENTITY_KEYS):
            return {**entity, **{k: v for k, v in item.items() if k not in _ENTITY_KEYS}}
    return entity
