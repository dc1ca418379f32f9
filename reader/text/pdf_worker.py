"""The PDF parsing process: `python -m reader.text.pdf_worker` reads a PDF's bytes on stdin.

pdfminer.six runs here, in a fresh interpreter under a memory and CPU-time limit, so a
hostile or huge PDF costs the reader nothing but this process (the parent also kills it after
a wall-clock timeout). Replies are JSON lines on stdout (see `reader.text.pdf`):
`{"pages": N, "title": T}`, then `{"page": I}` after each page, then
`{"done": true, "texts": [...]}`; or `{"error": KIND, "message": M}` and exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from typing import Any


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time (POSIX; best effort elsewhere)."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        if memory_bytes > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        if cpu_seconds > 0:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def _address_space() -> int:
    """This process's address space in bytes (0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _page_text(layout: Any) -> list[str]:
    """The text boxes of one laid-out page, in pdfminer's reading order (one per paragraph)."""
    from pdfminer.layout import LTTextBox

    boxes: list[str] = []
    stack = [layout]
    while stack:  # text boxes may sit inside figures
        node = stack.pop()
        if isinstance(node, LTTextBox):
            boxes.append(node.get_text())
            continue
        with contextlib.suppress(TypeError):
            stack.extend(reversed(list(node)))
    return boxes


def _title(document: Any) -> str:
    """The document's /Title, if it has one."""
    from pdfminer.pdftypes import resolve1

    for info in document.info or []:
        value = resolve1(info.get("Title")) if isinstance(info, dict) else None
        if isinstance(value, bytes):
            from pdfminer.utils import decode_text

            value = decode_text(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def parse(data: bytes) -> int:
    """Parse `data`, replying on stdout; the exit status."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        parser = PDFParser(io.BytesIO(data))
        document = PDFDocument(parser)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        _send({"error": "encrypted", "message": str(exc)})
        return 1
    try:
        count = int(resolve1(resolve1(document.catalog.get("Pages")).get("Count")) or 0)
    except Exception:  # noqa: BLE001 - a broken page tree: count as we go
        count = 0
    _send({"pages": count, "title": _title(document)})
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    texts: list[list[str]] = []
    for index, page in enumerate(PDFPage.create_pages(document), start=1):
        interpreter.process_page(page)
        texts.append(_page_text(device.get_result()))
        _send({"page": index})
    _send({"done": True, "texts": texts})
    return 0


def main(argv: list[str] | None = None) -> int:
    """Read stdin, set the limits, parse; any failure is one reply line."""
    args = argparse.ArgumentParser(prog="python -m reader.text.pdf_worker")
    args.add_argument("--memory", type=int, default=0, help="address-space limit in bytes")
    args.add_argument("--cpu", type=int, default=0, help="CPU-time limit in seconds")
    options = args.parse_args(argv)
    data = sys.stdin.buffer.read()
    import pdfminer.converter  # noqa: F401 - imported before the limit: it caps parsing only
    import pdfminer.pdfinterp  # noqa: F401

    _limit(options.memory, options.cpu)
    if 0 < options.memory < _address_space():
        # already over the limit before parsing: a parse that happens to fit in memory the
        # interpreter holds must not pass for one within the limit
        _send({"error": "memory", "message": "out of memory"})
        return 1
    try:
        return parse(data)
    except MemoryError:
        _send({"error": "memory", "message": "out of memory"})
    except Exception as exc:  # noqa: BLE001 - any parser failure is one line for the user
        text = str(exc).strip().splitlines()
        _send({"error": "broken", "message": text[0] if text else type(exc).__name__})
    return 1


if __name__ == "__main__":
    sys.exit(main())
