"""Claim records: make one (selectors, ids, times), validate one, read a stored one, find the
one at the cursor.

No TinyDB, no Textual. What a valid record is comes from the record class
(`reader.records.Claim`): `read_claim` turns a stored dict into a `Claim` (in C, the fast
path) or says what is wrong with it (`validate_claim`'s messages); both accept exactly the same
records.
"""

from __future__ import annotations

import dataclasses
import functools
import getpass
import os
import sys
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec
from msgspec import Meta

from reader.records import (
    CLAIM_SCHEMA,
    CLAIM_STATUSES,
    CONTEXT_CHARS,
    Claim,
    ClaimEntity,
    ClaimSource,
    Entity,
    claim_schema_of,
    fields_of_schema,
)
from reader.sources import source_problems

STATUSES: tuple[str, ...] = get_args(CLAIM_STATUSES)
"""Where a claim stands against its article's current text."""


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
) -> list[ClaimEntity]:
    """The entities fully inside `[start, end)`, as a claim's entities, in text order."""
    inside = sorted(e for e in entities if start <= e.start and e.end <= end and e.start < e.end)
    return [
        ClaimEntity(text=text[e.start : e.end], label=e.label, start=e.start, end=e.end)
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
    sources: Iterable[ClaimSource] = (),
    derived_from: Iterable[str] = (),
    now: datetime | None = None,
) -> Claim:
    """A new claim with every field of `CLAIM_FIELDS`, anchored at `[start, end)` (a field
    added later than this function gets its default from the record class).

    `speaker_confirmed` says the analyst chose or confirmed `speaker`; a guessed speaker
    (quick tags, accepted suggestions) is not confirmed."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"claim span {start}-{end} is empty or outside the text")
    quote, prefix, suffix = quote_selectors(text, start, end)
    stamp = iso_now(now)
    return Claim(
        id=str(uuid.uuid4()),
        article_id=article_id,
        schema=CLAIM_SCHEMA,
        start=start,
        end=end,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        label=label,
        speaker=speaker,
        verdict=verdict,
        checkworthy=checkworthy,
        note=note,
        tags=list(tags),
        entities=entities_in(entities, text, start, end),
        annotator=annotator,
        created=stamp,
        updated=stamp,
        status="anchored",
        speaker_confirmed=bool(speaker_confirmed and speaker),
        sources=list(sources),
        derived_from=list(derived_from),
    )


def touch(claim: Claim, now: datetime | None = None) -> Claim:
    """A copy of `claim` with a new `updated` time."""
    return msgspec.structs.replace(claim, updated=iso_now(now))


def claim_at(claims: Sequence[Claim], pos: int) -> Claim | None:
    """The innermost (shortest) anchored claim containing `pos`; the later start wins a tie."""
    best: Claim | None = None
    for claim in claims:
        if claim.status != "anchored":
            continue
        start, end = claim.start, claim.end
        if not start <= pos < end:
            continue
        if best is None or (end - start, -start) < (best.end - best.start, -best.start):
            best = claim
    return best


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_SPAN_FIELDS = ("schema", "start", "end")
"""Checked together in `validate_claim`: the schema against this reader's, the span against
the text."""


@dataclass(frozen=True)
class FieldChecks:
    """The record class's fields grouped by what their type asks of a value (`Meta` and
    `Literal` included), so a record is checked in a few tight loops (the store checks up to
    100,000 claims on load) with the messages analysts see in `reader db check`."""

    strings: tuple[str, ...] = ()
    nonempty: tuple[str, ...] = ()
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    booleans: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    string_lists: tuple[str, ...] = ()
    record_lists: tuple[str, ...] = ()
    source_lists: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    records: tuple[str, ...] = ()

    def problems(self, claim: dict[str, Any]) -> list[str]:
        """What is wrong with the fields `claim` has (a missing one is not checked here)."""
        problems = []
        for name in self.strings:
            if name in claim and not isinstance(claim[name], str):
                problems.append(f"{name!r} is not a string")
        for name in self.nonempty:
            if claim.get(name) == "":
                problems.append(f"empty {name!r}")
        for name in self.booleans:
            if name in claim and not isinstance(claim[name], bool):
                problems.append(f"{name!r} is not true or false")
        for name in self.integers:
            if name in claim and not _is_int(claim[name]):
                problems.append(f"{name!r} is not an integer")
        for name in self.numbers:
            value = claim.get(name)
            if value is not None and not isinstance(value, bool | int | float):
                problems.append(f"{name!r} is not a number, a boolean or null")
        for name in self.source_lists:
            if name in claim:
                problems.extend(source_problems(claim[name]))
        for name in self.string_lists:
            value = claim.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{name!r} is not a list of strings")
        for name in self.record_lists:
            value = claim.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                problems.append(f"{name!r} is not a list of records")
        for name in self.lists:
            if name in claim and not isinstance(claim[name], list):
                problems.append(f"{name!r} is not a list")
        for name in self.records:
            if name in claim and not isinstance(claim[name], dict):
                problems.append(f"{name!r} is not a record")
        for name, allowed in self.choices:
            value = claim.get(name)
            if isinstance(value, str) and value not in allowed:
                problems.append(f"unknown {name} {value!r}")
        return problems


def _group(name: str, kind: Any, groups: dict[str, list[Any]]) -> None:
    """Put the field `name` of type `kind` in the group that checks it."""
    meta = [m for m in get_args(kind)[1:] if isinstance(m, Meta)] if get_origin(
        kind) is Annotated else []
    kind = get_args(kind)[0] if meta else kind
    origin, args = get_origin(kind), get_args(kind)
    item = args[0] if origin is list and args else None
    if kind is str or origin is Literal:
        groups["strings"].append(name)
        if any(m.min_length for m in meta):
            groups["nonempty"].append(name)
        if origin is Literal:
            groups["choices"].append((name, args))
    elif kind is bool:
        groups["booleans"].append(name)
    elif kind is int:
        groups["integers"].append(name)
    elif origin in (UnionType, Union) and set(args) <= {bool, int, float, type(None)}:
        groups["numbers"].append(name)
    elif item is str:
        groups["string_lists"].append(name)
    elif item is ClaimSource:
        groups["source_lists"].append(name)
    elif isinstance(item, type) and issubclass(item, msgspec.Struct):
        groups["record_lists"].append(name)
    elif kind is list or origin is list:
        groups["lists"].append(name)
    elif kind is dict or origin is dict:
        groups["records"].append(name)


def field_checks(record: type[msgspec.Struct]) -> FieldChecks:
    """The checks of a record class's fields, derived from their types (a new field brings
    its own)."""
    groups: dict[str, list[Any]] = {f.name: [] for f in dataclasses.fields(FieldChecks)}
    for info in msgspec.structs.fields(record):
        if info.name not in _SPAN_FIELDS:
            _group(info.name, info.type, groups)
    return FieldChecks(**{key: tuple(value) for key, value in groups.items()})


FIELD_CHECKS = field_checks(Claim)
"""The checks of `Claim`'s fields, derived once."""


