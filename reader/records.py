"""Plain records shared by every layer: entities, loaded articles, the claim schema.

No Textual, no spaCy, no TinyDB here: everything may import this module.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, NamedTuple, cast

import msgspec
from msgspec import Meta

from reader.text.utf8 import utf8_bytes

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

Time = Annotated[str, Meta(description="ISO 8601 UTC time")]
"""A moment as records keep it: `2026-11-28T05:00:00Z`."""

SOURCE_ROLES = Literal["primary", "secondary", "context"]
"""What a source is to the claim: the primary source, a secondary report, or context."""
SOURCE_STANCES = Literal["supports", "refutes", "context"]
"""What a source says about the claim."""
CLAIM_STATUSES = Literal["anchored", "orphaned"]
"""Where a claim stands against its article's current text."""


class ClaimEntity(msgspec.Struct, kw_only=True):
    """An entity inside a claim's span (offsets into the article's text)."""

    text: str
    label: str
    start: Annotated[int, Meta(ge=0)]
    end: Annotated[int, Meta(ge=0)]


class ClaimSource(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One piece of a claim's evidence: a web page or another article of the store."""

    url: Annotated[str, Meta(
        description="The web page (http or https); empty for an article of the store.")]
    article_id: Annotated[str, Meta(
        description="The stored article the source opens as (set once fetched).")]
    title: str
    role: SOURCE_ROLES
    stance: SOURCE_STANCES
    snapshot: Annotated[str, Meta(
        description="sha256 of the raw page as the reader fetched it; empty before.")]
    fetched: Annotated[str, Meta(
        description="When the reader fetched it (ISO 8601, UTC); empty before.")]
    note: str


class ClaimBase(msgspec.Struct, kw_only=True):
    """A claim annotated in an article. Offsets are character offsets into the article's
    normalised text, end exclusive.

    These are the fields schema 1 wrote; `Claim` adds those of `CLAIM_FIELDS_ADDED`. The one
    description of the record: the field list (`CLAIM_FIELDS`), `validate_claim`
    (reader/claims.py) and the JSON Schema (reader/formats/claim_schema.py writes
    claim.schema.json) all derive from `Claim`, this class plus `CLAIM_FIELDS_ADDED`. A msgspec
    Struct rather than a dataclass: msgspec generates the JSON Schema from the class (with the
    constraints and descriptions below), converts a stored dict to the typed record and back
    in field order, and does it in C (the store loads up to 100,000 claims).
    """

    id: Annotated[str, Meta(min_length=1)]
    article_id: Annotated[str, Meta(min_length=1)]
    schema: Annotated[int, Meta(
        ge=1, le=CLAIM_SCHEMA, description="The claim record's version (reader/records.py "
        "CLAIM_SCHEMA); a line of a newer one is not imported.")]
    start: Annotated[int, Meta(ge=0)]
    end: Annotated[int, Meta(ge=1)]
    quote: Annotated[str, Meta(description="The span's text.")]
    prefix: str
    suffix: str
    label: str
    speaker: str = ""
    verdict: str = VERDICTS[0]
    checkworthy: bool | float | None = None
    note: str = ""
    tags: list[str] = []
    entities: list[ClaimEntity] = []
    annotator: str
    created: Time
    updated: Time
    status: CLAIM_STATUSES = "anchored"


@dataclass(frozen=True)
class AddedField:
    """A claim field added after schema 1: records of an older schema load with `default`."""

    name: str
    schema: int
    """The first schema whose records carry the field."""
    default: Any
    description: str
    type: Any = None
    """The field's type; None: the type of `default` (bool, str, a list of anything...)."""

    def annotated(self) -> Any:
        """The field's type with its description, as the record class declares it."""
        kind = self.type if self.type is not None else (
            Any if self.default is None else type(self.default))
        return Annotated[kind, Meta(description=f"Added in schema {self.schema}: "
                                    f"{self.description}. Older records load with the default.")]

    def field_default(self) -> Any:
        """The class's default: the value itself, or a fresh copy for a non-empty collection."""
        if isinstance(self.default, list | dict | set) and self.default:
            return msgspec.field(default_factory=functools.partial(copy.deepcopy, self.default))
        return self.default


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
        list[ClaimSource],
    ),
    AddedField(
        "derived_from",
        4,
        [],
        "a gold (adjudicated) claim: the ids of the annotators' claims it came from; empty "
        "for any other claim",
        list[Annotated[str, Meta(min_length=1)]],
    ),
)
"""Every field added after schema 1, oldest first: the one place their defaults are stated.
A new field is one entry here (and `CLAIM_SCHEMA` bumped): `Claim`, `CLAIM_FIELDS`,
`validate_claim` and the JSON Schema follow from it."""

