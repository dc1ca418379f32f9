"""`index.json`: table `articles` (one record per article: title, source, file, counts,
position...), table `corrections` (corpus-wide entity rules) and table `session`.

Read once at open; kept in TinyDB's cache. Every change is TinyDB table operations followed
by one atomic write (`StoreIndex.write`). Claim counts reach the index lazily: a save records
the new count here (`set_count`), and the next index write (or the store's close) takes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from reader.clean import correction_problems, decision_problems, index_problems
from reader.records import StoredArticle
from reader.store.errors import StoreError, StoreFileError
from reader.store.storage import Tables, copy_tree
from reader.store.tables import RECORD, FileDB, remove_by_id, upsert_by_id
from reader.text.sanitize import clean_line

INDEX_NAME = "index.json"
CORPUS_CORRECTIONS = "corrections"
"""The index.json table of corpus-wide entity correction rules."""
TEAM_RULES = "team_rules"
"""The index.json table of colleagues' corpus-wide rules pulled from the team server (their
layer: shown, never applied to my entities)."""
SESSION = "session"
PROTECTED_FIELDS = frozenset({"id", "file", "text_hash", "order"})
"""Index fields only the store itself sets."""
_SAFE_NAME_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*\.json$")


def index_problem(doc: object) -> str:
    """What is wrong with an index record ('' if nothing): `reader.clean.index_problems`, and a
    file name that stays inside `articles/`."""
    problem = index_problems(doc)
    if problem:
        return problem
    assert isinstance(doc, dict)
    if not _SAFE_NAME_RE.match(doc["file"]):
        return f"file name {clean_line(doc['file'])!r} is not a plain article file name"
    return ""


CURATION = "curation"
"""An article file's table of curation decisions (one per adjudicated item)."""


def record_problem(table: str, record: object) -> str:
    """Why a record of an article table (or of the corpus rules) is skipped ('' if it is not):
    the same judgement `reader db check` reports."""
    if not isinstance(record, dict):
        return "not a record"
    if table == CORPUS_CORRECTIONS or table == "corrections":
        return "; ".join(correction_problems(record))
    if table == CURATION:
        return "; ".join(decision_problems(record))
    return ""