def validate_claim(claim: object, text_len: int) -> list[str]:
    """What is wrong with a claim record (empty if nothing); offsets are checked against the text.

    Every field is checked against its type in the record class (`reader.records.Claim`), with
    a message for each problem an analyst sees in `reader db check`; a record those checks pass
    but the class still refuses (an entity item without its `label`, a source with a key of
    its own, an empty id in `derived_from`) gets msgspec's message. An orphaned claim keeps its
    last known offsets, which may lie past the end of a shorter text. A record of an older
    schema need not have the fields added since (they load with their defaults).
    """
    if not isinstance(claim, dict):
        return ["not a record"]
    required = fields_of_schema(claim_schema_of(claim))
    problems = [f"missing field {name!r}" for name in required if name not in claim]
    problems += FIELD_CHECKS.problems(claim)
    if "schema" in claim and not _is_int(claim["schema"]):
        problems.append("'schema' is not an integer")
    elif claim_schema_of(claim) > CLAIM_SCHEMA:  # never stored: its file would be refused
        problems.append(f"schema {claim['schema']} is newer than this reader's ({CLAIM_SCHEMA})")
    start, end = claim.get("start"), claim.get("end")
    if "start" in claim and not _is_int(start):
        problems.append("'start' is not an integer")
    elif "end" in claim and not _is_int(end):
        problems.append("'end' is not an integer")
    elif _is_int(start) and _is_int(end):
        assert isinstance(start, int) and isinstance(end, int)
        if not 0 <= start < end:
            problems.append(f"span {start}-{end} is empty or negative")
        elif claim.get("status") != "orphaned" and end > text_len:
            problems.append(f"span {start}-{end} is past the end of the text ({text_len})")
    if not problems:
        try:
            _to_claim(claim)
        except msgspec.ValidationError as error:
            problems.append(str(error))
        except UnicodeError:  # msgspec meets a lone surrogate where it wants no string
            problems.append("a field holds text where the record has none")
    return problems