def claim_class(added: tuple[AddedField, ...]) -> type[ClaimBase]:
    """The claim record class: `ClaimBase` and, after its fields, each of `added` with its
    default (so the class of the next schema is the same call with one entry more)."""
    return cast(type[ClaimBase], msgspec.defstruct(
        "Claim",
        [(field.name, field.annotated(), field.field_default()) for field in added],
        bases=(ClaimBase,),
        kw_only=True,
        module=__name__,
    ))


Claim = claim_class(CLAIM_FIELDS_ADDED)
"""The claim record of `CLAIM_SCHEMA`: `ClaimBase` and every field of `CLAIM_FIELDS_ADDED`."""

CLAIM_FIELDS: tuple[str, ...] = tuple(f.name for f in msgspec.structs.fields(Claim))
"""Every field of a claim record, in the stable order exports use (the class's order)."""


def claim_defaults() -> dict[str, Any]:
    """A fresh copy of every default the record class states (the fields a record may lack
    and still mean something: speaker, verdict, checkworthy, note, tags, entities, status,
    and each field added since schema 1), in field order; an import or an export fills a
    missing field from here."""
    defaults: dict[str, Any] = {}
    for name, factory, default in _CLAIM_DEFAULTS:
        defaults[name] = factory() if factory is not None else copy.deepcopy(default)
    return defaults


_CLAIM_DEFAULTS: tuple[tuple[str, Any, Any], ...] = tuple(
    (info.name,
     info.default_factory if info.default_factory is not msgspec.NODEFAULT else None,
     info.default)
    for info in msgspec.structs.fields(Claim)
    if info.default_factory is not msgspec.NODEFAULT or info.default is not msgspec.NODEFAULT
)
"""(name, factory or None, default) of each field with a default, read from the class once:
`msgspec.structs.fields` evaluates the annotations at every call (0.6 ms: 12 s of a 20,000-claim
import when `claim_defaults` asked it per claim)."""


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


class Correction(msgspec.Struct, kw_only=True):
    """An analyst's correction of the model's entities (`reader.corrections`): what was done
    (`action`: relabel, rebound, delete, add) to the span `[start, end)` whose surface text is
    `text`, with the `label` to give and, for a rebound, the new bounds; `scope` mention,
    article or corpus (a rule). Types as `reader.clean.correction_problems` accepts them, so
    every record the store keeps converts. `prefix`, `suffix`, `status` and `source` come
    from re-anchoring, imports and sync, and are written only when set."""

    id: str
    action: str | None
    start: int
    end: int
    label: str | None = None
    new_start: int | None = None
    new_end: int | None = None
    text: str
    scope: str | None = "mention"
    created: str | None = ""
    annotator: str | None = ""
    prefix: str | None = None
    suffix: str | None = None
    status: str | None = None
    source: str | None = None

    def to_record(self) -> dict[str, Any]:
        """The stored record: the fields in order, the last four only when set."""
        record: dict[str, Any] = msgspec.to_builtins(self)
        for name in CORRECTION_WHEN_SET:
            if record[name] is None:
                del record[name]
        return record

    @classmethod
    def from_record(cls, record: object) -> Correction:
        """The correction a stored record describes (unknown keys ignored); raises
        `msgspec.ValidationError`."""
        return msgspec.convert(record, cls)


CORRECTION_WHEN_SET: tuple[str, ...] = ("prefix", "suffix", "status", "source")
"""Correction fields a record carries only when they have a value."""


class Suggestion(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A suggested claim (`reader.nlp.suggest`): a span of the article's text, the label and
    speaker a claim made from it gets, why (the reasons joined by "; "), its score and the
    rule that chose its label. Typed where it is made and read (the suggester, the worker, the
    NER service, `reader suggest`); a JSON object at the worker's pipe and for the app
    (`to_record`), with `like` and `model` only when set."""

    start: int
    end: int
    text: str
    label: str
    speaker: str
    reason: str
    score: float
    rule: str
    like: str | None = None
    """The analyst's stored claim the span resembles, described for a claim's note."""
    model: float | None = None
    """The check-worthiness model's probability (it breaks ties of score when ranking)."""

    def to_record(self) -> dict[str, Any]:
        """The JSON object the worker sends: the fields in order, `like`/`model` when set."""
        record: dict[str, Any] = msgspec.to_builtins(self)
        return record

    @classmethod
    def from_record(cls, record: object) -> Suggestion:
        """The suggestion a JSON object describes; raises `msgspec.ValidationError`."""
        return msgspec.convert(record, cls)


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
    return "sha256:" + hashlib.sha256(utf8_bytes(text)).hexdigest()
