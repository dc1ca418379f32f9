"""The article view: a line-API `ScrollView` that renders only the visible lines of a text.

It owns the cursor, the selection, the search and what is drawn over the text (entities,
claims, suggestions). It never edits claims itself: it posts messages, and the screen that owns
the store acts on them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader import messages
from reader.keys import bindings_for
from reader.records import Entity
from reader.text.segment import Sentences, next_grapheme, next_word, prev_word
from reader.widgets.styles import (
    TEXT_CONTRAST,
    VIEW_PARTS,
    ViewStyles,
    claim_colour,
    contrast,
)
from reader.widgets.wrap import WrapLayout

MARGIN = 2
"""Cells at the left of each line: a mark where a claim or suggestion is."""

_NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True)
class Overlay:
    """A claim or suggestion drawn over the text."""

    start: int
    end: int
    kind: str
    """`claim` or `suggestion`."""
    label: str
    ref: Any = None
    mark: str = ""
    """A colleague's claim: their mark (the Annotators tab is the legend); '' for mine."""


class ArticleView(ScrollView, can_focus=True):
    """The text of one article, word-wrapped, with a cursor that is always visible."""

    BINDINGS = [
        *bindings_for("review"),
        *bindings_for("article"),
    ]

    COMPONENT_CLASSES = {f"article-view--{part}" for part in VIEW_PARTS}
    """Styled in `styles/reader.tcss` with theme variables."""

    class CursorMoved(Message):
        """The cursor or the scroll position changed."""

        def __init__(self, view: ArticleView) -> None:
            super().__init__()
            self.view = view

    review_mode: reactive[bool] = reactive(False, bindings=True, layout=False, repaint=False)
    """Reviewing suggestions: the review keys work (and the footer shows them)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.text = ""
        self.title_end = 0
        """The text's first line is its title up to here: shown as the heading."""
        self.cursor = 0
        self._goal_cell: int | None = None
        self._anchor: tuple[int, int] | None = None
        self._exact_cursor = -1
        """While the cursor stays here, the selection is exactly the anchor (select_span)."""
        self.entities: list[Entity] = []
        self._entity_starts: list[int] = []
        self.hidden_labels: set[str] = set()
        self.show_labels = False
        self.overlays: list[Overlay] = []
        self._overlay_starts: list[int] = []
        self.claim_colours: dict[str, str] = {}
        self.search_query = ""
        self.matches: list[tuple[int, int]] = []
        self._match_starts: list[int] = []
        self.sentences = Sentences("")
        self._layout: WrapLayout | None = None
        self._center_on_layout = False
        """A text loaded before the view had a size: centre its cursor once it has one."""
        self._styles: ViewStyles | None = None

    # -- content ---------------------------------------------------------------------------
    def load(self, text: str, *, cursor: int = 0, title_end: int = 0) -> None:
        """Show a new text with the cursor at `cursor`; `text[:title_end]` is its title."""
        self.text = text
        self.title_end = title_end
        self.sentences = Sentences(text)
        self.entities = []
        self._entity_starts = []
        self.overlays = []
        self._overlay_starts = []
        self.matches = []
        self._match_starts = []
        self.search_query = ""
        self._anchor = None
        self.cursor = max(0, min(cursor, max(0, len(text) - 1)))
        self._layout = None
        self._center_on_layout = True
        if self.size.width:  # laid out already: wrap now (else at the first size it gets)
            self._relayout()
            self._ensure_cursor_visible(center=True)
            self._center_on_layout = False
        self.refresh()

    def set_entities(self, entities: Iterable[Entity]) -> None:
        """Replace the highlighted entities."""
        self.entities = sorted(entities)
        self._entity_starts = [entity.start for entity in self.entities]
        if self.show_labels:
            self._relayout()
        self.refresh()

    def set_overlays(self, overlays: Iterable[Overlay]) -> None:
        """Replace the claims and suggestions drawn over the text."""
        self.overlays = sorted(overlays, key=lambda o: (o.start, -o.end))
        self._overlay_starts = [overlay.start for overlay in self.overlays]
        self.refresh()

    def set_hidden_labels(self, labels: set[str]) -> None:
        """Hide the highlights of these entity labels."""
        self.hidden_labels = set(labels)
        if self.show_labels:
            self._relayout()
        self.refresh()

    # -- geometry ----------------------------------------------------------------------------
    @property
    def text_width(self) -> int:
        """Cells available for text on each line."""
        region = self.scrollable_content_region
        width = region.width
        if (not self.show_vertical_scrollbar and self.styles.overflow_y == "auto"
                and len(self.text) > width * region.height):
            # more lines than fit, whatever the wrap: the scrollbar is about to take its
            # column, so wrap once at the narrower width rather than twice
            width -= self.styles.scrollbar_size_vertical
        return max(10, width - MARGIN - 1)

    @property
    def wrap(self) -> WrapLayout:
        """The wrap layout at the current width."""
        if self._layout is None or self._layout.width != self.text_width:
            self._relayout()
        assert self._layout is not None
        return self._layout

    def _label_inserts(self) -> dict[int, int]:
        if not self.show_labels:
            return {}
        return {
            entity.end: len(entity.label) + 1
            for entity in self.entities
            if entity.label not in self.hidden_labels
        }

    def _relayout(self) -> None:
        gap = "\n\n" not in self.text
        self._layout = WrapLayout(self.text, self.text_width, self._label_inserts(), gap)
        self.virtual_size = Size(self.text_width + MARGIN, self._layout.height)

    def on_resize(self) -> None:
        """Re-wrap at a new width and keep the cursor in view (centred after a load that came
        before the first size). A change of height alone keeps the wrap: a 1 MB text takes
        0.1 s to wrap."""
        if self._layout is None or self._layout.width != self.text_width:
            self._relayout()
        self._ensure_cursor_visible(center=self._center_on_layout)
        self._center_on_layout = False
        self.refresh()

    @property
    def position_percent(self) -> int:
        """How far through the article the cursor is."""
        if not self.text:
            return 100
        return round(100 * self.cursor / max(1, len(self.text) - 1))

    # -- selection -------------------------------------------------------------------------
    def _unit_at(self, pos: int) -> tuple[int, int]:
        """The run of non-space characters starting at `pos` (or the one character there)."""
        match = _NON_SPACE.match(self.text, pos)
        if match:
            return pos, match.end()
        return pos, min(len(self.text), next_grapheme(self.text, pos))

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected span `(start, end)`, end exclusive, trimmed of surrounding spaces."""
        if self._anchor is None:
            return None
        if self.cursor == self._exact_cursor:
            start, end = self._anchor
        else:
            cursor_unit = self._unit_at(self.cursor)
            start = min(self._anchor[0], cursor_unit[0])
            end = max(self._anchor[1], cursor_unit[1])
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        return start, end

    def select_span(self, start: int, end: int) -> None:
        """Select `[start, end)` with the cursor at its last word; a span out of view is
        scrolled to a third from the top (its context around it), as search results are."""
        self._anchor = (start, end)
        last = end - 1
        while last > start and not self.text[last - 1].isspace():
            last -= 1
        self._exact_cursor = last
        self._move(last, keep_goal=False, center=True)

    def clear_selection(self) -> None:
        """Forget the selection."""
        self._anchor = None
        self.refresh()

    # -- cursor movement --------------------------------------------------------------------
    def move_to(self, offset: int, *, center: bool = False) -> None:
        """Put the cursor at `offset` and scroll it into view."""
        self._move(offset, keep_goal=False, center=center)

    def _move(self, offset: int, *, keep_goal: bool = False, center: bool = False) -> None:
        if not self.text:
            return
        before = self._cursor_region()
        scroll = self.scroll_y
        self.cursor = max(0, min(offset, len(self.text) - 1))
        if not keep_goal:
            self._goal_cell = None
        self._ensure_cursor_visible(center=center)
        if self.scroll_y != scroll or self._layout is None:
            self.refresh()
        else:
            after = self._cursor_region()
            first = self._layout.line_of(min(before[0], after[0]))
            last = self._layout.line_of(max(before[1], after[1]))
            self.refresh_lines(first, last - first + 1)
        self.post_message(self.CursorMoved(self))

    def _cursor_region(self) -> tuple[int, int]:
        """Offsets whose look depends on the cursor: its sentence, itself, the selection."""
        start, end = self.sentences.span_at(self.cursor)
        low = min(start, self.cursor)
        high = max(end, next_grapheme(self.text, self.cursor))
        selection = self.selection
        if selection is not None:
            low, high = min(low, selection[0]), max(high, selection[1])
        return low, high

    def _ensure_cursor_visible(self, center: bool = False) -> None:
        if self._layout is None:
            return
        # force: right after the first wrap the scrollbar is not shown yet, and Textual
        # refuses to scroll a view without one (the position is clamped to the text either way)
        line = self._layout.line_of(self.cursor)
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if center and not (top <= line < top + height):
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True, force=True)
        elif line < top:
            self.scroll_to(y=line, animate=False, immediate=True, force=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True, force=True)

    def _cell_of(self, offset: int) -> int:
        line = self.wrap.line_of(offset)
        start, _end = self.wrap.span(line)
        from rich.cells import cell_len

        return cell_len(self.text[start:offset].replace("\t", " "))

    def _offset_at_cell(self, line: int, cell: int) -> int:
        from rich.cells import split_graphemes

        start, end = self.wrap.span(line)
        spans, _ = split_graphemes(self.text[start:end].replace("\t", " "))
        used = 0
        for g_start, _g_end, cells in spans:
            if used + cells > cell:
                return start + g_start
            used += cells
        if end > start and spans:
            last_start = start + spans[-1][0]
            if self.text[last_start].isspace() and end - 1 > start:
                return last_start
            return last_start
        return start

    def _move_lines(self, delta: int) -> None:
        layout = self.wrap
        line = layout.line_of(self.cursor)
        target = max(0, min(layout.height - 1, line + delta))
        step = 1 if delta > 0 else -1
        probe = target
        while 0 <= probe < layout.height and layout.is_empty(probe):
            probe += step
        if not 0 <= probe < layout.height:
            probe = target
            while 0 <= probe < layout.height and layout.is_empty(probe):
                probe -= step
        if not 0 <= probe < layout.height:
            return
        target = probe
        if self._goal_cell is None:
            self._goal_cell = self._cell_of(self.cursor)
        goal = self._goal_cell
        self._move(self._offset_at_cell(target, goal), keep_goal=True)

    # -- actions: movement -------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        """Cursor down a line."""
        self._move_lines(1)

    def action_cursor_up(self) -> None:
        """Cursor up a line."""
        self._move_lines(-1)

    def action_word_right(self) -> None:
        """Next word."""
        self._move(next_word(self.text, self.cursor))

    def action_word_left(self) -> None:
        """Previous word."""
        self._move(prev_word(self.text, self.cursor))

    def action_sentence_next(self) -> None:
        """Next sentence."""
        target = self.sentences.next_start(self.cursor)
        if target is not None:
            self._move(target)

    def action_sentence_prev(self) -> None:
        """Previous sentence."""
        target = self.sentences.prev_start(self.cursor)
        if target is not None:
            self._move(target)

    def action_page_down(self) -> None:
        """Page down: the cursor moves a screen's height of lines."""
        height = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_y + height, animate=False, immediate=True)
        self._move_lines(height)

    def action_page_up(self) -> None:
        """Page up."""
        height = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=max(0, self.scroll_y - height), animate=False, immediate=True)
        self._move_lines(-height)

    def action_top(self) -> None:
        """Top of the article (its title line, when the text begins with one)."""
        self._move(0)
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_bottom(self) -> None:
        """Bottom of the article: the start of the last word."""
        self._move(prev_word(self.text, len(self.text)))

    def _visible_entities(self) -> list[Entity]:
        return [e for e in self.entities if e.label not in self.hidden_labels]

    def action_next_entity(self) -> None:
        """Next entity (of the labels shown)."""
        index = bisect_right(self._entity_starts, self.cursor)
        for entity in self.entities[index:]:
            if entity.label not in self.hidden_labels:
                self._move(entity.start)
                return
        self.notify("No more entities after the cursor.", markup=False, timeout=2)

    def action_prev_entity(self) -> None:
        """Previous entity."""
        index = bisect_left(self._entity_starts, self.cursor)
        for entity in reversed(self.entities[:index]):
            if entity.label not in self.hidden_labels:
                self._move(entity.start)
                return
        self.notify("No entities before the cursor.", markup=False, timeout=2)

    # -- search ------------------------------------------------------------------------------
    def action_search(self) -> None:
        """Ask the screen for a search query."""
        self.post_message(messages.OpenSearch())

    def set_search(self, query: str) -> int:
        """Highlight every match of `query` (case-insensitive) and go to the next one."""
        self.search_query = query
        self.matches = []
        if query:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            self.matches = [(m.start(), m.end()) for m in pattern.finditer(self.text)]
        self._match_starts = [start for start, _ in self.matches]
        self.refresh()
        if self.matches:
            self._goto_match(forward=True, include_here=True)
        return len(self.matches)

    def _goto_match(self, *, forward: bool, include_here: bool = False) -> None:
        if not self.matches:
            if self.search_query:
                self.notify(f"Not found: {self.search_query}", markup=False, timeout=2)
            return
        starts = self._match_starts
        if forward:
            index = bisect_left(starts, self.cursor if include_here else self.cursor + 1)
            if index >= len(starts):
                index = 0
                self.notify("Search wrapped to the top.", markup=False, timeout=2)
        else:
            index = bisect_left(starts, self.cursor) - 1
            if index < 0:
                index = len(starts) - 1
                self.notify("Search wrapped to the bottom.", markup=False, timeout=2)
        self._move(starts[index], center=True)

    def action_search_next(self) -> None:
        """Next search match."""
        self._goto_match(forward=True)

    def action_search_prev(self) -> None:
        """Previous search match."""
        self._goto_match(forward=False)

    # -- selection actions -------------------------------------------------------------------
    def action_select_sentence(self) -> None:
        """Select the sentence at the cursor."""
        start, end = self.sentences.span_at(self.cursor)
        if end > start:
            self.select_span(start, end)

    def action_start_selection(self) -> None:
        """Start a selection at the cursor; motions then extend it."""
        self._anchor = self._unit_at(self.cursor)
        self._exact_cursor = -1
        self.refresh()

    def action_swap_selection(self) -> None:
        """Swap the selection's ends."""
        selection = self.selection
        if self._anchor is None or selection is None:
            return
        cursor_unit = self._unit_at(self.cursor)
        if self.cursor > self._anchor[0]:
            new_cursor = self._anchor[0]
        else:
            new_cursor = selection[1] - 1
            while new_cursor > selection[0] and not self.text[new_cursor - 1].isspace():
                new_cursor -= 1
        self._anchor = cursor_unit
        self._exact_cursor = -1
        self._move(new_cursor)

    def action_clear_selection(self) -> None:
        """Clear the selection (or the search highlights when nothing is selected)."""
        if self._anchor is not None:
            self.clear_selection()
        elif self.matches:
            self.set_search("")

    # -- claims ---------------------------------------------------------------------------
    def claims_at(self, pos: int) -> list[Overlay]:
        """Claims containing `pos`, innermost (shortest) first."""
        found = [
            o for o in self.overlays if o.kind == "claim" and o.start <= pos < o.end
        ]
        return sorted(found, key=lambda o: (o.end - o.start, o.start))

    def claim_here(self) -> Overlay | None:
        """The innermost claim under the cursor."""
        found = self.claims_at(self.cursor)
        return found[0] if found else None

    def action_tag(self, number: int) -> None:
        """Tag the selection at once with label `number`."""
        selection = self.selection
        if selection is None:
            self.notify("Select a span first: s (sentence) or v (start a selection).",
                        markup=False, timeout=3)
            return
        self.post_message(messages.TagClaim(number, selection[0], selection[1]))

    def action_claim_form(self) -> None:
        """Open the claim form on the selection or on the claim under the cursor."""
        selection = self.selection
        if selection is not None:
            self.post_message(messages.NewClaim(selection[0], selection[1]))
            return
        claim = self.claim_here()
        if claim is not None:
            self.post_message(messages.EditClaim(claim.ref))
        else:
            self.notify("Select a span (s or v) or move onto a claim first.", markup=False,
                        timeout=3)

    def _claim_request(self, message: Callable[[str], Message]) -> None:
        claim = self.claim_here()
        if claim is None:
            self.notify("No claim under the cursor.", markup=False, timeout=2)
            return
        self.post_message(message(claim.ref))

    def action_jump_claim(self) -> None:
        """Show the claim under the cursor in the Claims panel."""
        self._claim_request(messages.ShowClaim)

    def action_delete_claim(self) -> None:
        """Delete the claim under the cursor."""
        self._claim_request(messages.DeleteClaim)

    def action_copy_claim(self) -> None:
        """Copy the claim under the cursor."""
        self._claim_request(messages.CopyClaim)

    def _claim_order(self) -> list[Overlay]:
        return [o for o in self.overlays if o.kind == "claim"]

    def _current_claim_index(self) -> int | None:
        here = self.claim_here()
        if here is None:
            return None
        for index, overlay in enumerate(self._claim_order()):
            if overlay is here:
                return index
        return None

    def action_next_claim(self) -> None:
        """Next claim in the text, one by one through overlapping claims too."""
        claims = self._claim_order()
        current = self._current_claim_index()
        if current is not None and current + 1 < len(claims):
            target = claims[current + 1]
        else:
            later = [o for o in claims if o.start > self.cursor]
            if not later:
                self.notify("No more claims after the cursor.", markup=False, timeout=2)
                return
            target = later[0]
        self._focus_claim(target)

    def action_prev_claim(self) -> None:
        """Previous claim in the text."""
        claims = self._claim_order()
        current = self._current_claim_index()
        if current is not None and current > 0:
            target = claims[current - 1]
        else:
            earlier = [o for o in claims if o.start < self.cursor]
            if not earlier:
                self.notify("No claims before the cursor.", markup=False, timeout=2)
                return
            target = earlier[-1]
        self._focus_claim(target)

    def _focus_claim(self, overlay: Overlay) -> None:
        """Put the cursor where `overlay` is the innermost claim under it."""
        for pos in range(overlay.start, overlay.end):
            found = self.claims_at(pos)
            if found and found[0] is overlay:
                self._move(pos)
                self.post_message(messages.ShowClaim(overlay.ref, quiet=True))
                return
        self._move(overlay.start)

    def action_toggle_labels(self) -> None:
        """Show or hide the entity label next to each entity."""
        self.show_labels = not self.show_labels
        self._relayout()
        self._ensure_cursor_visible()
        self.refresh()

    def action_entity_form(self) -> None:
        """Correct the entity under the cursor, or add the selection as an entity."""
        selection = self.selection
        entity = self.entity_at(self.cursor)
        self.post_message(messages.CorrectEntity(selection, entity))

    def entity_at(self, pos: int) -> Entity | None:
        """The entity containing `pos`."""
        index = bisect_right(self._entity_starts, pos) - 1
        while index >= 0:
            entity = self.entities[index]
            if entity.start <= pos < entity.end:
                return entity
            if entity.end <= pos and pos - entity.start > 500:
                break
            index -= 1
        return None

    def action_review(self) -> None:
        """Enter review mode over the suggestions."""
        self.post_message(messages.StartReview())

    # -- review mode keys (only while reviewing) ------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Review keys work only in review mode; there they win over the reading keys."""
        if action.startswith("review_"):
            return self.review_mode
        return True

    def action_review_accept(self) -> None:
        """Accept the current suggestion."""
        self.post_message(messages.ReviewStep("accept"))

    def action_review_reject(self) -> None:
        """Reject the current suggestion."""
        self.post_message(messages.ReviewStep("reject"))

    def action_review_skip(self) -> None:
        """Skip the current suggestion."""
        self.post_message(messages.ReviewStep("skip"))

    def action_review_back(self) -> None:
        """Back to the previous suggestion."""
        self.post_message(messages.ReviewStep("back"))

    def action_review_exit(self) -> None:
        """Leave review mode."""
        self.post_message(messages.ReviewStep("exit"))

    # -- rendering ---------------------------------------------------------------------------
    @property
    def view_styles(self) -> ViewStyles:
        """Styles for the current theme (the component classes of `styles/reader.tcss`),
        made again when the view's own style changes (a theme switch, focus)."""
        base = self.rich_style
        if self._styles is None or self._styles.base != base:
            self._styles = ViewStyles(base, {part: self._part_style(part, base)
                                             for part in VIEW_PARTS})
        return self._styles

    def _part_style(self, part: str, base: Style) -> Style:
        """A component class as a Rich style over `base`: translucent theme colours (such as
        `$primary 30%`) blended over the view's background, as Textual draws them."""
        styles = self.get_component_styles(f"article-view--{part}")
        ground = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
        background = ground + styles.background if styles.has_rule("background") else None
        colour = (background or ground) + styles.color if styles.has_rule("color") else None
        if background is not None:  # text on a highlight reads, or is black or white
            text = colour
            if text is None and base.color is not None:
                text = Color.from_rich_color(base.color)
            if text is None or contrast(text, background) < TEXT_CONTRAST:
                colour = background.get_contrast_text(1.0)
        return Style(color=colour.rich_color if colour else None,
                     bgcolor=background.rich_color if background else None) + styles.text_style

    def render_line(self, y: int) -> Strip:
        """One screen line: the margin mark, then the styled text."""
        width = self.scrollable_content_region.width
        line = int(self.scroll_y) + y
        layout = self.wrap
        base = self.rich_style
        if line >= layout.height or not self.text:
            return Strip.blank(width, base)
        start, end = layout.span(line)
        segments = self._margin(start, end, base)
        segments.extend(self._text_segments(start, end, base))
        strip = Strip(segments)
        return strip.crop_extend(0, width, base)

    def _margin(self, start: int, end: int, base: Style) -> list[Segment]:
        styles = self.view_styles
        claims = [o for o in self._overlays_in(start, end) if o.kind == "claim"]
        if claims:
            colour = claim_colour(claims[0].label, self.claim_colours)
            mark = next((o.mark for o in claims if o.mark), "") if not any(
                not o.mark for o in claims) else "▌"
            return [Segment(f"{mark[:1] or '▌'} ", base + styles.mark(colour))]
        if any(o.kind == "suggestion" for o in self._overlays_in(start, end)):
            return [Segment("· ", base + styles.margin)]
        return [Segment("  ", base)]

    def _overlays_in(self, start: int, end: int) -> list[Overlay]:
        stop = bisect_left(self._overlay_starts, max(end, start + 1))
        return [o for o in self.overlays[:stop] if o.end > start]

    def _entities_in(self, start: int, end: int) -> list[Entity]:
        index = bisect_left(self._entity_starts, start)
        while index > 0 and self.entities[index - 1].end > start:
            index -= 1
        found = []
        for entity in self.entities[index:]:
            if entity.start >= end:
                break
            if entity.end > start and entity.label not in self.hidden_labels:
                found.append(entity)
        return found

    def _text_segments(self, start: int, end: int, base: Style) -> list[Segment]:
        styles = self.view_styles
        text = self.text
        entities = self._entities_in(start, end)
        overlays = self._overlays_in(start, end)
        selection = self.selection
        cursor_end = next_grapheme(text, self.cursor)
        sentence = self.sentences.span_at(self.cursor)
        matches = self._matches_in(start, end)

        cuts = {start, end}
        spans: list[tuple[int, int, Style]] = []

        def add(span_start: int, span_end: int, style: Style) -> None:
            s, e = max(span_start, start), min(span_end, end)
            if s < e:
                cuts.add(s)
                cuts.add(e)
                spans.append((s, e, style))

        add(0, self.title_end, styles.title)
        add(sentence[0], sentence[1], styles.sentence)
        for overlay in overlays:
            if overlay.kind == "suggestion":
                add(overlay.start, overlay.end, styles.suggestion)
        for overlay in overlays:
            if overlay.kind == "claim":
                add(overlay.start, overlay.end, styles.claim)
        for entity in entities:
            add(entity.start, entity.end, styles.entity(entity.label))
        if selection is not None:
            add(selection[0], selection[1], styles.selection)
        for match_start, match_end in matches:  # over the selection: its text colour reads
            add(match_start, match_end, styles.match)  # on its own background only
        add(self.cursor, cursor_end, styles.cursor)

        tags: dict[int, str] = {}
        if self.show_labels:
            tags = {entity.end: entity.label for entity in entities if start < entity.end <= end}

        ordered = sorted(cuts)
        segments: list[Segment] = []
        for piece_start, piece_end in zip(ordered, ordered[1:], strict=False):
            style = base
            for s, e, extra in spans:
                if s <= piece_start and piece_end <= e:
                    style = style + extra
            piece = text[piece_start:piece_end].replace("\t", " ")
            segments.append(Segment(piece, style))
            if piece_end in tags:
                label = tags[piece_end]
                segments.append(Segment(" " + label, base + styles.tag + styles.entity(label)))
        return segments

    def _matches_in(self, start: int, end: int) -> Sequence[tuple[int, int]]:
        if not self.matches:
            return ()
        starts = self._match_starts
        index = max(0, bisect_left(starts, start) - 1)
        return [m for m in self.matches[index:bisect_left(starts, end)] if m[1] > start]
