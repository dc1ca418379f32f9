"""brat standoff: `NAME.txt` (the text) beside `NAME.ann` (annotations).

Text-bound annotations are `T1<TAB>LABEL START END<TAB>TEXT`; a span that crosses a line break
is written as fragments `START END;START END` (one per line, as brat requires). Notes are
`#1<TAB>AnnotatorNotes T1<TAB>NOTE`. Relations (R), events (E), attributes (A/M),
normalisations (N) and equivalences (*) are not imported; the importer says so, by line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from reader.formats.base import ExportSpan, FormatError, ImportDoc, ImportSpan, ParsedFile, Skip
from reader.formats.prodigy import title_from_text
from reader.text.sanitize import clean_line
from reader.wording import shorten

__all__ = ["ann_text", "brat_label", "find_pairs", "fragments", "parse"]

_KINDS = {
    "R": "relation",
    "E": "event",
    "A": "attribute",
    "M": "attribute",
    "N": "normalisation",
    "*": "equivalence",
}
_LABEL_UNSAFE = re.compile(r"[^\w.-]")
_OFFSETS = re.compile(r"^[0-9]+ [0-9]+(;[0-9]+ [0-9]+)*$")
_MAX_DIGITS = 15
"""More digits than this is past the end of any text (and more than `int` converts at 4,300)."""


def brat_label(label: str) -> str:
    """A valid brat type: spaces (and anything else brat cannot parse) become `_`."""
    return _LABEL_UNSAFE.sub("_", label.strip()) or "span"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-empty pieces of `[start, end)` between line breaks."""
    pieces: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        if stop > pos:
            pieces.append((pos, stop))
        pos = stop + 1
    return pieces


def ann_text(text: str, spans: Sequence[ExportSpan]) -> str:
    """The `.ann` file for `text` and its spans (notes as AnnotatorNotes)."""
    lines: list[str] = []
    number = 0
    notes = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end, s.label)):
        if not 0 <= span.start < span.end <= len(text):
            continue
        pieces = fragments(text, span.start, span.end)
        if not pieces:
            continue
        number += 1
        offsets = ";".join(f"{a} {b}" for a, b in pieces)
        surface = " ".join(text[a:b] for a, b in pieces).replace("\t", " ")
        lines.append(f"T{number}\t{brat_label(span.label)} {offsets}\t{surface}")
        if span.note.strip():
            notes += 1
            lines.append(f"#{notes}\tAnnotatorNotes T{number}\t{clean_line(span.note).strip()}")
    return "".join(line + "\n" for line in lines)


def parse(ann: str, txt: str, source: str = "") -> ParsedFile:
    """Read one `.ann` file against its text."""
    result = ParsedFile()
    doc = ImportDoc(text=txt, line=1, title=title_from_text(txt), source=source)
    by_id: dict[str, ImportSpan] = {}
    for number, raw in enumerate(ann.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        ident = line.split("\t", 1)[0]
        kind = ident[:1]
        if kind == "T":
            span = _text_bound(line, number, txt, result)
            if span is not None:
                by_id[ident] = span
                doc.spans.append(span)
        elif kind == "#":
            _note(line, number, by_id, result)
        elif kind in _KINDS:
            result.skipped.append(Skip(number, f"{_KINDS[kind]} {ident} not imported (spans only)"))
        else:
            raise FormatError(
                f"not a brat annotation line: {shorten(clean_line(line), 60)!r}", number
            )
    result.docs.append(doc)
    return result


def _text_bound(line: str, number: int, txt: str, result: ParsedFile) -> ImportSpan | None:
    parts = line.split("\t")
    if len(parts) < 2 or " " not in parts[1]:
        raise FormatError("T line without 'LABEL START END'", number)
    label, offsets = parts[1].split(" ", 1)
    if not _OFFSETS.match(offsets):
        raise FormatError(f"bad offsets {offsets!r}", number)
    if any(len(x) > _MAX_DIGITS for x in re.split("[ ;]", offsets)):
        result.skipped.append(Skip(number, "offsets outside the text"))
        return None
    pieces = [tuple(int(x) for x in piece.split(" ")) for piece in offsets.split(";")]
    given = parts[2] if len(parts) > 2 else None
    start, end = pieces[0][0], pieces[-1][1]
    if len(pieces) == 1:
        return ImportSpan(start, end, label, number, text=given)
    for a, b in pieces:
        if not 0 <= a < b <= len(txt):
            result.skipped.append(Skip(number, f"fragment {a}-{b} is outside the text"))
            return None
    joined = " ".join(txt[a:b] for a, b in pieces)
    if given is not None and given != joined:
        result.skipped.append(
            Skip(number, f"text {shorten(clean_line(given), 40)!r} does not match the text at "
                         f"{offsets}")
        )
        return None
    return ImportSpan(start, end, label, number)


def _note(line: str, number: int, by_id: dict[str, ImportSpan], result: ParsedFile) -> None:
    parts = line.split("\t")
    target = parts[1].split(" ") if len(parts) > 1 else []
    note = parts[2] if len(parts) > 2 else ""
    if len(target) != 2:
        raise FormatError("note line without 'AnnotatorNotes ID'", number)
    span = by_id.get(target[1])
    if span is None:
        what = _KINDS.get(target[1][:1], "annotation")
        result.skipped.append(Skip(number, f"note on {what} {target[1]} not imported"))
        return
    span.note = f"{span.note} {note}".strip() if span.note else note


def find_pairs(path: Path) -> list[tuple[Path, Path]]:
    """(`.ann`, `.txt`) pairs for a `.ann`, a `.txt` or a folder (searched recursively)."""
    if path.is_dir():
        anns = sorted(p for p in path.rglob("*.ann") if p.is_file())
        return [(ann, ann.with_suffix(".txt")) for ann in anns]
    if path.suffix == ".txt":
        return [(path.with_suffix(".ann"), path)]
    return [(path, path.with_suffix(".txt"))]
