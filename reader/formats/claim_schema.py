"""The JSON Schema of one line of `reader export --format jsonl`, generated from the record class.

The claim's part comes from `reader.records.Claim` (msgspec writes it from the class: types,
constraints, descriptions, the defaults of fields added since schema 1); the line's own parts,
`article` and the W3C `selectors`, belong to the format and are written here. The shipped
`claim.schema.json` is this document (`python -m reader.formats.claim_schema` rewrites it; a
test checks the two agree).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import msgspec

from reader.formats.jsonl import SCHEMA_PATH
from reader.records import CLAIM_FIELDS, Claim, ClaimBase

ARTICLE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "source", "url", "date"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "source": {"type": "string"},
        "url": {"type": "string"},
        "date": {"type": "string"},
        "path": {"type": "string", "description": "The absolute path of the file it was loaded "
                 "from (a text or HTML file, or the JSONL corpus of a `corpus.jsonl#N` source)"},
    },
}
"""The article each line carries."""

SELECTORS: dict[str, Any] = {
    "type": "array",
    "description": "W3C Web Annotation selectors of the span.",
    "prefixItems": [
        {
            "type": "object",
            "required": ["type", "start", "end"],
            "additionalProperties": False,
            "properties": {
                "type": {"const": "TextPositionSelector"},
                "start": {"type": "integer", "minimum": 0},
                "end": {"type": "integer", "minimum": 0},
            },
        },
        {
            "type": "object",
            "required": ["type", "exact", "prefix", "suffix"],
            "additionalProperties": False,
            "properties": {
                "type": {"const": "TextQuoteSelector"},
                "exact": {"type": "string"},
                "prefix": {"type": "string"},
                "suffix": {"type": "string"},
            },
        },
    ],
    "minItems": 2,
    "maxItems": 4,
    "items": {
        "type": "object",
        "description": "Claims in an article from a PDF: the page it starts on, then the page it "
                       "ends on when that differs (RFC 3778 fragment, e.g. page=3).",
        "required": ["type", "conformsTo", "value"],
        "additionalProperties": False,
        "properties": {
            "type": {"const": "FragmentSelector"},
            "conformsTo": {"const": "http://tools.ietf.org/rfc/rfc3778"},
            "value": {"type": "string", "pattern": "^page=[1-9][0-9]*$"},
        },
    },
}
"""The span's W3C selectors: position, quote, and a PDF's pages."""


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """`node` with every `$ref` into `defs` replaced by what it names (one self-contained
    document, read as easily as the hand-written one it replaces)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, defs) for value in node]
    return node


def claim_line_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one exported line: the claim record's fields, every
    one required (an export writes them all; `default` says what an older line imports
    with), then `article` and `selectors`."""
    generated = msgspec.json.schema(Claim)
    defs = generated["$defs"]
    record = defs[generated["$ref"].removeprefix("#/$defs/")]
    properties = _inline(record["properties"], defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/reader/reader/blob/main/reader/formats/claim.schema.json",
        "title": "reader claim (one line of `reader export --format jsonl`)",
        "description": " ".join((ClaimBase.__doc__ or "").split("\n\n", 1)[0].split()),
        "type": "object",
        "required": [*CLAIM_FIELDS, "article", "selectors"],
        "additionalProperties": False,
        "properties": {**properties, "article": ARTICLE, "selectors": SELECTORS},
    }


def schema_text() -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(claim_line_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    """Rewrite `claim.schema.json` from the record class."""
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA_PATH}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
