"""Our own JSON Lines: one claim per line, every claim field plus the article and W3C selectors.

The shape is described by `claim.schema.json` (JSON Schema draft 2020-12) beside this module,
generated from the record class by `claim_schema.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from reader.formats.base import (
    ImportDoc,
    ImportSpan,
    ParsedFile,
    Skip,
    json_objects,
    record_json_line,
)
from reader.records import CLAIM_FIELDS, Claim
from reader.text.pages import page_starts, pages_of

__all__ = ["ARTICLE_FIELDS", "SCHEMA_PATH", "ArticlePart", "claim_line", "load_schema", "parse",
           "write"]

ARTICLE_FIELDS: tuple[str, ...] = ("id", "title", "source", "url", "date")
"""The article fields each claim line carries under `"article"`."""

SCHEMA_PATH = Path(__file__).with_name("claim.schema.json")
"""The shipped JSON Schema of a line (`claim_schema.py` writes it from the record class)."""

PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"
"""W3C FragmentSelector `conformsTo` for PDF fragments (`page=N`)."""


def load_schema() -> dict[str, Any]:
    """The shipped JSON Schema of one exported line."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@dataclass(frozen=True)
class ArticlePart:
    """What every line of one article's claims says of it, worked out once per article:
    the `article` object and the page starts of an article from a PDF (`meta["pages"]`)."""

    fields: dict[str, str]
    pages: list[int]

    @classmethod
    def of(cls, article: Mapping[str, Any]) -> ArticlePart:
        """The part of `article` (an index record, or the few fields a rescue knows)."""
        fields = {name: str(article.get(name) or "") for name in ARTICLE_FIELDS}
        meta = article.get("meta")
        meta = meta if isinstance(meta, Mapping) else None
        if meta is not None and isinstance(meta.get("path"), str) and meta["path"]:
            fields["path"] = meta["path"]  # the source file, absolute
        return cls(fields, page_starts(meta))


def claim_line(article: Mapping[str, Any], claim: Claim,
               part: ArticlePart | None = None) -> dict[str, Any]:
    """One export line: the claim's fields in `CLAIM_FIELDS` order (its stored record, built
    in C), `article`, `selectors`. `part`: `ArticlePart.of(article)`, when the caller
    keeps it for the article's other claims."""
    part = part if part is not None else ArticlePart.of(article)
    record = claim.to_record()
    record["article"] = dict(part.fields)
    start, end = claim.start, claim.end
    record["selectors"] = [
        {"type": "TextPositionSelector", "start": start, "end": end},
        {
            "type": "TextQuoteSelector",
            "exact": claim.quote,
            "prefix": claim.prefix,
            "suffix": claim.suffix,
        },
    ]
    pages = pages_of(part.pages, start, end)
    if pages is not None:  # an article from a PDF: the pages, derived (RFC 3778 fragments)
        record["selectors"] += [{"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT,
                                 "value": f"page={page}"} for page in sorted(set(pages))]
    return record


WRITE_LINES = 256
"""Lines joined into one write (a write per line was 0.24 s of a 100,000-claim export)."""


def write(pairs: Iterable[tuple[Mapping[str, Any], Claim]], out: TextIO) -> int:
    """Write one line per (article, claim) as it comes (`WRITE_LINES` at a time); return how
    many were written. The article's part of a line is worked out once for its claims (they
    come grouped)."""
    count = 0
    last: Mapping[str, Any] | None = None
    part: ArticlePart | None = None
    lines: list[str] = []
    for article, claim in pairs:
        if article is not last or part is None:
            last, part = article, ArticlePart.of(article)
        lines.append(record_json_line(claim_line(article, claim, part), (claim.checkworthy,)))
        count += 1
        if len(lines) == WRITE_LINES:
            out.write("\n".join(lines) + "\n")
            lines.clear()
    if lines:
        out.write("\n".join(lines) + "\n")
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
