"""The entity form: correct the model's entity under the cursor, or add a missing one.

Flow (`m` in the article text):

- cursor on an entity, nothing selected: relabel it or delete it;
- to fix an entity's boundaries: select the right span (`v` and motions, or `s`) so that it
  overlaps the entity, then `m`: the action "set its boundaries to the selection" is chosen;
- a selection that overlaps no entity: add it as an entity with the label chosen;
- cursor where a correction acted (also a deleted entity): `m`, then `ctrl+u` reverts to the
  model, removing every correction record that affects this spot (a rule: all its mentions).

Scope: this mention, every identical string in the article, or in the whole corpus; a rule is
ONE record, so reverting it undoes every mention at once. `ctrl+s` applies, `escape` cancels.
Corrections never touch the model's output: they are stored apart (per article, corpus rules
in the store's index) and laid over the entities each time they are shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from reader.corrections import CorrectionError, find_anchor, make_correction, rule_matches
from reader.records import Correction, Entity
from reader.store.errors import StoreError
from reader.text.sanitize import clean_line
from reader.wording import plural, shorten

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from reader.session import OpenArticle, ReaderSession
    from reader.workspace import Workspace

__all__ = [
    "SPACY_LABELS",
    "EntityForm",
    "EntityFormData",
    "EntityFormResult",
    "EntityTarget",
    "NoEntityForm",
    "apply_result",
    "correction_spans",
    "corrections_affecting",
    "describe_correction",
    "entity_form_for",
    "label_choices",
]

SPACY_LABELS: tuple[str, ...] = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)
"""spaCy's English entity labels (OntoNotes), in its documentation's order."""

ACTION_NAMES: dict[str, str] = {
    "relabel": "Relabel",
    "delete": "Delete: not an entity",
    "rebound": "Set its boundaries to the selection",
    "add": "Add the selection as an entity",
}
SCOPE_NAMES: dict[str, str] = {
    "mention": "this mention only",
    "article": "all mentions in this article",
    "corpus": "all mentions in the corpus",
}
HELP = (
    "ctrl+s apply · ctrl+u revert to model (removes the corrections listed) · escape cancel. "
    "To fix boundaries: escape, select the right span with v + motions over the entity, "
    "then m."
)


@dataclass
class EntityFormData:
    """What the form shows: the span, the choices and the corrections already acting here."""

    text: str
    """The entity's (or the selection's) surface text."""
    label: str
    labels: list[str]
    actions: list[str]
    action: str
    selection_text: str = ""
    existing: list[str] = field(default_factory=list)
    """One line per correction affecting this spot (what ctrl+u removes)."""
    corpus_scope: bool = True


@dataclass(frozen=True)
class EntityFormResult:
    """What the analyst chose: an action (or `revert`), a label and a scope."""

    action: str
    label: str = ""
    scope: str = "mention"


def label_choices(seen: Iterable[str]) -> list[str]:
    """spaCy's labels, then any other label seen, sorted."""
    extra = sorted({label for label in seen if label and label not in SPACY_LABELS})
    return [*SPACY_LABELS, *extra]


def correction_spans(corr: Correction, text: str) -> list[tuple[int, int]]:
    """The spans of `text` a correction acts on (the old span and, for a rebound, the new)."""
    start, end = corr.start, corr.end
    shift_start = corr.new_start - start if corr.new_start is not None else 0
    shift_end = corr.new_end - end if corr.new_end is not None else 0
    rebound = corr.action == "rebound"
    if (corr.scope or "mention") == "mention":
        anchor = find_anchor(corr, text)
        found = [anchor] if anchor is not None else []
    else:
        found = rule_matches(text, corr.text)
    spans: list[tuple[int, int]] = []
    for s, e in found:
        spans.append((s, e))
        if rebound:
            spans.append((s + shift_start, e + shift_end))
    return spans


def corrections_affecting(
    corrections: Iterable[Correction], text: str, start: int, end: int
) -> list[Correction]:
    """The corrections acting on any span that overlaps `start:end`."""
    return [
        corr
        for corr in corrections
        if any(s < end and start < e for s, e in correction_spans(corr, text))
    ]


