"""The Suggestions tab and review mode: claims the reader proposes, stepped through like
Prodigy (`a` accept, `x` reject, `space` skip, `backspace` back)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from reader.keys import bindings_for
from reader.text.sanitize import clean_line
from reader.widgets.article_view import Overlay
from reader.widgets.claims_panel import quote_start
from reader.wording import plural, shorten

if TYPE_CHECKING:
    from reader.screens.main import MainScreen


class SuggestionsTable(DataTable[Text]):
    """The suggestions, a row each; `enter` starts review mode at the row."""

    BINDINGS = bindings_for("suggestions")

    class ReviewFrom(Message):
        """Start review mode at this row."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def action_suggestion_review(self) -> None:
        """Review from the suggestion in the cursor row."""
        if self.row_count:
            self.post_message(self.ReviewFrom(self.cursor_row))


class SuggestionsPanel(Vertical):
    """Suggested claims of the current article."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.items: list[dict[str, Any]] = []
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

    def show(self, items: list[dict[str, Any]] | None, status: str = "") -> None:
        """Show these suggestions (None: not computed yet), from the first."""
        self.position = 0
        self._fill(items, status)

    def sync(self, screen: MainScreen, *, force: bool = False) -> None:
        """Show the article's suggestions that no claim covers: a claim made (or undone)
        since they were computed hides (or brings back) the suggestion under it. `force`
        redraws even when nothing changed (another article's were shown)."""
        app = screen.reader_app
        known = app.suggestions.get(screen.article.id)
        if known is None or self.computing:
            return
        covered = _merged([(c["start"], c["end"]) for c in screen.visible_claims()
                           if c.get("status") != "orphaned"])
        visible = [i for i in known if not _overlaps(covered, i["start"], i["end"])]
        if visible == self.items and not force:
            return
        current = self.items[self.position] if self.items else None
        if current in visible:
            self.position = visible.index(current)
        else:
            self.position = min(self.position, max(0, len(visible) - 1))
        self._fill(visible)

    def _fill(self, items: list[dict[str, Any]] | None, status: str = "") -> None:
        self.items = list(items or [])
        table = self.query_one("#suggestions-table", DataTable)
        table.clear()
        for item in self.items:
            table.add_row(
                Text(clean_line(str(item.get("label", "")))),
                Text(shorten(clean_line(str(item.get("reason", ""))), 60)),
                Text(quote_start(str(item.get("speaker") or ""), 20)),
                Text(quote_start(str(item.get("text", "")), 50)),
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
            Overlay(int(item["start"]), int(item["end"]), "suggestion",
                    str(item.get("label", "")), item)
            for item in self.items
        ]

    # -- review mode ---------------------------------------------------------------------
    def compute(self, screen: MainScreen, *, then_review: bool = False) -> bool:
        """Compute the article's suggestions in a worker unless they are known; True when
        they are known already."""
        app = screen.reader_app
        article = screen.article
        if article.id in app.suggestions:
            if not self.reviewing:
                screen.show_claims()  # shows them (those no claim covers) and their marks
            return True
        if not self.computing:
            self.computing = True
            self.show([], "Computing suggestions (loading the parser)…")
            app.compute_suggestions(
                article, lambda: self._computed(screen, article.id, then_review),
                lambda done, total: self._progress(screen, article.id, done, total),
            )
        return False

    def on_suggestions_table_review_from(self, message: SuggestionsTable.ReviewFrom) -> None:
        """`enter` on a row: review mode, starting at that suggestion."""
        from reader.screens.main import MainScreen

        message.stop()
        screen = self.screen
        if isinstance(screen, MainScreen) and 0 <= message.row < len(self.items):
            self.position = message.row
            self.start_review(screen)

    def start_review(self, screen: MainScreen) -> None:
        """Enter review mode (computing the suggestions first if needed)."""
        if not self.compute(screen, then_review=True):
            screen.action_show_tab("suggestions")  # its progress line shows while it computes
            screen.view.focus()
            return
        screen.show_claims()  # the list as it stands: those no claim covers
        if not self.items:
            screen.notify("No suggestions to review.", markup=False, timeout=3)
            return
        self.reviewing = True
        screen.view.review_mode = True
        screen.view.refresh_bindings()
        screen.action_show_tab("suggestions")
        screen.view.focus()
        self.position = min(self.position, len(self.items) - 1)
        self._goto(screen)

    def _progress(self, screen: MainScreen, article_id: str, done: int, total: int) -> None:
        """How far the parse has gone, while the article is still on screen."""
        if self.computing and screen.article.id == article_id and total > 0:
            amount = (f"{done:,} of {total:,} characters" if total < 10_000
                      else f"{done // 1000:,} of {total // 1000:,} k characters")
            self.query_one("#suggestions-status", Static).update(Text(
                f"Computing suggestions… {100 * done // total} % ({amount})"))

    def _computed(self, screen: MainScreen, article_id: str, then_review: bool) -> None:
        self.computing = False
        app = screen.reader_app
        article = screen.article
        if article.id != article_id:
            # the user moved on; the suggestions wait in app.suggestions. If the tab is still
            # open, the article now shown gets its own.
            if screen.side_tab == "suggestions":
                self.compute(screen)
            return
        self.show(app.suggestions.get(article.id, []))
        screen.show_claims()
        if then_review:
            self.start_review(screen)

    def _goto(self, screen: MainScreen) -> None:
        if not self.items:
            self.stop_review(screen)
            screen.notify("Review finished: no suggestions left.", markup=False, timeout=3)
            return
        self.position %= len(self.items)
        item = self.items[self.position]
        screen.view.select_span(int(item["start"]), int(item["end"]))
        table = self.query_one("#suggestions-table", DataTable)
        if table.row_count:
            table.move_cursor(row=self.position)
        why = clean_line(str(item.get("reason", "")))
        speaker = clean_line(str(item.get("speaker") or "")) or "?"
        self.query_one("#suggestions-status", Static).update(Text(
            f"Review {self.position + 1}/{len(self.items)}: {item.get('label')} · speaker: "
            f"{speaker} · {why}   (a accept, x reject, space skip, backspace back, escape stop)"
        ))

    def review_step(self, screen: MainScreen, step: str) -> None:
        """Accept, reject, skip or go back."""
        if not self.reviewing or not self.items:
            return
        app = screen.reader_app
        item = self.items[self.position]
        if step == "accept":
            like = str(item.get("like") or "")  # a repeat: the note says of which claim
            screen.create_claim(int(item["start"]), int(item["end"]), str(item["label"]),
                                speaker=str(item.get("speaker") or ""),
                                note=f"Resembles {like}" if like else "")
            self.sync(screen)  # the claim covers it now (undone, it comes back)
        elif step == "reject":
            app.reject_suggestion(screen.article, item)
            self._remove(screen)
        elif step == "skip":
            self.position += 1
        elif step == "back":
            self.position -= 1
        self._goto(screen)

    def _remove(self, screen: MainScreen) -> None:
        """Forget the suggestion under review (rejected) for this session too."""
        app = screen.reader_app
        item = self.items[self.position]
        known = app.suggestions.get(screen.article.id, [])
        app.suggestions[screen.article.id] = [i for i in known if i is not item]
        self.sync(screen)
        screen.show_claims()

    def stop_review(self, screen: MainScreen) -> None:
        """Leave review mode (the status line says how many suggestions there are again)."""
        self.reviewing = False
        self._fill(self.items)
        screen.view.review_mode = False
        screen.view.clear_selection()
        screen.view.refresh_bindings()


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
