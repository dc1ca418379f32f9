"""Analyst corrections to the model's named entities, kept apart from the model's output.

A correction is typed (`reader.records.Correction`) everywhere past the store, which converts
its stored dicts at its edge (`Store.corrections`, `save_correction`...): `make_correction`
returns one, `apply_corrections` and `find_anchor` take them (or stored records, converted at
their door: the colleagues' layers read pulled records). `apply_corrections` lays them over
whatever the model produced, so they survive re-running NER: each one is anchored by offsets
*and* surface text.

Record fields:

- `id`: unique string; `action`: `relabel` | `rebound` | `delete` | `add`
- `start`, `end`: the span the analyst acted on (end exclusive); `text`: its surface text
- `label`: the label to give (relabel, add, rebound; optional for rebound and delete)
- `new_start`, `new_end`: the new bounds (rebound only)
- `scope`: `mention` (this span only), `article` or `corpus` (a rule: every identical
  string in the article / in every article). A rule is one record, undone by deleting it.
- `created` (ISO time), `annotator`

Precedence: corpus rules, then article rules, then mention corrections, each group in
`created` order; a later correction wins where two disagree. A corrected span replaces every
model entity it overlaps, so the result never overlaps.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import msgspec

from reader.records import Correction, Entity

__all__ = [
    "ACTIONS",
    "SCOPES",
    "CorrectionError",
    "apply_corrections",
    "find_anchor",
    "inconsistent_labels",
    "make_correction",
    "remove_correction",
    "rule_matches",
    "typed",
]

ACTIONS: tuple[str, ...] = ("relabel", "rebound", "delete", "add")
SCOPES: tuple[str, ...] = ("mention", "article", "corpus")
_SCOPE_ORDER = {"corpus": 0, "article": 1, "mention": 2}


class CorrectionError(ValueError):
    """A correction record that cannot be made or applied (message for the user)."""


def make_correction(
    action: str,
    start: int,
    end: int,
    text: str,
    *,
    label: str | None = None,
    new_start: int | None = None,
    new_end: int | None = None,
    scope: str = "mention",
    annotator: str = "",
    created: str | None = None,
    correction_id: str | None = None,
) -> Correction:
    """A validated correction of the span `start:end` of the article `text`.

    `text` is the whole article text; the record keeps only the span's surface text.
    """
    if action not in ACTIONS:
        raise CorrectionError(f"unknown correction action {action!r}")
    if scope not in SCOPES:
        raise CorrectionError(f"unknown correction scope {scope!r}")
    if not 0 <= start < end <= len(text):
        raise CorrectionError(f"span {start}-{end} is outside the text")
    if action in ("relabel", "add") and not label:
        raise CorrectionError(f"a {action} correction needs a label")
    if action == "rebound":
        if new_start is None or new_end is None:
            raise CorrectionError("a rebound correction needs new bounds")
        if not 0 <= new_start < new_end <= len(text):
            raise CorrectionError(f"new span {new_start}-{new_end} is outside the text")
    else:
        new_start = new_end = None
    surface = text[start:end]
    if scope != "mention" and not surface.strip():
        raise CorrectionError("a rule needs a non-blank string to match")
    return Correction(
        id=correction_id or uuid.uuid4().hex,
        action=action,
        start=start,
        end=end,
        label=label,
        new_start=new_start,
        new_end=new_end,
        text=surface,
        scope=scope,
        created=created or datetime.now(UTC).isoformat(timespec="milliseconds"),
        annotator=annotator,
    )


def typed(correction: Correction | Mapping[str, Any]) -> Correction | None:
    """`correction` as the typed record; None for a record the class refuses (the store never
    keeps one: `reader.clean.correction_problems` asks the same)."""
    if isinstance(correction, Correction):
        return correction
    try:
        return Correction.from_record(correction)
    except msgspec.ValidationError:
        return None


def remove_correction(corrections: list[Correction], correction_id: str) -> list[Correction]:
    """The corrections without the one with `correction_id` (undo of a rule is one step)."""
    return [c for c in corrections if c.id != correction_id]


def rule_matches(text: str, surface: str) -> list[tuple[int, int]]:
    """Every whole-word occurrence of `surface` in `text` (case-sensitive), in order."""
    spans: list[tuple[int, int]] = []
    if not surface:
        return spans
    pos = text.find(surface)
    while pos != -1:
        end = pos + len(surface)
        if _word_bounded(text, pos, end):
            spans.append((pos, end))
        pos = text.find(surface, pos + 1)
    return spans


def find_anchor(correction: Correction | Mapping[str, Any], text: str) -> tuple[int, int] | None:
    """Where a mention correction applies: its offsets if the text there still matches, else
    the nearest occurrence of its surface text, else None (orphaned)."""
    corr = typed(correction)
    if corr is None:
        return None
    start, end, surface = corr.start, corr.end, corr.text
    if text[start:end] == surface:
        return start, end
    candidates = rule_matches(text, surface) or _all_matches(text, surface)
    if not candidates:
        return None
    return min(candidates, key=lambda span: (abs(span[0] - start), span[0]))


def apply_corrections(
    model_entities: Iterable[Entity], corrections: Iterable[Correction | Mapping[str, Any]],
    text: str,
) -> list[Entity]:
    """The entities to show: the model's, with every correction laid over them.

    Sorted by (start, end, label); deterministic; never overlapping where a correction acted.
    Corrections that no longer fit the text are skipped (see `find_anchor`).
    """
    state = _State(model_entities)
    ordered = sorted(
        (c for c in map(typed, corrections) if c is not None),
        key=lambda c: (_SCOPE_ORDER.get(c.scope or "", 2), c.created or ""),
    )  # stable: records made in the same instant keep their list (creation) order
    for correction in ordered:
        if correction.scope == "mention":
            _apply_mention(state, correction, text)
        else:
            _apply_rule(state, correction, text)
    return state.result()


def inconsistent_labels(entities: Iterable[Entity], text: str) -> dict[str, Counter[str]]:
    """Surface strings the entities label in more than one way, e.g. Borrell: PERSON 3, GPE 2."""
    by_text: dict[str, Counter[str]] = defaultdict(Counter)
    for entity in entities:
        by_text[entity.text_in(text)][entity.label] += 1
    return {
        surface: counts
        for surface, counts in sorted(by_text.items())
        if len(counts) > 1
    }


class _State:
    """The entity list being corrected; corrected spans are remembered so rules do not
    split them."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities: set[Entity] = set(entities)

    def put(self, start: int, end: int, label: str) -> None:
        """Make `start:end` an entity with `label`, replacing every entity it overlaps."""
        self.entities = {e for e in self.entities if not _overlaps(e, start, end)}
        self.entities.add(Entity(start, end, label))

    def at(self, start: int, end: int) -> list[Entity]:
        """Entities exactly at `start:end`."""
        return [e for e in self.entities if e.start == start and e.end == end]

    def overlapping(self, start: int, end: int) -> list[Entity]:
        """Entities overlapping `start:end`."""
        return [e for e in self.entities if _overlaps(e, start, end)]

    def drop(self, entities: Iterable[Entity]) -> None:
        """Remove these entities."""
        self.entities.difference_update(entities)

    def result(self) -> list[Entity]:
        """The entities, sorted."""
        return sorted(self.entities)


