"""Transactions: all of an import or none of it — new article files, then one index write.

Each article a transaction touches is a TinyDB database in memory (`MemoryStorage`, its file's
tables copied in); records change through TinyDB's `Table` and `Query`. New claims are staged
and go in with one `insert_multiple` per article (`Table.insert` rebuilds the table on every
call: 100 inserts into one article cost 100 rebuilds, 5.7 s more for a 100,000-claim import).
The commit writes each changed article once, to a new file, makes them durable together,
then points the index at them in one rewrite.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Table

from reader.claims import iso_now, record_problems, validate_claim
from reader.clean import clean_correction, clean_tree, correction_problems, decision_problems
from reader.records import ARTICLE_SCHEMA, Claim, SourceArticle, StoredArticle
from reader.store.anchoring import reanchor
from reader.store.articles import (
    ARTICLES_DIR,
    article_key,
    decode_text,
    encode_text,
    span_key,
    word_count,
)
from reader.store.errors import StoreReadOnlyError, StoreWriteError
from reader.store.index import CURATION, INDEX_NAME
from reader.store.storage import (
    LOW_LEVEL,
    AtomicJSONStorage,
    Tables,
    copy_tree,
    describe_os_error,
    fingerprint,
    fsync_dir,
)
from reader.store.tables import RECORD, find_doc_id, replace_with
from reader.text.sanitize import clean_line

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterable

    from reader.store.articles import ArticleFiles
    from reader.store.storage import Tables


class Store(Protocol):
    """What a transaction needs of the store (`reader.store.store.Store` is one): a protocol,
    so this module does not import the store that imports it."""

    root: Path
    mutex: threading.RLock
    files: ArticleFiles

    def article_record(self, article_id: str) -> dict[str, Any] | None: ...
    def article_tables_copy(self, doc: dict[str, Any]) -> Tables | None: ...
    def record_by_source(self, source: str) -> dict[str, Any] | None: ...
    def record_by_text(self, digest: str) -> dict[str, Any] | None: ...
    def check_writable(self, path: Path) -> None: ...
    def referenced_files(self) -> set[str]: ...
    def commit_articles(self, written: Path | None, *, new: list[dict[str, Any]],
                        changed: list[dict[str, Any]]) -> None: ...
    def forget_files(self, names: Iterable[str]) -> None: ...

SYNCFS_MIN = 16
"""From this many new article files on, a commit makes them durable with one syncfs(2)."""


@dataclass
class AddResult:
    """What `add_article` did."""

    article: StoredArticle
    """The article's index record (of a new or changed article inside a transaction: as the
    commit will write it, but `file` and `order` are set only then; `Store.add_article` gives
    the committed record)."""
    created: bool
    text_changed: bool = False
    reanchored: int = 0
    orphaned: int = 0


@dataclass
class _Pending:
    """An article a transaction touches: its index record and (once loaded) its tables."""

    doc: dict[str, Any]
    db: TinyDB | None = None
    new: bool = False
    changed: bool = False
    text: str = ""
    ids: set[str] = field(default_factory=set)
    spans: set[tuple[int, int, str, str]] = field(default_factory=set)
    """(start, end, label, annotator) of its claims: a span is a duplicate only within one
    annotator (two analysts marking the same span are two claims)."""
    correction_ids: set[str] = field(default_factory=set)
    staged: list[dict[str, Any]] = field(default_factory=list)
    """New claims not yet in the claims table (inserted together: `insert_multiple`)."""

    def table(self, name: str) -> Table:
        """A TinyDB table of the article (new claims first put in, so it is complete)."""
        assert self.db is not None
        if name == "claims" and self.staged:
            self.db.table("claims", cache_size=0).insert_multiple(self.staged)
            self.staged = []
        return self.db.table(name, cache_size=0)

    def raw(self, name: str) -> dict[str, Any]:
        """A table as stored (records that are not objects too: TinyDB's `all()` cannot
        hold those); do not change it."""
        assert self.db is not None
        return dict((self.db.storage.read() or {}).get(name, {}))

    def doc_ids(self, name: str) -> list[int]:
        """Every doc id of a table."""
        return [int(k) for k in self.raw(name)]

    def tables(self) -> Tables:
        """Every table, as the article file will hold them."""
        self.table("claims")
        assert self.db is not None
        data: Tables = self.db.storage.read() or {}
        return data


def _memory_db(tables: Tables) -> TinyDB:
    db = TinyDB(storage=MemoryStorage)
    db.storage.write(tables)
    return db


class Transaction:
    """All of an import or none of it: new article files, then one atomic index rewrite.

    Counts: `articles_added`, `claims_added`, `claims_updated`, `claims_skipped_duplicates`,
    `corrections_added`.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._pending: dict[str, _Pending] = {}
        self._by_source: dict[str, str] = {}
        self._by_hash: dict[str, str] = {}
        """Pending articles by source and by id / text hash (the first one wins), so adding n
        articles costs n lookups, not n scans of everything pending (issue 13 item 22)."""
        self.articles_added = 0
        self.claims_added = 0
        self.claims_updated = 0
        self.claims_skipped_duplicates = 0
        self.corrections_added = 0
        self.on_written: Callable[[int], None] | None = None
        """Called with the number of article files written so far while committing."""
        self.stop: Callable[[], bool] | None = None
        """Asked before each article file is written; True abandons the commit."""

    # -- building ---------------------------------------------------------------------------

    def _load(self, article_id: str) -> _Pending:
        pending = self._pending.get(article_id)
        if pending is not None:
            if pending.db is None:
                self._fill(pending)
            return pending
        doc = self._store.article_record(article_id)
        if doc is None:
            raise ValueError(f"no article {article_id!r} in the store or this import")
        pending = _Pending(doc=doc)
        self._register(article_id, pending)
        self._fill(pending)
        return pending

    def _register(self, article_id: str, pending: _Pending) -> None:
        self._pending[article_id] = pending
        doc = pending.doc
        if isinstance(doc.get("source"), str):
            self._by_source.setdefault(doc["source"], article_id)
        for digest in (doc.get("id"), doc.get("text_hash")):
            if isinstance(digest, str):
                self._by_hash.setdefault(digest, article_id)

    def _fill(self, pending: _Pending) -> None:
        tables = self._store.article_tables_copy(pending.doc)
        if tables is None:
            raise StoreReadOnlyError(
                self._store.files.path(pending.doc), "article file cannot be read"
            )
        pending.db = _memory_db(tables)
        pending.text = decode_text(next(iter(tables.get("article", {}).values()), {}))
        self._index_records(pending)

    def _index_records(self, pending: _Pending) -> None:
        pending.table("claims")  # staged claims in
        for claim in pending.raw("claims").values():
            if isinstance(claim, dict) and isinstance(claim.get("id"), str):
                pending.ids.add(claim["id"])
            if not record_problems(claim, len(pending.text)):
                pending.spans.add(span_key(claim))
        for corr in pending.raw("corrections").values():
            if isinstance(corr, dict) and isinstance(corr.get("id"), str):
                pending.correction_ids.add(corr["id"])

    def _lookup_source(self, source: str) -> dict[str, Any] | None:
        article_id = self._by_source.get(clean_line(source))  # sources are kept clean
        if article_id is not None:
            return self._pending[article_id].doc
        return self._store.record_by_source(source)

    def _lookup_hash(self, digest: str) -> dict[str, Any] | None:
        article_id = self._by_hash.get(digest)
        if article_id is not None:
            return self._pending[article_id].doc
        return self._store.record_by_text(digest)

    def add_article(self, src: SourceArticle) -> AddResult:
        """Add `src` (or find it: same source, or same text under another source).

        `result.article` of a new or changed article is the record the commit will write (its
        `file` and `order` are set when the transaction commits), typed.
        """
        digest = src.text_hash
        doc = self._lookup_source(src.source)
        if doc is not None:
            if doc["text_hash"] == digest:
                return AddResult(article=StoredArticle.from_record(copy_tree(doc)), created=False)
            return self._change_text(doc["id"], src, digest)
        doc = self._lookup_hash(digest)
        if doc is not None:
            return AddResult(article=StoredArticle.from_record(copy_tree(doc)), created=False)
        return self._new_article(src, digest)

    def _change_text(self, article_id: str, src: SourceArticle, digest: str) -> AddResult:
        pending = self._load(article_id)
        text, old_len = src.text, len(pending.text)
        moved = {"reanchored": 0, "orphaned": 0}

        def move_claim(claim: Any) -> None:
            if validate_claim(claim, old_len):
                return  # an invalid record is kept exactly as it is
            new = reanchor(claim, text)
            if new["status"] == "orphaned":
                moved["orphaned"] += 1
            elif (new["start"], new["end"]) != (claim["start"], claim["end"]):
                moved["reanchored"] += 1
            claim.clear()
            claim.update(new)

        pending.table("claims").update(move_claim, doc_ids=pending.doc_ids("claims"))
        pending.table("corrections").update(_reanchor_correction(text),
                                            doc_ids=pending.doc_ids("corrections"))
        stored = next(iter(pending.raw("article").items()), None)
        record = {k: v for k, v in (stored[1] if stored else {}).items()
                  if k not in ("text", "text_z")}
        record.update({"id": article_id, "schema": ARTICLE_SCHEMA, "text_hash": digest})
        record.update(encode_text(text))
        if stored is not None:
            pending.table("article").update(replace_with(record), doc_ids=[int(stored[0])])
        else:
            pending.table("article").insert(record)
        pending.text = text
        pending.spans = set()
        pending.ids = set()
        pending.correction_ids = set()
        self._index_records(pending)
        pending.doc.update(
            {
                "text_hash": digest,
                "word_count": word_count(text),
                "entity_count": None,  # not counted for this text yet
                "title": clean_line(src.title) or pending.doc.get("title", ""),
                "url": clean_line(src.url) or pending.doc.get("url", ""),
                "date": clean_line(src.date) or pending.doc.get("date", ""),
                "external_id": clean_line(src.external_id) or pending.doc.get("external_id", ""),
                "meta": clean_tree(dict(src.meta)) or pending.doc.get("meta", {}),
            }
        )
        pending.changed = True
        self._by_hash.setdefault(digest, article_id)
        return AddResult(
            article=StoredArticle.from_record(copy_tree(pending.doc)),
            created=False,
            text_changed=True,
            reanchored=moved["reanchored"],
            orphaned=moved["orphaned"],
        )

    def _new_article(self, src: SourceArticle, digest: str) -> AddResult:
        doc: dict[str, Any] = {
            "id": digest,
            "title": clean_line(src.title),
            "source": clean_line(src.source),
            "url": clean_line(src.url),
            "date": clean_line(src.date),
            "external_id": clean_line(src.external_id),
            "meta": clean_tree(dict(src.meta)),
            "text_hash": digest,
            "file": "",
            "position": 0,
            "word_count": word_count(src.text),
            "entity_count": None,  # not counted yet (NER has not run)
            "claim_count": 0,
            "added": iso_now(),
            "order": 0,
        }
        record = {"id": digest, "schema": ARTICLE_SCHEMA, "text_hash": digest}
        record.update(encode_text(src.text))
        tables: Tables = {"article": {"1": record}, "claims": {}, "corrections": {}, "rejected": {}}
        pending = _Pending(doc=doc, db=_memory_db(tables), new=True, changed=True, text=src.text)
        self._register(digest, pending)
        self.articles_added += 1
        return AddResult(article=StoredArticle.from_record(copy_tree(doc)), created=True)

    def claim_count(self, article_id: str) -> int:
        """Claims the article holds in this transaction (stored and added)."""
        return len(self._load(article_id).ids)

    def add_claim(self, claim: Claim, *, replace_older: bool = False) -> bool:
        """Add a claim; False (and counted) if it is already there by id or by span and label.

        With `replace_older`, a claim whose id is stored with an older `updated` replaces it
        (an edit made elsewhere, or rescued after a failed save): True, counted in
        `claims_updated`. The stored record is `claim.to_record()`."""
        record = claim.to_record()
        article_id = claim.article_id
        if not isinstance(article_id, str):
            raise ValueError("claim has no article_id")
        pending = self._load(article_id)
        problems = record_problems(record, len(pending.text))
        if problems:
            raise ValueError(f"claim {claim.id!r}: " + "; ".join(problems))
        span = span_key(record)
        if replace_older and claim.id in pending.ids and self._newer(pending, record):
            return True
        if claim.id in pending.ids or span in pending.spans:
            self.claims_skipped_duplicates += 1
            return False
        # the id is not in the table (checked above): a new record, inserted at the commit
        # with the others (no search for it, no table rebuild per claim)
        pending.staged.append(record)
        pending.ids.add(claim.id)
        pending.spans.add(span)
        pending.changed = True
        self.claims_added += 1
        return True

    def _newer(self, pending: _Pending, claim: dict[str, Any]) -> bool:
        """Replace the stored claim with `claim`'s id when `claim` was updated later."""
        table = pending.table("claims")
        stored = table.get(RECORD.id == claim["id"])
        if not isinstance(stored, dict) or not isinstance(claim.get("updated"), str):
            return False
        if claim == stored or claim["updated"] < str(stored.get("updated") or ""):
            return False  # the same, or older: the stored one stays (timestamps are to the
            # second, so a different record stamped the same second is taken as the later)
        table.update(replace_with(claim), doc_ids=[stored.doc_id])  # type: ignore[union-attr]
        pending.spans.add(span_key(claim))
        pending.changed = True
        self.claims_updated += 1
        return True

    def add_done(self, article_id: str, annotator: str, at: str) -> bool:
        """Add a done mark (an import); False if that annotator's mark is there already (the
        stored one stays)."""
        table = self._load(article_id).table("done")
        if table.contains(RECORD.annotator == annotator):
            return False
        table.insert({"annotator": annotator, "at": at})
        self._pending[article_id].changed = True
        return True

    def add_decision(self, article_id: str, decision: dict[str, Any]) -> bool:
        """Add a curation decision (an import), or replace the stored one with its id when
        this one was made later; False if nothing changed."""
        problems = decision_problems(decision)
        if problems:
            raise ValueError("curation decision: " + "; ".join(problems))
        table = self._load(article_id).table(CURATION)
        stored = table.get(RECORD.id == decision["id"])
        if isinstance(stored, dict) and (dict(stored) == decision
                                         or str(stored.get("at", "")) >= decision["at"]):
            return False
        doc_id = find_doc_id(table, decision["id"])
        if doc_id is None:
            table.insert(copy_tree(decision))
        else:
            table.update(replace_with(decision), doc_ids=[doc_id])
        self._pending[article_id].changed = True
        return True

    def put_claim(self, record: Claim) -> bool:
        """Store `claim` as it is, replacing the stored one with its id (a record whose
        authority is elsewhere: a colleague's claim pulled from the team server). False if
        the same record is already there. Raises ValueError for an invalid claim."""
        claim = record.to_record()
        pending = self._load(record.article_id)
        problems = record_problems(claim, len(pending.text))
        if problems:
            raise ValueError(f"claim {record.id!r}: " + "; ".join(problems))
        if claim["id"] not in pending.ids:  # new: staged like add_claim's (an insert per
            pending.staged.append(claim)  # claim was quadratic on a large pull)
            pending.ids.add(claim["id"])
            pending.spans.add(span_key(claim))
            pending.changed = True
            return True
        table = pending.table("claims")
        stored = table.get(RECORD.id == claim["id"])
        if stored is not None and stored == claim:
            return False
        if stored is None:
            table.insert(claim)
        else:
            table.update(replace_with(claim), doc_ids=[stored.doc_id])  # type: ignore[union-attr]
        pending.ids.add(claim["id"])
        pending.spans.add(span_key(claim))
        pending.changed = True
        return True

    def remove_claim(self, article_id: str, claim_id: str) -> bool:
        """Remove a claim by id (a deletion pulled from the team server); False if absent."""
        pending = self._load(article_id)
        if claim_id not in pending.ids:
            return False
        removed = bool(pending.table("claims").remove(RECORD.id == claim_id))
        pending.ids.discard(claim_id)
        pending.changed = pending.changed or removed
        return removed

    def put_team_record(self, article_id: str, kind: str, annotator: str, record_id: str,
                        body: dict[str, Any] | None) -> bool:
        """Keep a colleague's correction or rejection pulled from the team server (table
        `team` of the article file: shown as their layer, never applied to my entities);
        `body=None` removes it. False when nothing changed."""
        pending = self._load(article_id)
        table = pending.table("team")
        query = (RECORD.kind == kind) & (RECORD.annotator == annotator) & (RECORD.id == record_id)
        stored = table.get(query)
        record = None if body is None else {"kind": kind, "annotator": annotator,
                                            "id": record_id, "body": copy_tree(body)}
        if stored is None and record is None:
            return False
        if stored is not None and stored == record:
            return False
        if record is None:
            table.remove(doc_ids=[stored.doc_id])  # type: ignore[union-attr]
        elif stored is None:
            table.insert(record)
        else:
            table.update(replace_with(record), doc_ids=[stored.doc_id])  # type: ignore[union-attr]
        pending.changed = True
        return True

    def put_own_record(self, article_id: str, table_name: str, record_id: str,
                       body: dict[str, Any] | None) -> bool:
        """My own correction or rejection, edited on another of my machines: replace it by id
        (a rejection's id is its fingerprint), or remove it (`body=None`)."""
        pending = self._load(article_id)
        table = pending.table(table_name)

        def rid(doc: Any) -> str:
            if table_name == "rejected":
                return fingerprint(doc)
            return str(doc.get("id", "")) if isinstance(doc, dict) else ""

        key = next((k for k, d in pending.raw(table_name).items() if rid(d) == record_id), None)
        if body is None:
            if key is None:
                return False
            table.remove(doc_ids=[int(key)])
        else:
            if key is not None and pending.raw(table_name)[key] == body:
                return False
            if key is None:
                table.insert(copy_tree(body))
            else:
                table.update(replace_with(body), doc_ids=[int(key)])
        pending.changed = True
        return True

    def remove_done(self, article_id: str, annotator: str) -> bool:
        """Remove an annotator's done mark; False if there was none."""
        pending = self._load(article_id)
        removed = pending.table("done").remove(RECORD.annotator == annotator)
        pending.changed = pending.changed or bool(removed)
        return bool(removed)

    def add_correction(self, article_id: str, corr: dict[str, Any]) -> bool:
        """Add an entity correction (cleaned); False if one with its id is already there.
        Raises ValueError for a record the app could not use."""
        problems = correction_problems(corr)
        if problems:
            raise ValueError("; ".join(problems))
        corr = clean_correction(corr)
        pending = self._load(article_id)
        if corr["id"] in pending.correction_ids:
            return False
        table = pending.table("corrections")
        doc_id = find_doc_id(table, corr["id"])
        if doc_id is None:
            table.insert(copy_tree(corr))
        else:
            table.update(replace_with(corr), doc_ids=[doc_id])
        pending.correction_ids.add(corr["id"])
        pending.changed = True
        self.corrections_added += 1
        return True

    # -- committing ---------------------------------------------------------------------------

    def commit(self) -> None:
        """Write new article files (fsynced), then point the index at them in one rewrite."""
        store = self._store
        changed = [p for p in self._pending.values() if p.changed]
        if not changed:
            return
        referenced = store.referenced_files()
        folder = store.root / ARTICLES_DIR
        written: list[Path] = []
        replaced: list[str] = []
        try:
            for count, pending in enumerate(changed):
                if self.stop is not None and self.stop():
                    raise TransactionStopped("stopped before it was committed")
                if self.on_written is not None:
                    self.on_written(count)
                key = article_key(pending.doc["id"])
                name = f"{key}.json"
                if not pending.new or name in referenced:
                    name = f"{key}.{uuid.uuid4().hex[:8]}.json"
                path = folder / name
                written.append(path)  # before writing: a write may fail after its rename
                tables = pending.tables()
                # made durable below, all at once (`_sync_files`)
                AtomicJSONStorage(path, backup=False, fsync=False).write(tables, cache=False)
                if not pending.new:
                    replaced.append(pending.doc["file"])
                pending.doc["file"] = name
                pending.doc["claim_count"] = sum(
                    1
                    for c in tables.get("claims", {}).values()
                    if not record_problems(c, len(pending.text))
                )
            _sync_files(written)
            store.commit_articles(
                folder if written else None,
                new=[p.doc for p in changed if p.new],
                changed=[p.doc for p in changed if not p.new],
            )
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        store.forget_files(replaced)


