"""Load articles from files, folders and JSONL corpora into `SourceArticle`s.

Every article's text is decoded, line-end normalised and sanitised here, so offsets into
`SourceArticle.text` are final. Problems never raise: each becomes one line in
`LoadResult.errors` naming the file (and line, for JSONL), and good inputs still load.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.records import SourceArticle
from reader.text.decode import TextError, decode_bytes, normalize_newlines
from reader.text.sanitize import clean_line, sanitize
from reader.wording import plural

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "TITLE_MAX_CHARS",
    "LoadResult",
    "load_paths",
]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".pdf"}
)
"""File name suffixes (lower case) the reader loads."""

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Files larger than this (32 MiB) are refused with a message naming the limit."""

TITLE_MAX_CHARS = 120
"""A first line longer than this is never taken as the title."""

MAX_ERRORS_PER_FILE = 20
"""A JSONL file reports at most this many bad lines, then one summary line."""

_SUFFIX_LIST = ", ".join(sorted(SUPPORTED_SUFFIXES))


@dataclass
class LoadResult:
    """What `load_paths` found: the articles, and one line per problem."""

    articles: list[SourceArticle] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _seen: set[Path] = field(default_factory=set, repr=False, compare=False)
    """Resolved paths already loaded in this call (a file given twice loads once)."""


class _FileError(Exception):
    """A problem with one file; the message is shown after the file's name."""


def load_paths(paths: Sequence[str | Path], skip: Path | None = None) -> LoadResult:
    """Load every path (files, or folders searched recursively in sorted order).

    `skip` (the store folder) is never entered. Errors name the file as the user gave it.
    """
    result = LoadResult()
    skip_resolved = _resolve(skip) if skip is not None else None
    for raw in paths:
        path = Path(raw)
        name = clean_line(str(raw))
        try:
            info = os.stat(path)
        except FileNotFoundError:
            result.errors.append(f"{name}: no such file")
            continue
        except PermissionError:
            result.errors.append(f"{name}: permission denied")
            continue
        except OSError as exc:
            result.errors.append(f"{name}: {_os_reason(exc)}")
            continue
        if skip_resolved is not None and _resolve(path) == skip_resolved:
            result.errors.append(f"{name}: is the annotation store, skipped")
            continue
        if stat.S_ISDIR(info.st_mode):
            _load_folder(path, name, skip_resolved, result)
        elif not stat.S_ISREG(info.st_mode):
            result.errors.append(f"{name}: not a regular file")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            result.errors.append(
                f"{name}: unsupported file type {clean_line(path.suffix) or '(none)'}"
                f" (supported: {_SUFFIX_LIST})"
            )
        else:
            _load_one(path, name, result)
    return result


def _load_folder(root: Path, name: str, skip: Path | None, result: LoadResult) -> None:
    """Load every supported file under `root`, sorted by relative path."""
    errors_before = len(result.errors)
    files = sorted(_walk(root, skip, result), key=lambda rel: rel.parts)
    for rel in files:
        path = root / rel
        _load_one(path, clean_line(str(path)), result)
    if not files and len(result.errors) == errors_before:
        result.errors.append(f"{name}: no supported files ({_SUFFIX_LIST})")


def _walk(root: Path, skip: Path | None, result: LoadResult) -> Iterator[Path]:
    """Relative paths of supported, non-hidden files under `root`.

    Symlinked folders are not followed (like `grep -r`), so a symlink loop cannot hang;
    symlinked files are listed (and checked to be regular files when opened). Each real
    folder is visited once, by (device, inode).
    """
    visited: set[tuple[int, int]] = set()
    stack: list[Path] = [Path()]
    while stack:
        rel = stack.pop()
        folder = root / rel
        try:
            info = os.stat(folder)
            key = (info.st_dev, info.st_ino)
            if key in visited:
                continue
            visited.add(key)
            with os.scandir(folder) as entries:
                listing = list(entries)
        except OSError as exc:
            result.errors.append(f"{clean_line(str(folder))}: {_os_reason(exc)}")
            continue
        for entry in listing:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if skip is not None and _resolve(Path(entry.path)) == skip:
                    continue
                stack.append(rel / entry.name)
            elif Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES:
                yield rel / entry.name


