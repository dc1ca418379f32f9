"""doccano JSON Lines, both shapes.

Sequence labelling: `{"text", "label": [[start, end, LABEL], ...]}`; relation extraction:
`{"text", "entities": [{"id", "start_offset", "end_offset", "label"}], "relations": [...]}`.
The importer also reads a pretty-printed JSON file or a JSON list of such objects.
"""

from __future__ import annotations

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
from reader.formats.prodigy import title_from_text
from reader.wording import plural

__all__ = ["entities_line", "label_line", "parse"]


def _usable(text: str, spans: Sequence[ExportSpan]) -> list[ExportSpan]:
    return sorted(
        (s for s in spans if 0 <= s.start < s.end <= len(text)), key=lambda s: (s.start, s.end)
    )


def label_line(text: str, spans: Sequence[ExportSpan], meta: Mapping[str, Any]) -> dict[str, Any]:
    """A doccano sequence-labelling record."""
    record: dict[str, Any] = {
        "text": text,
        "label": [[s.start, s.end, s.label] for s in _usable(text, spans)],
    }
    if meta:
        record["meta"] = dict(meta)
    return record


def entities_line(
    text: str, spans: Sequence[ExportSpan], meta: Mapping[str, Any]
) -> dict[str, Any]:
    """A doccano relation-extraction record (entities, no relations)."""
    record: dict[str, Any] = {
        "text": text,
        "entities": [
            {"id": i, "start_offset": s.start, "end_offset": s.end, "label": s.label}
            for i, s in enumerate(_usable(text, spans))
        ],
        "relations": [],
    }
    if meta:
        record["meta"] = dict(meta)
    return record


def parse(content: str, source: str = "") -> ParsedFile:
    """Read doccano records of either shape."""
    result = ParsedFile()
    for line, obj in iter_json_objects(content):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise FormatError('not a doccano record (no "text")', line)
        text: str = obj["text"]
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        assert isinstance(meta, dict)
        ident = obj.get("id")
        doc = ImportDoc(
            text=text,
            line=line,
            title=str(meta.get("title") or title_from_text(text)),
            source=f"{source}#{line}" if source else "",
            external_id=str(ident) if isinstance(ident, int | str) else "",
            meta=meta,
        )
        labels = obj.get("label", obj.get("labels"))
        if labels is not None:
            if not isinstance(labels, list):
                raise FormatError('"label" is not a list', line)
            for item in labels:
                if (
                    isinstance(item, list)
                    and len(item) == 3
                    and _is_int(item[0])
                    and _is_int(item[1])
                ):
                    doc.spans.append(ImportSpan(item[0], item[1], str(item[2]), line))
                else:
                    result.skipped.append(
                        Skip(line, f"label {item!r:.60} is not [start, end, LABEL]")
                    )
        entities = obj.get("entities")
        if entities is not None:
            if not isinstance(entities, list):
                raise FormatError('"entities" is not a list', line)
            for item in entities:
                if (
                    isinstance(item, dict)
                    and _is_int(item.get("start_offset"))
                    and _is_int(item.get("end_offset"))
                ):
                    doc.spans.append(
                        ImportSpan(
                            item["start_offset"],
                            item["end_offset"],
                            str(item.get("label") or ""),
                            line,
                        )
                    )
                else:
                    result.skipped.append(Skip(line, f"entity {item!r:.60} has no offsets"))
        relations = obj.get("relations")
        if isinstance(relations, list) and relations:
            result.skipped.append(
                Skip(line, f"{plural(len(relations), 'relation')} not imported (spans only)")
            )
        result.docs.append(doc)
    return result


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