def _reanchor_correction(text: str) -> Callable[[Any], None]:
    """A TinyDB update operation moving an entity correction with the text (by its `text`),
    or marking it orphaned. A record that is not a correction is left as it is."""

    def move(corr: Any) -> None:
        if not isinstance(corr, dict):
            return
        start, end, surface = corr.get("start"), corr.get("end"), corr.get("text")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(surface, str)):
            return
        probe = {
            "start": start,
            "end": end,
            "quote": surface,
            "prefix": corr.get("prefix", ""),
            "suffix": corr.get("suffix", ""),
        }
        moved = reanchor(probe, text, threshold=101)  # exact only: an entity is a few words
        corr.update({"start": moved["start"], "end": moved["end"], "status": moved["status"]})

    return move


class TransactionStopped(StoreWriteError):
    """`Transaction.stop` answered True: nothing was committed."""

    def __init__(self, message: str) -> None:
        super().__init__(Path("."), message)


class TransactionContext:
    """`with store.transaction() as tx:` — the store's mutex held throughout, unless shared."""

    def __init__(self, store: Store, *, shared: bool = False) -> None:
        self._store = store
        self._tx: Transaction | None = None
        self._shared = shared

    def __enter__(self) -> Transaction:
        store = self._store
        if self._shared:
            store.check_writable(store.root / INDEX_NAME)
            self._tx = Transaction(store)
            return self._tx
        store.mutex.acquire()
        try:
            store.check_writable(store.root / INDEX_NAME)
        except BaseException:
            store.mutex.release()
            raise
        self._tx = Transaction(store)
        return self._tx

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None and self._tx is not None:
                self._tx.commit()
        finally:
            if not self._shared:
                self._store.mutex.release()


