"""TinyDB over the store's atomic storage: one `FileDB` per store file.

Records are read and changed through TinyDB's own `Table` and `Query`. TinyDB's `Table` writes
the whole file on every insert, update or remove; the store must write a file once per save
(P8) and once per article per import (P10). So the storage sits under TinyDB's
`CachingMiddleware` with writes held until `FileDB.commit()`: a save is any number of table
operations in memory, then one atomic, fsynced write. A commit that fails drops the held
state, so the next read is the file as it is on disk.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.table import Document, Table

from reader.store.storage import AtomicJSONStorage, Tables, copy_tree

RECORD = Query()
"""`RECORD.id == x` and the like: queries on a record's fields."""


class HeldWrites(CachingMiddleware):
    """TinyDB's caching middleware, writing only on `flush` (never on its own count)."""

    WRITE_CACHE_SIZE = sys.maxsize

    @property
    def atomic(self) -> AtomicJSONStorage:
        """The file storage under the cache."""
        assert isinstance(self.storage, AtomicJSONStorage)
        return self.storage

    def read(self) -> Tables | None:
        """The tables, read from the file once and then kept (not copied per call)."""
        if self.cache is None:
            data = self.atomic.read_uncached()
            self.cache = None if data is None else canonical_ids(data)
        return self.cache  # type: ignore[no-any-return]

    def flush(self) -> None:
        """Write the held state in one atomic write; on failure forget it (the file on disk
        is the truth again) and raise."""
        if self._cache_modified_count <= 0:
            return
        try:
            self.atomic.write(self.cache or {}, cache=False)
        except BaseException:
            self.discard()
            raise
        self._cache_modified_count = 0

    def discard(self) -> None:
        """Forget changes not written yet (and the cached file)."""
        self.cache = None
        self._cache_modified_count = 0

    @property
    def pending(self) -> bool:
        """Whether changes are held that are not written yet."""
        return self._cache_modified_count > 0


def canonical_ids(tables: Tables) -> Tables:
    """`tables` with every doc id a TinyDB doc id (a decimal number as TinyDB writes it).

    A key such as `"abc"` or `"01"` (a file edited by hand or written by another tool) would
    stop every TinyDB write to its table (`int(key)`) or collide with another record; such keys
    get the next free numbers, in place, records and order unchanged. Nothing is copied when
    every key is already canonical."""
    for name, table in tables.items():
        if all(key.isdigit() and str(int(key)) == key for key in table):
            continue
        used = {int(key) for key in table if key.isdigit() and str(int(key)) == key}
        number = max(used, default=0)
        renamed: dict[str, Any] = {}
        for key, doc in table.items():
            if key.isdigit() and str(int(key)) == key:
                renamed[key] = doc
            else:
                number += 1
                renamed[str(number)] = doc
        tables[name] = renamed
    return tables


class FileDB:
    """One store file as a TinyDB database: tables and queries through TinyDB, writes held
    until `commit()`."""

    def __init__(self, path: Path, *, readonly: bool = False, fsync: bool = True,
                 backup: bool = True) -> None:
        self.path = Path(path)
        self.db = TinyDB(self.path, readonly=readonly, fsync=fsync, backup=backup,
                         storage=HeldWrites(AtomicJSONStorage))
        self.held: HeldWrites = self.db.storage  # type: ignore[assignment]

    @property
    def storage(self) -> AtomicJSONStorage:
        """The atomic file storage under TinyDB."""
        return self.held.atomic

    def table(self, name: str) -> Table:
        """A TinyDB table of this file (no query cache: the file may be replaced whole)."""
        return self.db.table(name, cache_size=0)

    def data(self) -> Tables | None:
        """Every table as stored (shared, not copied: do not change it), None if no file."""
        return self.held.read()

    def exists(self) -> bool:
        """Whether the file holds anything (read once)."""
        return self.held.read() is not None

    def commit(self) -> None:
        """Write what the table operations changed, in one atomic write."""
        self.held.flush()

    def discard(self) -> None:
        """Forget uncommitted changes."""
        self.held.discard()

    def write_whole(self, tables: Tables) -> None:
        """Replace the whole file with `tables` (kept as this file's state; one write)."""
        self.held.write(tables)
        self.commit()


def find_doc_id(table: Table, record_id: str) -> int | None:
    """The doc id of the record with `id == record_id`, or None."""
    found = table.get(RECORD.id == record_id)
    return None if found is None else found.doc_id  # type: ignore[union-attr]


def replace_with(record: Mapping[str, Any]) -> Callable[[Any], None]:
    """A TinyDB update operation that replaces the document by `record` (TinyDB's own
    `update(fields)` merges fields; a record is replaced whole, keeping its place)."""
    new = copy_tree(dict(record))

    def transform(doc: Any) -> None:
        doc.clear()
        doc.update(new)

    return transform


def upsert_by_id(table: Table, record: Mapping[str, Any]) -> int:
    """Insert `record`, or replace the record with its `id`; the doc id."""
    doc_id = find_doc_id(table, str(record["id"]))
    if doc_id is None:
        return table.insert(copy_tree(dict(record)))
    table.update(replace_with(record), doc_ids=[doc_id])
    return doc_id


def remove_by_id(table: Table, record_id: str) -> bool:
    """Remove the record with `id == record_id`; False if there was none."""
    return bool(table.remove(RECORD.id == record_id))


def insert_at(table: Table, doc_id: int, record: Mapping[str, Any]) -> None:
    """Insert `record` under a chosen doc id (replacing whatever was there)."""
    table.remove(doc_ids=[doc_id])
    table.insert(Document(copy_tree(dict(record)), doc_id=doc_id))


__all__ = [
    "RECORD",
    "FileDB",
    "HeldWrites",
    "canonical_ids",
    "find_doc_id",
    "insert_at",
    "remove_by_id",
    "replace_with",
    "upsert_by_id",
]
