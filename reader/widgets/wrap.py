"""Word-wrapping an article into visual lines, by character offsets, at a given cell width.

Pure Python over `rich.cells` (the cell widths Textual itself uses), no widgets: the article
view asks it which offsets each screen line shows. Paragraphs whose characters are all one
cell wide (most prose, curly quotes and dashes included) wrap with `str.rfind`, a few C-level
calls per line, so a 1 MB book lays out in tens of milliseconds; other paragraphs (CJK, emoji,
combining marks) wrap grapheme by grapheme and never split a cluster.
"""

from __future__ import annotations

import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Mapping

from rich.cells import _SINGLE_CELLS, get_character_cell_size, split_graphemes


def _build_single_cells() -> frozenset[str]:
    """Characters that are one cell wide on their own and never join a cluster."""
    extra: set[str] = {"\t"}  # the view draws a tab as one space
    for start, end in ((0x2010, 0x205E), (0x2400, 0x2426), (0xFFFD, 0xFFFD)):
        for code in range(start, end + 1):
            char = chr(code)
            if unicodedata.category(char) in ("Mn", "Me", "Cf", "Zl", "Zp"):
                continue
            if get_character_cell_size(char) == 1:
                extra.add(char)
    return frozenset(_SINGLE_CELLS | extra)


SINGLE_CELLS = _build_single_cells()
_all_single = SINGLE_CELLS.issuperset


class WrapLayout:
    """The visual lines of a text at one width: `starts[i]`, `ends[i]` are character offsets.

    Every character except the newline that ends a paragraph belongs to exactly one line; a
    line's end includes the spaces the wrap consumed. `inserts` maps an offset to extra cells
    drawn just before it (entity label tags), so the wrap leaves room for them.
    """

    def __init__(
        self,
        text: str,
        width: int,
        inserts: Mapping[int, int] | None = None,
        paragraph_gap: bool = False,
    ) -> None:
        self.text = text
        self.width = max(4, width)
        self.inserts = dict(inserts or {})
        self.paragraph_gap = paragraph_gap
        """Draw an empty line after each paragraph (for texts without blank lines)."""
        self.starts = array("q")
        self.ends = array("q")
        self._layout()

    @property
    def height(self) -> int:
        """Number of visual lines."""
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """The visual line that shows `offset` (clamped to the text)."""
        if not self.starts:
            return 0
        return max(0, bisect_right(self.starts, offset) - 1)

    def is_empty(self, line: int) -> bool:
        """True for a line that shows no character (a blank line or a paragraph gap)."""
        return self.starts[line] == self.ends[line]

    def span(self, line: int) -> tuple[int, int]:
        """`(start, end)` offsets of a visual line."""
        return self.starts[line], self.ends[line]

    def _layout(self) -> None:
        text = self.text
        position = 0
        length = len(text)
        while True:
            newline = text.find("\n", position)
            end = length if newline == -1 else newline
            self._wrap_paragraph(position, end)
            if newline == -1:
                break
            if self.paragraph_gap and end > position:
                self.starts.append(newline)
                self.ends.append(newline)
            position = newline + 1
        if not self.starts:
            self.starts.append(0)
            self.ends.append(0)

    def _wrap_paragraph(self, start: int, end: int) -> None:
        if start == end:
            self.starts.append(start)
            self.ends.append(end)
            return
        paragraph = self.text[start:end]
        has_inserts = bool(self.inserts) and any(
            start < offset <= end for offset in self._inserts_between(start, end)
        )
        if not has_inserts and _all_single(paragraph):
            self._wrap_single(start, end)
        else:
            self._wrap_graphemes(start, end, paragraph)

    def _inserts_between(self, start: int, end: int) -> list[int]:
        return [offset for offset in self.inserts if start < offset <= end]

    def _wrap_single(self, start: int, end: int) -> None:
        text = self.text
        width = self.width
        position = start
        starts_append = self.starts.append
        ends_append = self.ends.append
        while end - position > width:
            space = text.rfind(" ", position, position + width + 1)
            if space <= position:
                starts_append(position)
                ends_append(position + width)
                position += width
                continue
            next_start = space + 1
            while next_start < end and text[next_start] == " ":
                next_start += 1
            starts_append(position)
            ends_append(next_start)
            position = next_start
        if position < end or position == start:
            starts_append(position)
            ends_append(end)

    def _wrap_graphemes(self, start: int, end: int, paragraph: str) -> None:
        spans, _total = split_graphemes(paragraph.replace("\t", " "))
        width = self.width
        inserts = self.inserts
        line_start = start
        line_cells = 0
        break_at = -1  # offset just after the last space on this line
        cells_at_break = 0
        for g_start, g_end, cells in spans:
            offset = start + g_start
            extra = inserts.get(offset + (g_end - g_start), 0) if inserts else 0
            char = paragraph[g_start]
            cost = cells + extra
            if char == " ":
                line_cells += cost
                break_at = start + g_end
                cells_at_break = line_cells
                continue
            if line_cells + cost > width and offset > line_start:
                if break_at > line_start:
                    self.starts.append(line_start)
                    self.ends.append(break_at)
                    line_cells -= cells_at_break
                    line_start = break_at
                else:
                    self.starts.append(line_start)
                    self.ends.append(offset)
                    line_start = offset
                    line_cells = 0
                break_at = -1
            line_cells += cost
        self.starts.append(line_start)
        self.ends.append(end)
