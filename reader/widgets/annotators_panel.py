"""The Annotators tab: who coded the article, how many claims, done or not, shown or hidden.

It is also the legend of the marks others' claims carry in the margin. `space` asks to show or
hide an annotator's claims; the screen decides (blind coding may keep them hidden)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from reader.keys import bindings_for
from reader.text.sanitize import clean_line


@dataclass(frozen=True)
class AnnotatorRow:
    """One annotator of the article on screen."""

    name: str
    mark: str
    claims: int
    done: bool
    shown: bool
    me: bool = False
    blind: bool = False
    """Hidden by blind coding until I mark the article done."""


def assign_marks(names: list[str]) -> dict[str, str]:
    """One margin mark per annotator: the first letter of the name not taken yet, else a
    digit. Stable for a given set of names."""
    marks: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(names):
        letter = next((c.upper() for c in clean_line(name) if c.isalpha()
                       and c.upper() not in used), "")
        if not letter:
            letter = next(d for d in "123456789+*#%&@" if d not in used)
        marks[name] = letter
        used.add(letter)
    return marks


class AnnotatorsTable(DataTable):
    """The annotators of the article; `space` toggles a layer."""

    BINDINGS = bindings_for("annotators")

    class Toggle(Message):
        """Show or hide this annotator's claims."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def on_mount(self) -> None:
        """Columns: mark, annotator, claims, done, shown."""
        self.cursor_type = "row"
        self.add_columns("", "annotator", "claims", "done", "shown")

    def show(self, rows: list[AnnotatorRow]) -> None:
        """Replace the rows, keeping the cursor where it was."""
        cursor = self.cursor_row
        self.clear()
        for row in rows:
            name = clean_line(row.name) + (" (you)" if row.me else "")
            shown = "yes" if row.shown else ("blind" if row.blind else "hidden")
            claims = "—" if row.blind else str(row.claims)  # how many is theirs to keep, too
            self.add_row(Text(row.mark, style="bold"), Text(name), Text(claims),
                         Text("✓" if row.done else ""), Text(shown), key=row.name)
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1))

    def action_toggle_layer(self) -> None:
        """Ask the screen to show or hide the annotator under the cursor."""
        if self.row_count == 0:
            return
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        if key is not None:
            self.post_message(self.Toggle(str(key)))
