"""A claim for tests that name only the fields they care about."""

from __future__ import annotations

from typing import Any

import msgspec

from reader.records import CLAIM_SCHEMA, Claim

BARE: dict[str, Any] = {"id": "c", "article_id": "a", "schema": CLAIM_SCHEMA, "start": 0,
                        "end": 1, "quote": "", "prefix": "", "suffix": "", "label": "factual",
                        "annotator": "t", "created": "", "updated": ""}
"""Every field a claim must have, with harmless values (the rest have their defaults)."""


def claim_with(**fields: Any) -> Claim:
    """A claim with `fields` (JSON values, typed as the store types them) and `BARE` for the
    rest."""
    return msgspec.convert({**BARE, **fields}, Claim)
