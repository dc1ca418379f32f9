"""The hand-written HTML rule the reader used before trafilatura (the longest `<article>`,
else `<main>`, else `<body>`), kept only as the baseline of `benchmarks/web_extract.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "template",
    "svg",
    "iframe",
    "button",
    "select",
    "textarea",
    "canvas",
    "object",
    "embed",
    "dialog",
    "head",
)
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_SPACE_AROUND_NL = re.compile(r" *\n *")


@dataclass
class _Extracted:
    """Main text and metadata pulled out of an HTML page."""

    text: str
    title: str = ""
    date: str = ""
    url: str = ""


def extract_html(html: str) -> _Extracted:
    """Main text of an HTML page: paragraphs separated by blank lines, plus title/date/url."""
    tree = LexborHTMLParser(html)
    title = _first_text(tree, "title") or _first_text(tree, "h1")
    date = _first_attr(
        tree,
        (
            ('meta[name="date"]', "content"),
            ('meta[property="article:published_time"]', "content"),
            ('meta[name="article:published_time"]', "content"),
            ('meta[itemprop="datePublished"]', "content"),
            ("time[datetime]", "datetime"),
        ),
    )
    url = _first_attr(
        tree, (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content"))
    )
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    root = _main_node(tree)
    text = "\n\n".join(_paragraphs(root)) if root is not None else ""
    return _Extracted(text=text, title=title, date=date, url=url)


def _first_text(tree: LexborHTMLParser, selector: str) -> str:
    node = tree.css_first(selector)
    if node is None:
        return ""
    return " ".join(node.text(deep=True).split())


def _first_attr(tree: LexborHTMLParser, choices: tuple[tuple[str, str], ...]) -> str:
    for selector, attr in choices:
        node = tree.css_first(selector)
        if node is not None:
            value = node.attributes.get(attr)
            if value and value.strip():
                return value.strip()
    return ""


def _main_node(tree: LexborHTMLParser) -> LexborNode | None:
    """The longest <article>, else <main>, else <body>, else the whole document."""
    sized = [(len(node.text(deep=True).strip()), node) for node in tree.css("article")]
    sized = [pair for pair in sized if pair[0] > 0]
    if sized:
        return max(sized, key=lambda pair: pair[0])[1]
    main = tree.css_first("main")
    if main is not None:
        return main
    return tree.body if tree.body is not None else tree.root


def _paragraphs(root: LexborNode) -> list[str]:
    """Block-level paragraphs under `root`, without recursion (deep nesting is safe)."""
    paragraphs: list[str] = []
    pieces: list[str] = []
    pre_depth = 0

    def flush(preformatted: bool) -> None:
        if not pieces:
            return
        joined = "".join(pieces)
        pieces.clear()
        if preformatted:
            joined = joined.strip("\n").rstrip()
        else:
            joined = _SPACE_AROUND_NL.sub("\n", joined).strip()
        if joined.strip():
            paragraphs.append(joined)

    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag or ""
        if leaving:
            if tag in _BLOCK_TAGS:
                flush(pre_depth > 0)
                if tag == "pre":
                    pre_depth -= 1
            continue
        if tag == "-text":
            content = node.text_content or ""
            pieces.append(content if pre_depth else _HTML_SPACE.sub(" ", content))
            continue
        if tag == "br":
            pieces.append("\n")
            continue
        if tag.startswith("-") or tag.startswith("!"):
            continue  # comments, doctype
        if tag in _BLOCK_TAGS:
            flush(pre_depth > 0)
            if tag == "pre":
                pre_depth += 1
        elif tag in _CELL_TAGS and pieces:
            pieces.append(" ")
        stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    flush(pre_depth > 0)
    return paragraphs