def describe_correction(corr: Correction) -> str:
    """One plain line: what a correction does and where."""
    action = clean_line(corr.action or "?")
    surface = shorten(clean_line(corr.text), 40)
    label = clean_line(corr.label or "")
    scope = SCOPE_NAMES.get(corr.scope or "mention", "?")
    what = {
        "relabel": f"relabel “{surface}” as {label}",
        "delete": f"delete “{surface}”",
        "rebound": f"new boundaries for “{surface}”" + (f" ({label})" if label else ""),
        "add": f"add “{surface}” as {label}",
    }.get(action, f"{action} “{surface}”")
    return f"{what} — {scope}"


class EntityForm(ModalScreen[EntityFormResult | None]):
    """Choose a correction; dismisses with an `EntityFormResult`, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("ctrl+u", "revert", "Revert to model", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, data: EntityFormData) -> None:
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        """The span, then action, label and scope; what already acts here; the keys."""
        data = self.data
        with VerticalScroll(id="entity-form"):
            yield Static(Text("Entity correction", style="bold"), id="entity-title")
            heading = Text("“" + shorten(clean_line(data.text), 200) + "”", style="italic")
            if data.label and data.actions and data.actions[0] != "add":
                heading.append(f"  {clean_line(data.label)}", style="bold")
            yield Static(heading, id="entity-text")
            if data.selection_text and data.selection_text != data.text:
                yield Static(
                    Text("selection: “" + shorten(clean_line(data.selection_text), 200) + "”"),
                    id="entity-selection",
                )
            if data.actions:
                yield Label(Text("Action"))
                yield Select(
                    [(Text(ACTION_NAMES[a]), a) for a in data.actions],
                    value=data.action,
                    allow_blank=False,
                    id="entity-action",
                )
                yield Label(Text("Label"))
                labels = list(dict.fromkeys([*data.labels, data.label]))
                yield Select(
                    [(Text(clean_line(name)), name) for name in labels],
                    value=data.label,
                    allow_blank=False,
                    id="entity-label",
                )
                yield Label(Text("Apply to"))
                scopes = [s for s in SCOPE_NAMES if s != "corpus" or data.corpus_scope]
                yield Select(
                    [(Text(SCOPE_NAMES[s]), s) for s in scopes],
                    value="mention",
                    allow_blank=False,
                    id="entity-scope",
                )
            if data.existing:
                lines = Text("Corrections here (ctrl+u removes them):", style="bold")
                for line in data.existing:
                    lines.append("\n  • " + line, style="")
                yield Static(lines, id="entity-existing")
            yield Static(Text(HELP, style="dim"), id="entity-help")

    def on_mount(self) -> None:
        """Start on the action."""
        if self.data.actions:
            self.query_one("#entity-action", Select).focus()

    def action_apply(self) -> None:
        """Return the chosen correction."""
        if not self.data.actions:
            self.notify("Nothing to apply here; ctrl+u reverts, escape closes.",
                        markup=False, timeout=3)
            return
        action = str(self.query_one("#entity-action", Select).value)
        label = str(self.query_one("#entity-label", Select).value)
        scope = str(self.query_one("#entity-scope", Select).value)
        self.dismiss(EntityFormResult(action, label, scope))

    def action_revert(self) -> None:
        """Remove the corrections affecting this spot."""
        if not self.data.existing:
            self.notify("No correction acts here: these are the model's entities.",
                        markup=False, timeout=3)
            return
        self.dismiss(EntityFormResult("revert"))

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


@dataclass
class EntityTarget:
    """What the form acts on in the article on screen."""

    entity: Entity | None
    selection: tuple[int, int] | None
    spot: tuple[int, int]
    affecting: list[tuple[bool, Correction]]
    """(is a corpus rule, record) for each correction acting on the spot."""


def _overlapping(entities: Sequence[Entity], start: int, end: int) -> list[Entity]:
    return [e for e in entities if e.start < end and start < e.end]


class NoEntityForm(Exception):
    """Why the entity form does not open, in one line, and how loud to say it."""

    def __init__(self, message: str, severity: SeverityLevel = "information",
                 timeout: float = 3) -> None:
        super().__init__(message)
        self.severity: SeverityLevel = severity
        self.timeout = timeout


def entity_form_for(
    workspace: Workspace,
    article: OpenArticle,
    shown: Sequence[Entity],
    cursor: int,
    selection: tuple[int, int] | None,
    entity: Entity | None,
) -> tuple[EntityFormData, EntityTarget]:
    """What the entity form offers for the entity under the cursor and/or the selection
    (`shown`: the entities on screen); raises `NoEntityForm` when there is nothing to do."""
    store = workspace.store
    if store.readonly or not article.in_store:
        why = store.readonly_reason or "the article is not in the store"
        raise NoEntityForm(f"Corrections cannot be saved: {why}.", "warning", 4)
    text = article.text
    if entity is None and selection is not None:
        near = _overlapping(shown, *selection)
        inside = [e for e in near if e.start <= cursor < e.end]
        candidates = inside or near
        entity = candidates[0] if candidates else None
    if entity is not None:
        spot = (entity.start, entity.end)
    elif selection is not None:
        spot = selection
    else:
        spot = (cursor, cursor + 1)
    try:
        article_corrections = store.corrections(article.id)
        corpus_rules = store.corpus_corrections()
    except (KeyError, StoreError, OSError) as error:
        raise NoEntityForm(f"Cannot read the corrections: {error}", "error", 5) from error
    affecting = [(False, c) for c in corrections_affecting(article_corrections, text, *spot)]
    affecting += [(True, c) for c in corrections_affecting(corpus_rules, text, *spot)]
    if selection is not None and entity is not None and selection != (entity.start, entity.end):
        actions = ["rebound", "relabel", "delete"]
    elif entity is not None:
        actions = ["relabel", "delete"]
    elif selection is not None:
        actions = ["add"]
    else:
        actions = []
    if not actions and not affecting:
        raise NoEntityForm("Move onto an entity, or select a span (v, s) to add one, then m.")
    seen = [e.label for e in shown]
    seen += [e.label for e in workspace.entities.get(article.id, [])]
    seen += [str(c.label) for c in [*article_corrections, *corpus_rules]]
    surface = text[spot[0]:spot[1]] if (entity is not None or selection is not None) else ""
    data = EntityFormData(
        text=surface,
        label=entity.label if entity is not None else SPACY_LABELS[0],
        labels=label_choices(seen),
        actions=actions,
        action=actions[0] if actions else "",
        selection_text=text[selection[0]:selection[1]] if selection is not None else "",
        existing=[describe_correction(c) for _, c in affecting],
    )
    return data, EntityTarget(entity, selection, spot, affecting)


def apply_result(session: ReaderSession, article: OpenArticle, target: EntityTarget,
                 result: EntityFormResult) -> str:
    """Store what the form chose; what to tell the analyst. Raises `NoEntityForm` when it
    was not saved."""
    text = article.text
    try:
        if result.action == "revert":
            session.change_corrections(article, [], list(target.affecting))
            removed = plural(len(target.affecting), "correction")
            return f"Reverted to the model: {removed} removed (u undoes)."
        corr = _make(target, result, text, session.annotator)
        session.change_corrections(article, [(result.scope == "corpus", corr)], [])
        return "Saved: " + describe_correction(corr) + " (u undoes)."
    except CorrectionError as error:
        raise NoEntityForm(f"Not saved: {error}", "warning", 5) from error
    except (KeyError, StoreError, OSError) as error:
        raise NoEntityForm(f"The correction was NOT saved: {error}", "error", 8) from error


def _make(target: EntityTarget, result: EntityFormResult, text: str,
          annotator: str) -> Correction:
    entity, selection = target.entity, target.selection
    action = result.action
    if action == "add":
        if selection is None:
            raise CorrectionError("select the span to add first")
        return make_correction("add", *selection, text, label=result.label,
                               scope=result.scope, annotator=annotator)
    if entity is None:
        raise CorrectionError("no entity here")
    if action == "rebound":
        if selection is None:
            raise CorrectionError("select the right span first (v and motions), then m")
        return make_correction("rebound", entity.start, entity.end, text, label=result.label,
                               new_start=selection[0], new_end=selection[1],
                               scope=result.scope, annotator=annotator)
    if action == "relabel":
        return make_correction("relabel", entity.start, entity.end, text, label=result.label,
                               scope=result.scope, annotator=annotator)
    return make_correction("delete", entity.start, entity.end, text, scope=result.scope,
                           annotator=annotator)
