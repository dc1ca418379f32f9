"""The sync conflicts list: versions of my records that the server did not keep (edited later
elsewhere, or refused as not mine), newest first. `enter` jumps to the claim; `x` removes an
entry once looked at. Services down (the store folder), the jump target up with `dismiss`."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from reader.team.state import SyncState
from reader.text.sanitize import clean_line


class ConflictsScreen(ModalScreen[tuple[str, int] | None]):
    """The store's sync conflicts; dismisses with (article id, offset) to jump to, or None."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("x", "forget", "Remove from the list"),
    ]

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.state = SyncState.load(root)

    def compose(self) -> ComposeResult:
        """A heading and the table."""
        yield Static(Text("Sync conflicts (enter: jump · x: remove from the list · escape)",
                          style="bold"), id="conflicts-title")
        yield DataTable(id="conflicts-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Fill the table, newest first."""
        table = self.query_one(DataTable)
        table.add_columns("when", "claim", "why", "your version")
        self._fill()
        table.focus()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for index in reversed(range(len(self.state.conflicts))):
            item = self.state.conflicts[index]
            local = item.get("local") if isinstance(item.get("local"), dict) else {}
            yours = f"{local.get('verdict', '')} · {local.get('note', '')}" if local else "—"
            table.add_row(Text(clean_line(str(item.get("at", "")))[:16]),
                          Text(clean_line(str(item.get("id", "")))[:12]),
                          Text(clean_line(str(item.get("reason", "")))),
                          Text(clean_line(yours)[:60]), key=str(index))
        if not self.state.conflicts:
            self.query_one("#conflicts-title", Static).update(Text("No sync conflicts."))

    @on(DataTable.RowSelected)
    def _jump(self, event: DataTable.RowSelected) -> None:
        item = self.state.conflicts[int(str(event.row_key.value))]
        local = item.get("local")
        start = local.get("start") if isinstance(local, dict) else None
        self.dismiss((str(item.get("article_id", "")), start if isinstance(start, int) else 0))

    def action_forget(self) -> None:
        """Remove the entry under the cursor (written at once)."""
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        del self.state.conflicts[int(str(key))]
        self.state.save(self.root)
        self._fill()

    def action_close(self) -> None:
        """Back."""
        self.dismiss(None)
