"""Label Studio tasks: a JSON list of `{"data": {"text", ...}, "annotations": [{"result": [...]}]}`.

Each span is a `labels` result: `{"id", "from_name": "label", "to_name": "text", "type":
"labels", "value": {"start", "end", "text", "labels": [LABEL]}}`. The importer reads the
annotations, or with `predictions=True` the predictions, of a task list or a single task.
"""

from __future__ import annotations

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

__all__ = ["parse", "task", "write"]


def task(text: str, spans: Sequence[ExportSpan], data: Mapping[str, Any]) -> dict[str, Any]:
    """One Label Studio task with one annotation holding every span."""
    result = []
    for i, span in enumerate(sorted(spans, key=lambda s: (s.start, s.end))):
        if not 0 <= span.start < span.end <= len(text):
            continue
        result.append(
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
    return {"data": {"text": text, **data}, "annotations": [{"result": result}]}


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
            items = group.get("result") or []
            if not isinstance(items, list):
                result.skipped.append(Skip(line, "annotation result is not a list"))
                continue
            for item in items:
                _add_result(doc, result, item, line)
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


def _add_result(doc: ImportDoc, parsed: ParsedFile, item: object, line: int) -> None:
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
            ImportSpan(start, end, str(label), line, text=given if isinstance(given, str) else None)
        )


def _as_list(value: object) -> list[Any]:
    """`value` if it is a list, else no items (a file may hold anything in any field)."""
    return value if isinstance(value, list) else []


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