_REQUIRED: dict[int, frozenset[str]] = {
    schema: frozenset(fields_of_schema(schema)) for schema in range(1, CLAIM_SCHEMA + 1)}
"""The keys a stored record of each schema has (`validate_claim` reports each one missing)."""

_to_claim = functools.partial(msgspec.convert, type=Claim)


def read_claim(record: object, text_len: int) -> Claim | list[str]:
    """The claim a stored record describes, upgraded to `CLAIM_SCHEMA` (a field added since
    its schema gets its default), or what is wrong with it (`validate_claim`'s messages).

    The fast path converts in C and checks the few things types cannot say (every key of
    its schema present, the span against the text, a source's url or article); it accepts
    exactly the records `validate_claim` accepts, which gives the messages for the rest.
    Keys the record class does not know are not kept (no export writes them).
    """
    if type(record) is dict:
        schema = record.get("schema")
        required = _REQUIRED.get(schema) if type(schema) is int else None
        if required is not None and record.keys() >= required:
            try:
                claim = _to_claim(record)
            except (msgspec.ValidationError, UnicodeError):  # (a lone surrogate in a str
                pass  # where a list belongs raises UnicodeEncodeError)
            else:
                if claim.start < claim.end and (
                        claim.end <= text_len or claim.status == "orphaned") and (
                        not claim.sources or not source_problems(record["sources"])):
                    if claim.schema != CLAIM_SCHEMA:
                        claim = msgspec.structs.replace(claim, schema=CLAIM_SCHEMA)
                    return claim
    return validate_claim(record, text_len) or ["not a claim record"]


_to_claims = functools.partial(msgspec.convert, type=list[Claim])


def read_claims(records: list[Any], text_len: int) -> list[Claim | list[str]]:
    """`read_claim` of each record, the whole list converted in one call when every record
    converts (the usual case: an article file's claims); then only the checks types cannot
    say run per record, and a record that fails one gets `read_claim`'s answer."""
    try:
        claims = _to_claims(records)
    except (msgspec.ValidationError, UnicodeError):
        return [read_claim(record, text_len) for record in records]
    found: list[Claim | list[str]] = []
    for record, claim in zip(records, claims, strict=True):
        if type(record) is dict and record.keys() >= _REQUIRED[claim.schema] and (
                claim.start < claim.end) and (
                claim.end <= text_len or claim.status == "orphaned") and (
                not claim.sources or not source_problems(record["sources"])):
            if claim.schema != CLAIM_SCHEMA:
                claim = msgspec.structs.replace(claim, schema=CLAIM_SCHEMA)
            found.append(claim)
        else:
            found.append(read_claim(record, text_len))
    return found


def record_problems(record: object, text_len: int) -> list[str]:
    """`validate_claim`'s answer, the fast way for a valid record (`read_claim`). What the
    store checks before it writes a record (a `Claim` is not checked when it is made: its
    `to_record()` is) and when it counts the valid ones."""
    found = read_claim(record, text_len)
    return found if isinstance(found, list) else []


def claim_of(record: object, text_len: int = sys.maxsize) -> Claim:
    """`read_claim` for a record arriving from outside (a pulled row, an imported line):
    the `Claim`, or ValueError naming the record and what is wrong with it (the span is
    checked against the text only when `text_len` is given)."""
    found = read_claim(record, text_len)
    if isinstance(found, list):
        label = record.get("id", "?") if isinstance(record, dict) else "?"
        raise ValueError(f"claim {label!r}: " + "; ".join(found))
    return found
