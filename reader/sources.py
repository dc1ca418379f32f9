"""A claim's evidence: its sources (a web page or another article in the store), each with a
role, a stance, the snapshot when the reader fetched it, and a note.

Plain records (no Textual, no network): the claim form edits them, the main screen fetches
their URLs in a worker, the formats export them.
"""

from __future__ import annotations

from collections.abc import Mapping
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
                title: str = "", note: str = "") -> dict[str, str]:
    """A new source for a URL (http/https) or a stored article's id (`sha256:…`)."""
    ref = clean_line(ref).strip()
    is_article = ref.startswith("sha256:")
    return {
        "url": "" if is_article else ref,
        "article_id": ref if is_article else "",
        "title": clean_line(title),
        "role": role if role in ROLES else ROLES[0],
        "stance": stance if stance in STANCES else STANCES[0],
        "snapshot": "",
        "fetched": "",
        "note": sanitize(note),
    }


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


def is_web(source: Mapping[str, Any]) -> bool:
    """A source the reader can fetch."""
    url = str(source.get("url", "")).lower()
    return url.startswith(("http://", "https://"))


def needs_fetch(source: Mapping[str, Any]) -> bool:
    """A web source not yet fetched (added offline, or the fetch failed)."""
    return is_web(source) and not source.get("fetched")


def describe(source: Mapping[str, Any]) -> str:
    """One line for lists and messages (cleaned)."""
    where = source.get("title") or source.get("url") or source.get("article_id") or "?"
    state = "" if not is_web(source) or source.get("fetched") else " · not fetched yet"
    return clean_line(f"{source.get('role')} · {source.get('stance')} · {where}{state}")


def citation(source: Mapping[str, Any]) -> dict[str, Any]:
    """A schema.org CreativeWork for ClaimReview's `citation` (an article of the store that
    is not a web page is named by its id)."""
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if source.get("url"):
        work["url"] = str(source["url"])
    elif source.get("article_id"):
        work["identifier"] = str(source["article_id"])
    if source.get("title"):
        work["name"] = str(source["title"])
    return work
