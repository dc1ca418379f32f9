"""The claim form: label, speaker (completed from the article's entities), verdict,
check-worthy, note and tags. `ctrl+s` saves, `escape` cancels.

A guessed speaker (quick tags, accepted suggestions, the one the form starts with) is marked
"guessed"; saving the form confirms the speaker in its field (`speaker_confirmed`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, ListItem, ListView, Select, Static, TextArea

from reader.records import ClaimSource
from reader.sources import ROLES, STANCES, describe, make_source
from reader.text.sanitize import clean_line, sanitize
from reader.wording import shorten

CHECKWORTHY_CHOICES: list[tuple[str, str]] = [("unset", "unset"), ("yes", "true"),
                                               ("no", "false")]


@dataclass
class ClaimFormData:
    """What the form starts with and what it returns."""

    quote: str
    label: str
    labels: list[str]
    verdict: str = "unverified"
    verdicts: list[str] = field(default_factory=list)
    speaker: str = ""
    speaker_confirmed: bool = False
    """Whether the analyst confirmed `speaker`; a guessed one is marked in the form."""
    speakers: list[str] = field(default_factory=list)
    checkworthy: bool | int | float | None = None
    note: str = ""
    tags: list[str] = field(default_factory=list)
    sources: list[ClaimSource] = field(default_factory=list)
    open_source: ClaimSource | None = None
    """Set when the analyst pressed enter on a source: save, then open it as an article."""

    def values(self) -> dict[str, Any]:
        """The claim fields the form edits. Saving the form confirms the speaker in its field
        (the form opens on it); an empty field is no speaker, so nothing is confirmed."""
        return {
            "label": self.label,
            "verdict": self.verdict,
            "speaker": self.speaker,
            "speaker_confirmed": bool(self.speaker),
            "checkworthy": self.checkworthy,
            "note": self.note,
            "tags": self.tags,
            "sources": list(self.sources),
        }


def parse_tags(value: str) -> list[str]:
    """Comma-separated tags, trimmed, without duplicates, in order."""
    seen: list[str] = []
    for tag in value.split(","):
        tag = clean_line(tag).strip()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


class ClaimForm(ModalScreen[ClaimFormData | None]):
    """Edit one claim; dismisses with the new data, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("delete", "remove_source", "Remove source", show=False),
    ]

    def __init__(self, data: ClaimFormData, title: str = "Claim") -> None:
        super().__init__()
        self.data = data
        self.form_title = title

    def compose(self) -> ComposeResult:
        """The fields, in the order a fact-checker fills them."""
        data = self.data
        labels = list(dict.fromkeys([*data.labels, data.label]))
        verdicts = list(dict.fromkeys([*data.verdicts, data.verdict]))
        with VerticalScroll(id="claim-form"):
            yield Static(Text(self.form_title, style="bold"), id="form-title")
            yield Static(Text(shorten(clean_line(data.quote), 400), style="italic"),
                         id="form-quote")
            yield Label(Text("Label"))
            yield Select([(Text(name), name) for name in labels], value=data.label,
                         allow_blank=False, id="form-label")
            if data.speaker and not data.speaker_confirmed:
                yield Label(Text.assemble("Speaker ", ("guessed", "bold reverse"),
                                          " — saving confirms it; clear it if wrong"),
                            id="form-speaker-guessed")
            else:
                yield Label(Text("Speaker"))
            yield Input(value=data.speaker, placeholder="who makes the claim",
                        suggester=SuggestFromList(data.speakers, case_sensitive=False),
                        id="form-speaker")
            yield Label(Text("Verdict · check-worthy"))
            with Horizontal(id="form-row"):
                yield Select([(Text(v), v) for v in verdicts], value=data.verdict,
                             allow_blank=False, id="form-verdict")
                yield Select([(Text(label), value) for label, value in CHECKWORTHY_CHOICES],
                             value=_checkworthy_value(data.checkworthy), allow_blank=False,
                             id="form-checkworthy")
            yield Label(Text("Note"))
            yield TextArea(sanitize(data.note), id="form-note", soft_wrap=True)
            yield Label(Text("Tags (comma-separated)"))
            yield Input(value=", ".join(data.tags), id="form-tags")
            yield Label(Text("Sources — enter opens one, delete removes it"))
            yield ListView(*[_source_item(source) for source in data.sources],
                           id="form-sources")
            with Horizontal(id="form-source-row"):
                yield Input(placeholder="add a source: URL or article id, then enter",
                            id="form-source-ref")
                yield Select([(Text(role), role) for role in ROLES], value=ROLES[0],
                             allow_blank=False, id="form-source-role")
                yield Select([(Text(stance), stance) for stance in STANCES], value=STANCES[0],
                             allow_blank=False, id="form-source-stance")
            yield Static(Text("ctrl+s save · escape cancel · tab next field", style="dim"))

    def on_mount(self) -> None:
        """Start on the speaker: the label is usually right already."""
        self.query_one("#form-speaker", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the source field adds the source (fetched once the claim is saved)."""
        if event.input.id != "form-source-ref" or not event.value.strip():
            return
        event.stop()
        source = make_source(
            event.value,
            role=str(self.query_one("#form-source-role", Select).value),
            stance=str(self.query_one("#form-source-stance", Select).value),
        )
        self.data.sources.append(source)
        self.query_one("#form-sources", ListView).append(_source_item(source))
        event.input.value = ""

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        """Enter on a source: save the claim and open the source as an article."""
        index = event.list_view.index
        if index is not None and 0 <= index < len(self.data.sources):
            self.data.open_source = self.data.sources[index]
            self.action_save()

    def action_remove_source(self) -> None:
        """Remove the highlighted source (when the sources list has the focus)."""
        view = self.query_one("#form-sources", ListView)
        index = view.index
        if self.focused is view and index is not None and 0 <= index < len(self.data.sources):
            del self.data.sources[index]
            view.remove_items([index])

    def action_save(self) -> None:
        """Return the edited values."""
        data = self.data
        data.label = str(self.query_one("#form-label", Select).value)
        data.verdict = str(self.query_one("#form-verdict", Select).value)
        data.speaker = clean_line(self.query_one("#form-speaker", Input).value).strip()
        checkworthy = self.query_one("#form-checkworthy", Select).value
        data.checkworthy = {"true": True, "false": False}.get(str(checkworthy))
        data.note = sanitize(self.query_one("#form-note", TextArea).text)
        data.tags = parse_tags(self.query_one("#form-tags", Input).value)
        self.dismiss(data)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


def _source_item(source: ClaimSource) -> ListItem:
    return ListItem(Label(Text(describe(source))))


def _checkworthy_value(value: bool | int | float | None) -> str:
    if value is None:
        return "unset"
    return "true" if value else "false"
