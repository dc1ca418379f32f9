"""Our own JSON Lines: one claim per line, every claim field plus the article and W3C selectors.

The shape is described by `claim.schema.json` (JSON Schema draft 2020-12) beside this module,
generated from the record class by `claim_schema.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

from reader.formats.base import (
    ImportDoc,
    ImportSpan,
    ParsedFile,
    Skip,
    json_line,
    json_objects,
)
from reader.records import CLAIM_FIELDS, claim_defaults
from reader.text.pages import span_pages

__all__ = ["ARTICLE_FIELDS", "SCHEMA_PATH", "claim_line", "load_schema", "parse", "write"]

ARTICLE_FIELDS: tuple[str, ...] = ("id", "title", "source", "url", "date")
"""The article fields each claim line carries under `"article"`."""

SCHEMA_PATH = Path(__file__).with_name("claim.schema.json")
"""The shipped JSON Schema of a line (`claim_schema.py` writes it from the record class)."""

PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"
"""W3C FragmentSelector `conformsTo` for PDF fragments (`page=N`)."""


_DEFAULTS: dict[str, Any] = {"schema": 1, "start": 0, "end": 0, **claim_defaults()}
"""What a line says for a field its claim lacks: the record class's defaults (any other field:
"")."""


def load_schema() -> dict[str, Any]:
    """The shipped JSON Schema of one exported line."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def claim_line(article: Mapping[str, Any], claim: Mapping[str, Any]) -> dict[str, Any]:
    """One export line: the claim's fields in `CLAIM_FIELDS` order, `article`, `selectors`."""
    record: dict[str, Any] = {}
    for name in CLAIM_FIELDS:
        value = claim.get(name)
        if value is None and name != "checkworthy":
            value = _DEFAULTS.get(name, "")
        record[name] = list(value) if isinstance(value, list | tuple) else value
    record["article"] = {name: str(article.get(name) or "") for name in ARTICLE_FIELDS}
    meta = article.get("meta")
    if isinstance(meta, Mapping) and isinstance(meta.get("path"), str) and meta["path"]:
        record["article"]["path"] = meta["path"]  # the source file, absolute
    record["selectors"] = [
        {"type": "TextPositionSelector", "start": record["start"], "end": record["end"]},
        {
            "type": "TextQuoteSelector",
            "exact": record["quote"],
            "prefix": record["prefix"],
            "suffix": record["suffix"],
        },
    ]
    pages = span_pages(meta if isinstance(meta, Mapping) else None, record["start"],
                       record["end"])
    if pages is not None:  # an article from a PDF: the pages, derived (RFC 3778 fragments)
        record["selectors"] += [{"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT,
                                 "value": f"page={page}"} for page in sorted(set(pages))]
    return record


def write(pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]], out: TextIO) -> int:
    """Write one line per (article, claim) as it comes; return how many were written."""
    count = 0
    for article, claim in pairs:
        out.write(json_line(claim_line(article, claim)) + "\n")
        count += 1
    return count


def parse(text: str, source: str = "") -> ParsedFile:
    """Read our own JSONL back: one `ImportDoc` per article id, each claim kept whole."""
    result = ParsedFile()
    docs: dict[str, ImportDoc] = {}
    for number, obj in json_objects(text, "a claim record (expected a JSON object)"):
        article = obj.get("article") if isinstance(obj.get("article"), dict) else {}
        assert isinstance(article, dict)
        article_id = str(obj.get("article_id") or article.get("id") or "")
        start, end = obj.get("start"), obj.get("end")
        if not article_id or not isinstance(start, int) or not isinstance(end, int):
            result.skipped.append(Skip(number, "not a claim: no article_id, start or end"))
            continue
        doc = docs.get(article_id)
        if doc is None:
            doc = ImportDoc(
                text=None,
                line=number,
                article_id=article_id,
                title=str(article.get("title") or ""),
                source=str(article.get("source") or source),
                url=str(article.get("url") or ""),
                date=str(article.get("date") or ""),
                meta={"path": article["path"]} if isinstance(article.get("path"), str) else {},
            )
            docs[article_id] = doc
            result.docs.append(doc)
        record = {name: obj[name] for name in CLAIM_FIELDS if name in obj}
        record["article_id"] = article_id
        doc.spans.append(
            ImportSpan(
                start=start,
                end=end,
                label=str(obj.get("label") or ""),
                line=number,
                text=_given_quote(obj),
                note=str(obj.get("note") or ""),
                record=record,
            )
        )
    return result


def _given_quote(obj: Mapping[str, Any]) -> str | None:
    """The quote to check against the offsets: none for orphaned claims (they moved)."""
    quote = obj.get("quote")
    if obj.get("status") == "orphaned" or not isinstance(quote, str):
        return None
    return quote


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
