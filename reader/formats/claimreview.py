"""schema.org ClaimReview JSON-LD, one object per claim per line (JSON Lines).

The review's `url` is the fact-check page (the `[publisher]` of `reader.toml`: its url plus
`#claim-<id>`, or its `url_template`); the article is `itemReviewed.appearance`. Only claims
with a verdict other than `unverified` are reviews, unless every claim is asked for. Each record
is checked for the fields consumers need; one that lacks one is still written, and named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from reader.config import Publisher
from reader.formats.base import json_line
from reader.records import Claim
from reader.sources import citation

__all__ = [
    "MAX_CLAIM_REVIEWED",
    "ClaimReviewOptions",
    "missing_fields",
    "review",
    "write",
]

MAX_CLAIM_REVIEWED = 75
"""`claimReviewed` longer than this is warned about: fact-check tools show a short summary."""

UNVERIFIED = "unverified"


@dataclass
class ClaimReviewOptions:
    """How to write ClaimReview, and what the export found (filled in by `write`)."""

    publisher: Publisher | None = None
    include_unverified: bool = False
    organisations_for: Callable[[Mapping[str, Any]], set[str]] | None = None
    """Case-folded names labelled ORG in an article (a speaker among them is an
    Organization)."""
    left_out: int = 0
    """Claims not written because their verdict is `unverified`."""
    incomplete: list[str] = field(default_factory=list)
    """One line per written record that lacks a required field."""
    long: list[str] = field(default_factory=list)
    """One line per record whose `claimReviewed` is over `MAX_CLAIM_REVIEWED` characters."""


def _organisations(
    article: Mapping[str, Any], claim: Claim, options: ClaimReviewOptions
) -> set[str]:
    """Names labelled ORG among the claim's entities and the article's (case-folded)."""
    names = {e.text.strip().casefold() for e in claim.entities if e.label == "ORG"}
    if options.organisations_for is not None:
        names |= options.organisations_for(article)
    names.discard("")
    return names


def review(
    article: Mapping[str, Any],
    claim: Claim,
    options: ClaimReviewOptions | None = None,
) -> dict[str, Any]:
    """The ClaimReview of one claim: the quote, who said it (when the analyst confirmed it),
    where it appeared, the verdict, and who reviewed it (the publisher)."""
    options = options or ClaimReviewOptions()
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if article.get("url"):
        appearance["url"] = str(article["url"])
    appearance["headline"] = str(article.get("title") or "")
    if article.get("date"):
        appearance["datePublished"] = str(article["date"])
    item: dict[str, Any] = {"@type": "Claim"}
    speaker = claim.speaker.strip()
    if speaker and claim.speaker_confirmed is True:
        kind = "Organization" if speaker.casefold() in _organisations(
            article, claim, options) else "Person"
        item["author"] = {"@type": kind, "name": speaker}
    item["appearance"] = appearance
    updated = claim.updated or claim.created
    claim_id = claim.id
    obj: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": claim_id,
    }
    publisher = options.publisher
    if publisher is not None:
        obj["url"] = publisher.review_url(claim_id, str(article.get("id") or ""))
    obj.update(
        {
            "claimReviewed": claim.quote,
            "itemReviewed": item,
            "reviewRating": {"@type": "Rating", "alternateName": claim.verdict},
            "datePublished": updated[:10],
        }
    )
    if publisher is not None:
        obj["author"] = {"@type": publisher.type, "name": publisher.name, "url": publisher.url}
    if claim.note:
        obj["reviewBody"] = claim.note
    if claim.sources:
        obj["citation"] = [citation(source) for source in claim.sources]
    return obj


def missing_fields(record: Mapping[str, Any]) -> list[str]:
    """The fields fact-check consumers require that `record` lacks (empty: complete)."""
    missing = []
    if not str(record.get("claimReviewed") or "").strip():
        missing.append("claimReviewed")
    rating = record.get("reviewRating")
    if not isinstance(rating, Mapping) or not str(rating.get("alternateName") or "").strip():
        missing.append("reviewRating.alternateName")
    if not str(record.get("url") or "").strip():
        missing.append("url")
    author = record.get("author")
    if not isinstance(author, Mapping) or not str(author.get("name") or "").strip():
        missing.append("author")
    return missing


def write(
    pairs: Iterable[tuple[Mapping[str, Any], Claim]],
    out: TextIO,
    options: ClaimReviewOptions | None = None,
) -> int:
    """Write one ClaimReview per reviewed (article, claim) as it comes; return how many.

    `options` collects the claims left out and the records that lack a field or are long."""
    options = options if options is not None else ClaimReviewOptions()
    count = 0
    for article, claim in pairs:
        if not options.include_unverified and claim.verdict in ("", UNVERIFIED):
            options.left_out += 1
            continue
        record = review(article, claim, options)
        out.write(json_line(record) + "\n")
        count += 1
        name = f"claim {record['identifier']}"
        missing = missing_fields(record)
        if missing:
            why = " (set [publisher] in reader.toml)" if options.publisher is None and (
                "url" in missing or "author" in missing) else ""
            options.incomplete.append(f"{name}: missing {', '.join(missing)}{why}")
        size = len(record["claimReviewed"])
        if size > MAX_CLAIM_REVIEWED:
            options.long.append(
                f"{name}: claimReviewed is {size} characters (over {MAX_CLAIM_REVIEWED})"
            )
    return count
