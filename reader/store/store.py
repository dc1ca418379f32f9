"""The `Store`: articles, claims, corrections, entity cache and session in one folder.

Layout (see ARCHITECTURE.md): `index.json` (tables `articles`, `session`, and `corrections`:
corpus-wide entity rules), one file per article under `articles/`, derived entity cache under
`cache/`, the writer lock `.lock`.
Article files are opened only when asked for, so opening a large store costs one index read.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import sys
import threading
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from reader.claims import iso_now, validate_claim
from reader.clean import (
    clean_correction,
    clean_tree,
    correction_problems,
    decision_problems,
    index_problems,
)
from reader.records import (
    ARTICLE_SCHEMA,
    Entity,
    SourceArticle,
    entity_row,
    text_hash,
    upgrade_claim,
)
from reader.store.anchoring import reanchor
from reader.store.errors import (
    StoreFileError,
    StoreProblem,
    StoreReadOnlyError,
    StoreWriteError,
)
from reader.store.lock import StoreLock
from reader.store.storage import (
    LOW_LEVEL,
    AtomicJSONStorage,
    Tables,
    copy_tree,
    describe_os_error,
    fingerprint,
    fsync_dir,
)
from reader.text.sanitize import clean_line

INDEX_NAME = "index.json"
ARTICLES_DIR = "articles"
CACHE_DIR = "cache"
EXPORTS_DIR = "exports"
CORPUS_CORRECTIONS = "corrections"
"""The index.json table of corpus-wide entity correction rules."""
TEXT_Z_LIMIT = 64 * 1024
"""Texts longer than this (in characters) are stored zlib-compressed and base64-encoded."""
OPEN_ARTICLES = 8
"""Article files kept parsed in memory at once."""

_FILE_RE = re.compile(r"^[0-9a-f]{32}(\.[0-9a-f]{8,32})?\.json$")
_SAFE_NAME_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*\.json$")
_ARTICLE_TABLES = ("article", "claims", "corrections", "rejected")
CURATION = "curation"
"""The article file's table of curation decisions (one per adjudicated item)."""
_PROTECTED_FIELDS = frozenset({"id", "file", "text_hash", "order"})


@dataclass
class AddResult:
    """What `add_article` did."""

    article: dict[str, Any]
    created: bool
    text_changed: bool = False
    reanchored: int = 0
    orphaned: int = 0


def article_key(article_id: str) -> str:
    """A file-name-safe key for an article id or text hash (32 hex characters)."""
    head, _, tail = article_id.partition(":")
    if head == "sha256" and re.fullmatch(r"[0-9a-f]{64}", tail):
        return tail[:32]
    return hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def encode_text(text: str) -> dict[str, str]:
    """The article-record fields holding `text` (`text`, or `text_z` for long texts)."""
    if len(text) <= TEXT_Z_LIMIT:
        return {"text": text}
    packed = zlib.compress(text.encode("utf-8", "surrogatepass"), 6)
    return {"text_z": base64.b64encode(packed).decode("ascii")}


def decode_text(doc: object) -> str:
    """The text of an article record; raises ValueError if it holds none."""
    if not isinstance(doc, dict):
        raise ValueError("the article record is not an object")
    if isinstance(doc.get("text"), str):
        return str(doc["text"])
    if isinstance(doc.get("text_z"), str):
        raw = zlib.decompress(base64.b64decode(doc["text_z"], validate=True))
        return raw.decode("utf-8", "surrogatepass")
    raise ValueError("the article record holds no text")


def _next_doc_id(table: dict[str, Any]) -> str:
    numbers = [int(k) for k in table if k.isdigit()]
    return str(max(numbers, default=0) + 1)


def _find_doc(table: dict[str, Any], record_id: str) -> str | None:
    for doc_id, doc in table.items():
        if isinstance(doc, dict) and doc.get("id") == record_id:
            return doc_id
    return None


def _upsert_many(table: dict[str, Any], records: list[dict[str, Any]]) -> None:
    """`_upsert` of each record, the table searched once (not once per record)."""
    where = {doc.get("id"): doc_id for doc_id, doc in table.items() if isinstance(doc, dict)}
    next_id = int(_next_doc_id(table))
    for record in records:
        doc_id = where.get(record["id"])
        if doc_id is None:
            doc_id = str(next_id)
            next_id += 1
            where[record["id"]] = doc_id
        table[doc_id] = copy_tree(record)


def _upsert(table: dict[str, Any], record: dict[str, Any]) -> None:
    doc_id = _find_doc(table, record["id"]) or _next_doc_id(table)
    table[doc_id] = copy_tree(record)


def span_key(claim: dict[str, Any]) -> tuple[int, int, str, str]:
    """What makes an imported claim without a known id a duplicate: same span, label and
    annotator."""
    return (claim["start"], claim["end"], claim["label"], str(claim.get("annotator", "")))


def _sort_key(claim: dict[str, Any]) -> tuple[int, int]:
    return (claim["start"], -claim["end"])


def _word_count(text: str) -> int:
    return len(text.split())


def _index_problem(doc: object) -> str:
    """What is wrong with an index record ('' if nothing): `reader.clean.index_problems`, and a
    file name that stays inside `articles/`."""
    problem = index_problems(doc)
    if problem:
        return problem
    assert isinstance(doc, dict)
    if not _SAFE_NAME_RE.match(doc["file"]):
        return f"file name {clean_line(doc['file'])!r} is not a plain article file name"
    return ""


