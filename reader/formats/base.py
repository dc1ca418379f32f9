"""Shared pieces of the format modules: import records, JSON/CSV safety, offset mapping, names.

Everything here is pure: plain dicts and strings in, plain dicts and strings out.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import msgspec

from reader.text.sanitize import clean_line

MAX_BYTES = 512 * 1024 * 1024
"""The largest file `reader import` reads (detection reads no more either)."""

__all__ = [
    "ExportSpan",
    "FormatError",
    "ImportDoc",
    "ImportSpan",
    "ParsedFile",
    "Skip",
    "article_file_stem",
    "iter_json_objects",
    "json_line",
    "newline_offset_map",
    "safe_json",
]


def json_objects(text: str, what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """`(line number, object)` for each non-blank line of JSON Lines; `what` names the
    expected record in the error for a line that is valid JSON but not an object."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as error:
            raise FormatError(f"not JSON: {_reason(error)}", number) from None
        if not isinstance(obj, dict):
            raise FormatError(f"not {what}", number)
        yield number, obj


class FormatError(Exception):
    """A file that cannot be read in its format; `line` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, path: str = "") -> None:
        self.message = message
        self.line = line
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{self.path}: {where}{self.message}" if self.path else f"{where}{self.message}"

    def at(self, path: str) -> FormatError:
        """The same error, naming the file it is in."""
        return FormatError(self.message, self.line, path)


@dataclass
class Skip:
    """Something in an imported file that was not imported, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


@dataclass
class ImportSpan:
    """One span read from a peer file; offsets refer to the file's own text."""

    start: int
    end: int
    label: str
    line: int = 0
    text: str | None = None
    """The span's text as the file gives it, checked against the offsets (None: not given)."""
    note: str = ""
    record: dict[str, Any] | None = None
    """A whole claim record (our own JSONL and store dumps): imported as it is."""
    annotator: str = ""
    """Who made the span, when the file says (Label Studio `completed_by`)."""


@dataclass
class ImportDoc:
    """One article read from a peer file, with its spans."""

    text: str | None
    """The article text; None when the file only names a store article (`article_id`)."""
    line: int = 0
    title: str = ""
    source: str = ""
    url: str = ""
    date: str = ""
    external_id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    article_id: str = ""
    """The store id the file gave the article (our own formats), if any."""
    spans: list[ImportSpan] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    """Entity corrections carried as they are (store dumps)."""
    done: list[dict[str, str]] = field(default_factory=list)
    """Who marked the article done: `{"annotator", "at"}` (store dumps)."""
    decisions: list[dict[str, Any]] = field(default_factory=list)
    """Curation decisions on the article (store dumps)."""


@dataclass
class ParsedFile:
    """What a format reader found in one file."""

    docs: list[ImportDoc] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


class ExportSpan(NamedTuple):
    """A span to write: character offsets into the article text, end exclusive."""

    start: int
    end: int
    label: str
    note: str = ""
    id: str = ""
    annotator: str = ""


_UNSAFE_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def safe_json(text: str) -> str:
    """Escape what `json.dumps(ensure_ascii=False)` leaves raw but a terminal would obey.

    JSON already escapes C0 controls; this adds DEL, C1 controls, line/paragraph separators,
    bidi overrides and isolates, and lone surrogates (which could not be encoded anyway).
    """
    if text.isascii() and "\x7f" not in text:  # the common line: two scans in C, no regex
        return text
    return _UNSAFE_JSON.sub(_escape, text)


def json_line(obj: Any, indent: int | None = None) -> str:
    """`obj` as UTF-8-friendly JSON (not ASCII-escaped), terminal-safe, no trailing newline.
    NaN and the infinities (which `json` would write as bare `NaN`, not JSON) become null."""
    try:
        text = json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(obj), ensure_ascii=False, indent=indent, allow_nan=False)
    return safe_json(text)


def record_json_line(obj: Mapping[str, Any], floats: Iterable[object]) -> str:
    """`json_line(obj)`, the same characters, written by msgspec (2.7x json's speed on an
    export's claim lines). `floats`: every float `obj` may hold (a claim line's one float is
    `checkworthy`). msgspec writes the same spacing (`format(indent=0)`), escapes and digits
    as `json.dumps(ensure_ascii=False)`, but another exponent form (`1e16`, `0.00001` for
    json's `1e+16`, `1e-05`): a float json writes with an exponent, a NaN or an infinity takes
    `json_line`, and so does what msgspec cannot write (a lone surrogate)."""
    if all(_plain_float(value) for value in floats):
        try:
            raw = msgspec.json.format(msgspec.json.encode(obj), indent=0)
        except (msgspec.EncodeError, UnicodeEncodeError, TypeError, OverflowError):
            pass
        else:
            return safe_json(raw.decode("utf-8"))
    return json_line(obj)


