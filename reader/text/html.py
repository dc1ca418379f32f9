"""Main text and metadata of an HTML page, with trafilatura.

trafilatura (and lxml under it) is imported here only, on the first page: opening plain text
never pays for it. The parse is bounded before extraction: a page nested deeper than
`MAX_DEPTH` (the HTML parser stops there and would drop the rest silently) or with more than
`MAX_ELEMENTS` elements (extraction time grows with them) is refused with one line.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_ELEMENTS", "Extracted", "HtmlError", "extract_html"]

MAX_DEPTH = 255
"""Deeper nesting is refused: libxml2's HTML parser stops at 256 levels and drops the rest."""

_C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REFERENCE = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}))")

MAX_ELEMENTS = 60_000
"""More elements than this are refused; large real news pages have well under 10,000."""


FULL_RUN_BELOW = 0.5
"""When the fast pass finds less than this share of the text in the page's `<p>` elements,
the full run (with trafilatura's fallback extractors) decides."""


class HtmlError(Exception):
    """The page cannot be used; the message is one line for the user."""


@dataclass
class Extracted:
    """What the page holds: main text (paragraphs separated by blank lines) and metadata."""

    text: str
    title: str = ""
    author: str = ""
    date: str = ""
    sitename: str = ""
    url: str = ""
    """The canonical URL the page names (`<link rel=canonical>`, `og:url`)."""
    language: str = ""
    """As the page declares it (`<html lang>`, `content-language`); not detected."""

    def fields(self) -> dict[str, str]:
        """The non-empty metadata, for an article's `meta`. The language is kept as
        `declared_language`: what the page says, not what a detector finds in the text."""
        names = {"author": "author", "sitename": "sitename", "language": "declared_language"}
        return {key: getattr(self, name) for name, key in names.items() if getattr(self, name)}


def extract_html(html: str, url: str | None = None) -> Extracted:
    """Extract the main text of `html` (`url`: where it was fetched, to resolve links).

    Raises HtmlError when the page nests or grows beyond the bounds, or holds no text.
    """
    tree = _parse(html)
    language = _declared_language(tree)
    paragraph_chars = sum(len(p.text_content()) for p in tree.iter("p"))
    meta = _metadata(tree, url)  # before the text pass, which prunes the tree
    doc = _run(tree, url, fast=True)
    found = len(doc.text or "") if doc is not None else 0
    if found < paragraph_chars * FULL_RUN_BELOW:
        # the fast pass kept little of the page's paragraphs (a teaser card instead of the
        # story, say): the full run compares trafilatura's pick with its fallback extractors
        tree = _parse(html)
        doc = _run(tree, url, fast=False) or doc
    if doc is None or not (doc.text or "").strip():
        raise HtmlError("no text found in the page")
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = "\n\n".join(line.strip() for line in str(data.get("text") or "").split("\n")
                       if line.strip())
    return Extracted(text=text, language=language, **meta)


def _metadata(tree: Any, url: str | None) -> dict[str, str]:
    """Title, author, date, site name and canonical URL as the page states them (its meta
    tags and JSON-LD, its `<title>`, `<link rel=canonical>`), with trafilatura's own readers.
    Its full metadata pass also guesses an author from the body (on a copy of the whole tree)
    and collects categories, tags, licence and image the reader does not keep: that doubled the
    time per page."""
    from htmldate import find_date
    from trafilatura.metadata import (
        examine_meta,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
    )
    from trafilatura.settings import set_date_params

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:  # a handle, not a name (as trafilatura does)
        meta.author = None
    with contextlib.suppress(Exception):  # JSON-LD in the wild is often broken
        meta = extract_meta_json(tree, meta)
    title = meta.title or extract_title(tree)
    canonical = meta.url or extract_url(tree, url)
    params = set_date_params(extensive=False)
    params["url"] = canonical
    date = find_date(tree, **params)
    sitename = meta.sitename or extract_sitename(tree)
    if isinstance(sitename, list):
        sitename = sitename[0] if sitename else ""
    return {
        "title": _one_line(title),
        "author": _one_line(meta.author),
        "date": _one_line(date),
        "sitename": _one_line(str(sitename).lstrip("@") if sitename else ""),
        "url": _one_line(canonical),
    }


def _run(tree: Any, url: str | None, *, fast: bool) -> Any:
    from trafilatura import bare_extraction
    from trafilatura.settings import set_date_params

    return bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        fast=fast,
        # the date the page states (meta tags, structured data, URL), not a guess from its
        # text: the heuristic search (dateparser) took most of the time per page
        date_extraction_params=set_date_params(extensive=False),
    )


def _parse(html: str) -> Any:
    """The page's lxml tree (a fragment gets its `<html>`; the text is already decoded, so a
    charset the page declares is ignored). Raises HtmlError for a page nested deeper than the
    parser goes (it would silently drop the rest) or with too many elements."""
    import lxml.html
    from lxml.etree import ParserError

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  collect_ids=False, default_doctype=False)
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"),
                                             parser=parser)
    except (ParserError, ValueError):
        raise HtmlError("no text found in the page") from None
    if any("depth" in entry.message.lower() for entry in parser.error_log
           if entry.type_name == "ERR_RESOURCE_LIMIT"):
        raise HtmlError(f"nested too deeply (more than {MAX_DEPTH} levels); not opened")
    for count, _ in enumerate(tree.iter(), start=1):
        if count > MAX_ELEMENTS:
            raise HtmlError(f"too many elements (more than {MAX_ELEMENTS:,}); not opened")
    if _C0.search(html) or any(_is_c0_reference(m) for m in _REFERENCE.finditer(html)):
        _neutralise_controls(tree)
    return tree


def _is_c0_reference(match: re.Match[str]) -> bool:
    digits, hexdigits = match.group(1), match.group(2)
    try:
        value = int(digits) if digits else int(hexdigits, 16)
    except ValueError:
        return False
    return value < 32 and value not in (9, 10, 13)


def _neutralise_controls(tree: Any) -> None:
    """Controls in the tree's text one for one (the extractor's lxml refuses them)."""
    from reader.text.sanitize import sanitize

    for element in tree.iter():
        if element.text and not element.text.isprintable():
            element.text = sanitize(element.text)
        if element.tail and not element.tail.isprintable():
            element.tail = sanitize(element.tail)


def _declared_language(tree: Any) -> str:
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    for value in (root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")):
        if value and value.strip():
            return _one_line(value)[:35]
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "content-language":
            return _one_line(meta.get("content"))[:35]
    return ""


def _one_line(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())
