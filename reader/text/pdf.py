"""PDFs: text and page offsets from a parsing subprocess (`reader.text.pdf_worker`).

The parse runs in a fresh interpreter with a memory and CPU-time limit, killed after a
wall-clock timeout, so the caller's thread only reads JSON lines (the command line shows the
pages as they come). The article's text is reflowed: the lines of a text box join with a
space (a hyphen at a line end joins the next line: "hyphen-\\nation" reads "hyphenation",
"state-of-the-\\nart" reads "state-of-the-art"), text boxes become paragraphs, pages are
separated by a blank line, and `meta["pages"]` holds the offset where each page starts (no
form feeds in the text).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.records import SourceArticle
from reader.text.sanitize import clean_line, sanitize

PDF_TIMEOUT_SECONDS = 120.0
"""Wall-clock time one PDF may take to parse."""

PDF_MEMORY_BYTES = 2 * 1024**3
"""Address space the parsing process may use (Python and pdfminer take about 60 MB)."""

OCR_MESSAGE = (
    "no text layer (a scanned PDF?): it needs OCR first, e.g. `ocrmypdf in.pdf out.pdf`"
)
ENCRYPTED_MESSAGE = "encrypted PDF (needs a password): decrypt it first, e.g. `qpdf --decrypt`"

Progress = Callable[[int, int], None]
"""`progress(pages_done, pages_total)`; total is 0 when the PDF does not say."""


class PdfError(Exception):
    """A PDF that cannot be read; the message is one line for the user."""


@dataclass
class PdfText:
    """A parsed PDF: reflowed text, the offset where each page starts, the /Title."""

    text: str
    pages: list[int] = field(default_factory=list)
    title: str = ""


_HYPHEN_END = re.compile(r"(?<=[^\W\d_])[-\u00ad]$")
_SPACES = re.compile(r"[ \t]+")
_UNMAPPED = re.compile(r"\(cid:\d+\)")
"""pdfminer's stand-in for a glyph the font maps to no character: shown as U+FFFD."""


def join_lines(lines: list[str]) -> str:
    """One paragraph from a text box's lines, joined by spaces. A hyphen at a line end joins
    the next line: dropped before a lower-case letter ("infor-" + "mation" -> "information"),
    kept in a compound ("state-of-the-" + "art", "North-" + "East"); a soft hyphen is always
    dropped."""
    out = ""
    for raw in lines:
        line = _UNMAPPED.sub("\ufffd", _SPACES.sub(" ", raw)).strip()
        if not line:
            continue
        if out and _HYPHEN_END.search(out):
            word = out.rsplit(" ", 1)[-1][:-1]
            if line[0].islower() and "-" not in word and out[-1] != "\u00ad" or (
                out[-1] == "\u00ad"
            ):
                out = out[:-1] + line  # a word broken at the line end
            else:
                out += line  # a compound: "state-of-the-" + "art", "North-" + "East"
        elif out:
            out += " " + line
        else:
            out = line
    return out


def assemble(page_boxes: list[list[str]]) -> PdfText:
    """The article text and page start offsets from each page's text boxes."""
    parts: list[str] = []
    pages: list[int] = []
    length = 0
    for boxes in page_boxes:
        paragraphs = [p for p in (join_lines(box.split("\n")) for box in boxes) if p]
        if parts and paragraphs:
            parts.append("\n\n")
            length += 2
        pages.append(length)
        if paragraphs:
            page_text = "\n\n".join(paragraphs)
            parts.append(page_text)
            length += len(page_text)
    return PdfText(text="".join(parts), pages=pages)


def parse_pdf(
    data: bytes,
    progress: Progress | None = None,
    *,
    timeout: float = PDF_TIMEOUT_SECONDS,
    memory: int = PDF_MEMORY_BYTES,
) -> PdfText:
    """Parse a PDF's bytes in a limited subprocess; raises `PdfError` (one line) on failure:
    encrypted, no text layer, broken, too slow, out of memory."""
    argv = [sys.executable, "-m", "reader.text.pdf_worker", "--memory", str(memory),
            "--cpu", str(max(1, int(timeout)))]
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=stderr, env=env, close_fds=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        started = time.monotonic()
        timer.start()
        try:
            feeder = threading.Thread(target=_feed, args=(proc, data), daemon=True)
            feeder.start()
            reply = _read_replies(proc, progress)
            proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if time.monotonic() - started > timeout:  # the limit holds even if the kill came late
        timed_out.set()
        reply = None
    if reply is None:
        if timed_out.is_set():
            raise PdfError(f"took longer than {timeout:g} s to parse; not opened")
        raise PdfError(f"the PDF parser stopped (status {proc.returncode}); not opened")
    if "error" in reply:
        kind = reply.get("error")
        if kind == "encrypted":
            raise PdfError(ENCRYPTED_MESSAGE)
        if kind == "memory":
            raise PdfError(f"needs more than {memory / 2**20:.0f} MiB to parse; not opened")
        raise PdfError(f"not a readable PDF ({str(reply.get('message', ''))[:120]})")
    texts = reply.get("texts")
    if not isinstance(texts, list):
        raise PdfError("the PDF parser gave no text")
    parsed = assemble([[str(b) for b in page] for page in texts if isinstance(page, list)])
    parsed.title = str(reply.get("title") or "")
    if not parsed.text.strip():
        raise PdfError(OCR_MESSAGE)
    return parsed


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    """Write the PDF to the worker's stdin (a thread: a large file must not block the
    reading of its replies)."""
    assert proc.stdin is not None
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except (BrokenPipeError, OSError, ValueError):
        pass


def _read_replies(proc: subprocess.Popen[bytes], progress: Progress | None) -> dict | None:
    """Follow the worker's lines; the final reply (done or error), or None if it died."""
    assert proc.stdout is not None
    total = 0
    title = ""
    for raw in proc.stdout:
        try:
            message = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(message, dict):
            continue
        if "pages" in message and "done" not in message:
            total = int(message.get("pages") or 0)
            title = str(message.get("title") or "")
            if progress is not None:
                progress(0, total)
        elif "page" in message:
            if progress is not None:
                progress(int(message["page"]), total)
        elif message.get("done") or "error" in message:
            message.setdefault("title", title)
            return message
    return None


def pdf_article(data: bytes, path: Path, name: str) -> SourceArticle:
    """A `.pdf` file as an article (`meta["pages"]`: page start offsets); raises `PdfError`.

    While it parses, the page count goes to standard error when that is a terminal."""
    parsed = parse_pdf(data, _terminal_progress(name))
    text = sanitize(parsed.text)  # one for one: the page offsets stay right
    title = " ".join(clean_line(parsed.title).split())
    return SourceArticle(
        title=title or clean_line(path.stem),
        text=text,
        source=str(path),
        meta={"format": "pdf", "path": _absolute(path), "pages": parsed.pages},
    )


def _absolute(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path.absolute())


def _terminal_progress(name: str) -> Progress | None:
    """`reader: NAME: page 3/40` rewritten in place on a terminal; nothing otherwise."""
    stream = sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return None

    def show(done: int, total: int) -> None:
        of = f"/{total}" if total else ""
        end = "\n" if total and done >= total else ""
        stream.write(f"\rreader: {name}: PDF page {done}{of}{end}")
        stream.flush()

    return show
