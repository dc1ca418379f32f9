"""Prodigy NER tasks (JSON Lines): one task per article with tokens and token-aligned spans.

`_input_hash` and `_task_hash` are signed 32-bit integers like Prodigy's, but computed with
BLAKE2b (Prodigy uses MurmurHash): `_input_hash` hashes the text, `_task_hash` hashes the input
hash plus the sorted spans. They are stable across runs and machines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from reader.formats.base import (
    ExportSpan,
    FormatError,
    ImportDoc,
    ImportSpan,
    ParsedFile,
    Skip,
    iter_json_objects,
)
from reader.formats.tokens import token_index, tokenize

__all__ = ["input_hash", "parse", "task", "task_hash", "title_from_text"]


def _hash32(data: str) -> int:
    digest = hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def input_hash(text: str) -> int:
    """Prodigy-style `_input_hash`: a signed 32-bit hash of the text."""
    return _hash32(json.dumps({"text": text}, ensure_ascii=False))


def task_hash(text: str, spans: Sequence[Mapping[str, Any]]) -> int:
    """Prodigy-style `_task_hash`: a signed 32-bit hash of the input hash and the spans."""
    key = sorted((int(s["start"]), int(s["end"]), str(s["label"])) for s in spans)
    return _hash32(json.dumps([input_hash(text), key], ensure_ascii=False))


def task(text: str, spans: Sequence[ExportSpan], meta: Mapping[str, Any]) -> dict[str, Any]:
    """One accepted Prodigy task; tokens are split where a span edge falls inside one."""
    usable = sorted(
        (s for s in spans if 0 <= s.start < s.end <= len(text)), key=lambda s: (s.start, s.end)
    )
    pieces = tokenize(text, [(s.start, s.end) for s in usable])
    starts, ends = token_index(pieces)
    tokens = [
        {"text": text[p.start : p.end], "start": p.start, "end": p.end, "id": i, "ws": p.space}
        for i, p in enumerate(pieces)
    ]
    span_list = [
        {
            "start": s.start,
            "end": s.end,
            "token_start": starts[s.start],
            "token_end": ends[s.end],
            "label": s.label,
        }
        for s in usable
    ]
    return {
        "text": text,
        "meta": dict(meta),
        "_input_hash": input_hash(text),
        "_task_hash": task_hash(text, span_list),
        "tokens": tokens,
        "spans": span_list,
        "answer": "accept",
    }


def title_from_text(text: str, limit: int = 80) -> str:
    """A title for an article that has none: its first non-empty line, shortened."""
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return "untitled"


def parse(content: str, source: str = "") -> ParsedFile:
    """Read Prodigy tasks; only accepted ones are imported, the rest are reported."""
    result = ParsedFile()
    for line, obj in iter_json_objects(content):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise FormatError('not a Prodigy task (no "text")', line)
        answer = obj.get("answer")
        if answer != "accept":
            why = f"answer {answer!r}" if answer is not None else "no answer"
            result.skipped.append(Skip(line, f"task not accepted ({why}); not imported"))
            continue
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        assert isinstance(meta, dict)
        text: str = obj["text"]
        doc = ImportDoc(
            text=text,
            line=line,
            title=str(meta.get("title") or title_from_text(text)),
            source=f"{source}#{line}" if source else "",
            url=str(meta.get("url") or ""),
            date=str(meta.get("date") or ""),
            meta=meta,
        )
        spans = obj.get("spans") or []
        if not isinstance(spans, list):
            raise FormatError('"spans" is not a list', line)
        for span in spans:
            if (
                not isinstance(span, dict)
                or not _is_int(span.get("start"))
                or not _is_int(span.get("end"))
            ):
                result.skipped.append(Skip(line, f"span without offsets: {span!r:.60}"))
                continue
            given = span.get("text")
            doc.spans.append(
                ImportSpan(
                    start=span["start"],
                    end=span["end"],
                    label=str(span.get("label") or ""),
                    line=line,
                    text=given if isinstance(given, str) else None,
                )
            )
        result.docs.append(doc)
    return result


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
