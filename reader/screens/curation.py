"""Curation mode: step through one article's disagreements and decide each into the gold layer
(take a version, take every version, merge the spans, edit, reject; a note on any of them).

Agreeing claims (and those the `[curation] threshold` rule decides) merge on their own when the
screen opens. Services come down through the constructor (the store, the article, who I am,
the settings); the screen writes only through `reader.curation` and closes with a
`CurationResult` for its opener (whether the gold layer changed, where to put the cursor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from reader.curation.curate import (
    Curation,
    CurationStore,
    Decided,
    NothingToCurate,
    SameSpan,
)
from reader.curation.items import Item
from reader.curation.settings import CurationSettings
from reader.keys import bindings_for
from reader.screens.claim_form import ClaimForm, ClaimFormData
from reader.store.errors import StoreError
from reader.text.sanitize import clean_line
from reader.wording import plural, shorten

CONTEXT = 60
"""Characters of the article shown either side of the item under the cursor."""


@dataclass(frozen=True)
class CurationResult:
    """What curation mode hands back: whether the store changed, and the item's offset."""

    changed: bool
    offset: int | None


class NoteDialog(ModalScreen[str | None]):
    """One line for the adjudicator's note; enter keeps it, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        """A title, the field, a hint."""
        with VerticalScroll(id="note-form"):
            yield Static(Text("The adjudicator's note", style="bold"))
            yield Label(Text("Shown to the annotators beside their claims"))
            yield Input(value=self.note, placeholder="why this decision", id="note-input")
            yield Static(Text("enter: keep · escape: cancel", style="dim"))

    def on_mount(self) -> None:
        """Focus the field."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: the note (cleaned to one line)."""
        event.stop()
        self.dismiss(clean_line(event.value).strip())

    def action_cancel(self) -> None:
        """Escape: no change."""
        self.dismiss(None)


