"""`O` (or the palette's "Open a web page"): ask for a URL; the main screen fetches it in a
worker thread (the UI never waits on the network) and opens the stored article."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class OpenUrlDialog(ModalScreen[str | None]):
    """One line for the URL; enter opens it, escape cancels. Dismisses with the URL or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        """A title, the field, a hint."""
        with VerticalScroll(id="open-url-form"):
            yield Static(Text("Open a web page", style="bold"))
            yield Label(Text("URL (http or https)"))
            yield Input(placeholder="https://…", id="open-url")
            yield Static(Text("enter: fetch and open (stored with its snapshot; reopening "
                              "needs no network) · escape: cancel", style="dim"))

    def on_mount(self) -> None:
        """Focus the field."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: dismiss with the URL (nothing when the field is blank)."""
        event.stop()
        url = event.value.strip()
        self.dismiss(url or None)

    def action_cancel(self) -> None:
        """Escape: nothing to open."""
        self.dismiss(None)