def _apply_mention(state: _State, correction: Correction, text: str) -> None:
    anchor = find_anchor(correction, text)
    if anchor is None:
        return
    start, end = anchor
    action, label = correction.action, correction.label
    if action in ("relabel", "add") and label:
        state.put(start, end, label)
    elif action == "delete":
        state.drop(state.overlapping(start, end))
    elif action == "rebound":
        if correction.new_start is None or correction.new_end is None:
            return  # never stored (`correction_problems` refuses it)
        shift = start - correction.start
        new_start = correction.new_start + shift
        new_end = correction.new_end + shift
        if not 0 <= new_start < new_end <= len(text):
            return
        old = state.overlapping(start, end)
        new_label = label or (old[0].label if old else None)
        if new_label is None:
            return
        state.drop(old)
        state.put(new_start, new_end, new_label)


def _apply_rule(state: _State, correction: Correction, text: str) -> None:
    surface = correction.text
    action, label = correction.action, correction.label
    for start, end in rule_matches(text, surface):
        exact = state.at(start, end)
        if action in ("relabel", "add") and label:
            # Occurrences inside a larger entity ("Korea" in "North Korea") are left alone.
            if exact or not state.overlapping(start, end):
                state.put(start, end, label)
        elif action == "delete":
            state.drop(exact)
        elif action == "rebound" and exact:
            if correction.new_start is None or correction.new_end is None:
                return  # never stored (`correction_problems` refuses it)
            new_start = start + correction.new_start - correction.start
            new_end = end + correction.new_end - correction.end
            if 0 <= new_start < new_end <= len(text):
                state.drop(exact)
                state.put(new_start, new_end, label or exact[0].label)


def _overlaps(entity: Entity, start: int, end: int) -> bool:
    return entity.start < end and start < entity.end


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    first, last = text[start], text[end - 1]
    return not (first.isalnum() and before.isalnum()) and not (last.isalnum() and after.isalnum())


def _all_matches(text: str, surface: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if not surface:
        return spans
    pos = text.find(surface)
    while pos != -1:
        spans.append((pos, pos + len(surface)))
        pos = text.find(surface, pos + 1)
    return spans