@dataclass
class _Pending:
    """An article a transaction touches: its index record and (once loaded) its tables."""

    doc: dict[str, Any]
    tables: Tables | None = None
    new: bool = False
    changed: bool = False
    text: str = ""
    ids: set[str] = field(default_factory=set)
    spans: set[tuple[int, int, str, str]] = field(default_factory=set)
    """(start, end, label, annotator) of its claims: a span is a duplicate only within one
    annotator (two analysts marking the same span are two claims)."""
    correction_ids: set[str] = field(default_factory=set)
    next_claim_doc: int = 0
    """The next free doc id in the claims table (0: not computed yet)."""


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
            if pending.tables is None:
                self._fill(pending)
            return pending
        doc = self._store.article(article_id)
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
        with self._store._mutex:  # a shared transaction holds the mutex only here
            tables = self._store._article_tables(pending.doc)
        if tables is None:
            raise StoreReadOnlyError(
                self._store._article_path(pending.doc), "article file cannot be read"
            )
        pending.tables = tables
        pending.text = decode_text(next(iter(tables.get("article", {}).values()), {}))
        self._index_records(pending)

    def _index_records(self, pending: _Pending) -> None:
        assert pending.tables is not None
        for claim in pending.tables.get("claims", {}).values():
            if isinstance(claim, dict) and isinstance(claim.get("id"), str):
                pending.ids.add(claim["id"])
            if not validate_claim(claim, len(pending.text)):
                pending.spans.add(span_key(claim))
        for corr in pending.tables.get("corrections", {}).values():
            if isinstance(corr, dict) and isinstance(corr.get("id"), str):
                pending.correction_ids.add(corr["id"])

    def _lookup_source(self, source: str) -> dict[str, Any] | None:
        article_id = self._by_source.get(clean_line(source))  # sources are kept clean
        if article_id is not None:
            return self._pending[article_id].doc
        return self._store.find_by_source(source)

    def _lookup_hash(self, digest: str) -> dict[str, Any] | None:
        article_id = self._by_hash.get(digest)
        if article_id is not None:
            return self._pending[article_id].doc
        with self._store._mutex:
            return self._store._find_by_hash(digest)

    def add_article(self, src: SourceArticle) -> AddResult:
        """Add `src` (or find it: same source, or same text under another source).

        `result.article` of a new or changed article is the record the commit will write (its
        `file` and `order` are set when the transaction commits).
        """
        digest = src.text_hash
        doc = self._lookup_source(src.source)
        if doc is not None:
            if doc["text_hash"] == digest:
                return AddResult(article=copy_tree(doc), created=False)
            return self._change_text(doc["id"], src, digest)
        doc = self._lookup_hash(digest)
        if doc is not None:
            return AddResult(article=copy_tree(doc), created=False)
        return self._new_article(src, digest)

    def _change_text(self, article_id: str, src: SourceArticle, digest: str) -> AddResult:
        pending = self._load(article_id)
        assert pending.tables is not None
        text = src.text
        reanchored = orphaned = 0
        claims = pending.tables.setdefault("claims", {})
        for doc_id, claim in list(claims.items()):
            if validate_claim(claim, len(pending.text)):
                continue  # an invalid record is kept exactly as it is
            moved = reanchor(claim, text)
            if moved["status"] == "orphaned":
                orphaned += 1
            elif (moved["start"], moved["end"]) != (claim["start"], claim["end"]):
                reanchored += 1
            claims[doc_id] = moved
        corrections = pending.tables.setdefault("corrections", {})
        for doc_id, corr in list(corrections.items()):
            corrections[doc_id] = _reanchor_correction(corr, text)
        article_table = pending.tables.setdefault("article", {})
        doc_id = next(iter(article_table), "1")
        record = {
            k: v for k, v in article_table.get(doc_id, {}).items() if k not in ("text", "text_z")
        }
        record.update({"id": article_id, "schema": ARTICLE_SCHEMA, "text_hash": digest})
        record.update(encode_text(text))
        article_table[doc_id] = record
        pending.text = text
        pending.spans = set()
        pending.ids = set()
        pending.correction_ids = set()
        self._index_records(pending)
        pending.doc.update(
            {
                "text_hash": digest,
                "word_count": _word_count(text),
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
            article=pending.doc,
            created=False,
            text_changed=True,
            reanchored=reanchored,
            orphaned=orphaned,
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
            "word_count": _word_count(src.text),
            "entity_count": None,  # not counted yet (NER has not run)
            "claim_count": 0,
            "added": iso_now(),
            "order": 0,
        }
        record = {"id": digest, "schema": ARTICLE_SCHEMA, "text_hash": digest}
        record.update(encode_text(src.text))
        tables: Tables = {"article": {"1": record}, "claims": {}, "corrections": {}, "rejected": {}}
        pending = _Pending(doc=doc, tables=tables, new=True, changed=True, text=src.text)
        self._register(digest, pending)
        self.articles_added += 1
        return AddResult(article=doc, created=True)

    def claim_count(self, article_id: str) -> int:
        """Claims the article holds in this transaction (stored and added)."""
        return len(self._load(article_id).ids)

    def add_claim(self, claim: dict[str, Any], *, replace_older: bool = False) -> bool:
        """Add a claim; False (and counted) if it is already there by id or by span and label.

        With `replace_older`, a claim whose id is stored with an older `updated` replaces it
        (an edit made elsewhere, or rescued after a failed save): True, counted in
        `claims_updated`."""
        article_id = claim.get("article_id")
        if not isinstance(article_id, str):
            raise ValueError("claim has no article_id")
        pending = self._load(article_id)
        assert pending.tables is not None
        problems = validate_claim(claim, len(pending.text))
        if problems:
            raise ValueError(f"claim {claim.get('id')!r}: " + "; ".join(problems))
        span = span_key(claim)
        if replace_older and claim["id"] in pending.ids and self._newer(pending, claim):
            return True
        if claim["id"] in pending.ids or span in pending.spans:
            self.claims_skipped_duplicates += 1
            return False
        table = pending.tables.setdefault("claims", {})
        if pending.next_claim_doc <= 0:
            pending.next_claim_doc = int(_next_doc_id(table))
        # the id is not in the table (checked above), so it is a new record: no search for
        # it and no scan for the next doc id (both linear, per claim, on 100,000-claim imports)
        while str(pending.next_claim_doc) in table:
            pending.next_claim_doc += 1
        table[str(pending.next_claim_doc)] = copy_tree(claim)
        pending.next_claim_doc += 1
        pending.ids.add(claim["id"])
        pending.spans.add(span)
        pending.changed = True
        self.claims_added += 1
        return True

    def _newer(self, pending: _Pending, claim: dict[str, Any]) -> bool:
        """Replace the stored claim with `claim`'s id when `claim` was updated later."""
        assert pending.tables is not None
        table = pending.tables.setdefault("claims", {})
        doc_id = _find_doc(table, claim["id"])
        stored = table.get(doc_id) if doc_id is not None else None
        if not isinstance(stored, dict) or not isinstance(claim.get("updated"), str):
            return False
        if claim == stored or claim["updated"] < str(stored.get("updated") or ""):
            return False  # the same, or older: the stored one stays (timestamps are to the
            # second, so a different record stamped the same second is taken as the later)
        table[str(doc_id)] = copy_tree(claim)
        pending.spans.add(span_key(claim))
        pending.changed = True
        self.claims_updated += 1
        return True

    def add_done(self, article_id: str, annotator: str, at: str) -> bool:
        """Add a done mark (an import); False if that annotator's mark is there already (the
        stored one stays)."""
        pending = self._load(article_id)
        assert pending.tables is not None
        table = pending.tables.setdefault("done", {})
        if any(isinstance(d, dict) and d.get("annotator") == annotator for d in table.values()):
            return False
        table[_next_doc_id(table)] = {"annotator": annotator, "at": at}
        pending.changed = True
        return True

    def add_decision(self, article_id: str, decision: dict[str, Any]) -> bool:
        """Add a curation decision (an import), or replace the stored one with its id when
        this one was made later; False if nothing changed."""
        problems = decision_problems(decision)
        if problems:
            raise ValueError("curation decision: " + "; ".join(problems))
        pending = self._load(article_id)
        assert pending.tables is not None
        table = pending.tables.setdefault(CURATION, {})
        doc_id = _find_doc(table, decision["id"])
        stored = table.get(doc_id) if doc_id is not None else None
        if isinstance(stored, dict) and (stored == decision
                                         or str(stored.get("at", "")) >= decision["at"]):
            return False
        _upsert(table, decision)
        pending.changed = True
        return True

    def put_claim(self, claim: dict[str, Any]) -> bool:
        """Store `claim` as it is, replacing the stored one with its id (a record whose
        authority is elsewhere: a colleague's claim pulled from the team server). False if
        the same record is already there. Raises ValueError for an invalid claim."""
        pending = self._load(str(claim.get("article_id")))
        assert pending.tables is not None
        problems = validate_claim(claim, len(pending.text))
        if problems:
            raise ValueError(f"claim {claim.get('id')!r}: " + "; ".join(problems))
        table = pending.tables.setdefault("claims", {})
        doc_id = _find_doc(table, claim["id"]) if claim["id"] in pending.ids else None
        if doc_id is not None and table.get(doc_id) == claim:
            return False
        table[doc_id or _next_doc_id(table)] = copy_tree(claim)
        pending.ids.add(claim["id"])
        pending.spans.add(span_key(claim))
        pending.changed = True
        return True

    def remove_claim(self, article_id: str, claim_id: str) -> bool:
        """Remove a claim by id (a deletion pulled from the team server); False if absent."""
        pending = self._load(article_id)
        assert pending.tables is not None
        if claim_id not in pending.ids:
            return False
        removed = _remove(pending.tables.setdefault("claims", {}), claim_id)
        pending.ids.discard(claim_id)
        pending.changed = pending.changed or removed
        return removed

    def put_team_record(self, article_id: str, kind: str, annotator: str, record_id: str,
                        body: dict[str, Any] | None) -> bool:
        """Keep a colleague's correction or rejection pulled from the team server (table
        `team` of the article file: shown as their layer, never applied to my entities);
        `body=None` removes it. False when nothing changed."""
        pending = self._load(article_id)
        assert pending.tables is not None
        table = pending.tables.setdefault("team", {})
        key = next((k for k, d in table.items() if isinstance(d, dict)
                    and (d.get("kind"), d.get("annotator"), d.get("id"))
                    == (kind, annotator, record_id)), None)
        record = None if body is None else {"kind": kind, "annotator": annotator,
                                            "id": record_id, "body": copy_tree(body)}
        if key is not None and table[key] == record:
            return False
        if key is None and record is None:
            return False
        if record is None:
            del table[str(key)]
        else:
            table[key or _next_doc_id(table)] = record
        pending.changed = True
        return True

    def put_own_record(self, article_id: str, table_name: str, record_id: str,
                       body: dict[str, Any] | None) -> bool:
        """My own correction or rejection, edited on another of my machines: replace it by id
        (a rejection's id is its fingerprint), or remove it (`body=None`)."""
        pending = self._load(article_id)
        assert pending.tables is not None
        table = pending.tables.setdefault(table_name, {})

        def rid(doc: Any) -> str:
            if table_name == "rejected":
                return fingerprint(doc)
            return str(doc.get("id", "")) if isinstance(doc, dict) else ""

        key = next((k for k, d in table.items() if rid(d) == record_id), None)
        if body is None:
            if key is None:
                return False
            del table[key]
        else:
            if key is not None and table[key] == body:
                return False
            table[key or _next_doc_id(table)] = copy_tree(body)
        pending.changed = True
        return True

    def remove_done(self, article_id: str, annotator: str) -> bool:
        """Remove an annotator's done mark; False if there was none."""
        pending = self._load(article_id)
        assert pending.tables is not None
        table = pending.tables.setdefault("done", {})
        keys = [k for k, d in table.items() if isinstance(d, dict)
                and d.get("annotator") == annotator]
        for key in keys:
            del table[key]
        pending.changed = pending.changed or bool(keys)
        return bool(keys)

    def add_correction(self, article_id: str, corr: dict[str, Any]) -> bool:
        """Add an entity correction (cleaned); False if one with its id is already there.
        Raises ValueError for a record the app could not use."""
        problems = correction_problems(corr)
        if problems:
            raise ValueError("; ".join(problems))
        corr = clean_correction(corr)
        pending = self._load(article_id)
        assert pending.tables is not None
        if corr["id"] in pending.correction_ids:
            return False
        _upsert(pending.tables.setdefault("corrections", {}), corr)
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
        with store._mutex:
            referenced = store._referenced_files()
        written: list[Path] = []
        replaced: list[str] = []
        try:
            for count, pending in enumerate(changed):
                if self.stop is not None and self.stop():
                    raise TransactionStopped("stopped before it was committed")
                if self.on_written is not None:
                    self.on_written(count)
                assert pending.tables is not None
                key = article_key(pending.doc["id"])
                name = f"{key}.json"
                if not pending.new or name in referenced:
                    name = f"{key}.{uuid.uuid4().hex[:8]}.json"
                path = store.root / ARTICLES_DIR / name
                written.append(path)  # before writing: a write may fail after its rename
                # made durable below, all at once (`_sync_files`)
                AtomicJSONStorage(path, backup=False, fsync=False).write(
                    pending.tables, cache=False
                )
                if not pending.new:
                    replaced.append(pending.doc["file"])
                pending.doc["file"] = name
                pending.doc["claim_count"] = sum(
                    1
                    for c in pending.tables.get("claims", {}).values()
                    if not validate_claim(c, len(pending.text))
                )
            _sync_files(written)
            with store._mutex:
                if written:
                    _sync_folder(store.root / ARTICLES_DIR)  # once: every rename durable
                store._commit_index(changed)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        store._forget_files(replaced)


def _reanchor_correction(corr: Any, text: str) -> Any:
    """Move an entity correction with the text (by its `text`), or mark it orphaned.

    A record that is not a correction is returned as it is.
    """
    if not isinstance(corr, dict):
        return corr
    start, end, surface = corr.get("start"), corr.get("end"), corr.get("text")
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(surface, str)):
        return corr
    probe = {
        "start": start,
        "end": end,
        "quote": surface,
        "prefix": corr.get("prefix", ""),
        "suffix": corr.get("suffix", ""),
    }
    moved = reanchor(probe, text, threshold=101)  # exact only: an entity is a few words
    out = {**corr, "start": moved["start"], "end": moved["end"]}
    out["status"] = moved["status"]
    return out


