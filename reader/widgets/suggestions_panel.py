"""The Suggestions tab and review mode: claims the reader proposes, stepped through like
Prodigy (`a` accept, `x` reject, `space` skip, `backspace` back)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from reader import messages
from reader.keys import bindings_for
from reader.records import Claim, Suggestion
from reader.text.sanitize import clean_line
from reader.widgets.article_view import Overlay
from reader.widgets.claims_panel import quote_start
from reader.wording import plural, shorten


class SuggestionsTable(DataTable[Text]):
    """The suggestions, a row each; `enter` starts review mode at the row."""

    BINDINGS = bindings_for("suggestions")

    def action_suggestion_review(self) -> None:
        """Review from the suggestion in the cursor row."""
        if self.row_count:
            self.post_message(messages.ReviewFrom(self.cursor_row))


class SuggestionsPanel(Vertical):
    """Suggested claims of the current article."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.items: list[Suggestion] = []
        self.position = 0
        self.reviewing = False
        self.computing = False
        """Suggestions are being computed (not Textual's `loading`: its overlay would hide the
        progress line)."""

    def compose(self) -> ComposeResult:
        """A one-line status and the table."""
        yield Static(Text("Press R in the text to compute and review suggestions."),
                     id="suggestions-status")
        yield SuggestionsTable(id="suggestions-table", cursor_type="row")

    def on_mount(self) -> None:
        """Columns."""
        table = self.query_one("#suggestions-table", DataTable)
        table.add_columns("label", "why", "speaker", "text")

    def show(self, items: list[Suggestion] | None, status: str = "") -> None:
        """Show these suggestions (None: not computed yet), from the first."""
        self.position = 0
        self._fill(items, status)

    def sync(self, known: list[Suggestion] | None, claims: list[Claim], *,
             force: bool = False) -> None:
        """Show the article's suggestions (`known`, as computed) that none of its `claims`
        covers: a claim made (or undone) since they were computed hides (or brings back) the
        suggestion under it. `force` redraws even when nothing changed (another article's
        were shown)."""
        if known is None or self.computing:
            return
        covered = _merged([(c.start, c.end) for c in claims if c.status != "orphaned"])
        visible = [i for i in known if not _overlaps(covered, i.start, i.end)]
        if visible == self.items and not force:
            return
        current = self.items[self.position] if self.items else None
        if current in visible:
            self.position = visible.index(current)
        else:
            self.position = min(self.position, max(0, len(visible) - 1))
        self._fill(visible)

    def _fill(self, items: list[Suggestion] | None, status: str = "") -> None:
        self.items = list(items or [])
        table = self.query_one("#suggestions-table", DataTable)
        table.clear()
        for item in self.items:
            table.add_row(
                Text(clean_line(item.label)),
                Text(shorten(clean_line(item.reason), 60)),
                Text(quote_start(item.speaker, 20)),
                Text(quote_start(item.text, 50)),
            )
        if status:
            message = status
        elif items is None:
            message = "Press R in the text to compute and review suggestions."
        else:
            message = f"{plural(len(self.items), 'suggestion')}. R in the text reviews them."
        self.query_one("#suggestions-status", Static).update(Text(message))

    def overlays(self) -> list[Overlay]:
        """Dim marks for the text."""
        return [
            Overlay(item.start, item.end, "suggestion", item.label, item)
            for item in self.items
        ]

    # -- computing -------------------------------------------------------------------------
    def start_computing(self) -> None:
        """The suggestions are being computed: the status line says so until they come."""
        self.computing = True
        self.show([], "Computing suggestions (loading the parser)…")

    def progress(self, done: int, total: int) -> None:
        """How far the parse has gone (characters of the article)."""
        if self.computing and total > 0:
            amount = (f"{done:,} of {total:,} characters" if total < 10_000
                      else f"{done // 1000:,} of {total // 1000:,} k characters")
            self.query_one("#suggestions-status", Static).update(Text(
                f"Computing suggestions… {100 * done // total} % ({amount})"))

    # -- review mode -----------------------------------------------------------------------
    def begin_review(self) -> None:
        """Enter review mode at the current row (there is at least one suggestion)."""
        self.reviewing = True
        self.position = min(self.position, len(self.items) - 1)

    def review_current(self) -> Suggestion | None:
        """The suggestion under review, shown in the table and the status line; None when
        none is left."""
        if not self.items:
            return None
        self.position %= len(self.items)
        item = self.items[self.position]
        table = self.query_one("#suggestions-table", DataTable)
        if table.row_count:
            table.move_cursor(row=self.position)
        why = clean_line(item.reason)
        speaker = clean_line(item.speaker) or "?"
        self.query_one("#suggestions-status", Static).update(Text(
            f"Review {self.position + 1}/{len(self.items)}: {item.label} · speaker: "
            f"{speaker} · {why}   (a accept, x reject, space skip, backspace back, escape stop)"
        ))
        return item

    def review_step(self, step: str) -> None:
        """Accept, reject, skip or go back: posts what became of the suggestion."""
        if not self.reviewing or not self.items:
            return
        item = self.items[self.position]
        if step == "accept":
            self.post_message(messages.SuggestionAccepted(item))
            return
        if step == "reject":
            self.post_message(messages.SuggestionRejected(item))
            return
        self.position += 1 if step == "skip" else -1
        self.post_message(messages.ReviewMoved(self.items[self.position % len(self.items)]))

    def stop_review(self) -> None:
        """Leave review mode (the status line says how many suggestions there are again)."""
        self.reviewing = False
        self._fill(self.items)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted and merged where they overlap (a long article's many claims, searched by
    bisection rather than one by one for each suggestion)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlaps(merged: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether `[start, end)` overlaps one of the `merged` spans."""
    import bisect

    index = bisect.bisect_left(merged, (end, -1)) - 1  # the last span starting before `end`
    return index >= 0 and merged[index][1] > start
