"""Colleagues' entity layers: the corrections, corpus-wide rules and rejected suggestions that
sync pulled from the team server, described for display and located in the text.

They are never applied to my entities (`ReaderApp.displayed_entities` and the exports read only
my own corrections): a colleague's layer is something to look at, shown or hidden with their
claims (the Annotators tab), and kept back by blind coding until I mark the article done.
No Textual here: the Entities tab draws what this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reader.corrections import find_anchor, rule_matches
from reader.records import TeamRecord
from reader.text.sanitize import clean_line
from reader.wording import shorten

SCOPE_WORDS = {"mention": "", "article": " (every mention in the article)",
               "corpus": " (rule: every article)"}


@dataclass(frozen=True)
class LayerItem:
    """One record of a colleague's layer, as the Entities tab lists it."""

    annotator: str
    kind: str
    """`correction`, `rule` (corpus-wide) or `rejected` (a suggestion they rejected)."""
    description: str
    spans: tuple[tuple[int, int], ...]
    """Where it applies in this article's text (jumped to in turn); may be empty."""


def describe(kind: str, body: dict[str, Any], text: str = "") -> str:
    """One line for a colleague's record; every string from it cleaned for one line."""
    surface = f"“{shorten(clean_line(str(body.get('text') or '')), 40)}”"
    if kind == "rejected":
        return f"rejected suggestion {surface}"
    action = clean_line(str(body.get("action") or ""))
    label = clean_line(str(body.get("label") or ""))
    scope = SCOPE_WORDS.get(str(body.get("scope") or "mention"), "")
    if action == "relabel":
        what = f"{surface} → {label}"
    elif action == "add":
        what = f"+ {surface} {label}"
    elif action == "delete":
        what = f"✗ {surface} (not an entity)"
    elif action == "rebound":
        start, end = body.get("new_start"), body.get("new_end")
        bounds = (f"“{shorten(clean_line(text[start:end]), 40)}”"
                  if isinstance(start, int) and isinstance(end, int) and text
                  and 0 <= start < end <= len(text) else "new bounds")
        what = f"{surface} → {bounds}" + (f" {label}" if label else "")
    else:
        what = f"{action or '?'} {surface}"
    return what + scope


def spans(kind: str, body: dict[str, Any], text: str) -> tuple[tuple[int, int], ...]:
    """Where the record applies in `text`."""
    if kind == "rejected":
        start, end = body.get("start"), body.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            return ((start, end),)
        return ()
    if str(body.get("scope") or "mention") == "mention":
        anchor = find_anchor(body, text)
        return () if anchor is None else (anchor,)
    return tuple(rule_matches(text, str(body.get("text") or "")))


def layer_items(records: list[TeamRecord], text: str) -> list[LayerItem]:
    """Colleagues' records (`Store.team_records` and `Store.team_rules`) as layer items, by
    annotator, then the order of their first place in the text."""
    items = []
    for record in records:
        kind, body = record.kind, record.body
        try:
            where = spans(kind, body, text)
        except (KeyError, TypeError, ValueError):
            where = ()
        if kind == "rule" and not where:
            continue  # a corpus rule with nothing to act on in this article
        items.append(LayerItem(record.annotator, kind, describe(kind, body, text),
                               where))
    return sorted(items, key=lambda i: (i.annotator, i.spans[0] if i.spans else (-1, -1),
                                        i.description))


def article_layers(store: Any, article_id: str | None, text: str) -> list[LayerItem]:
    """Every colleague's layer items for one article (`article_id` None: an article not in the
    store, which only corpus rules reach). An unreadable store gives none."""
    from reader.store import StoreError

    records: list[TeamRecord] = []
    try:
        records += store.team_rules()
        if article_id is not None:
            records += store.team_records(article_id)
    except (KeyError, OSError, StoreError):
        pass
    return layer_items(records, text)