def _plain_float(value: object) -> bool:
    """Not a float, or a finite one that json and msgspec both write without an exponent."""
    if type(value) is not float:
        return True
    return value == 0.0 or 1e-4 <= abs(value) < 1e16


def _finite(value: Any) -> Any:
    """`value` with every non-finite float replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def iter_json_objects(text: str) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each JSON value in JSON Lines, a JSON file or concatenated JSON.

    A top-level JSON list yields its items (with the line each item starts on). Raises
    `FormatError` with the line number of the first malformed value.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    stripped = text.lstrip()
    if not stripped:
        return
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    try:
        json.loads(lines[first])
        jsonl = True
    except (ValueError, RecursionError):
        jsonl = False
    if jsonl and not stripped.startswith("["):
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (ValueError, RecursionError) as error:
                raise FormatError(f"not JSON: {_reason(error)}", number) from None
            yield number, value
        return
    yield from _iter_stream(text)


def _reason(error: Exception) -> str:
    """Why a JSON value could not be read, in one short line."""
    if isinstance(error, RecursionError):
        return "nested too deeply"
    message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
    return clean_line(message)[:120]


def _raw_decode(decoder: json.JSONDecoder, text: str, pos: int) -> tuple[Any, int]:
    """`decoder.raw_decode`, every failure a `FormatError` naming the line (too-deep nesting
    and integers of more digits than Python converts included)."""
    try:
        return decoder.raw_decode(text, pos)
    except json.JSONDecodeError as error:
        raise FormatError(f"not JSON: {error.msg}", error.lineno) from None
    except (ValueError, RecursionError) as error:
        line = text.count("\n", 0, pos) + 1
        raise FormatError(f"not JSON: {_reason(error)}", line) from None


def _iter_stream(text: str) -> Iterator[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    pos = 0
    size = len(text)
    while True:
        while pos < size and text[pos] in " \t\r\n":
            pos += 1
        if pos >= size:
            return
        line = text.count("\n", 0, pos) + 1
        if text[pos] == "[":
            yield from _iter_list(decoder, text, pos)
            _, pos = _raw_decode(decoder, text, pos)
            continue
        value, pos = _raw_decode(decoder, text, pos)
        yield line, value


def _iter_list(decoder: json.JSONDecoder, text: str, pos: int) -> Iterator[tuple[int, Any]]:
    """Items of the JSON list starting at `pos`, each with the line it starts on."""
    pos += 1
    size = len(text)
    expect_item = True
    while True:
        while pos < size and text[pos] in " \t\r\n":
            pos += 1
        if pos >= size:
            raise FormatError("not JSON: unterminated list", text.count("\n", 0, pos) + 1)
        char = text[pos]
        if char == "]":
            return
        if char == "," and not expect_item:
            pos += 1
            expect_item = True
            continue
        line = text.count("\n", 0, pos) + 1
        if not expect_item:
            raise FormatError("not JSON: expected ',' or ']'", line)
        value, pos = _raw_decode(decoder, text, pos)
        yield line, value
        expect_item = False


def newline_offset_map(text: str) -> tuple[str, Callable[[int], int]]:
    """`text` with CRLF and lone CR turned into LF, and a function mapping old offsets to new.

    Each `\\r\\n` pair becomes one character, so every offset after it moves back by one; an
    offset between `\\r` and `\\n` maps to the start of the new `\\n`.
    """
    if "\r" not in text:
        return text, _identity
    pairs = [m.start() for m in re.finditer("\r\n", text)]
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")

    def mapped(offset: int) -> int:
        return offset - bisect_left(pairs, offset)

    return normalised, mapped


def _identity(offset: int) -> int:
    return offset


_NAME_UNSAFE = re.compile(r"[^\w.-]+")


def article_file_stem(article: Mapping[str, Any], max_len: int = 48) -> str:
    """A safe, unique file name stem for an article: title words plus a short id."""
    title = clean_line(str(article.get("title") or ""))
    slug = _NAME_UNSAFE.sub("-", title).strip("-._")[:max_len].strip("-._") or "article"
    ident = str(article.get("id") or "")
    short = _NAME_UNSAFE.sub("", ident.split(":", 1)[-1])[:12]
    return f"{slug}-{short}" if short else slug


def str_field(value: object) -> str:
    """A value as a string field: None becomes ''."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


EXPORT_FORMATS: tuple[str, ...] = (
    "jsonl",
    "csv",
    "claimreview",
    "prodigy",
    "doccano",
    "doccano-entities",
    "label-studio",
    "brat",
    "spacy",
    "store",
)
"""Every `--format` of `reader export`; the first is the default. Here, not in `exporting`,
so the app's export dialog can list them without importing the exporters (spaCy's among them)."""
