"""Main text and metadata of an HTML page, with trafilatura.

trafilatura (and lxml under it) is imported here only, on the first page: opening plain text
never pays for it. The parse is bounded before extraction: a page nested deeper than
`MAX_DEPTH` (the HTML parser stops there and would drop the rest silently) or with more than
`MAX_ELEMENTS` elements (extraction time grows with them) is refused with one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_ELEMENTS", "Extracted", "HtmlError", "extract_html"]

MAX_DEPTH = 250
"""Deeper nesting is refused (libxml2's HTML parser gives up at 256 levels)."""

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
        """The non-empty metadata, for an article's `meta`."""
        names = ("author", "sitename", "language")
        return {name: getattr(self, name) for name in names if getattr(self, name)}


def extract_html(html: str, url: str | None = None) -> Extracted:
    """Extract the main text of `html` (`url`: where it was fetched, to resolve links).

    Raises HtmlError when the page nests or grows beyond the bounds, or holds no text.
    """
    tree = _parse(html)
    _check_bounds(tree)
    language = _declared_language(tree)
    paragraph_chars = sum(len(p.text_content()) for p in tree.iter("p"))
    doc = _run(tree, url, fast=True)
    found = len(doc.text or "") if doc is not None else 0
    if found < paragraph_chars * FULL_RUN_BELOW:
        # the fast pass kept little of the page's paragraphs (a teaser card instead of the
        # story, say): the full run compares trafilatura's pick with its fallback extractors
        tree = _parse(html)
        _check_bounds(tree)
        doc = _run(tree, url, fast=False) or doc
    if doc is None or not (doc.text or "").strip():
        raise HtmlError("no text found in the page")
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = "\n\n".join(line.strip() for line in str(data.get("text") or "").split("\n")
                       if line.strip())
    return Extracted(
        text=text,
        title=_one_line(data.get("title")),
        author=_one_line(data.get("author")),
        date=_one_line(data.get("date")),
        sitename=_one_line(data.get("sitename")),
        url=_one_line(data.get("url")),
        language=language,
    )


def _run(tree: Any, url: str | None, *, fast: bool) -> Any:
    from trafilatura import bare_extraction

    return bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        fast=fast,
    )


def _parse(html: str) -> Any:
    """The page's lxml tree (a fragment gets its `<html>`; the text is already decoded, so a
    charset the page declares is ignored)."""
    import lxml.html
    from lxml.etree import ParserError

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  collect_ids=False, default_doctype=False)
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"),
                                             parser=parser)
    except (ParserError, ValueError):
        raise HtmlError("no text found in the page") from None


def _check_bounds(tree: Any) -> None:
    """Refuse a tree nested deeper than MAX_DEPTH or larger than MAX_ELEMENTS, and neutralise
    control characters in its text, in one pass without recursion."""
    from lxml import etree

    from reader.text.sanitize import sanitize

    depth = deepest = count = 0
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            count += 1
            # controls one for one, before the extractor (whose lxml refuses them) sees them
            if element.text and not element.text.isprintable():
                element.text = sanitize(element.text)
            if element.tail and not element.tail.isprintable():
                element.tail = sanitize(element.tail)
            depth += 1
            deepest = max(deepest, depth)
            if count > MAX_ELEMENTS:
                raise HtmlError(f"too many elements (more than {MAX_ELEMENTS:,}); not opened")
        else:
            depth -= 1
    if deepest > MAX_DEPTH:
        raise HtmlError(f"nested too deeply (more than {MAX_DEPTH} levels); not opened")


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
