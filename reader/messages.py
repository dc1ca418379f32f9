"""The messages widgets and screens post up: one typed class per intent.

Widgets never hold their parent: the article view, the side panels and the forms say what
the analyst asked for with one of these, and the main screen (or the app, for the
clipboard) handles it in an `@on` method. A misspelt intent is an `AttributeError` at import,
not a request dropped silently (the old `Request(kind: str, **data)` was). toolong keeps its
messages in one module the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.message import Message

from reader.records import Entity, Suggestion

ReviewStepKind = Literal["accept", "reject", "skip", "back", "exit"]


@dataclass
class OpenSearch(Message):
    """Open the search box."""


@dataclass
class TagClaim(Message):
    """Make a claim of `[start, end)` with the label on number key `number`."""

    number: int
    start: int
    end: int


@dataclass
class NewClaim(Message):
    """Open the claim form for a new claim of `[start, end)`."""

    start: int
    end: int


@dataclass
class EditClaim(Message):
    """Open the claim form on an existing claim."""

    claim_id: str


@dataclass
class DeleteClaim(Message):
    """Delete a claim (undoable)."""

    claim_id: str


@dataclass
class CopyClaim(Message):
    """Copy a claim as a citation."""

    claim_id: str


@dataclass
class JumpToClaim(Message):
    """Put the article's cursor on a claim (from the Claims tab)."""

    claim_id: str


@dataclass
class ShowClaim(Message):
    """Select a claim in the Claims tab (`quiet`: without opening the tab)."""

    claim_id: str
    quiet: bool = False


@dataclass
class CorrectEntity(Message):
    """Open the entity form for the entity under the cursor and/or the selection."""

    selection: tuple[int, int] | None
    entity: Entity | None


@dataclass
class StartReview(Message):
    """Enter review mode over the article's suggestions."""


@dataclass
class ReviewStep(Message):
    """A key of review mode: accept, reject, skip, back, or leave review mode."""

    step: ReviewStepKind


@dataclass
class ReviewFrom(Message):
    """Start review mode at this suggestion (its row in the Suggestions tab)."""

    row: int


@dataclass
class SuggestionAccepted(Message):
    """The suggestion under review was accepted: it becomes a claim."""

    item: Suggestion


@dataclass
class SuggestionRejected(Message):
    """The suggestion under review was rejected: it is not suggested again."""

    item: Suggestion


@dataclass
class ReviewMoved(Message):
    """Review mode moved to another suggestion (None: there is none left)."""

    item: Suggestion | None


@dataclass
class CopyText(Message):
    """Put `text` on the clipboard; `what` names it in the notification."""

    text: str
    what: str
