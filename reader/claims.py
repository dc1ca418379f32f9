"""Claim records: make one (selectors, ids, times), validate one, find the one at the cursor.

Pure functions on plain dicts; no TinyDB, no Textual.
"""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from reader.records import (
    CLAIM_FIELDS,
    CLAIM_SCHEMA,
    CONTEXT_CHARS,
    Entity,
    claim_schema_of,
    fields_of_schema,
)
from reader.sources import source_problems

STATUSES: tuple[str, ...] = ("anchored", "orphaned")
"""Where a claim stands against its article's current text."""

_STR_FIELDS = (
    "id",
    "article_id",
    "quote",
    "prefix",
    "suffix",
    "label",
    "speaker",
    "verdict",
    "note",
    "annotator",
    "created",
    "updated",
    "status",
)


def iso_now(now: datetime | None = None) -> str:
    """ISO 8601 UTC time to the second, e.g. `2026-11-28T05:00:00Z`."""
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def quote_selectors(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The W3C TextQuoteSelector of a span: (quote, prefix, suffix)."""
    return (
        text[start:end],
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )


def entities_in(
    entities: Iterable[Entity], text: str, start: int, end: int
) -> list[dict[str, Any]]:
    """The entities fully inside `[start, end)`, as claim-record dicts, in text order."""
    inside = sorted(e for e in entities if start <= e.start and e.end <= end and e.start < e.end)
    return [
        {"text": text[e.start : e.end], "label": e.label, "start": e.start, "end": e.end}
        for e in inside
    ]


def default_annotator() -> str:
    """Who is annotating: `READER_ANNOTATOR`, else the login name, else `unknown`."""
    name = os.environ.get("READER_ANNOTATOR", "").strip()
    if name:
        return name
    try:
        name = getpass.getuser().strip()
    except Exception:  # getuser raises OSError/KeyError when no name can be found
        name = ""
    return name or "unknown"


def make_claim(
    *,
    article_id: str,
    text: str,
    start: int,
    end: int,
    label: str,
    annotator: str,
    entities: Iterable[Entity] = (),
    speaker: str = "",
    speaker_confirmed: bool = False,
    verdict: str = "unverified",
    checkworthy: bool | float | None = None,
    note: str = "",
    tags: Iterable[str] = (),
    sources: Iterable[dict[str, str]] = (),
    derived_from: Iterable[str] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """A new claim record with every field of `CLAIM_FIELDS`, anchored at `[start, end)`.

    `speaker_confirmed` says the analyst chose or confirmed `speaker`; a guessed speaker
    (quick tags, accepted suggestions) is not confirmed."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"claim span {start}-{end} is empty or outside the text")
    quote, prefix, suffix = quote_selectors(text, start, end)
    stamp = iso_now(now)
    claim: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "article_id": article_id,
        "schema": CLAIM_SCHEMA,
        "start": start,
        "end": end,
        "quote": quote,
        "prefix": prefix,
        "suffix": suffix,
        "label": label,
        "speaker": speaker,
        "verdict": verdict,
        "checkworthy": checkworthy,
        "note": note,
        "tags": list(tags),
        "entities": entities_in(entities, text, start, end),
        "annotator": annotator,
        "created": stamp,
        "updated": stamp,
        "status": "anchored",
        "speaker_confirmed": bool(speaker_confirmed and speaker),
        "sources": [dict(source) for source in sources],
        "derived_from": list(derived_from),
    }
    return {name: claim[name] for name in CLAIM_FIELDS}


def touch(claim: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """A copy of `claim` with a new `updated` time."""
    return {**claim, "updated": iso_now(now)}


def claim_at(claims: Sequence[dict[str, Any]], pos: int) -> dict[str, Any] | None:
    """The innermost (shortest) anchored claim containing `pos`; the later start wins a tie."""
    best: dict[str, Any] | None = None
    for claim in claims:
        if claim.get("status", "anchored") != "anchored":
            continue
        start, end = claim["start"], claim["end"]
        if not start <= pos < end:
            continue
        if best is None or (end - start, -start) < (best["end"] - best["start"], -best["start"]):
            best = claim
    return best


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_claim(claim: object, text_len: int) -> list[str]:
    """What is wrong with a claim record (empty if nothing); offsets are checked against the text.

    An orphaned claim keeps its last known offsets, which may lie past the end of a shorter text.
    A record of an older schema need not have the fields added since (`upgrade_claim` gives
    them their defaults).
    """
    if not isinstance(claim, dict):
        return ["not a record"]
    required = fields_of_schema(claim_schema_of(claim))
    problems = [f"missing field {name!r}" for name in required if name not in claim]
    for name in _STR_FIELDS:
        if name in claim and not isinstance(claim[name], str):
            problems.append(f"{name!r} is not a string")
    if isinstance(claim.get("id"), str) and not claim["id"]:
        problems.append("empty 'id'")
    if "schema" in claim and not _is_int(claim["schema"]):
        problems.append("'schema' is not an integer")
    elif claim_schema_of(claim) > CLAIM_SCHEMA:  # never stored: its file would be refused
        problems.append(f"schema {claim['schema']} is newer than this reader's ({CLAIM_SCHEMA})")
    if "speaker_confirmed" in claim and not isinstance(claim["speaker_confirmed"], bool):
        problems.append("'speaker_confirmed' is not true or false")
    if "checkworthy" in claim and not (
        claim["checkworthy"] is None or isinstance(claim["checkworthy"], bool | int | float)
    ):
        problems.append("'checkworthy' is not a number, a boolean or null")
    if "sources" in claim:
        problems.extend(source_problems(claim["sources"]))
    derived = claim.get("derived_from", [])
    if not isinstance(derived, list) or not all(isinstance(d, str) and d for d in derived):
        problems.append("'derived_from' is not a list of claim ids")
    tags = claim.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append("'tags' is not a list of strings")
    entities = claim.get("entities", [])
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        problems.append("'entities' is not a list of records")
    status = claim.get("status")
    if isinstance(status, str) and status not in STATUSES:
        problems.append(f"unknown status {status!r}")
    start, end = claim.get("start"), claim.get("end")
    if "start" in claim and not _is_int(start):
        problems.append("'start' is not an integer")
    elif "end" in claim and not _is_int(end):
        problems.append("'end' is not an integer")
    elif _is_int(start) and _is_int(end):
        assert isinstance(start, int) and isinstance(end, int)
        if not 0 <= start < end:
            problems.append(f"span {start}-{end} is empty or negative")
        elif status != "orphaned" and end > text_len:
            problems.append(f"span {start}-{end} is past the end of the text ({text_len})")
    return problems
