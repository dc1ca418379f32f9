"""Plain records shared by every layer: entities, loaded articles, the claim schema.

No Textual, no spaCy, no TinyDB here: everything may import this module.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

CLAIM_SCHEMA = 1
"""Version of the claim record; a store file with a newer schema is never overwritten."""

DEFAULT_LABELS: tuple[str, ...] = (
    "factual",
    "statistic",
    "quote",
    "prediction",
    "opinion",
    "other",
)
"""The default claim taxonomy, in key order (`1` is `factual`)."""

VERDICTS: tuple[str, ...] = (
    "unverified",
    "true",
    "mostly-true",
    "mixed",
    "mostly-false",
    "false",
    "unverifiable",
)
"""The default verdict scale; `unverified` is the default."""

CONTEXT_CHARS = 32
"""Characters of prefix and suffix kept with each claim (W3C TextQuoteSelector)."""

CLAIM_FIELDS: tuple[str, ...] = (
    "id",
    "article_id",
    "schema",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "label",
    "speaker",
    "verdict",
    "checkworthy",
    "note",
    "tags",
    "entities",
    "annotator",
    "created",
    "updated",
    "status",
)
"""Every field of a claim record, in the stable order exports use."""


class Entity(NamedTuple):
    """A named entity: character offsets into the article's normalised text, end exclusive."""

    start: int
    end: int
    label: str
    """OntoNotes names (PERSON, ORG, GPE, LOC, ...): see `reader.nlp.models.normalise_label`."""
    model_label: str = ""
    """The pipeline's own label where it differs from `label` (French `PER`), else ``."""

    def text_in(self, text: str) -> str:
        """The entity's surface text in `text`."""
        return text[self.start : self.end]


@dataclass
class SourceArticle:
    """An article as loaded from a file, before it enters the store.

    `text` is already decoded, line-end normalised and sanitised (controls replaced one for
    one), so every offset into it is final.
    """

    title: str
    text: str
    source: str
    """Where it came from: a file path, or `path#line` for a JSONL corpus line."""
    url: str = ""
    date: str = ""
    external_id: str = ""
    """The `id` a JSONL corpus gave the article, if any."""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text_hash(self) -> str:
        """`sha256:` of the normalised text; the article's id when it first enters the store."""
        return text_hash(self.text)


def entity_from(item: Any) -> Entity:
    """An entity from `[start, end, label]` or `[start, end, label, model_label]` (the
    worker's replies, the entity cache); raises ValueError/TypeError on anything else."""
    if not isinstance(item, list | tuple) or len(item) not in (3, 4):
        raise ValueError("an entity is [start, end, label] or [start, end, label, model_label]")
    model_label = str(item[3]) if len(item) == 4 else ""
    return Entity(int(item[0]), int(item[1]), str(item[2]), model_label)


def entity_row(entity: Entity) -> list[Any]:
    """`[start, end, label]`, with `model_label` fourth when it has one."""
    row: list[Any] = [entity.start, entity.end, entity.label]
    if entity.model_label:
        row.append(entity.model_label)
    return row


def text_hash(text: str) -> str:
    """`sha256:<hex>` of the UTF-8 text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
