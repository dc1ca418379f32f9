"""The whole store as one JSON Lines file, for backup and moving between machines.

Line 1 is `{"type": "reader-store", "version": 1}`; then, per article, `{"type": "article",
...index fields, "text": ...}`, its claims `{"type": "claim", ...}`, its entity corrections
`{"type": "correction", "article_id": ..., ...}`, who marked it done
`{"type": "done", "article_id": ..., "annotator": ..., "at": ...}` and the curation decisions
on it `{"type": "decision", "id": ..., "article_id": ..., "action": ..., "claims": [...],
"chosen": [...], "gold": [...], "note": ..., "adjudicator": ..., "at": ...}` (so the
adjudicator's notes reach the annotators who import the dump).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from reader.clean import clean_decision, decision_problems
from reader.formats.base import (
    FormatError,
    ImportDoc,
    ImportSpan,
    ParsedFile,
    Skip,
    json_line,
    json_objects,
    str_field,
)
from reader.records import CLAIM_FIELDS, Claim

__all__ = ["ARTICLE_FIELDS", "HEADER", "VERSION", "article_record", "parse", "write"]

VERSION = 1
HEADER: dict[str, Any] = {"type": "reader-store", "version": VERSION}
ARTICLE_FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "source",
    "url",
    "date",
    "external_id",
    "meta",
    "text_hash",
    "added",
)
"""The index fields a dump keeps (the store's bookkeeping fields are rebuilt on import)."""

Records = Iterable[Mapping[str, Any]]
DumpItem = (tuple[Mapping[str, Any], str, Iterable[Claim], Records, Records]
            | tuple[Mapping[str, Any], str, Iterable[Claim], Records, Records, Records])
"""(article, text, claims, corrections, done marks[, curation decisions]) of one article."""


def article_record(article: Mapping[str, Any], text: str) -> dict[str, Any]:
    """The dump line of one article: its index fields and its text."""
    record: dict[str, Any] = {"type": "article"}
    for name in ARTICLE_FIELDS:
        if name in article:
            record[name] = article[name]
    record["text"] = text
    return record


def write(items: Iterable[DumpItem], out: TextIO) -> int:
    """Write the header and every article as it comes; return how many claims were written."""
    out.write(json_line(HEADER) + "\n")
    count = 0
    for item in items:
        article, text, claims, corrections, done = item[:5]
        decisions: Records = item[5] if len(item) > 5 else ()
        out.write(json_line(article_record(article, text)) + "\n")
        for claim in claims:
            out.write(json_line({"type": "claim", **claim.to_record()}) + "\n")
            count += 1
        for correction in corrections:
            record = {"type": "correction", "article_id": article.get("id"), **correction}
            out.write(json_line(record) + "\n")
        for mark in done:
            record = {"type": "done", "article_id": article.get("id"),
                      "annotator": mark["annotator"], "at": mark["at"]}
            out.write(json_line(record) + "\n")
        for decision in decisions:
            out.write(json_line({"type": "decision", **decision,
                                 "article_id": article.get("id")}) + "\n")
    return count


def parse(content: str, source: str = "") -> ParsedFile:
    """Read a store dump back into documents with whole claim and correction records."""
    result = ParsedFile()
    docs: dict[str, ImportDoc] = {}
    seen_header = False
    for number, obj in json_objects(content, "a store record"):
        kind = obj.get("type")
        if not seen_header:
            if kind != "reader-store":
                raise FormatError("not a reader store dump (no reader-store header)", number)
            version = obj.get("version")
            if not isinstance(version, int) or version > VERSION:
                raise FormatError(f"store dump version {version!r} is newer than this reader", 1)
            seen_header = True
            continue
        if kind == "article":
            new_doc = _article(obj, number, source)
            docs[new_doc.article_id] = new_doc
            result.docs.append(new_doc)
        elif kind == "done":
            doc = docs.get(str_field(obj.get("article_id")))
            if doc is None:
                result.skipped.append(Skip(number, "done mark of an article not in the file"))
            elif not all(isinstance(obj.get(k), str) and obj[k].strip()
                         for k in ("annotator", "at")):
                result.skipped.append(Skip(number, "done mark without annotator and time"))
            else:
                doc.done.append({"annotator": obj["annotator"], "at": obj["at"]})
        elif kind == "decision":
            doc = docs.get(str_field(obj.get("article_id")))
            decision = clean_decision({k: v for k, v in obj.items() if k != "type"})
            problems = decision_problems(decision)
            if doc is None:
                result.skipped.append(Skip(number, "decision on an article not in the file"))
            elif problems:
                result.skipped.append(Skip(number, "curation decision: " + "; ".join(problems)))
            else:
                doc.decisions.append(decision)
        elif kind in ("claim", "correction"):
            article_id = str_field(obj.get("article_id"))
            doc = docs.get(article_id)
            if doc is None:
                result.skipped.append(Skip(number, f"{kind} of an article not in the file"))
            elif kind == "claim":
                _claim(doc, obj, number, result)
            else:
                correction = {k: v for k, v in obj.items() if k not in ("type", "article_id")}
                doc.corrections.append(correction)
        else:
            result.skipped.append(Skip(number, f"unknown record type {kind!r}"))
    return result


def _article(obj: Mapping[str, Any], number: int, source: str) -> ImportDoc:
    text = obj.get("text")
    if not isinstance(text, str) or not isinstance(obj.get("id"), str):
        raise FormatError("article record without id or text", number)
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    assert isinstance(meta, dict)
    return ImportDoc(
        text=text,
        line=number,
        title=str_field(obj.get("title")),
        source=str_field(obj.get("source")) or source,
        url=str_field(obj.get("url")),
        date=str_field(obj.get("date")),
        external_id=str_field(obj.get("external_id")),
        meta=dict(meta),
        article_id=str(obj["id"]),
    )


def _claim(doc: ImportDoc, obj: Mapping[str, Any], number: int, result: ParsedFile) -> None:
    start, end = obj.get("start"), obj.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        result.skipped.append(Skip(number, "claim without start/end"))
        return
    record = {name: obj[name] for name in CLAIM_FIELDS if name in obj}
    quote = obj.get("quote")
    doc.spans.append(
        ImportSpan(
            start,
            end,
            str_field(obj.get("label")),
            number,
            text=quote if isinstance(quote, str) and obj.get("status") != "orphaned" else None,
            note=str_field(obj.get("note")),
            record=record,
        )
    )
