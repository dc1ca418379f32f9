"""The status line under the article: where the reader is and what is going on, one fact per
reactive field, so whoever changes a fact sets that field and the line redraws itself
(toolong binds its footer the same way)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from reader.wording import plural


class StatusLine(Static):
    """`1/3 · 40% · 12 entities · 2 claims · NER … · UNSAVED … · store: annotations/`."""

    place = reactive("")
    """Which article of how many (and the duplicate texts merged at load)."""
    percent = reactive(0)
    """How far into the article the cursor is."""
    page = reactive("")
    """`p. 3/12` for an article from a PDF, else ''."""
    entities = reactive(0)
    claims = reactive(0)
    ner = reactive("")
    """What NER is doing, or what it found."""
    work = reactive("")
    """A large corpus loading or entering the store."""
    unsaved = reactive(0)
    """Claim changes not saved yet (being retried)."""
    source_changed = reactive(False)
    """The article's file changed on disk since it was loaded."""
    sync = reactive("")
    """The word on syncing with the team server ('' when the store syncs nowhere)."""
    sync_pending = reactive(0)
    """Claim changes made since the last sync."""
    access = reactive("")
    """`READ-ONLY` or `FILE UNREADABLE`, else ''."""
    store = reactive("")
    """Which store is open, short."""

    def render(self) -> Text:
        """The facts joined by `·`, in a fixed order."""
        parts = [self.place, f"{self.percent}%", *([self.page] if self.page else []),
                 plural(self.entities, "entity"), plural(self.claims, "claim")]
        if self.ner:
            parts.append(self.ner)
        if self.work:
            parts.append(self.work)
        if self.unsaved:
            parts.append(f"UNSAVED: {self.unsaved} (retrying)")
        if self.source_changed:
            parts.append("SOURCE CHANGED")
        if self.sync:
            pending = self.sync_pending
            parts.append(self.sync + (f", {plural(pending, 'change')} pending" if pending > 0
                                      else ""))
        if self.access:
            parts.append(self.access)
        parts.append(f"store: {self.store}")
        return Text(" · ".join(parts))