class CurationScreen(Screen[CurationResult]):
    """One article's disagreements and the decisions on them."""

    DEFAULT_CSS = """
    CurationScreen #cur-title {
        background: $boost;
        text-style: bold;
        padding: 0 1;
    }
    CurationScreen #cur-summary, CurationScreen #cur-detail {
        height: auto;
        padding: 0 1;
    }
    CurationScreen #cur-items {
        height: 1fr;
    }
    CurationScreen #cur-versions {
        height: auto;
        max-height: 10;
    }
    CurationScreen .cur-heading {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-style: bold;
    }
    NoteDialog {
        align: center middle;
    }
    NoteDialog #note-form {
        width: 70;
        height: auto;
        border: round $accent;
        background: $panel;
        padding: 0 1;
    }
    """

    BINDINGS = bindings_for("curation")

    def __init__(self, store: CurationStore, article_id: str, title: str, adjudicator: str, *,
                 settings: CurationSettings, blind: bool, labels: list[str],
                 verdicts: list[str]) -> None:
        super().__init__()
        self.curation = Curation(store, article_id, adjudicator, settings=settings,
                                 blind=blind)
        self.article_title = title
        self.labels = labels
        self.verdicts = verdicts
        self.rows: list[Item | Decided] = []
        self.pending_notes: dict[str, str] = {}
        """Notes written on an item before it is decided: they go with the decision."""
        self.version = 0
        self.changed = False
        self.message = ""

    def compose(self) -> ComposeResult:
        """Title, summary, the items, the versions of the one under the cursor, its decision."""
        yield Static(Text("Curation · " + shorten(clean_line(self.article_title), 80)),
                     id="cur-title")
        yield Static(Text(""), id="cur-summary")
        yield Static(Text("Items (up/down or j/k)"), classes="cur-heading")
        yield DataTable(id="cur-items", cursor_type="row", zebra_stripes=True)
        yield Static(Text("Versions (left/right or h/l choose one)"), classes="cur-heading")
        versions: DataTable[Any] = DataTable(id="cur-versions", cursor_type="row")
        versions.can_focus = False
        yield versions
        yield Static(Text(""), id="cur-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Merge what agrees, then list what does not."""
        self.query_one("#cur-items", DataTable).add_columns(
            "where", "kind", "decision", "quote")
        self.query_one("#cur-versions", DataTable).add_columns(
            "annotator", "span", "label", "verdict", "speaker", "quote")
        self._reload(merge=True)
        self.query_one("#cur-items", DataTable).focus()

    # -- showing ------------------------------------------------------------------
    def _reload(self, merge: bool = False, keep: str | None = None) -> None:
        """Show the items: read again and merge what agrees (`merge`: opening, `a`), or as
        the last decision left them (each `Curation` step reads the article again itself)."""
        cur = self.curation
        try:
            if merge:
                cur.load()
                merged = cur.auto_merge()
                self.changed = self.changed or merged > 0
        except NothingToCurate as error:
            self.message = str(error)
            self.rows = []
        except (StoreError, KeyError, ValueError) as error:
            self.message = f"curation stopped: {error}"
            self.rows = []
        else:
            self.message = ""
            self.rows = [*cur.open, *cur.decided]
            self.rows.sort(key=lambda r: (_item(r).start, _item(r).end))
        self._fill(keep)

    def _fill(self, keep: str | None) -> None:
        cur = self.curation
        table = self.query_one("#cur-items", DataTable)
        table.clear()
        for row in self.rows:
            item = _item(row)
            decision = row.decision["action"] if isinstance(row, Decided) else "open"
            quote = cur.text[item.start:item.end]
            table.add_row(Text(f"{item.start}-{item.end}"), Text("+".join(item.kinds) or "—"),
                          Text(decision), Text(shorten(clean_line(str(quote)), 48)),
                          key=_row_id(row))
        if keep is not None:
            table.move_cursor(row=self._next_open(keep))
        if self.message:
            summary = self.message
        else:
            threshold = (f"threshold: {cur.settings.threshold} of {len(cur.annotators)}"
                         if cur.settings.threshold else "threshold: off (all must agree)")
            summary = (f"{plural(len(cur.annotators), 'annotator')} ("
                       + ", ".join(cur.annotators) + ") · "
                       f"{len(cur.open)} open, {len(cur.decided)} decided · "
                       f"{cur.merged} merged on their own · {threshold} · "
                       f"gold layer: {cur.settings.gold}")
            if cur.notes:
                summary += "\n" + "; ".join(cur.notes)
        self.query_one("#cur-summary", Static).update(Text(clean_line(summary)))
        self.version = 0
        self._show_versions()

    def _next_open(self, row_id: str) -> int:
        """Where the cursor goes after a step on `row_id`: that row while it is open, else the
        next open item (wrapping), else that row."""
        here = next((i for i, r in enumerate(self.rows) if _row_id(r) == row_id), 0)
        order = [*range(here, len(self.rows)), *range(0, here)]
        return next((i for i in order if isinstance(self.rows[i], Item)), here)

    def _current(self) -> Item | Decided | None:
        table = self.query_one("#cur-items", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def _show_versions(self) -> None:
        versions = self.query_one("#cur-versions", DataTable)
        versions.clear()
        row = self._current()
        detail = self.query_one("#cur-detail", Static)
        if row is None:
            detail.update(Text("Nothing to adjudicate here." if not self.message else ""))
            return
        item = _item(row)
        for claim in item.claims:
            versions.add_row(*(Text(clean_line(str(v))) for v in (
                claim.annotator, f"{claim.start}-{claim.end}",
                claim.label, claim.verdict, claim.speaker,
                shorten(clean_line(claim.quote), 40))))
        if item.claims:
            self.version = min(self.version, len(item.claims) - 1)
            versions.move_cursor(row=self.version)
        lines = []
        if item.missing:
            lines.append("not marked by " + ", ".join(item.missing))
        if isinstance(row, Decided):
            decision = row.decision
            lines.append(f"decided: {decision['action']} by {decision['adjudicator']} "
                         f"at {decision['at']} (r reopens)")
            if decision.get("note"):
                lines.append("note: " + str(decision["note"]))
        else:
            note = self.pending_notes.get(item.id, "")
            if note:
                lines.append("note (goes with the decision): " + note)
        text = self.curation.text
        before = clean_line(text[max(0, item.start - CONTEXT):item.start]).lstrip()
        after = clean_line(text[item.end:item.end + CONTEXT]).rstrip()
        shown = Text.assemble(("…" if item.start > CONTEXT else "") + before,
                              (clean_line(text[item.start:item.end]), "bold underline"),
                              after + ("…" if item.end + CONTEXT < len(text) else ""))
        if lines:
            shown.append("\n" + clean_line(" · ".join(lines)))
        detail.update(shown)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Another item: show its versions."""
        if event.data_table.id == "cur-items":
            self.version = 0
            self._show_versions()

    # -- deciding ------------------------------------------------------------------
    def _open_item(self) -> Item | None:
        row = self._current()
        if isinstance(row, Item):
            return row
        if isinstance(row, Decided):
            self.notify("Already decided: r reopens it.", markup=False, timeout=3)
        return None

    def _chosen(self, item: Item) -> str:
        return item.claims[min(self.version, len(item.claims) - 1)].id

    def _decide(self, item: Item, what: str, step: Any) -> None:
        note = self.pending_notes.pop(item.id, "")
        try:
            step(note)
        except SameSpan as error:
            self.pending_notes[item.id] = note
            self.notify(f"Not taken: {error}.", markup=False, severity="warning", timeout=5)
            return
        except (StoreError, KeyError, ValueError) as error:
            self.pending_notes[item.id] = note
            self.notify(f"Could not store the decision: {clean_line(str(error))}",
                        markup=False, severity="error", timeout=8)
            return
        self.changed = True
        self._reload(keep=item.id)
        self.notify(what, markup=False, timeout=2)

    def action_curation_take(self) -> None:
        """This version becomes the gold claim."""
        item = self._open_item()
        if item is not None:
            chosen = self._chosen(item)
            self._decide(item, "Taken into gold.",
                         lambda note: self.curation.take(item, chosen, note))

    def action_curation_both(self) -> None:
        """Every version becomes a gold claim."""
        item = self._open_item()
        if item is not None:
            self._decide(item, f"{plural(len(item.claims), 'version')} taken into gold.",
                         lambda note: self.curation.take_all(item, note))

    def action_curation_merge(self) -> None:
        """One gold claim over all the item's spans."""
        item = self._open_item()
        if item is None:
            return
        if len(item.claims) < 2:
            self.notify("Only one span here: nothing to merge (t takes it).", markup=False,
                        timeout=3)
            return
        chosen = self._chosen(item)
        self._decide(item, "Spans merged into one gold claim.",
                     lambda note: self.curation.merge(item, chosen, note))

    def action_curation_reject(self) -> None:
        """Nothing of it goes into gold."""
        item = self._open_item()
        if item is not None:
            self._decide(item, "Rejected.", lambda note: self.curation.reject(item, note))

    def action_curation_edit(self) -> None:
        """The claim form on this version; saving takes the edited version."""
        item = self._open_item()
        if item is None:
            return
        chosen = item.claims[min(self.version, len(item.claims) - 1)]
        speakers = sorted({c.speaker for c in item.claims} - {""})
        data = ClaimFormData(
            quote=chosen.quote, label=chosen.label,
            labels=self.labels, verdict=chosen.verdict,
            verdicts=self.verdicts, speaker=chosen.speaker,
            speaker_confirmed=chosen.speaker_confirmed, speakers=speakers,
            checkworthy=chosen.checkworthy, note=chosen.note,
            tags=list(chosen.tags), sources=list(chosen.sources))

        def done(result: ClaimFormData | None) -> None:
            if result is None:
                return
            values = result.values()
            self._decide(item, "Edited version taken into gold.",
                         lambda note: self.curation.edit(item, chosen.id, values,
                                                         note))

        self.app.push_screen(ClaimForm(data, "Gold claim (edit, then ctrl+s takes it)"), done)

    def action_curation_note(self) -> None:
        """Write the note: on a decided item it is stored at once, else with the decision."""
        row = self._current()
        if row is None:
            return
        before = (str(row.decision.get("note", "")) if isinstance(row, Decided)
                  else self.pending_notes.get(row.id, ""))

        def done(note: str | None) -> None:
            if note is None:
                return
            if isinstance(row, Decided):
                try:
                    self.curation.set_note(row, note)
                except (StoreError, KeyError, ValueError) as error:
                    self.notify(f"Could not store the note: {clean_line(str(error))}",
                                markup=False, severity="error", timeout=8)
                    return
                self.changed = True
                self._reload(keep=_row_id(row))
            else:
                self.pending_notes[row.id] = note
                self._show_versions()

        self.app.push_screen(NoteDialog(before), done)

    def action_curation_reopen(self) -> None:
        """Undo the decision on this item."""
        row = self._current()
        if not isinstance(row, Decided):
            self.notify("This item is not decided yet.", markup=False, timeout=2)
            return
        try:
            self.curation.reopen(row)
        except (StoreError, KeyError, ValueError) as error:
            self.notify(f"Could not reopen: {clean_line(str(error))}", markup=False,
                        severity="error", timeout=8)
            return
        self.changed = True
        self._reload(keep=row.item.id if row.item.claims else None)
        self.notify("Reopened: its gold claims are gone.", markup=False, timeout=2)

    def action_curation_every(self) -> None:
        """Compare every annotator with claims here (again: only those who marked it done)."""
        self.curation.every_annotator = not self.curation.every_annotator
        self._reload(merge=True)

    # -- moving ------------------------------------------------------------------
    def action_curation_down(self) -> None:
        """Next item."""
        self.query_one("#cur-items", DataTable).action_cursor_down()

    def action_curation_up(self) -> None:
        """Previous item."""
        self.query_one("#cur-items", DataTable).action_cursor_up()

    def action_curation_next_version(self) -> None:
        """The next annotator's version."""
        row = self._current()
        if row is not None and _item(row).claims:
            self.version = min(self.version + 1, len(_item(row).claims) - 1)
            self.query_one("#cur-versions", DataTable).move_cursor(row=self.version)

    def action_curation_prev_version(self) -> None:
        """The previous annotator's version."""
        if self._current() is not None:
            self.version = max(self.version - 1, 0)
            self.query_one("#cur-versions", DataTable).move_cursor(row=self.version)

    def action_curation_close(self) -> None:
        """Back to the article, at the item under the cursor."""
        row = self._current()
        offset = _item(row).start if row is not None and _item(row).claims else None
        self.dismiss(CurationResult(self.changed, offset))


def _item(row: Item | Decided) -> Item:
    return row.item if isinstance(row, Decided) else row


def _row_id(row: Item | Decided) -> str:
    return str(row.decision["id"]) if isinstance(row, Decided) else row.id
