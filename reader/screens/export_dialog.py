"""ctrl+e: pick a format and a scope for an export to `exports/` inside the store (a read-only
store: `exports/` in the user's data folder, said in the dialog). The dialog returns an
`ExportRequest` through `dismiss`; the main screen runs it in a worker. With blind coding, only
the claims I may see are exported."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from reader.formats.base import EXPORT_FORMATS
from reader.formats.export_worker import ExportRequest

SCOPES: list[tuple[str, str]] = [("this article", "article"), ("all articles", "all")]
REVIEWED: list[tuple[str, str]] = [
    ("claims with a verdict (not unverified)", "reviewed"),
    ("all claims, unverified too", "all"),
]
"""ClaimReview's choice, as `reader export --all`."""


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Pick a format and a scope; ctrl+s (or enter on the last field) exports."""

    BINDINGS = [
        Binding("ctrl+s", "export", "Export", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, article_id: str | None) -> None:
        super().__init__()
        self.article_id = article_id

    def compose(self) -> ComposeResult:
        """Format, scope, and where it goes."""
        with VerticalScroll(id="export-form"):
            yield Static(Text("Export claims", style="bold"))
            yield Label(Text("Format"))
            yield Select([(Text(f), f) for f in EXPORT_FORMATS], value=EXPORT_FORMATS[0],
                         allow_blank=False, id="export-format")
            yield Label(Text("What"))
            yield Select([(Text(label), value) for label, value in SCOPES],
                         value="article" if self.article_id else "all", allow_blank=False,
                         id="export-scope")
            yield Label(Text("ClaimReview: which claims"))
            yield Select([(Text(label), value) for label, value in REVIEWED], value="reviewed",
                         allow_blank=False, id="export-reviewed")
            yield Static(Text(f"{self._where()} ctrl+s export · escape cancel", style="dim"))

    def _where(self) -> str:
        """Where the export goes, in words."""
        from reader.formats.export_worker import export_folder
        from reader.text.sanitize import clean_line

        store = getattr(self.app, "store", None)
        if store is None or not store.readonly:
            return "Written to exports/ inside the store."
        return (f"The store is read-only: written to {clean_line(str(export_folder(store)))}"
                " instead.")

    def on_mount(self) -> None:
        """Start on the format."""
        self.query_one("#export-format", Select).focus()

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)

    def action_export(self) -> None:
        """Close with what to export."""
        fmt = str(self.query_one("#export-format", Select).value)
        scope = str(self.query_one("#export-scope", Select).value)
        article_id = self.article_id if scope == "article" else None
        every = str(self.query_one("#export-reviewed", Select).value) == "all"
        self.dismiss(ExportRequest(fmt, article_id, include_unverified=every))
