"""The Articles tab: every open article with word, entity and claim counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from reader.text.sanitize import clean_line


@dataclass
class ArticleRow:
    """What the list shows of one article."""

    id: str
    title: str
    words: int
    entities: int | None
    claims: int


class ArticlesTable(DataTable[Text]):
    """Move with the arrows; `enter` opens the article."""

    class Open(Message):
        """Open the article at this index."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._keys: list[str] = []
        self._cells: list[tuple[str, ...]] = []
        """What each row shows now, so a refresh changes only the cells that differ."""
        self._rows: Sequence[ArticleRow] = []
        self._current = 0
        self._offset = 0
        """The index of the article in the table's first row (a window of `WINDOW` rows)."""

    def on_mount(self) -> None:
        """Columns."""
        self.add_column("#", key="n")
        self.add_column("title", key="title")
        self.add_column("words", key="words")
        self.add_column("entities", key="entities")
        self.add_column("claims", key="claims")

    def show(self, rows: Sequence[ArticleRow], current: int) -> None:
        """Fill the table; the current article is marked. At most `WINDOW` rows around it
        (a DataTable row costs ~0.7 ms to add: 100,000 took 70 s); moving onto the first or
        last row moves the window."""
        self._rows, self._current = rows, current
        self._window(current)

    def _window(self, center: int) -> None:
        rows, current = self._rows, self._current
        start = max(0, min(center - WINDOW // 2, len(rows) - WINDOW))
        end = min(len(rows), start + WINDOW)
        self._offset = start
        keys = [rows[index].id + f"#{index}" for index in range(start, end)]
        cells = [_cells(index, rows[index], current) for index in range(start, end)]
        if keys == self._keys:
            for key, old, new in zip(keys, self._cells, cells, strict=True):
                if old != new:
                    for column, before, after in zip(_COLUMNS, old, new, strict=True):
                        if before != after:
                            self.update_cell(key, column, _text(column, after))
        else:
            self.clear()
            for key, row in zip(keys, cells, strict=True):
                self.add_row(*(_text(c, v) for c, v in zip(_COLUMNS, row, strict=True)),
                             key=key)
        self._keys, self._cells = keys, cells
        if keys:
            self.move_cursor(row=center - start)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """On the window's first or last row, with more articles beyond: move the window."""
        row = event.cursor_row
        more_before = row == 0 and self._offset > 0
        more_after = row == len(self._keys) - 1 and self._offset + row + 1 < len(self._rows)
        if more_before or more_after:
            self._window(self._offset + row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter opens the article."""
        event.stop()
        self.post_message(self.Open(self._offset + event.cursor_row))


WINDOW = 200
"""Rows in the table at once."""

_COLUMNS = ("n", "title", "words", "entities", "claims")


def _cells(index: int, row: ArticleRow, current: int) -> tuple[str, ...]:
    mark = "▶" if index == current else " "
    return (
        f"{mark}{index + 1}",
        _short(clean_line(row.title), 24),
        str(row.words),
        "…" if row.entities is None else str(row.entities),
        str(row.claims),
    )


def _text(column: str, value: str) -> Text:
    return Text(value) if column in ("n", "title") else Text(value, justify="right")


def _short(title: str, cells: int) -> str:
    """A title cut to fit its column."""
    return title if len(title) <= cells else title[: cells - 1] + "…"
