"""Plain records shared by every layer: entities, loaded articles, the claim schema.

No Textual, no spaCy, no TinyDB here: everything may import this module.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

CLAIM_SCHEMA = 4
"""Version of the claim record; a store file with a newer schema is never overwritten.

The claim record rule: a new claim field bumps this number and is listed in
`CLAIM_FIELDS_ADDED` with its default; older records load and import with that default
(`upgrade_claim`); a store file or an imported line with a newer schema is refused."""

ARTICLE_SCHEMA = 1
"""Version of the article record in a store's article file (unchanged by claim fields); a
store file holding any record with a schema above `CLAIM_SCHEMA` is refused."""

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
    "speaker_confirmed",
    "sources",
    "derived_from",
)
"""Every field of a claim record, in the stable order exports use."""


@dataclass(frozen=True)
class AddedField:
    """A claim field added after schema 1: records of an older schema load with `default`."""

    name: str
    schema: int
    """The first schema whose records carry the field."""
    default: Any
    description: str


CLAIM_FIELDS_ADDED: tuple[AddedField, ...] = (
    AddedField(
        "speaker_confirmed",
        2,
        False,
        "true once the analyst confirmed the speaker; false for a guessed or empty speaker",
    ),
    AddedField(
        "sources",
        3,
        [],
        "the claim's evidence: url or article_id, title, role, stance, snapshot, fetched, note",
    ),
    AddedField(
        "derived_from",
        4,
        [],
        "a gold (adjudicated) claim: the ids of the annotators' claims it came from",
    ),
)
"""Every field added after schema 1, oldest first: the one place their defaults are stated."""


@functools.lru_cache(maxsize=16)
def fields_of_schema(schema: int) -> tuple[str, ...]:
    """The fields a record of `schema` carries (a schema newer than ours: all we know)."""
    added = {f.name: f.schema for f in CLAIM_FIELDS_ADDED}
    return tuple(name for name in CLAIM_FIELDS if added.get(name, 1) <= schema)


def claim_schema_of(record: Mapping[str, Any]) -> int:
    """A record's schema number; 1 when it has none (or none that is an integer)."""
    value = record.get("schema")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return 1


def upgrade_claim(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of an older claim record with every field added since set to its default.

    The copy says `CLAIM_SCHEMA`: it now has every field of it. A record of this schema or a
    newer one comes back as a plain copy (a newer one is refused before it gets here).
    """
    schema = claim_schema_of(record)
    upgraded = dict(record)
    if schema >= CLAIM_SCHEMA:
        return upgraded
    for added in CLAIM_FIELDS_ADDED:
        if added.schema > schema and added.name not in upgraded:
            upgraded[added.name] = copy.deepcopy(added.default)
    upgraded["schema"] = CLAIM_SCHEMA
    return upgraded


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
