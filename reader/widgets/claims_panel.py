"""The Claims tab: the article's claims in text order, a filter, a count, and the orphaned
claims (whose quote was not found again) in their own section."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from reader import messages
from reader.keys import bindings_for
from reader.records import Claim
from reader.text.sanitize import clean_line
from reader.widgets.styles import claim_colour, label_style
from reader.wording import plural, shorten

QUOTE_CELLS = 28


def quote_start(quote: str, cells: int = QUOTE_CELLS) -> str:
    """The start of a quote on one line."""
    return shorten(clean_line(quote), cells)


def _speaker_cell(claim: Claim) -> Text:
    """The speaker; a guessed one (not confirmed in the claim form) is marked `?` and dim."""
    speaker = clean_line(claim.speaker)
    if not speaker or claim.speaker_confirmed is True:
        return Text(speaker)
    return Text.assemble((speaker, "dim italic"), ("?", "bold"), (" guessed", "dim"))


class ClaimsTable(DataTable[Any]):
    """A table of claims; keys act on the claim in the cursor row."""

    BINDINGS = bindings_for("claims")

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns."""
        self.add_columns("label", "quote", "verdict", "speaker")

    def _act(self, message: Callable[[str], Message]) -> None:
        """Post the intent for the claim in the cursor row."""
        if self.row_count == 0:
            return
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        if key.value is not None:
            self.post_message(message(key.value))

    def action_panel_jump(self) -> None:
        """Jump to the claim in the text."""
        self._act(messages.JumpToClaim)

    def action_panel_edit(self) -> None:
        """Edit the claim."""
        self._act(messages.EditClaim)

    def action_panel_delete(self) -> None:
        """Delete the claim."""
        self._act(messages.DeleteClaim)

    def action_panel_copy(self) -> None:
        """Copy the claim."""
        self._act(messages.CopyClaim)


class ClaimsPanel(Vertical):
    """Claims of the current article with a label/verdict filter; under the table, what the
    adjudication made of the claim in the cursor row ("gold: taken by ed; note: …")."""

    DEFAULT_CSS = """
    ClaimsPanel #claims-gold {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._claims: list[Claim] = []
        self._marks: dict[str, str] = {}
        self._gold: dict[str, str] = {}
        self.colours: dict[str, str] = {}
        self._ground = Style()
        """The table's style: label colours are made readable on it."""

    def compose(self) -> ComposeResult:
        """Count, filter, the claims table, the orphaned section."""
        yield Static(Text("No claims yet."), id="claims-count")
        yield Input(placeholder="filter: label or verdict", id="claims-filter")
        yield ClaimsTable(id="claims-table")
        yield Static(Text(""), id="claims-gold")
        yield Static(Text("Orphaned (quote not found in the current text)", style="bold"),
                     id="orphans-title")
        yield ClaimsTable(id="orphans-table")

    def on_mount(self) -> None:
        """Label colours follow the theme."""
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self.call_after_refresh(self._refill)

    def show(self, claims: list[Claim], marks: dict[str, str] | None = None,
             gold: dict[str, str] | None = None) -> None:
        """Show these claims (in text order); `marks` names colleagues' claims by their mark
        and name; `gold` says, by claim id, what the adjudication made of each."""
        self._claims = claims
        self._marks = marks or {}
        self._gold = gold or {}
        self._refill()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The adjudication of the claim under the cursor (plain text: notes are untrusted)."""
        self._show_gold(event.row_key.value)

    def _show_gold(self, claim_id: str | None) -> None:
        line = self._gold.get(claim_id or "", "")
        shown = self.query_one("#claims-gold", Static)
        shown.update(Text(clean_line(line)))
        shown.display = bool(line)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as the user types."""
        event.stop()
        self._refill()

    def _matches(self, claim: Claim, words: list[str]) -> bool:
        label = claim.label.lower()
        verdict = claim.verdict.lower()
        return all(word in label or word in verdict for word in words)

    def _refill(self) -> None:
        words = self.query_one("#claims-filter", Input).value.lower().split()
        table = self.query_one("#claims-table", ClaimsTable)
        orphans = self.query_one("#orphans-table", ClaimsTable)
        cursor = table.cursor_row
        self._ground = table.rich_style
        table.clear()
        orphans.clear()
        shown = orphaned = 0
        for claim in self._claims:
            if words and not self._matches(claim, words):
                continue
            target = orphans if claim.status == "orphaned" else table
            if target is orphans:
                orphaned += 1
            else:
                shown += 1
            target.add_row(*self._cells(claim), key=claim.id)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
            self._show_gold(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        else:
            self._show_gold(None)
        self.query_one("#orphans-title").display = orphaned > 0
        orphans.display = orphaned > 0
        total = len(self._claims)
        summary = plural(shown, "claim")
        if words:
            summary += f" shown of {total}"
        if orphaned:
            summary += f" · {orphaned} orphaned"
        guessed = sum(1 for c in self._claims
                      if c.speaker and c.speaker_confirmed is not True)
        if guessed:  # the speaker column may be off the narrow panel: say it here too
            summary += f" · {plural(guessed, 'speaker')} guessed"
        self.query_one("#claims-count", Static).update(Text(summary))

    def _cells(self, claim: Claim) -> tuple[Text, Text, Text, Text]:
        label = clean_line(claim.label)
        colour = claim_colour(label, self.colours)
        annotator = claim.annotator
        mark = self._marks.get(annotator)
        return (
            Text.assemble((label, label_style(colour, self._ground)),
                          (f" {mark}·{clean_line(annotator)}" if mark else "", "italic")),
            Text(quote_start(claim.quote)),
            Text(clean_line(claim.verdict)),
            _speaker_cell(claim),
        )

    def select(self, claim_id: str) -> None:
        """Put the table cursor on this claim."""
        for table in self.query(ClaimsTable):
            try:
                row = table.get_row_index(claim_id)
            except Exception:  # noqa: BLE001 - the row is in the other table
                continue
            table.move_cursor(row=row)
