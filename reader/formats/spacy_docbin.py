"""spaCy DocBin (`.spacy`): claims in `doc.spans["claims"]`, entities as `doc.ents`.

The Doc is built from words and spaces computed from spaCy's tokenizer output split at every
span and entity edge, so every span keeps its exact character offsets. Entities must not
overlap in `doc.ents`: overlapping ones are dropped with a warning. spaCy is imported lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from reader.formats.base import ExportSpan
from reader.formats.tokens import blank_nlp, tokenize
from reader.records import Entity

__all__ = ["SPAN_KEY", "build_doc", "non_overlapping", "write"]

SPAN_KEY = "claims"

Warn = Callable[[str], None]
DocItem = tuple[Mapping[str, Any], str, Sequence[ExportSpan], Sequence[Entity]]
"""(article, text, claim spans, entities) of one article."""


def non_overlapping(entities: Iterable[Entity], text_len: int) -> tuple[list[Entity], list[Entity]]:
    """(kept, dropped): entities in text order, the earlier (then longer) one winning overlaps."""
    kept: list[Entity] = []
    dropped: list[Entity] = []
    end = 0
    for entity in sorted(entities, key=lambda e: (e.start, -e.end, e.label)):
        if not 0 <= entity.start < entity.end <= text_len or entity.start < end:
            dropped.append(entity)
            continue
        kept.append(entity)
        end = entity.end
    return kept, dropped


def build_doc(
    text: str,
    claims: Sequence[ExportSpan],
    entities: Sequence[Entity],
    article: Mapping[str, Any] | None = None,
    warn: Warn | None = None,
) -> Any:
    """A spaCy Doc of `text` with the claims as `doc.spans["claims"]` and entities as ents."""
    from spacy.tokens import Doc, Span

    usable = [c for c in claims if 0 <= c.start < c.end <= len(text)]
    kept, dropped = non_overlapping(entities, len(text))
    name = str((article or {}).get("title") or (article or {}).get("id") or "article")
    if dropped and warn is not None:
        warn(f"{name}: {len(dropped)} overlapping or out-of-range entities left out of doc.ents")
    edges = [(c.start, c.end) for c in usable] + [(e.start, e.end) for e in kept]
    pieces = tokenize(text, edges)
    words = [text[p.start : p.end] for p in pieces]
    spaces = [p.space for p in pieces]
    doc = Doc(blank_nlp().vocab, words=words, spaces=spaces)
    if doc.text != text:  # pragma: no cover - tokenize covers every character
        raise ValueError("tokens do not reproduce the text")
    claim_spans = []
    for claim in usable:
        span = doc.char_span(claim.start, claim.end, label=claim.label, alignment_mode="strict")
        if span is None:  # pragma: no cover - every edge is a token edge
            raise ValueError(f"claim {claim.start}-{claim.end} does not align to tokens")
        if claim.id:
            span = Span(doc, span.start, span.end, label=claim.label, span_id=claim.id)
        claim_spans.append(span)
    doc.spans[SPAN_KEY] = claim_spans
    ents = []
    for entity in kept:
        span = doc.char_span(entity.start, entity.end, label=entity.label, alignment_mode="strict")
        if span is None:  # pragma: no cover - every edge is a token edge
            raise ValueError(f"entity {entity.start}-{entity.end} does not align to tokens")
        ents.append(span)
    doc.ents = ents
    if article is not None:
        doc.user_data["article"] = {
            k: str(article.get(k) or "") for k in ("id", "title", "source", "url", "date")
        }
    return doc


def write(items: Iterable[DocItem], path: Path, warn: Warn | None = None) -> int:
    """Write a DocBin of every article to `path`; return how many docs."""
    from spacy.tokens import DocBin

    docbin = DocBin(store_user_data=True)
    count = 0
    for article, text, claims, entities in items:
        docbin.add(build_doc(text, claims, entities, article, warn))
        count += 1
    from reader.safe_io import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as out:  # whole or nothing; never through a link or onto a device
        out.write(docbin.to_bytes())
    return count
