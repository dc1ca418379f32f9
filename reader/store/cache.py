"""The entity cache: `cache/<key>.json`, one TinyDB file per text (table `entities`: a model's
entities per (text hash, model, version)). Derived data: written atomically but not fsynced,
and an unreadable cache file is simply rebuilt."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reader.records import Entity, entity_row
from reader.store.articles import article_key
from reader.store.errors import StoreFileError
from reader.store.tables import RECORD, FileDB, replace_with
from reader.text.sanitize import clean_line

CACHE_DIR = "cache"

CacheItem = tuple[str, str, str, list[Entity]]
"""(text hash, model, version, entities)."""


class EntityCache:
    """Model entities per text, under `<root>/cache/`."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / CACHE_DIR

    def path(self, digest: str) -> Path:
        """The cache file of a text."""
        return self.folder / f"{article_key(digest)}.json"

    def get(self, digest: str, model: str, version: str) -> list[Entity] | None:
        """Entities a model found in a text, if cached; None if not (or unreadable)."""
        db = FileDB(self.path(digest), readonly=True)
        query = (RECORD.text_hash == digest) & (RECORD.model == model) & (RECORD.version == version)
        try:
            found = db.table("entities").get(query)
        except StoreFileError:
            return None
        return None if found is None else cached_list(found.get("entities"))

    def put_many(self, items: Iterable[CacheItem]) -> None:
        """Cache several results, one write per cache file."""
        grouped: dict[Path, list[CacheItem]] = {}
        for item in items:
            grouped.setdefault(self.path(item[0]), []).append(item)
        for path, group in grouped.items():
            db = FileDB(path, fsync=False, backup=False)
            try:
                db.data()
            except StoreFileError:
                db = FileDB(path, fsync=False, backup=False)
                db.held.write({})  # derived data: an unreadable cache file is rebuilt
            table = db.table("entities")
            for digest, model, version, entities in group:
                record = {
                    "text_hash": digest,
                    "model": model,
                    "version": version,
                    "entities": [entity_row(e) for e in entities],
                }
                query = ((RECORD.text_hash == digest) & (RECORD.model == model)
                         & (RECORD.version == version))
                if not table.update(replace_with(record), query):
                    table.insert(record)
            db.commit()


def cached_list(value: object) -> list[Entity] | None:
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


__all__ = ["CACHE_DIR", "CacheItem", "EntityCache", "cached_list"]
