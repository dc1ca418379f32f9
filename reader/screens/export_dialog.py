"""ctrl+e: export the current article or everything, in a chosen format, to `exports/` inside
the store (a read-only store: `exports/` in the user's data folder, said in the dialog); the
path written is shown when done. With blind coding, only the claims I may see are exported."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from reader.formats.exporting import EXPORT_FORMATS

SCOPES: list[tuple[str, str]] = [("this article", "article"), ("all articles", "all")]
REVIEWED: list[tuple[str, str]] = [
    ("claims with a verdict (not unverified)", "reviewed"),
    ("all claims, unverified too", "all"),
]
"""ClaimReview's choice, as `reader export --all`."""


class ExportDialog(ModalScreen[None]):
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
        from reader.formats import export_folder
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
        """Export in a worker (the spaCy format loads spaCy) and close."""
        fmt = str(self.query_one("#export-format", Select).value)
        scope = str(self.query_one("#export-scope", Select).value)
        article_id = self.article_id if scope == "article" else None
        every = str(self.query_one("#export-reviewed", Select).value) == "all"
        self.app.notify(f"Exporting {fmt}…", markup=False, timeout=2)
        run_export(self.app, article_id, fmt, include_unverified=every)
        self.dismiss(None)


MAX_NOTES = 5
"""Lines of what an export left out or wrote incomplete shown in one notification."""


def run_export(  # type: ignore[no-untyped-def]
    app, article_id: str | None, fmt: str, include_unverified: bool = False
) -> None:
    """Export on a thread; notify the path or the error on the UI thread, and what the
    export left out or wrote incomplete (ClaimReview). Blind coding leaves out what it hides
    from me (`reader.blind`)."""
    import threading

    from reader.blind import BlindStore

    store = BlindStore(app.workspace.store, app.workspace.blind)

    def job() -> None:
        from reader.formats import export_article

        notes: list[str] = []
        try:
            path: Path = export_article(store, article_id, fmt,
                                        include_unverified=include_unverified, notes=notes)
        except Exception as error:  # noqa: BLE001 - any failure is one line for the user
            message = f"Export failed: {error}"
            app.call_from_thread(app.notify, message, markup=False, severity="error")
            return
        app.call_from_thread(app.notify, f"Exported {fmt}: {path}", markup=False, timeout=8)
        if notes:
            more = len(notes) - MAX_NOTES
            text = "\n".join(notes[:MAX_NOTES] + ([f"... and {more} more"] if more > 0 else []))
            app.call_from_thread(app.notify, text, markup=False, severity="warning", timeout=12)

    threading.Thread(target=job, name="export", daemon=True).start()
