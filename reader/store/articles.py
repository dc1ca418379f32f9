"""Article files: `articles/<key>.json`, one TinyDB file per article (tables `article`,
`claims`, `corrections`, `rejected`, `done`, `team`), opened only when asked for.

The last `OPEN_ARTICLES` files stay open (parsed, in TinyDB's cache), so a save of the article
on screen reads nothing from disk and copies nothing whole.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.claims import read_claims
from reader.records import Claim
from reader.store.errors import StoreFileError
from reader.store.storage import Tables, copy_tree
from reader.store.tables import FileDB
from reader.text.utf8 import utf8_bytes, utf8_text

ARTICLES_DIR = "articles"
TEXT_Z_LIMIT = 64 * 1024
"""Texts longer than this (in characters) are stored zlib-compressed and base64-encoded."""
ZLIB_LEVEL = 1
"""zlib's fastest level: a 1 MB article is packed in 26 ms (level 6: 90 ms, on the way to
its first paint) into 430 KB (level 6: 354 KB); any level reads back the same."""
OPEN_ARTICLES = 8
"""Article files kept parsed in memory at once."""
FILE_RE = re.compile(r"^[0-9a-f]{32}(\.[0-9a-f]{8,32})?\.json$")
"""The name of an article file the store wrote (`<key>.json` or `<key>.<random>.json`)."""


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
    packed = zlib.compress(utf8_bytes(text), ZLIB_LEVEL)
    return {"text_z": base64.b64encode(packed).decode("ascii")}


def decode_text(doc: object) -> str:
    """The text of an article record; raises ValueError if it holds none."""
    if not isinstance(doc, dict):
        raise ValueError("the article record is not an object")
    if isinstance(doc.get("text"), str):
        return str(doc["text"])
    if isinstance(doc.get("text_z"), str):
        raw = zlib.decompress(base64.b64decode(doc["text_z"], validate=True))
        return utf8_text(raw)
    raise ValueError("the article record holds no text")


def word_count(text: str) -> int:
    """Words of an article, as the index records them."""
    return len(text.split())


def span_key(claim: dict[str, Any]) -> tuple[int, int, str, str]:
    """What makes an imported claim without a known id a duplicate: same span, label and
    annotator."""
    return (claim["start"], claim["end"], claim["label"], str(claim.get("annotator", "")))


def valid_done(doc: object) -> bool:
    """A done mark in an article file: `{"annotator", "at"}`, both strings."""
    return isinstance(doc, dict) and all(isinstance(doc.get(k), str) for k in ("annotator", "at"))


def _sort_key(claim: Claim) -> tuple[int, int]:
    return (claim.start, -claim.end)


class ArticleFiles:
    """The `articles/` folder: open files (a few kept), their texts, their valid claims.

    `problem(path, message)` reports what cannot be used; `unreadable` collects the ids of
    articles whose file cannot be used (read-only alone)."""

    def __init__(self, root: Path, *, readonly: Callable[[], bool],
                 problem: Callable[[Path, str], None]) -> None:
        self.folder = Path(root) / ARTICLES_DIR
        self.unreadable: set[str] = set()
        self._readonly = readonly
        self._problem = problem
        self._open: OrderedDict[str, FileDB] = OrderedDict()
        self._texts: dict[str, tuple[str, str]] = {}

    def path(self, doc: dict[str, Any]) -> Path:
        """The file of an index record."""
        return self.folder / doc["file"]

    def open(self, doc: dict[str, Any], *, keep: bool = True) -> FileDB:
        """The article's file as TinyDB (kept among the last `OPEN_ARTICLES` when `keep`)."""
        name = doc["file"]
        db = self._open.get(name)
        if db is not None:
            self._open.move_to_end(name)
            return db
        db = FileDB(self.path(doc), readonly=self._readonly())
        if keep:
            self._open[name] = db
            while len(self._open) > OPEN_ARTICLES:
                self._open.popitem(last=False)
        return db

    def usable(self, doc: dict[str, Any], *, keep: bool = True) -> FileDB | None:
        """The article's file if it can be used (it holds one article record with a text);
        else None, reported once, and the article is read-only."""
        db = self.open(doc, keep=keep)
        try:
            data = db.data()
        except StoreFileError as exc:
            self._unusable(doc, exc)
            return None
        if data is None:
            self._unusable(doc, StoreFileError(db.path, "the article file is missing"))
            return None
        records = list(data.get("article", {}).values())
        try:
            if len(records) != 1:
                raise ValueError("it holds no article record")
            self.text(doc, db)  # decoded once per text: a save or a switch checks it again
        except (ValueError, zlib.error) as exc:
            self._unusable(doc, StoreFileError(db.path, f"not an article file: {exc}"))
            return None
        return db

    def _unusable(self, doc: dict[str, Any], exc: StoreFileError) -> None:
        self._problem(exc.path, exc.message)
        self.unreadable.add(doc["id"])
        self._open.pop(doc["file"], None)

    def copy_tables(self, doc: dict[str, Any]) -> Tables | None:
        """A private deep copy of the article file's tables (what a transaction changes), or
        None if the file cannot be used."""
        db = self.usable(doc)
        return None if db is None else copy_tree(db.data())

    def text(self, doc: dict[str, Any], db: FileDB) -> str:
        """The article's text (decoded once per text)."""
        record = next(iter((db.data() or {})["article"].values()))
        # a record that is not an object reaches here from `usable`: decode_text says so
        digest = record.get("text_hash", "") if isinstance(record, dict) else ""
        cached = self._texts.get(doc["id"])
        if cached is not None and cached[0] == digest and isinstance(digest, str) and digest:
            return cached[1]
        text = decode_text(record)
        self._texts[doc["id"]] = (digest, text)
        return text

    def valid_claims(self, doc: dict[str, Any], db: FileDB) -> list[Claim]:
        """The file's valid claims as `Claim`s (upgraded to this schema), by (start, -end);
        each invalid record reported and skipped. The store's edge: the records stay in the
        file's tables, the claims handed out are new objects."""
        text_len = len(self.text(doc, db))
        good: list[Claim] = []
        table = (db.data() or {}).get("claims", {})
        for (doc_id, record), claim in zip(
                table.items(), read_claims(list(table.values()), text_len), strict=True):
            if isinstance(claim, list):
                label = record.get("id", f"#{doc_id}") if isinstance(record, dict) else f"#{doc_id}"
                self._problem(self.path(doc), f"claim {label!r}: {'; '.join(claim)}; skipped")
            else:
                good.append(claim)
        good.sort(key=_sort_key)
        return good

    def count_valid(self, doc: dict[str, Any], db: FileDB) -> int:
        """How many valid claims the file holds (nothing copied)."""
        text_len = len(self.text(doc, db))
        claims = list((db.data() or {}).get("claims", {}).values())
        return sum(1 for claim in read_claims(claims, text_len) if not isinstance(claim, list))

    def forget(self, name: str) -> None:
        """Close a file (it was replaced)."""
        self._open.pop(name, None)

    def close(self) -> None:
        """Close every kept file."""
        self._open.clear()


__all__ = [
    "ARTICLES_DIR",
    "FILE_RE",
    "OPEN_ARTICLES",
    "TEXT_Z_LIMIT",
    "ArticleFiles",
    "article_key",
    "decode_text",
    "encode_text",
    "span_key",
    "valid_done",
    "word_count",
]
