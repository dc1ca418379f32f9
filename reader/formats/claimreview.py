"""schema.org ClaimReview JSON-LD, one object per claim per line (JSON Lines)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from reader.formats.base import json_line

__all__ = ["review", "write"]


def review(article: Mapping[str, Any], claim: Mapping[str, Any]) -> dict[str, Any]:
    """The ClaimReview of one claim: the quote, who said it, where, and the verdict."""
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if article.get("url"):
        appearance["url"] = str(article["url"])
    appearance["headline"] = str(article.get("title") or "")
    if article.get("date"):
        appearance["datePublished"] = str(article["date"])
    item: dict[str, Any] = {"@type": "Claim"}
    speaker = str(claim.get("speaker") or "").strip()
    if speaker:
        item["author"] = {"@type": _agent_type(speaker), "name": speaker}
    item["appearance"] = appearance
    updated = str(claim.get("updated") or claim.get("created") or "")
    obj: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": str(claim.get("id") or ""),
        "claimReviewed": str(claim.get("quote") or ""),
        "itemReviewed": item,
        "reviewRating": {"@type": "Rating", "alternateName": str(claim.get("verdict") or "")},
        "datePublished": updated[:10],
        "author": {"@type": "Person", "name": str(claim.get("annotator") or "")},
    }
    if article.get("url"):
        obj["url"] = str(article["url"])
    if claim.get("note"):
        obj["reviewBody"] = str(claim["note"])
    return obj


_ORG_WORDS = frozenset(
    {
        *("ministry", "government", "commission", "council", "union", "agency", "office"),
        *("department", "party", "inc", "ltd", "company", "corporation", "bank", "institute"),
        *("committee", "association", "organisation", "organization", "eu", "un", "nato"),
        *("who", "imf", "police", "court", "parliament", "university", "ngo"),
    }
)


def _agent_type(name: str) -> str:
    """`Organization` for names that look like one, else `Person`."""
    words = {w.strip(".,()").lower() for w in name.split()}
    return "Organization" if words & _ORG_WORDS else "Person"


def write(pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]], out: TextIO) -> int:
    """Write one ClaimReview per (article, claim) as it comes; return how many."""
    count = 0
    for article, claim in pairs:
        out.write(json_line(review(article, claim)) + "\n")
        count += 1
    return count
