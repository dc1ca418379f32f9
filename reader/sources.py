"""A claim's evidence: its sources (a web page or another article in the store), each with a
role, a stance, the snapshot when the reader fetched it, and a note.

Typed records (`reader.records.ClaimSource`, frozen; no Textual, no network): the claim form
makes them, the main screen fetches their URLs in a worker, the formats export them.
`source_problems` judges a stored record (a dict) for `validate_claim`.
"""

from __future__ import annotations

from typing import Any, get_args

import msgspec

from reader.records import SOURCE_ROLES, SOURCE_STANCES, ClaimSource
from reader.text.sanitize import clean_line, sanitize

ROLES: tuple[str, ...] = get_args(SOURCE_ROLES)
"""What the source is to the claim: the primary source, a secondary report, or context."""

STANCES: tuple[str, ...] = get_args(SOURCE_STANCES)
"""What the source says about the claim."""

SOURCE_FIELDS: tuple[str, ...] = tuple(f.name for f in msgspec.structs.fields(ClaimSource))
"""Every field of a source record (all strings), in the order exports use (the class's)."""


def make_source(ref: str, *, role: str = "primary", stance: str = "supports",
                title: str = "", note: str = "") -> ClaimSource:
    """A new source for a URL (http/https) or a stored article's id (`sha256:…`)."""
    ref = clean_line(ref).strip()
    is_article = ref.startswith("sha256:")
    return ClaimSource(
        url="" if is_article else ref,
        article_id=ref if is_article else "",
        title=clean_line(title),
        role=role if role in ROLES else ROLES[0],  # type: ignore[arg-type]
        stance=stance if stance in STANCES else STANCES[0],  # type: ignore[arg-type]
        snapshot="",
        fetched="",
        note=sanitize(note),
    )


def source_problems(value: object) -> list[str]:
    """What is wrong with a claim's `sources` (empty if nothing)."""
    if not isinstance(value, list):
        return ["'sources' is not a list"]
    problems = []
    for number, source in enumerate(value, start=1):
        if not isinstance(source, dict):
            problems.append(f"source {number} is not a record")
            continue
        missing = [name for name in SOURCE_FIELDS if not isinstance(source.get(name), str)]
        if missing:
            problems.append(f"source {number}: {', '.join(missing)} missing or not text")
            continue
        if not source["url"] and not source["article_id"]:
            problems.append(f"source {number} has neither a url nor an article")
        if source["role"] not in ROLES:
            problems.append(f"source {number}: unknown role {source['role']!r}")
        if source["stance"] not in STANCES:
            problems.append(f"source {number}: unknown stance {source['stance']!r}")
    return problems


def is_web(source: ClaimSource) -> bool:
    """A source the reader can fetch."""
    return source.url.lower().startswith(("http://", "https://"))


def needs_fetch(source: ClaimSource) -> bool:
    """A web source not yet fetched (added offline, or the fetch failed)."""
    return is_web(source) and not source.fetched


def describe(source: ClaimSource) -> str:
    """One line for lists and messages (cleaned)."""
    where = source.title or source.url or source.article_id or "?"
    state = "" if not is_web(source) or source.fetched else " · not fetched yet"
    return clean_line(f"{source.role} · {source.stance} · {where}{state}")


def citation(source: ClaimSource) -> dict[str, Any]:
    """A schema.org CreativeWork for ClaimReview's `citation` (an article of the store that
    is not a web page is named by its id)."""
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if source.url:
        work["url"] = source.url
    elif source.article_id:
        work["identifier"] = source.article_id
    if source.title:
        work["name"] = source.title
    return work