class StoreIndex:
    """The index of a store folder and what is derived from it (article by id, source and text
    hash). `problem(path, message)` reports a record that is skipped."""

    def __init__(self, root: Path, *, readonly: bool,
                 problem: Callable[[Path, str], None]) -> None:
        self.path = Path(root) / INDEX_NAME
        self.file = FileDB(self.path, readonly=readonly)
        self._problem = problem
        self._docs: dict[str, str] = {}
        self._sources: dict[str, str] = {}
        self._hashes: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        """Claim counts newer than the index (written with its next write)."""

    # -- reading -------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the index (raises StoreFileError) and derive the lookups."""
        self.file.data()
        self._derive()

    def _raw(self, table: str) -> dict[str, Any]:
        try:
            data = self.file.data()
        except StoreFileError:
            return {}  # reported at open: the store is read-only and empty
        return (data or {}).get(table, {})

    def _derive(self) -> None:
        self._docs, self._sources, self._hashes = {}, {}, {}
        for doc_id, doc in self._raw("articles").items():
            problem = index_problem(doc)
            if problem:
                label = doc.get("id", doc_id) if isinstance(doc, dict) else f"#{doc_id}"
                self._problem(self.path, f"article {label!r}: {problem}; skipped")
                continue
            self._docs[doc["id"]] = doc_id
            self._sources.setdefault(clean_line(doc["source"]), doc["id"])
            self._hashes.setdefault(doc["id"], doc["id"])
            self._hashes.setdefault(doc["text_hash"], doc["id"])

    def ids(self) -> list[str]:
        """The ids of every valid article record."""
        return list(self._docs)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._docs

    def doc(self, article_id: str) -> dict[str, Any] | None:
        """A copy of the article's index record (with its latest claim count), or None."""
        doc_id = self._docs.get(article_id)
        if doc_id is None:
            return None
        doc: dict[str, Any] = copy_tree(self._raw("articles")[doc_id])
        if article_id in self.counts:
            doc["claim_count"] = self.counts[article_id]
        return doc

    def article(self, article_id: str) -> StoredArticle | None:
        """The article's index record as the typed record (with its latest claim count), or
        None: converted straight from the stored dict, only a nested `meta` copied."""
        doc_id = self._docs.get(article_id)
        if doc_id is None:
            return None
        raw = self._raw("articles")[doc_id]
        article = StoredArticle.from_record(raw)
        changes: dict[str, Any] = {}
        if article.meta and any(isinstance(v, dict | list) for v in article.meta.values()):
            changes["meta"] = copy_tree(article.meta)
        if article_id in self.counts:
            changes["claim_count"] = self.counts[article_id]
        return msgspec.structs.replace(article, **changes) if changes else article

    def by_source(self, source: str) -> str | None:
        """The id of the article first loaded from `source`."""
        return self._sources.get(clean_line(source))

    def by_hash(self, digest: str) -> str | None:
        """The id of the article whose id or text hash is `digest`."""
        return self._hashes.get(digest)

    def docs_by_file(self) -> dict[str, dict[str, Any]]:
        """Valid article records by file name, as stored (shared: do not change them)."""
        raw = self._raw("articles")
        return {raw[d]["file"]: raw[d] for d in self._docs.values()}

    def referenced_files(self) -> set[str]:
        """Every article file name the index names."""
        return {
            doc["file"]
            for doc in self._raw("articles").values()
            if isinstance(doc, dict) and isinstance(doc.get("file"), str)
        }

    def records(self, table: str) -> list[tuple[str, Any]]:
        """(doc id, record) of a table of the index, as stored (do not change them)."""
        return list(self._raw(table).items())

    def set_count(self, article_id: str, count: int) -> None:
        """The article's claim count changed (written with the next index write)."""
        self.counts[article_id] = count

    # -- writing -------------------------------------------------------------------------------

    def write(self, change: Callable[[], object] | None = None) -> None:
        """Apply the pending claim counts and `change()` (TinyDB table operations on
        `self.file`), then write the index once; on error nothing changed."""
        try:
            data = self.file.data()
            data = {} if data is None else data
            data.setdefault("articles", {})
            self.file.held.write(data)  # written even if nothing else changes (close)
            self._apply_counts()
            if change is not None:
                change()
            self.file.commit()
        except BaseException:
            self.file.discard()
            self._derive()  # the index as it is on disk
            raise
        self.counts.clear()
        self._derive()

    def _apply_counts(self) -> None:
        counts = {a: n for a, n in self.counts.items() if a in self._docs}
        if not counts:
            return

        def set_count(doc: Any) -> None:
            doc["claim_count"] = counts[doc["id"]]

        doc_ids = [int(self._docs[a]) for a in counts]
        self.file.table("articles").update(set_count, doc_ids=doc_ids)

    def update_articles(self, changes: Mapping[str, Mapping[str, Any]]) -> int:
        """Change index fields of known articles in one write; how many."""
        known = {a: copy_tree(dict(f)) for a, f in changes.items() if a in self._docs}
        if not known:
            return 0

        def change() -> None:
            self._update_fields(known)

        self.write(change)
        return len(known)

    def _update_fields(self, known: Mapping[str, Mapping[str, Any]]) -> None:
        def update(doc: Any) -> None:
            doc.update(known[doc["id"]])

        doc_ids = [int(self._docs[a]) for a in known]
        self.file.table("articles").update(update, doc_ids=doc_ids)

    def commit_articles(self, new: Iterable[dict[str, Any]],
                        changed: Iterable[dict[str, Any]]) -> None:
        """A transaction's new records (given their `order` here) and changed records, in one
        index write."""
        added = list(new)
        by_id = {d["id"]: d for d in changed}

        def change() -> None:
            articles = self.file.table("articles")
            orders = [d["order"] for d in self._raw("articles").values()
                      if isinstance(d, dict) and isinstance(d.get("order"), int)]
            next_order = max(orders, default=-1) + 1
            documents = []
            for doc in added:
                doc["order"] = next_order
                next_order += 1
                documents.append(copy_tree(doc))
            if by_id:
                def replace(doc: Any) -> None:
                    record = copy_tree(by_id[doc["id"]])
                    doc.clear()
                    doc.update(record)

                articles.update(replace, doc_ids=[int(self._docs[a]) for a in by_id])
            if documents:
                articles.insert_multiple(documents)  # TinyDB numbers them (one scan)

        self.write(change)

    # -- corpus-wide correction rules -------------------------------------------------------------

    def save_rule(self, corr: dict[str, Any]) -> None:
        """Insert or replace a corpus rule by its `id` (one index write)."""
        self.write(lambda: upsert_by_id(self.file.table(CORPUS_CORRECTIONS), corr))

    def delete_rule(self, corr_id: str) -> dict[str, Any] | None:
        """Remove a corpus rule: a copy of the record removed; None (nothing written) if there
        was none with that id."""
        found = next((c for c in self._raw(CORPUS_CORRECTIONS).values()
                      if isinstance(c, dict) and c.get("id") == corr_id), None)
        if found is None:
            return None
        record: dict[str, Any] = copy_tree(found)
        self.write(lambda: remove_by_id(self.file.table(CORPUS_CORRECTIONS), corr_id))
        return record

    def put_team_rules(self, changes: list[tuple[str, str, dict[str, Any] | None]]) -> int:
        """Keep (or, with body None, forget) colleagues' corpus rules, (annotator, id, body)
        each, in one index write (none when nothing changed); how many changed."""
        table = self.file.table(TEAM_RULES)
        todo = []
        for annotator, rule_id, body in changes:
            query = (RECORD.annotator == annotator) & (RECORD.id == rule_id)
            stored = table.get(query)
            record = None if body is None else {"kind": "rule", "annotator": annotator,
                                                "id": rule_id, "body": copy_tree(body)}
            if (stored is None and record is None) or (stored is not None and stored == record):
                continue
            todo.append((query, record))

        def change() -> None:
            for query, record in todo:
                table.remove(query)
                if record is not None:
                    table.insert(record)

        if todo:
            self.write(change)
        return len(todo)

    # -- the session ------------------------------------------------------------------------------

    def session(self) -> dict[str, Any]:
        """The saved session (open articles, current one...), {} if none."""
        docs = [d for d in self._raw(SESSION).values() if isinstance(d, dict)]
        return usable_session(copy_tree(docs[0])) if docs else {}

    def save_state(self, positions: Mapping[str, int] | None = None,
                   session: Mapping[str, Any] | None = None) -> None:
        """Reading positions and session fields (merged into the saved session) in one index
        write: what an article switch changes."""
        known = {a: {"position": p} for a, p in (positions or {}).items() if a in self._docs}

        def change() -> None:
            if known:
                self._update_fields(known)
            if session:
                self._merge_session(dict(session))

        self.write(change)

    def _merge_session(self, fields: dict[str, Any]) -> None:
        table = self.file.table(SESSION)
        doc_id = next((k for k, d in self._raw(SESSION).items() if isinstance(d, dict)), None)
        fields = copy_tree(fields)
        if doc_id is None:
            table.insert(fields)
        else:
            table.update(fields, doc_ids=[int(doc_id)])  # TinyDB's update merges the fields

    def close(self) -> None:
        """Drop the cached index."""
        self.file.discard()


def usable_session(doc: dict[str, Any]) -> dict[str, Any]:
    """The saved session without fields of the wrong type (`open`: a list of article ids,
    `current`: an article id); it only says what to reopen, so nothing else is lost."""
    opened = doc.get("open")
    if "open" in doc and not (isinstance(opened, list) and all(isinstance(i, str)
                                                                for i in opened)):
        doc["open"] = [i for i in opened if isinstance(i, str)] if isinstance(opened, list) else []
    if "current" in doc and not isinstance(doc["current"], str):
        del doc["current"]
    return doc


__all__ = [
    "CORPUS_CORRECTIONS",
    "INDEX_NAME",
    "PROTECTED_FIELDS",
    "TEAM_RULES",
    "StoreError",
    "StoreIndex",
    "Tables",
    "index_problem",
    "record_problem",
    "usable_session",
]
