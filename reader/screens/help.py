"""The help screen: every key, read from the one table of actions."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from reader.keys import ACTIONS, SCOPE_TITLES, bindings_for, key_label

CLOSE_HINT = "escape, q or ? closes · j k scroll"


def help_table(labels: list[str] | None = None) -> Table:
    """A table of every action by scope, with its keys; the number keys are shown once, with
    the claim labels they pick (`labels`, in key order)."""
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
    table.add_column("keys", style="bold", no_wrap=True, width=22)
    table.add_column("what")
    for scope, title in SCOPE_TITLES.items():
        table.add_row(Text(title, style="bold underline"), Text(""))
        for action in ACTIONS:
            if action.scope != scope:
                continue
            if action.name.startswith("tag("):
                if action.name == "tag(1)":
                    names = ", ".join(f"{i + 1} {name}" for i, name in enumerate(labels or [])
                                      if i < 9)
                    table.add_row(Text("1-9"), Text("Tag the selection at once: " + names
                                                    if names else action.description))
                continue
            keys = " ".join(key_label(key) for key in action.keys)
            table.add_row(Text(keys), Text(action.description))
        table.add_row(Text(""), Text(""))
    table.add_row(Text("ctrl+p", style="bold"), Text("Command palette: every command by name"))
    table.add_row(Text("claim form", style="bold"),
                  Text("ctrl+s saves, escape cancels, tab moves between fields"))
    table.add_row(Text("entity form", style="bold"),
                  Text("ctrl+s applies, ctrl+u reverts to the model, escape cancels"))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists every key; escape, q or ? closes it, j/k and the paging keys scroll it. Its own
    footer shows its own keys (the main screen's would not work here)."""

    BINDINGS = bindings_for("help")

    def __init__(self, labels: list[str] | None = None) -> None:
        super().__init__()
        self.labels = labels

    def compose(self) -> ComposeResult:
        """The table in a scrolling box, the way out on its border; the help's own footer."""
        box = VerticalScroll(id="help-box")
        box.border_title = "reader — keys"
        box.border_subtitle = CLOSE_HINT
        with box:
            yield Static(Text("reader — keys · " + CLOSE_HINT, style="bold"), id="help-title")
            yield Static(help_table(self.labels), id="help-table")
        yield Footer()

    @property
    def box(self) -> VerticalScroll:
        """The scrolling box."""
        return self.query_one("#help-box", VerticalScroll)

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)

    def action_help_down(self) -> None:
        """Scroll down a line."""
        self.box.scroll_down(animate=False)

    def action_help_up(self) -> None:
        """Scroll up a line."""
        self.box.scroll_up(animate=False)

    def action_help_page_down(self) -> None:
        """Scroll a page down."""
        self.box.scroll_page_down(animate=False)

    def action_help_page_up(self) -> None:
        """Scroll a page up."""
        self.box.scroll_page_up(animate=False)

    def action_help_top(self) -> None:
        """Top of the help."""
        self.box.scroll_home(animate=False)

    def action_help_bottom(self) -> None:
        """Bottom of the help."""
        self.box.scroll_end(animate=False)
