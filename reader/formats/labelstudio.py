"""Label Studio tasks: a JSON list of `{"id", "data": {"text", ...}, "annotations": [{"id",
"completed_by", "result": [...]}]}`; ids are stable integers, one annotation per annotator.

Each span is a `labels` result: `{"id", "from_name": "label", "to_name": "text", "type":
"labels", "value": {"start", "end", "text", "labels": [LABEL]}}`. The importer reads the
annotations, or with `predictions=True` the predictions, of a task list or a single task.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from reader.formats.base import (
    ExportSpan,
    FormatError,
    ImportDoc,
    ImportSpan,
    ParsedFile,
    Skip,
    iter_json_objects,
    json_line,
)
from reader.formats.prodigy import title_from_text
from reader.records import text_hash

__all__ = ["parse", "stable_id", "task", "write"]


def stable_id(*parts: str) -> int:
    """A positive integer id derived from `parts`: the same article (and annotator) gets the
    same id in every export. 52 bits, so JavaScript (Label Studio's front end) keeps it exact."""
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return int(digest[:13], 16) or 1


def task(text: str, spans: Sequence[ExportSpan], data: Mapping[str, Any]) -> dict[str, Any]:
    """One Label Studio task: one annotation per annotator (`completed_by` names them), each
    holding that annotator's spans. Task and annotation ids are stable integers."""
    article = str(data.get("article_id") or text_hash(text))
    groups: dict[str, list[dict[str, Any]]] = {}
    for i, span in enumerate(sorted(spans, key=lambda s: (s.start, s.end))):
        if not 0 <= span.start < span.end <= len(text):
            continue
        groups.setdefault(span.annotator, []).append(
            {
                "id": span.id or f"span{i}",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {
                    "start": span.start,
                    "end": span.end,
                    "text": text[span.start : span.end],
                    "labels": [span.label],
                },
            }
        )
    annotations: list[dict[str, Any]] = []
    for annotator, result in sorted(groups.items()) or [("", [])]:
        annotation: dict[str, Any] = {"id": stable_id(article, annotator), "result": result}
        if annotator:
            annotation["completed_by"] = annotator
        annotations.append(annotation)
    return {"id": stable_id(article), "data": {"text": text, **data}, "annotations": annotations}


def write(tasks: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write a JSON list of tasks one task at a time; return how many."""
    count = 0
    out.write("[")
    for item in tasks:
        out.write(",\n" if count else "\n")
        out.write(json_line(item))
        count += 1
    out.write("\n]\n")
    return count


def parse(content: str, source: str = "", predictions: bool = False) -> ParsedFile:
    """Read Label Studio tasks (annotations, or predictions when asked)."""
    result = ParsedFile()
    key = "predictions" if predictions else "annotations"
    for line, obj in iter_json_objects(content):
        if not isinstance(obj, dict) or not isinstance(obj.get("data"), dict):
            raise FormatError('not a Label Studio task (no "data")', line)
        data: dict[str, Any] = obj["data"]
        text = _task_text(data, obj)
        if text is None:
            raise FormatError('Label Studio task without a text field in "data"', line)
        meta = {k: v for k, v in data.items() if k != "text" and isinstance(v, str | int | float)}
        doc = ImportDoc(
            text=text,
            line=line,
            title=str(data.get("title") or title_from_text(text)),
            source=f"{source}#{line}" if source else "",
            url=str(data.get("url") or ""),
            date=str(data.get("date") or ""),
            external_id=str(obj["id"]) if isinstance(obj.get("id"), int | str) else "",
            meta=meta,
        )
        groups = obj.get(key)
        if groups is None and not predictions:
            groups = obj.get("completions")  # the name before Label Studio 1.0
        if groups is not None and not isinstance(groups, list):
            result.skipped.append(Skip(line, f"{key} is not a list"))
            groups = []
        if not groups:
            other = "annotations" if predictions else "predictions"
            hint = f" (it has {other}: try {'without' if predictions else 'with'} --predictions)"
            why = f"task has no {key}" + (hint if obj.get(other) else "")
            result.skipped.append(Skip(line, why))
        for group in groups or []:
            if not isinstance(group, dict):
                continue
            if group.get("was_cancelled"):
                result.skipped.append(Skip(line, "cancelled annotation not imported"))
                continue
            annotator = _annotator(group.get("completed_by"))
            items = group.get("result") or []
            if not isinstance(items, list):
                result.skipped.append(Skip(line, "annotation result is not a list"))
                continue
            for item in items:
                _add_result(doc, result, item, line, annotator)
        result.docs.append(doc)
    return result


def _task_text(data: Mapping[str, Any], obj: Mapping[str, Any]) -> str | None:
    text = data.get("text")
    if isinstance(text, str):
        return text
    for group in [*_as_list(obj.get("annotations")), *_as_list(obj.get("predictions"))]:
        for item in _as_list(group.get("result")) if isinstance(group, dict) else []:
            name = item.get("to_name") if isinstance(item, dict) else None
            if isinstance(name, str) and isinstance(data.get(name), str):
                return str(data[name])
    strings = [v for v in data.values() if isinstance(v, str)]
    return strings[0] if len(strings) == 1 else None


def _annotator(value: object) -> str:
    """The annotator `completed_by` names: a name (our exports), or Label Studio's user record
    (its email, else its first and last name), or its user id as a string."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        for key in ("email", "username"):
            if isinstance(value.get(key), str) and value[key].strip():
                return str(value[key]).strip()
        name = " ".join(str(value.get(k) or "") for k in ("first_name", "last_name")).strip()
        if name:
            return name
        value = value.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"label-studio user {value}"
    return ""


def _add_result(
    doc: ImportDoc, parsed: ParsedFile, item: object, line: int, annotator: str = ""
) -> None:
    if not isinstance(item, dict):
        return
    value = item.get("value")
    kind = item.get("type", "?")
    if not isinstance(value, dict) or not isinstance(value.get("labels"), list):
        parsed.skipped.append(Skip(line, f"result of type {kind!r} not imported (spans only)"))
        return
    start, end = value.get("start"), value.get("end")
    if not _is_int(start) or not _is_int(end):
        parsed.skipped.append(Skip(line, f"result of type {kind!r} has no character offsets"))
        return
    assert isinstance(start, int) and isinstance(end, int)
    given = value.get("text")
    for label in value["labels"]:
        doc.spans.append(
            ImportSpan(start, end, str(label), line,
                       text=given if isinstance(given, str) else None, annotator=annotator)
        )


def _as_list(value: object) -> list[Any]:
    """`value` if it is a list, else no items (a file may hold anything in any field)."""
    return value if isinstance(value, list) else []


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