def _sync_files(paths: list[Path]) -> None:
    """Make written files durable before the index names them: one `syncfs` for many (10,000
    files: 0.3 s, against 5-8 ms per fsync on a busy disk: a minute), else one fsync each."""
    if len(paths) >= SYNCFS_MIN and _syncfs(paths[0].parent):
        return
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                LOW_LEVEL.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise StoreWriteError(path, describe_os_error(exc)) from exc


def _syncfs(folder: Path) -> bool:
    """syncfs(2) on the file system holding `folder` (Linux); False where there is none.
    Raises StoreWriteError when it reports a write-back error."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise StoreWriteError(folder, describe_os_error(exc)) from exc
    try:
        if call(fd) != 0:
            error = ctypes.get_errno()
            raise StoreWriteError(folder, describe_os_error(OSError(error, os.strerror(error))))
    finally:
        os.close(fd)
    return True


def sync_folder(folder: Path) -> None:
    """fsync a folder (every rename in it durable); StoreWriteError when it fails."""
    try:
        fsync_dir(folder)
    except OSError as exc:
        raise StoreWriteError(folder, describe_os_error(exc)) from exc


__all__ = [
    "SYNCFS_MIN",
    "AddResult",
    "Transaction",
    "TransactionContext",
    "TransactionStopped",
    "sync_folder",
]