def _load_one(path: Path, name: str, result: LoadResult) -> None:
    """Load one file into `result`, or add one error line; a file seen before is skipped."""
    real = _resolve(path)
    if real in result._seen:
        return
    result._seen.add(real)
    try:
        data = _read_regular(path)
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            _load_jsonl(data, path, name, result)
            return
        if suffix == ".pdf":  # parsed in a limited subprocess (reader/text/pdf.py)
            from reader.text.pdf import PdfError, pdf_article

            try:
                result.articles.append(pdf_article(data, path, name))
            except PdfError as exc:
                raise _FileError(str(exc)) from None
            return
        text = decode_bytes(data)
        if suffix in (".html", ".htm"):
            article = _html_article(text, path)
        else:
            article = _plain_article(sanitize(text), path, markdown=suffix != ".txt")
        result.articles.append(article)
    except _FileError as exc:
        result.errors.append(f"{name}: {exc}")
    except TextError as exc:
        result.errors.append(f"{name}: {exc} (not text)")
    except PermissionError:
        result.errors.append(f"{name}: permission denied")
    except OSError as exc:
        result.errors.append(f"{name}: {_os_reason(exc)}")


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file; never blocks on a FIFO or device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _FileError("no such file") from None
    if not stat.S_ISREG(info.st_mode):
        raise _FileError("not a regular file")
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # replaced between stat and open
            raise _FileError("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise _FileError(_too_large(info.st_size))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise _FileError(_too_large(len(data)))
    if not data.strip():
        raise _FileError("empty file")
    return data


def _too_large(size: int) -> str:
    return f"too large ({size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB)"


# --- plain text and Markdown -------------------------------------------------------------

_ATX_H1 = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")
_SETEXT_H1 = re.compile(r"=+[ \t]*")


def _plain_article(text: str, path: Path, *, markdown: bool) -> SourceArticle:
    """A .txt/.md article: the whole text is kept; a title line is marked in `meta`."""
    if not text.strip():
        raise _FileError("empty file")
    meta: dict[str, Any] = {"format": "md" if markdown else "txt", "path": _absolute(path)}
    found = _title_line(text, markdown=markdown)
    if found is not None:
        title, body_start = found
        meta["title_in_text"] = True
        meta["body_start"] = body_start
    else:
        title = path.stem
    return SourceArticle(
        title=_clean_title(title) or clean_line(path.stem),
        text=text,
        source=str(path),
        meta=meta,
    )


def _title_line(text: str, *, markdown: bool) -> tuple[str, int] | None:
    """(title, offset where the body starts) when the first line is a title, else None.

    .txt and .md: a first non-blank line of at most `TITLE_MAX_CHARS` characters followed by
    a blank line. .md also: a `# Heading` first line, or a Setext `Heading\\n====`.
    """
    start = len(text) - len(text.lstrip())
    line_end = text.find("\n", start)
    if line_end < 0:
        return None
    first = text[start:line_end].strip()
    rest = text[line_end + 1 :]
    next_end = rest.find("\n")
    second = rest if next_end < 0 else rest[:next_end]
    title: str | None = None
    if markdown:
        atx = _ATX_H1.fullmatch(first)
        if atx is not None:
            title = atx.group(1).strip()
        elif _SETEXT_H1.fullmatch(second.strip()) and len(first) <= TITLE_MAX_CHARS:
            title = first
            line_end = line_end + 1 + len(second)
    if title is None and len(first) <= TITLE_MAX_CHARS and not second.strip() and next_end >= 0:
        title = first
    if not title:
        return None
    body = text[line_end:]
    body_start = len(text) - len(body.lstrip())
    if body_start >= len(text):
        return None  # nothing but the title: it is the text, not a title
    return title, body_start


def _clean_title(title: str) -> str:
    """A one-line title: controls replaced, whitespace runs collapsed."""
    return " ".join(clean_line(title).split())


# --- HTML ---------------------------------------------------------------------------------


def _html_article(html: str, path: Path) -> SourceArticle:
    """An .html article: the main text as trafilatura finds it (imported on the first page)."""
    from reader.text.html import HtmlError, extract_html

    try:
        page = extract_html(html)
    except HtmlError as exc:
        raise _FileError(str(exc)) from None
    text = sanitize(normalize_newlines(page.text))
    if not text.strip():
        raise _FileError("no text found in the page")
    meta: dict[str, Any] = {"format": "html", "path": _absolute(path)}
    meta.update({key: clean_line(value) for key, value in page.fields().items()})
    return SourceArticle(
        title=_clean_title(page.title) or clean_line(path.stem),
        text=text,
        source=str(path),
        url=clean_line(page.url.strip()),
        date=clean_line(page.date.strip()),
        meta=meta,
    )


def _absolute(path: Path) -> str:
    """Where the file is, whatever folder the reader was started in (a claims export names
    it, so `reader import` run elsewhere still finds the text)."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path.absolute())


# --- JSONL ----------------------------------------------------------------------------------


def _load_jsonl(data: bytes, path: Path, name: str, result: LoadResult) -> None:
    """One article per JSON line; a bad line is reported and skipped, the rest load."""
    text = decode_bytes(data)
    stem = path.stem
    seen_ids: dict[str, int] = {}
    bad = 0
    loaded = 0

    def problem(lineno: int, message: str) -> None:
        nonlocal bad
        bad += 1
        if bad <= MAX_ERRORS_PER_FILE:
            result.errors.append(f"{name}:{lineno}: {message}")

    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problem(lineno, f"bad JSON ({clean_line(exc.msg)} at column {exc.colno})")
            continue
        except ValueError as exc:  # an integer of more digits than Python converts
            problem(lineno, f"bad JSON ({clean_line(str(exc))[:80]})")
            continue
        except RecursionError:
            problem(lineno, "bad JSON (nested too deeply)")
            continue
        if not isinstance(record, dict):
            problem(lineno, "not a JSON object")
            continue
        body = record.get("text")
        if body is None:
            problem(lineno, 'missing "text"')
            continue
        if not isinstance(body, str):
            problem(lineno, f'"text" is not a string ({type(body).__name__})')
            continue
        if not body.strip():
            problem(lineno, 'empty "text"')
            continue
        external_id = _scalar(record.get("id"))
        if external_id:
            if external_id in seen_ids:
                problem(
                    lineno,
                    f"duplicate id {clean_line(external_id)!r}"
                    f" (first on line {seen_ids[external_id]})",
                )
                continue
            seen_ids[external_id] = lineno
        meta_field = record.get("meta")
        meta: dict[str, Any] = dict(meta_field) if isinstance(meta_field, dict) else {}
        meta.setdefault("format", "jsonl")
        meta.setdefault("path", _absolute(path))  # the corpus file: an import reads it again
        result.articles.append(
            SourceArticle(
                title=_clean_title(_scalar(record.get("title"))) or clean_line(f"{stem} #{lineno}"),
                text=sanitize(normalize_newlines(body)),
                source=f"{path}#{lineno}",
                url=clean_line(_scalar(record.get("url")).strip()),
                date=clean_line(_scalar(record.get("date")).strip()),
                external_id=clean_line(external_id),
                meta=meta,
            )
        )
        loaded += 1
    if bad > MAX_ERRORS_PER_FILE:
        result.errors.append(
            f"{name}: {plural(bad - MAX_ERRORS_PER_FILE, 'more bad line')} not shown")
    if loaded == 0 and bad == 0:
        result.errors.append(f"{name}: empty file")


def _scalar(value: object) -> str:
    """A string field, accepting numbers (ids are often integers); anything else is ""."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    return ""


# --- helpers --------------------------------------------------------------------------------


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: symlink loop on older Pythons
        return path.absolute()


def _os_reason(exc: OSError) -> str:
    """A short, one-line reason for an OS error."""
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(exc, IsADirectoryError):
        return "is a folder"
    return clean_line(exc.strerror or str(exc)).lower() or "cannot read"


# --- a large corpus: its first article at once ---------------------------------------------

LARGE_CORPUS_BYTES = 1024 * 1024
"""A JSONL file from this size on opens with its first article while the rest loads."""

_PEEK_BYTES = 128 * 1024


def first_of_large_corpus(paths: Sequence[str | Path]) -> SourceArticle | None:
    """The first article of one large JSONL corpus, read from the start of the file alone
    (so it is on screen in a moment); None when `paths` is not that, or nothing there loads.
    `load_paths` still loads the whole file (the same first article, with the same source)."""
    if len(paths) != 1 or Path(paths[0]).suffix.lower() != ".jsonl":
        return None
    path = Path(paths[0])
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not (
            LARGE_CORPUS_BYTES <= info.st_size <= MAX_FILE_BYTES
        ):
            return None
        data = os.read(fd, _PEEK_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    data = data[: data.rfind(b"\n") + 1]
    result = LoadResult()
    try:
        _load_jsonl(data, path, clean_line(str(path)), result)
    except (TextError, ValueError):
        return None
    return result.articles[0] if result.articles else None
