"""chunk_spans: exact cover, size limit, natural boundaries, speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.chunking import chunk_spans
from reader.text.segment import is_grapheme_start

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def assert_cover(text: str, spans: list[tuple[int, int]], limit: int) -> None:
    if not text:
        assert spans == []
        return
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end == start
    for start, end in spans:
        assert 0 < end - start <= limit


def test_short_text_is_one_chunk() -> None:
    assert chunk_spans("Short text.") == [(0, 11)]
    assert chunk_spans("") == []


def test_prefers_paragraph_breaks() -> None:
    text = "First paragraph here.\n\nSecond one, a bit longer.\n\nThird."
    spans = chunk_spans(text, max_chars=40)
    assert_cover(text, spans, 40)
    assert text[spans[0][0] : spans[0][1]] == "First paragraph here.\n\n"


def test_then_line_breaks_then_sentences_then_spaces() -> None:
    lines = "one line of text\nanother line here\nthird"
    assert chunk_spans(lines, max_chars=30)[0] == (0, 17)
    sentences = "A first sentence. A second sentence is here."
    assert chunk_spans(sentences, max_chars=30)[0] == (0, 18)
    words = "alpha beta gamma delta epsilon zeta"
    assert chunk_spans(words, max_chars=20)[0] == (0, 17)


def test_hard_cut_never_splits_a_cluster() -> None:
    text = "e\u0301" * 50
    spans = chunk_spans(text, max_chars=7)
    assert_cover(text, spans, 7)
    for start, _ in spans:
        assert is_grapheme_start(text, start)


def test_target_chars_asks_for_smaller_chunks() -> None:
    text = "word " * 10_000
    spans = chunk_spans(text, target_chars=2_000)
    assert_cover(text, spans, 2_000)
    assert len(spans) >= 25


def test_bad_limit() -> None:
    with pytest.raises(ValueError):
        chunk_spans("text", max_chars=0)


def test_real_novel_fast_and_exact() -> None:
    text = (FIXTURES / "pride-and-prejudice.txt").read_text(encoding="utf-8-sig")
    text = text.replace("\r\n", "\n") + text[:300_000]  # ~1 MB
    started = time.perf_counter()
    spans = chunk_spans(text, max_chars=20_000)
    assert time.perf_counter() - started < 0.1
    assert_cover(text, spans, 20_000)
    for _, end in spans[:-1]:
        assert text[end - 2 : end] == "\n\n"  # a novel always has a paragraph break


@settings(max_examples=200)
@given(
    st.text(alphabet=st.sampled_from(list("ab .!\n\t") + ["\u0301", "👍", "🏽", "\u200d"])),
    st.integers(min_value=1, max_value=50),
)
def test_cover_property(text: str, limit: int) -> None:
    assert_cover(text, chunk_spans(text, max_chars=limit), limit)


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_cover_property_any_text(text: str, limit: int) -> None:
    spans = chunk_spans(text, max_chars=limit)
    assert_cover(text, spans, limit)
    assert "".join(text[s:e] for s, e in spans) == text