class Store:
    """One store folder. Writers hold the lock; others (or when the index cannot be read) are
    read-only. An article whose file cannot be read is read-only alone (`unreadable`)."""

    def __init__(self, root: Path | str, *, readonly: bool = False, wait: float = 0.0) -> None:
        self.root = Path(root)
        self.readonly = readonly
        self.readonly_reason = "opened read-only" if readonly else ""
        self.problems: list[StoreProblem] = []
        self.unreadable: set[str] = set()
        """Ids of the articles whose file cannot be used (read-only, each reported once)."""
        self._problem_keys: set[tuple[str, str]] = set()
        self._mutex = threading.RLock()
        self._lock: StoreLock | None = None
        self._open: OrderedDict[str, AtomicJSONStorage] = OrderedDict()
        self._texts: dict[str, tuple[str, str]] = {}
        self._counts: dict[str, int] = {}
        self._articles_written = False
        """An article file was written since the index was (the index is rewritten at close,
        so the next open has no newer file to recount)."""
        if not readonly:
            self._acquire(wait)
        self._index_storage = AtomicJSONStorage(self.root / INDEX_NAME, readonly=self.readonly)
        self._index: Tables = {}
        self._docs: dict[str, str] = {}
        self._sources: dict[str, str] = {}
        self._hashes: dict[str, str] = {}
        index_ok = True
        try:
            self._set_index(self._index_storage.read() or {})
        except StoreFileError as exc:
            index_ok = False
            self._file_problem(exc)
        if self._lock is not None and index_ok:
            self._clean()
        if index_ok:
            self._recount_changed_since_index()

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
        referenced = self._referenced_files()
        for entry in _regular_files(self.root / ARTICLES_DIR):
            base = entry.name.removesuffix(".bak")
            if _FILE_RE.match(base) and base not in referenced:
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
        articles = self._index.get("articles", {})
        by_file = {articles[d]["file"]: articles[d] for d in self._docs.values()}
        for entry in _regular_files(self.root / ARTICLES_DIR):
            doc = by_file.get(entry.name)
            try:
                newer = doc is not None and entry.stat().st_mtime_ns >= index_time
            except OSError:
                newer = False
            if not newer:
                continue
            assert doc is not None
            tables = self._article_tables(doc, keep=False)
            if tables is None:
                continue
            count = len(self._valid_claims(doc, tables))
            if doc.get("claim_count") != count:
                self._counts[doc["id"]] = count

    def close(self) -> None:
        """Write pending claim counts (best effort) and release the lock."""
        with self._mutex:
            if (self._counts or self._articles_written) and not self.readonly:
                with contextlib.suppress(StoreWriteError):
                    self._write_index(self._index_copy())
            self._open.clear()
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

    def _set_index(self, tables: Tables) -> None:
        self._index = tables
        self._docs, self._sources, self._hashes = {}, {}, {}
        for doc_id, doc in tables.get("articles", {}).items():
            problem = _index_problem(doc)
            if problem:
                label = doc.get("id", doc_id) if isinstance(doc, dict) else f"#{doc_id}"
                self._problem(self.root / INDEX_NAME, f"article {label!r}: {problem}; skipped")
                continue
            self._docs[doc["id"]] = doc_id
            self._sources.setdefault(clean_line(doc["source"]), doc["id"])
            self._hashes.setdefault(doc["id"], doc["id"])
            self._hashes.setdefault(doc["text_hash"], doc["id"])

    def _referenced_files(self) -> set[str]:
        return {
            doc["file"]
            for doc in self._index.get("articles", {}).values()
            if isinstance(doc, dict) and isinstance(doc.get("file"), str)
        }

    def _doc(self, article_id: str) -> dict[str, Any] | None:
        doc_id = self._docs.get(article_id)
        if doc_id is None:
            return None
        doc = copy_tree(self._index["articles"][doc_id])
        if article_id in self._counts:
            doc["claim_count"] = self._counts[article_id]
        return doc

    def _index_copy(self) -> Tables:
        tables = copy_tree(self._index)
        articles = tables.setdefault("articles", {})
        for article_id, count in self._counts.items():
            doc_id = self._docs.get(article_id)
            if doc_id is not None:
                articles[doc_id]["claim_count"] = count
        return tables

    def _write_index(self, tables: Tables) -> None:
        self._check_writable(self.root / INDEX_NAME)
        self._index_storage.write(tables)
        self._counts.clear()
        self._articles_written = False
        self._set_index(tables)

    def _commit_index(self, changed: list[_Pending]) -> None:
        tables = self._index_copy()
        articles = tables.setdefault("articles", {})
        orders = [
            d["order"]
            for d in articles.values()
            if isinstance(d, dict) and isinstance(d.get("order"), int)
        ]
        next_order = max(orders, default=-1) + 1
        next_doc = int(_next_doc_id(articles))  # once: a scan per new article was quadratic
        for pending in changed:
            if pending.new:
                pending.doc["order"] = next_order
                next_order += 1
                articles[str(next_doc)] = copy_tree(pending.doc)
                next_doc += 1
            else:
                doc_id = self._docs[pending.doc["id"]]
                articles[doc_id] = copy_tree(pending.doc)
        self._write_index(tables)

    def _forget_files(self, names: Iterable[str]) -> None:
        """Drop replaced article files (best effort: the next writer open cleans leftovers)."""
        referenced = self._referenced_files()
        for name in names:
            self._open.pop(name, None)
            if name in referenced:
                continue
            path = self.root / ARTICLES_DIR / name
            _unlink(path)
            _unlink(path.with_name(name + ".bak"))

    def _check_writable(self, path: Path) -> None:
        if self.readonly:
            raise StoreReadOnlyError(path, self.readonly_reason or "opened read-only")

    # -- articles -------------------------------------------------------------------------------

    def articles(self) -> list[dict[str, Any]]:
        """Every (valid) article record, in index order."""
        with self._mutex:
            docs = [d for d in (self._doc(i) for i in self._docs) if d is not None]
        return sorted(docs, key=lambda d: d["order"])

    def article(self, article_id: str) -> dict[str, Any] | None:
        """The index record of an article, or None."""
        with self._mutex:
            return self._doc(article_id)

    def find_by_source(self, source: str) -> dict[str, Any] | None:
        """The article first loaded from `source`, or None."""
        with self._mutex:
            article_id = self._sources.get(clean_line(source))
            return None if article_id is None else self._doc(article_id)

    def find_by_text(self, digest: str) -> dict[str, Any] | None:
        """The article whose id or text hash is `digest`, or None."""
        with self._mutex:
            return self._find_by_hash(digest)

    def _find_by_hash(self, digest: str) -> dict[str, Any] | None:
        article_id = self._hashes.get(digest)
        return None if article_id is None else self._doc(article_id)

    def add_article(self, src: SourceArticle) -> AddResult:
        """Add an article, or find it (same source / same text); re-anchor claims if it changed."""
        with self.transaction() as tx:
            result = tx.add_article(src)
        with self._mutex:
            committed = self._doc(result.article["id"])
        if committed is not None:
            result.article = committed
        return result

    def update_article(self, article_id: str, **fields: Any) -> dict[str, Any]:
        """Change index fields of an article (position, counts, title...); returns the record."""
        if article_id not in self._docs:
            raise KeyError(article_id)
        self.update_articles({article_id: fields})
        doc = self._doc(article_id)
        assert doc is not None
        return doc

    def update_articles(self, changes: Mapping[str, Mapping[str, Any]]) -> int:
        """Change index fields of several articles in one index write (unknown ids are
        skipped); how many were changed."""
        for fields in changes.values():
            bad = _PROTECTED_FIELDS.intersection(fields)
            if bad:
                raise ValueError(f"cannot change {', '.join(sorted(bad))}")
        with self._mutex:
            known = {a: f for a, f in changes.items() if a in self._docs}
            if not known:
                return 0
            tables = self._index_copy()
            for article_id, fields in known.items():
                tables["articles"][self._docs[article_id]].update(copy_tree(dict(fields)))
            self._write_index(tables)
            return len(known)

    def _article_path(self, doc: dict[str, Any]) -> Path:
        return self.root / ARTICLES_DIR / doc["file"]

    def _article_storage(self, doc: dict[str, Any], *, keep: bool = True) -> AtomicJSONStorage:
        name = doc["file"]
        storage = self._open.get(name)
        if storage is not None:
            self._open.move_to_end(name)
            return storage
        storage = AtomicJSONStorage(self._article_path(doc), readonly=self.readonly)
        if keep:
            self._open[name] = storage
            while len(self._open) > OPEN_ARTICLES:
                self._open.popitem(last=False)
        return storage

    def _article_tables(self, doc: dict[str, Any], *, keep: bool = True) -> Tables | None:
        """The article file's tables (a copy), or None (and a problem) if it cannot be used."""
        storage = self._article_storage(doc, keep=keep)
        try:
            # a storage kept open caches its data and hands out copies; a one-off read
            # (`iter_claims`, exports) needs no copy of what nobody else holds
            tables = storage.read() if keep else storage.read_uncached()
        except StoreFileError as exc:
            self._article_problem(doc, exc)
            return None
        if tables is None:
            self._article_problem(doc, StoreFileError(storage.path, "the article file is missing"))
            return None
        records = list(tables.get("article", {}).values())
        try:
            if len(records) != 1:
                raise ValueError("it holds no article record")
            decode_text(records[0])
        except (ValueError, zlib.error) as exc:
            self._article_problem(
                doc, StoreFileError(storage.path, f"not an article file: {exc}")
            )
            return None
        return tables

    def _article_problem(self, doc: dict[str, Any], exc: StoreFileError) -> None:
        """An article file that cannot be used: reported, and that article alone is read-only
        (its file is never written; the rest of the store goes on)."""
        self._problem(exc.path, exc.message)
        self.unreadable.add(doc["id"])

    def _require_writable(self, article_id: str) -> tuple[dict[str, Any], Tables]:
        """`_require` for a write: an article whose file cannot be used is read-only."""
        try:
            return self._require(article_id)
        except StoreFileError as exc:
            raise StoreReadOnlyError(
                exc.path, "the article file cannot be used; this article is read-only "
                "(see `reader db check`)"
            ) from exc

    def _text_of(self, doc: dict[str, Any], tables: Tables) -> str:
        record = next(iter(tables["article"].values()))
        digest = record.get("text_hash", "")
        cached = self._texts.get(doc["id"])
        if cached is not None and cached[0] == digest and isinstance(digest, str) and digest:
            return cached[1]
        text = decode_text(record)
        self._texts[doc["id"]] = (digest, text)
        return text

    def _require(self, article_id: str) -> tuple[dict[str, Any], Tables]:
        doc = self._doc(article_id)
        if doc is None:
            raise KeyError(article_id)
        tables = self._article_tables(doc)
        if tables is None:
            raise StoreFileError(self._article_path(doc), "the article file cannot be used")
        return doc, tables

    def text(self, article_id: str) -> str:
        """The article's current text; KeyError if unknown, StoreFileError if unreadable."""
        with self._mutex:
            doc, tables = self._require(article_id)
            return self._text_of(doc, tables)

    # -- claims -------------------------------------------------------------------------------

    def _valid_claims(self, doc: dict[str, Any], tables: Tables) -> list[dict[str, Any]]:
        text_len = len(self._text_of(doc, tables))
        path = self._article_path(doc)
        good: list[dict[str, Any]] = []
        for doc_id, claim in tables.get("claims", {}).items():
            problems = validate_claim(claim, text_len)
            if problems:
                label = claim.get("id", f"#{doc_id}") if isinstance(claim, dict) else f"#{doc_id}"
                self._problem(path, f"claim {label!r}: {'; '.join(problems)}; skipped")
            else:
                good.append(upgrade_claim(claim))  # an older record gets the newer fields
        good.sort(key=_sort_key)
        return good

    def claims(self, article_id: str) -> list[dict[str, Any]]:
        """The article's valid claims (orphaned ones too), by (start, -end); [] if unreadable."""
        with self._mutex:
            doc = self._doc(article_id)
            if doc is None:
                raise KeyError(article_id)
            tables = self._article_tables(doc)
            if tables is None:
                return []
            claims = self._valid_claims(doc, tables)
            if doc.get("claim_count") != len(claims) and not self.readonly:
                self._counts[article_id] = len(claims)
            return claims

    def iter_claims(
        self, article_ids: Iterable[str] | None = None
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """(article, claim) for every valid claim, one article file in memory at a time."""
        ids = [d["id"] for d in self.articles()] if article_ids is None else list(article_ids)
        for article_id in ids:
            with self._mutex:
                doc = self._doc(article_id)
                if doc is None:
                    continue
                tables = self._article_tables(doc, keep=False)
                claims = [] if tables is None else self._valid_claims(doc, tables)
            for claim in claims:
                yield doc, claim

    def iter_texts_and_claims(
        self, article_ids: Iterable[str]
    ) -> Iterator[tuple[dict[str, Any], str, list[dict[str, Any]], list[str]]]:
        """(article, text, valid claims, annotators who marked it done) per readable article:
        one read of each file, nothing kept (for whole-store passes such as agreement)."""
        for article_id in article_ids:
            with self._mutex:
                doc = self._doc(article_id)
                if doc is None:
                    continue
                tables = self._article_tables(doc, keep=False)
                if tables is None:
                    continue
                text = self._text_of(doc, tables)
                claims = self._valid_claims(doc, tables)
                done = sorted({d["annotator"] for d in tables.get("done", {}).values()
                               if _valid_done(d)})
            yield doc, text, claims, done

    def _modify(self, article_id: str, change: Any) -> Any:
        """Apply `change(tables)` to an article file and write it; returns what change returned."""
        doc, tables = self._require_writable(article_id)
        path = self._article_path(doc)
        self._check_writable(path)
        result = change(tables)
        if result is False:
            return False
        self._article_storage(doc).write(tables)
        self._articles_written = True
        return result

    def save_claim(self, claim: dict[str, Any]) -> None:
        """Insert or replace a claim by id; durable on return. Raises StoreWriteError."""
        article_id = claim.get("article_id")
        if not isinstance(article_id, str):
            raise ValueError("claim has no article_id")
        with self._mutex:
            self._check_writable(self.root / ARTICLES_DIR)
            doc, tables = self._require_writable(article_id)
            problems = validate_claim(claim, len(self._text_of(doc, tables)))
            if problems:
                raise ValueError(f"claim {claim.get('id')!r}: " + "; ".join(problems))

            def change(t: Tables) -> None:
                _upsert(t.setdefault("claims", {}), claim)

            self._modify(article_id, change)
            self._recount(article_id)

    def delete_claim(self, article_id: str, claim_id: str) -> bool:
        """Remove a claim; False if there was none with that id."""
        with self._mutex:
            self._check_writable(self.root / ARTICLES_DIR)

            def change(t: Tables) -> bool:
                return _remove(t.setdefault("claims", {}), claim_id)

            removed = bool(self._modify(article_id, change))
            if removed:
                self._recount(article_id)
            return removed

    def _recount(self, article_id: str) -> None:
        doc, tables = self._require(article_id)
        self._counts[article_id] = len(self._valid_claims(doc, tables))

    # -- corrections and rejected suggestions ---------------------------------------------------

    def _records(self, article_id: str, table: str) -> list[dict[str, Any]]:
        with self._mutex:
            doc = self._doc(article_id)
            if doc is None:
                raise KeyError(article_id)
            tables = self._article_tables(doc)
            if tables is None:
                return []
            records = []
            for doc_id, record in tables.get(table, {}).items():
                why = _record_problem(table, record)
                if not why:
                    records.append(record)
                else:
                    self._problem(self._article_path(doc), f"{table} #{doc_id}: {why}; skipped")
            return records

    def done_marks(self, article_id: str) -> list[dict[str, Any]]:
        """Who marked the article done: `{"article_id", "annotator", "at"}` records."""
        return [
            {"article_id": article_id, "annotator": d["annotator"], "at": d["at"]}
            for d in self._records(article_id, "done")
            if _valid_done(d)
        ]

    def set_done(self, article_id: str, annotator: str, at: str | None) -> None:
        """Mark the article done for one annotator (`at`: when), or unmark it (`at=None`).

        One write of the article's own file, like a claim save."""
        with self._mutex:
            self._check_writable(self.root / ARTICLES_DIR)

            def change(t: Tables) -> bool:
                table = t.setdefault("done", {})
                before = dict(table)
                for doc_id, doc in list(table.items()):
                    if isinstance(doc, dict) and doc.get("annotator") == annotator:
                        del table[doc_id]
                if at is not None:
                    table[_next_doc_id(table)] = {"annotator": annotator, "at": at}
                return table != before

            self._modify(article_id, change)

    # -- curation (table "curation" of the article file) ---------------------------------------

    def decisions(self, article_id: str) -> list[dict[str, Any]]:
        """The article's curation decisions (see `reader.curation`)."""
        return self._records(article_id, CURATION)

    def curate(self, article_id: str, *, save: Iterable[dict[str, Any]] = (),
               remove: Iterable[str] = (), decision: dict[str, Any] | None = None,
               drop: str | None = None, decisions: Iterable[dict[str, Any]] = ()) -> None:
        """One curation step in one write of the article's file: gold claims saved (each
        validated like `save_claim`) and removed, a decision (or several: `decisions`) stored,
        each replacing the one with its id, or one `drop`ped. Raises ValueError for a claim or
        decision that is not valid."""
        saved = list(save)
        removed = list(remove)
        stored = [*([] if decision is None else [decision]), *decisions]
        for record in stored:
            problems = decision_problems(record)
            if problems:
                raise ValueError("curation decision: " + "; ".join(problems))
        with self._mutex:
            self._check_writable(self.root / ARTICLES_DIR)
            doc, tables = self._require_writable(article_id)
            length = len(self._text_of(doc, tables))
            for claim in saved:
                problems = validate_claim(claim, length)
                if claim.get("article_id") != article_id:
                    problems.append("'article_id' names another article")
                if problems:
                    raise ValueError(f"claim {claim.get('id')!r}: " + "; ".join(problems))

            def change(t: Tables) -> None:
                claims = t.setdefault("claims", {})
                for claim_id in removed:
                    _remove(claims, claim_id)
                _upsert_many(claims, saved)
                table = t.setdefault(CURATION, {})
                if drop is not None:
                    _remove(table, drop)
                _upsert_many(table, stored)

            self._modify(article_id, change)
            self._recount(article_id)

    def corrections(self, article_id: str) -> list[dict[str, Any]]:
        """The article's entity corrections."""
        return self._records(article_id, "corrections")

    def save_correction(self, article_id: str, corr: dict[str, Any]) -> None:
        """Insert or replace an entity correction by its `id`; durable on return."""
        if not isinstance(corr.get("id"), str):
            raise ValueError("correction has no id")
        with self._mutex:
            self._check_writable(self.root / ARTICLES_DIR)
            self._modify(article_id, lambda t: _upsert(t.setdefault("corrections", {}), corr))

    def delete_correction(self, article_id: str, corr_id: str) -> bool:
        """Remove an entity correction; False if there was none with that id."""
        with self._mutex:
            self._check_writable(self.root / ARTICLES_DIR)
            removed = self._modify(
                article_id, lambda t: _remove(t.setdefault("corrections", {}), corr_id)
            )
            return bool(removed)

    def rejected(self, article_id: str) -> list[dict[str, Any]]:
        """The article's rejected suggestions."""
        return self._records(article_id, "rejected")

    def add_rejected(self, article_id: str, item: dict[str, Any]) -> None:
        """Remember a rejected suggestion (an equal one is not stored twice)."""
        with self._mutex:
            self._check_writable(self.root / ARTICLES_DIR)

            def change(t: Tables) -> bool | None:
                table = t.setdefault("rejected", {})
                if item in table.values():
                    return False
                table[_next_doc_id(table)] = copy_tree(item)
                return None

            self._modify(article_id, change)

    # -- corpus-wide entity correction rules (table "corrections" of index.json) ---------------

    def corpus_corrections(self) -> list[dict[str, Any]]:
        """Entity correction rules that apply to every article (scope `corpus`)."""
        with self._mutex:
            table = self._index.get(CORPUS_CORRECTIONS, {})
            good = []
            for doc_id, corr in table.items():
                why = _record_problem(CORPUS_CORRECTIONS, corr)
                if why:
                    self._problem(
                        self.root / INDEX_NAME, f"{CORPUS_CORRECTIONS} #{doc_id}: {why}; skipped"
                    )
                else:
                    good.append(copy_tree(corr))
            return good

    def save_corpus_correction(self, corr: dict[str, Any]) -> None:
        """Insert or replace a corpus rule by its `id`; durable on return (one index write)."""
        if not isinstance(corr.get("id"), str):
            raise ValueError("correction has no id")
        with self._mutex:
            tables = self._index_copy()
            _upsert(tables.setdefault(CORPUS_CORRECTIONS, {}), corr)
            self._write_index(tables)

    def delete_corpus_correction(self, corr_id: str) -> bool:
        """Remove a corpus rule; False if there was none with that id."""
        with self._mutex:
            tables = self._index_copy()
            if not _remove(tables.setdefault(CORPUS_CORRECTIONS, {}), corr_id):
                return False
            self._write_index(tables)
            return True

    def all_corrections(self, article_id: str) -> list[dict[str, Any]]:
        """Corpus rules and the article's own corrections: everything to lay over its entities."""
        return [*self.corpus_corrections(), *self.corrections(article_id)]

    # -- entity cache (derived: no fsync, rebuilt if unreadable) -------------------------------

    def _cache_path(self, digest: str) -> Path:
        return self.root / CACHE_DIR / f"{article_key(digest)}.json"

    def cached_entities(self, digest: str, model: str, version: str) -> list[Entity] | None:
        """Entities a model found in a text, if cached; None if not (or unreadable)."""
        try:
            tables = AtomicJSONStorage(self._cache_path(digest), readonly=True).read() or {}
        except StoreFileError:
            return None
        for doc in tables.get("entities", {}).values():
            if isinstance(doc, dict) and (
                doc.get("text_hash"),
                doc.get("model"),
                doc.get("version"),
            ) == (
                digest,
                model,
                version,
            ):
                return _cached_list(doc.get("entities"))
        return None

    def put_cached_entities(
        self, digest: str, model: str, version: str, entities: list[Entity]
    ) -> None:
        """Cache a model's entities for a text (atomic, not fsynced)."""
        self.put_cached_entities_many([(digest, model, version, entities)])

    def put_cached_entities_many(self, items: Iterable[tuple[str, str, str, list[Entity]]]) -> None:
        """Cache several results, one write per cache file."""
        with self._mutex:
            self._check_writable(self.root / CACHE_DIR)
            grouped: dict[Path, list[tuple[str, str, str, list[Entity]]]] = {}
            for item in items:
                grouped.setdefault(self._cache_path(item[0]), []).append(item)
            for path, group in grouped.items():
                try:
                    tables = AtomicJSONStorage(path, readonly=True).read() or {}
                except StoreFileError:
                    tables = {}  # derived data: an unreadable cache file is simply rebuilt
                table = tables.setdefault("entities", {})
                for digest, model, version, entities in group:
                    record = {
                        "text_hash": digest,
                        "model": model,
                        "version": version,
                        "entities": [entity_row(e) for e in entities],
                    }
                    key = (digest, model, version)
                    doc_id = next(
                        (
                            i
                            for i, d in table.items()
                            if isinstance(d, dict)
                            and (d.get("text_hash"), d.get("model"), d.get("version")) == key
                        ),
                        None,
                    ) or _next_doc_id(table)
                    table[doc_id] = record
                AtomicJSONStorage(path, fsync=False, backup=False).write(tables)

    # -- session --------------------------------------------------------------------------------

    def session(self) -> dict[str, Any]:
        """The saved session (open articles, current one...), {} if none."""
        with self._mutex:
            docs = [d for d in self._index.get("session", {}).values() if isinstance(d, dict)]
            return _usable_session(copy_tree(docs[0])) if docs else {}

    def save_session(self, **fields: Any) -> None:
        """Merge `fields` into the saved session (one index write)."""
        with self._mutex:
            tables = self._index_copy()
            table = tables.setdefault("session", {})
            doc_id = next((k for k, d in table.items() if isinstance(d, dict)), None)
            if doc_id is None:
                doc_id = _next_doc_id(table)
            table[doc_id] = {**table.get(doc_id, {}), **copy_tree(fields)}
            self._write_index(tables)

    # -- transactions ---------------------------------------------------------------------------

    def transaction(self, *, shared: bool = False) -> _TransactionContext:
        """`with store.transaction() as tx:` — commit on success, nothing visible on error.

        `shared=True` (adding new articles from a worker thread while the UI uses the store):
        the store's mutex is held only for each read and for the index rewrite, not while
        article files are written. Only for articles nobody else writes meanwhile (the app
        keeps those out of the store's other writers until they are committed)."""
        return _TransactionContext(self, shared=shared)


class TransactionStopped(StoreWriteError):
    """`Transaction.stop` answered True: nothing was committed."""

    def __init__(self, message: str) -> None:
        super().__init__(Path("."), message)


class _TransactionContext:
    def __init__(self, store: Store, *, shared: bool = False) -> None:
        self._store = store
        self._tx: Transaction | None = None
        self._shared = shared

    def __enter__(self) -> Transaction:
        store = self._store
        if self._shared:
            store._check_writable(store.root / INDEX_NAME)
            self._tx = Transaction(store)
            return self._tx
        store._mutex.acquire()
        try:
            store._check_writable(store.root / INDEX_NAME)
        except BaseException:
            store._mutex.release()
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
                self._store._mutex.release()


def _usable_session(doc: dict[str, Any]) -> dict[str, Any]:
    """The saved session without fields of the wrong type (`open`: a list of article ids,
    `current`: an article id); it only says what to reopen, so nothing else is lost."""
    opened = doc.get("open")
    if "open" in doc and not (isinstance(opened, list) and all(isinstance(i, str)
                                                                for i in opened)):
        doc["open"] = [i for i in opened if isinstance(i, str)] if isinstance(opened, list) else []
    if "current" in doc and not isinstance(doc["current"], str):
        del doc["current"]
    return doc


def _record_problem(table: str, record: object) -> str:
    """Why a record of an article table (or of the corpus rules) is skipped ('' if it is not):
    the same judgement `reader db check` reports."""
    if not isinstance(record, dict):
        return "not a record"
    if table == CORPUS_CORRECTIONS or table == "corrections":
        return "; ".join(correction_problems(record))
    if table == CURATION:
        return "; ".join(decision_problems(record))
    return ""


def _cached_list(value: object) -> list[Entity] | None:
    """Cached entities as `Entity` (labels cleaned), or None (recomputed) if any is malformed:
    `[start, end, label]` or `[start, end, label, model_label]`."""
    if not isinstance(value, list):
        return None
    entities = []
    for item in value:
        if not (isinstance(item, list) and len(item) in (3, 4)):
            return None
        start, end, *labels = item
        if not (type(start) is int and type(end) is int and all(isinstance(x, str)
                                                                   for x in labels)):
            return None
        if not 0 <= start < end:
            return None
        entities.append(Entity(start, end, *(clean_line(x) for x in labels)))
    return entities


def _valid_done(doc: object) -> bool:
    """A done mark in an article file: `{"annotator", "at"}`, both strings."""
    return isinstance(doc, dict) and all(isinstance(doc.get(k), str) for k in ("annotator", "at"))


def _remove(table: dict[str, Any], record_id: str) -> bool:
    doc_id = _find_doc(table, record_id)
    if doc_id is None:
        return False
    del table[doc_id]
    return True


SYNCFS_MIN = 16
"""From this many new article files on, a commit makes them durable with one syncfs(2)."""


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


def _sync_folder(folder: Path) -> None:
    try:
        fsync_dir(folder)
    except OSError as exc:
        raise StoreWriteError(folder, describe_os_error(exc)) from exc


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
    "AddResult",
    "Store",
    "StoreFileError",
    "StoreProblem",
    "StoreReadOnlyError",
    "StoreWriteError",
    "Transaction",
    "article_key",
    "text_hash",
]
