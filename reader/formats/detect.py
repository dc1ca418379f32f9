"""Guess an import file's format from its content (and, for brat, its file names)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reader.formats.base import MAX_BYTES, FormatError, iter_json_objects

__all__ = ["IMPORT_FORMATS", "detect_content", "detect_path", "detect_record"]

IMPORT_FORMATS: tuple[str, ...] = ("jsonl", "store", "prodigy", "doccano", "label-studio", "brat")

_SNIFF_RECORDS = 5
_SNIFF_BYTES = 1 << 22
"""Read first; the whole file only when its first records do not fit."""


def detect_record(obj: object) -> str | None:
    """The format one JSON record belongs to, or None."""
    if not isinstance(obj, Mapping):
        return None
    rec: Mapping[str, Any] = obj
    if rec.get("type") == "reader-store":
        return "store"
    if "selectors" in rec or ("article_id" in rec and "quote" in rec and "start" in rec):
        return "jsonl"
    if isinstance(rec.get("data"), Mapping) and any(
        k in rec for k in ("annotations", "predictions", "completions")
    ):
        return "label-studio"
    if isinstance(rec.get("text"), str):
        if any(k in rec for k in ("tokens", "_input_hash", "_task_hash", "answer", "spans")):
            return "prodigy"
        if any(k in rec for k in ("label", "labels", "entities")):
            return "doccano"
    return None


def detect_content(content: str) -> str | None:
    """The format of a JSON / JSON Lines file's text, from its first few records."""
    try:
        for count, (_, obj) in enumerate(iter_json_objects(content)):
            kind = detect_record(obj)
            if kind is not None:
                return kind
            if count + 1 >= _SNIFF_RECORDS:
                break
    except FormatError:
        return None
    return None


def detect_path(path: Path, read: bool = True) -> str:
    """The format of `path`: brat for folders, `.ann` and `.txt` files, else from the content.

    Raises `FormatError` when nothing fits.
    """
    if path.is_dir() or path.suffix in (".ann", ".txt"):
        return "brat"
    if not read:
        raise FormatError("cannot tell the format; give --format", path=str(path))
    if not path.is_file():
        raise FormatError(
            "not found" if not path.exists() else "not a regular file", path=str(path)
        )
    from reader.safe_io import read_regular

    data = read_regular(path, limit=_SNIFF_BYTES)
    kind = detect_content(data.decode("utf-8", errors="replace"))
    if kind is None and len(data) > _SNIFF_BYTES:  # a first record larger than the prefix:
        data = read_regular(path, limit=MAX_BYTES)  # the whole file (as import reads it)
        kind = detect_content(data.decode("utf-8", errors="replace"))
    if kind is None:
        raise FormatError(
            f"cannot tell the format from the content; give --format ({', '.join(IMPORT_FORMATS)})",
            path=str(path),
        )
    return kind
