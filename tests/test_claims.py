"""reader.claims: making, touching, validating claims and finding the one at the cursor."""

from __future__ import annotations

import getpass
import re
from datetime import UTC, datetime

import msgspec
import pytest

from reader.claims import (
    claim_at,
    default_annotator,
    entities_in,
    make_claim,
    quote_selectors,
    touch,
    validate_claim,
)
from reader.records import CLAIM_FIELDS, CLAIM_SCHEMA, CONTEXT_CHARS, Claim, ClaimEntity, Entity

NOW = datetime(2026, 11, 28, 5, 0, 0, tzinfo=UTC)


def _claim(text: str, start: int, end: int, **kw: object) -> Claim:
    return make_claim(
        article_id="sha256:abc",
        text=text,
        start=start,
        end=end,
        label="factual",
        annotator="ana",
        now=NOW,
        **kw,  # type: ignore[arg-type]
    )


def test_make_claim_has_every_field_in_order(sample_text: str) -> None:
    start = sample_text.index("Josep Borrell")
    end = sample_text.index("Security Policy") + len("Security Policy")
    claim = _claim(sample_text, start, end, tags=["eu"], note="n", speaker="EU")
    assert tuple(claim.to_record()) == CLAIM_FIELDS
    assert claim.schema == CLAIM_SCHEMA
    assert re.fullmatch(r"[0-9a-f-]{36}", claim.id)
    assert claim.quote == sample_text[start:end]
    assert claim.prefix == sample_text[start - CONTEXT_CHARS : start]
    assert claim.suffix == sample_text[end : end + CONTEXT_CHARS]
    assert claim.created == claim.updated == "2026-11-28T05:00:00Z"
    assert claim.status == "anchored"
    assert claim.verdict == "unverified"
    assert claim.checkworthy is None
    assert claim.tags == ["eu"]
    assert validate_claim(claim.to_record(), len(sample_text)) == []
    assert _claim(sample_text, start, end).id != claim.id


def test_selectors_at_the_edges() -> None:
    assert quote_selectors("abcdef", 0, 2) == ("ab", "", "cdef")
    assert quote_selectors("abcdef", 4, 6) == ("ef", "abcd", "")
    long = "x" * 100 + "QUOTE" + "y" * 100
    quote, prefix, suffix = quote_selectors(long, 100, 105)
    assert (quote, len(prefix), len(suffix)) == ("QUOTE", CONTEXT_CHARS, CONTEXT_CHARS)


def test_entities_fully_inside_only(sample_text: str) -> None:
    start = sample_text.index("Josep Borrell, the High")
    end = start + len("Josep Borrell, the High Representative of the EU")
    eu = sample_text.index("EU for Foreign")
    ents = [
        Entity(eu, eu + 2, "ORG"),
        Entity(start, start + 13, "PERSON"),
        Entity(start - 5, start + 3, "GPE"),  # straddles the start
        Entity(end - 1, end + 10, "ORG"),  # straddles the end
        Entity(0, 5, "DATE"),  # outside
    ]
    got = entities_in(ents, sample_text, start, end)
    assert got == [
        ClaimEntity(text="Josep Borrell", label="PERSON", start=start, end=start + 13),
        ClaimEntity(text="EU", label="ORG", start=eu, end=eu + 2),
    ]
    assert _claim(sample_text, start, end, entities=ents).entities == got


@pytest.mark.parametrize("span", [(5, 5), (-1, 3), (3, 2), (0, 10_000)])
def test_make_claim_rejects_bad_spans(span: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        _claim("short text here", *span)


def test_touch_changes_only_updated() -> None:
    claim = _claim("some text", 0, 4)
    later = touch(claim, datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert later.updated == "2027-01-02T03:04:05Z"
    assert later.created == claim.created == "2026-11-28T05:00:00Z"
    assert {k: v for k, v in later.to_record().items() if k != "updated"} == {
        k: v for k, v in claim.to_record().items() if k != "updated"
    }
    assert claim.updated == "2026-11-28T05:00:00Z"  # a new record: the old one unchanged
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", touch(claim).updated)


def test_claim_at_picks_innermost_anchored() -> None:
    text = "0123456789" * 3
    outer = _claim(text, 0, 20)
    inner = _claim(text, 5, 10)
    orphan = msgspec.structs.replace(_claim(text, 6, 8), status="orphaned")
    claims = [outer, inner, orphan]
    assert claim_at(claims, 7) is inner
    assert claim_at(claims, 2) is outer
    assert claim_at(claims, 10) is outer  # end is exclusive
    assert claim_at(claims, 25) is None
    assert claim_at([], 0) is None


def test_default_annotator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_ANNOTATOR", "  Maria  ")
    assert default_annotator() == "Maria"
    monkeypatch.delenv("READER_ANNOTATOR")
    monkeypatch.setattr(getpass, "getuser", lambda: "login")
    assert default_annotator() == "login"

    def fail() -> str:
        raise OSError("no user")

    monkeypatch.setattr(getpass, "getuser", fail)
    assert default_annotator() == "unknown"


def test_validate_claim_reports_problems() -> None:
    good = _claim("a sentence here", 2, 10).to_record()
    assert validate_claim(good, 15) == []
    assert validate_claim("nope", 15) == ["not a record"]
    missing = {k: v for k, v in good.items() if k != "label"}
    assert validate_claim(missing, 15) == ["missing field 'label'"]
    assert "'start' is not an integer" in validate_claim({**good, "start": "2"}, 15)
    assert "'start' is not an integer" in validate_claim({**good, "start": True}, 15)
    assert any("past the end" in p for p in validate_claim(good, 9))
    assert any("empty" in p for p in validate_claim({**good, "end": 2}, 15))
    assert any("tags" in p for p in validate_claim({**good, "tags": "x"}, 15))
    assert any("status" in p for p in validate_claim({**good, "status": "lost"}, 15))
    assert any("checkworthy" in p for p in validate_claim({**good, "checkworthy": "yes"}, 15))
    # An orphaned claim keeps its last offsets even past the end of a shorter text.
    assert validate_claim({**good, "status": "orphaned"}, 5) == []
