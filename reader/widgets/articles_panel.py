"""The Articles tab: every open article with word, entity and claim counts."""

from __future__ import annotations

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

    def on_mount(self) -> None:
        """Columns."""
        self.add_column("#", key="n")
        self.add_column("title", key="title")
        self.add_column("words", key="words")
        self.add_column("entities", key="entities")
        self.add_column("claims", key="claims")

    def show(self, rows: list[ArticleRow], current: int) -> None:
        """Fill the table; the current article is marked."""
        self.clear()
        for index, row in enumerate(rows):
            mark = "▶" if index == current else " "
            self.add_row(
                Text(f"{mark}{index + 1}"),
                Text(_short(clean_line(row.title), 24)),
                Text(str(row.words), justify="right"),
                Text("…" if row.entities is None else str(row.entities), justify="right"),
                Text(str(row.claims), justify="right"),
                key=row.id + f"#{index}",
            )
        if rows:
            self.move_cursor(row=current)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter opens the article."""
        event.stop()
        self.post_message(self.Open(event.cursor_row))


def _short(title: str, cells: int) -> str:
    """A title cut to fit its column."""
    return title if len(title) <= cells else title[: cells - 1] + "…"
