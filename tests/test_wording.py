"""Counts and shortened quotes in messages (reader/wording.py)."""

from __future__ import annotations

import pytest

from reader.wording import plural, shorten


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "claim", "0 claims"),
        (1, "claim", "1 claim"),
        (2, "claim", "2 claims"),
        (1, "article", "1 article"),
        (93, "article", "93 articles"),
        (1, "entity", "1 entity"),
        (5, "entity", "5 entities"),
        (2, "match", "2 matches"),
        (3, "claim change", "3 claim changes"),
        (1, "claim change", "1 claim change"),
        (2, "key", "2 keys"),
        (4, "duplicate", "4 duplicates"),
    ],
)
def test_plural(count: int, noun: str, expected: str) -> None:
    assert plural(count, noun) == expected


def test_plural_irregular() -> None:
    assert plural(2, "person", "people") == "2 people"
    assert plural(1, "person", "people") == "1 person"


def test_short_text_is_kept_on_one_line() -> None:
    assert shorten("growth  hit\n5.2%", 40) == "growth hit 5.2%"


def test_long_text_is_cut_at_a_word_boundary_with_an_ellipsis() -> None:
    quote = "The unemployment rate fell to its lowest level in fifty years last month"
    short = shorten(quote, 30)
    assert short == "The unemployment rate fell to…"
    assert len(short) <= 30
    for width in range(8, len(quote)):
        cut = shorten(quote, width)
        assert len(cut) <= width and cut.endswith("…"), width
        kept = cut[:-1]
        assert quote.startswith(kept)
        assert quote[len(kept)] == " " or len(kept) >= width - 1, (width, cut)  # whole words


def test_text_without_spaces_is_cut_at_the_width() -> None:
    assert shorten("阵营议员表示支持这项法案的通过", 6) == "阵营议员表…"


def test_punctuation_before_the_cut_is_dropped() -> None:
    assert shorten("First, the budget; then the rest of it all", 17) == "First, the…"
