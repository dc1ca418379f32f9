"""Words, grapheme clusters and sentences for the cursor."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.text.segment import (
    Sentences,
    first_word,
    grapheme_start,
    is_grapheme_start,
    next_grapheme,
    next_word,
    prev_word,
    split_line,
    word_at,
    word_span,
)

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def words(text: str) -> list[str]:
    """Every word, found by walking next_word from the first one."""
    found: list[str] = []
    pos = first_word(text)
    while (span := word_span(text, pos)) is not None:
        found.append(text[span[0] : span[1]])
        following = next_word(text, pos)
        if following == pos:
            break
        pos = following
    return found


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in Sentences(text).spans_in(0, len(text))]


# --- words -----------------------------------------------------------------------------------


def test_words_with_hyphens_and_apostrophes() -> None:
    text = "Cho Tae-yul doesn’t say rock'n'roll -- 8,000 troops; 'quoted' well-"
    assert words(text) == [
        "Cho", "Tae-yul", "doesn’t", "say", "rock'n'roll", "8", "000", "troops", "quoted",
        "well",
    ]  # fmt: skip


def test_word_span_and_alias() -> None:
    text = "North Korea’s troops"
    assert word_span(text, 0) == (0, 5)
    assert word_span(text, 8) == (6, 13)
    assert word_span(text, 5) is None  # the space
    assert word_span(text, 99) is None
    assert word_at is word_span


def test_next_and_prev_word() -> None:
    text = "  Hello, world!  Again"
    assert first_word(text) == 2
    assert next_word(text, 2) == 9
    assert next_word(text, 4) == 9  # from inside a word
    assert next_word(text, 9) == 17
    assert next_word(text, 17) == 17  # no word after: stays
    assert prev_word(text, 17) == 9
    assert prev_word(text, 12) == 9  # inside a word: its start
    assert prev_word(text, 9) == 2
    assert prev_word(text, 2) == 2  # nothing before
    assert prev_word(text, len(text)) == 17


def test_combining_marks_stay_in_the_word() -> None:
    text = "cafe\u0301 nai\u0308ve"
    assert words(text) == ["cafe\u0301", "nai\u0308ve"]


def test_cjk_and_emoji() -> None:
    text = "Seoul 서울특별시 👍🏽 東京 done"
    # Korean is written with spaces: a word; Han characters have none between words: one each
    assert words(text) == ["Seoul", "서울특별시", "東", "京", "done"]


def test_unspaced_scripts_move_by_character() -> None:
    text = "卫生部长王伟在2024年说：Hello world。日本語のテスト"
    assert words(text) == ["卫", "生", "部", "长", "王", "伟", "在", "2024", "年", "说",
                           "Hello", "world", "日", "本", "語", "の", "テ", "ス", "ト"]
    assert next_word(text, 0) == 1
    assert prev_word(text, 3) == 2
    assert word_span(text, 8) == (7, 11)  # digits between Han characters stay one word
    assert prev_word(text, len(text)) == len(text) - 1


def test_emoji_variation_selector_is_not_a_word() -> None:
    text = "love ❤️ you"
    assert words(text) == ["love", "you"]


def test_prev_word_far_back() -> None:
    text = "start" + " " * 5000 + "end"
    assert prev_word(text, len(text) - 3) == 0


def test_long_word_window() -> None:
    text = "x " + "a" * 1000 + " y"
    assert prev_word(text, len(text) - 1) == 2
    assert word_span(text, 600) == (2, 1002)


# --- grapheme clusters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        ("e\u0301a", ["e\u0301", "a"]),
        ("👨\u200d👩\u200d👧x", ["👨\u200d👩\u200d👧", "x"]),
        ("👍🏽!", ["👍🏽", "!"]),
        ("🇰🇷🇪🇺", ["🇰🇷", "🇪🇺"]),
        ("❤️a", ["❤️", "a"]),
        ("ab", ["a", "b"]),
    ],
)
def test_grapheme_clusters(text: str, clusters: list[str]) -> None:
    found = []
    pos = 0
    while pos < len(text):
        following = next_grapheme(text, pos)
        found.append(text[pos:following])
        pos = following
    assert found == clusters
    for index in range(len(text) + 1):
        start = grapheme_start(text, index)
        assert is_grapheme_start(text, start)
        assert start <= index


def test_word_after_stray_joiner_starts_at_the_cluster() -> None:
    text = "\u200daa b"
    assert word_span(text, 2) == (0, 3)
    assert prev_word(text, 3) == 0
    assert prev_word(text, 4) == 0
    assert next_word(text, 0) == 4
    assert word_span("a🏽 b", 0) == (0, 2)


@given(st.text(alphabet=st.sampled_from(["a", " ", "\u0301", "\u200d", "👍", "🏽", "🇰", "\ufe0f"])))
def test_word_offsets_are_cluster_starts(text: str) -> None:
    for pos in range(len(text) + 1):
        for found in (next_word(text, pos), prev_word(text, pos)):
            assert 0 <= found <= len(text)
            assert found == pos or is_grapheme_start(text, found)


@given(st.text(max_size=60))
def test_word_functions_never_fail(text: str) -> None:
    for pos in range(len(text) + 1):
        after = next_word(text, pos)
        assert after == pos or after > pos
        before = prev_word(text, pos)
        assert before <= pos
        span = word_span(text, pos)
        if span is not None:
            assert span[0] <= pos < span[1]


# --- sentences -------------------------------------------------------------------------------


def test_sample_article_sentences(sample_text: str) -> None:
    found = sentences(sample_text)
    assert len(found) == 34
    assert found[0].startswith("In a joint statement on Monday")
    assert found[0].endswith("against Ukraine.")
    assert found[2].startswith("“This constitutes a serious breach")
    assert found[2].endswith("UN Charter.")
    assert (
        "The U.S. government revealed on Thursday that approximately 8,000 North Korean soldiers"
        " are near Ukraine’s border in Russia, preparing to join the fight against Ukraine."
    ) in found
    assert "The U.S. and its allies accuse North Korea of already supplying arms to Russia." in (
        found
    )
    assert (
        "Kim Jong Un is using the Russia-Ukraine war to strengthen defence and economic ties with"
        " Russia amid increasing U.S. pressure over his nuclear programme."
    ) in found
    assert found[8:11] == [
        "“We are strategic partners.",
        "We share values and common goals.",
        "We share a partnership.",
    ]
    assert found[26] == "I encouraged them to step it up,” Borrell posted on X."
    for sentence in found:
        assert sentence == sentence.strip() and "\n" not in sentence


SPLIT_CASES: list[list[str]] = [
    ["Mr. Smith met Dr. Jones.", "They talked."],
    ["J. R. R. Tolkien wrote it.", "Then he slept."],
    ["He lives in the U.S.", "The weather is fine."],
    ["The U.S. Army left.", "U.K. officials stayed."],
    ["Use tools, e.g. Hammers.", "Or not."],
    ["Is it?", "“Yes,” she said!", "(Really.)", "Fine…", "Done"],
    ["“Really?” he asked.", "Ok."],
    ["Costs rose 3.5 per cent.", "In 2024 it fell."],
    ["It ended in 1953.", "10,000 troops left."],
    ["See example.com for more.", "Thanks."],
    ["1. Introduction to the topic."],
    ["On Jan. 5 the No. 2 man spoke.", "Inc. and Ltd. too."],
    ["no end punctuation"],
]


@pytest.mark.parametrize("expected", SPLIT_CASES)
def test_split_line(expected: list[str]) -> None:
    line = " ".join(expected)
    assert [line[s:e] for s, e in split_line(line)] == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("他来了。她走了。", ["他来了。", "她走了。"]),
        ("   leading and trailing.   ", ["leading and trailing."]),
        ("Two spaces.  Then\ttab.\tEnd.", ["Two spaces.", "Then\ttab.", "End."]),
        ("", []),
    ],
)
def test_split_line_spacing(line: str, expected: list[str]) -> None:
    assert [line[s:e] for s, e in split_line(line)] == expected


def test_sentences_never_cross_a_newline_in_unwrapped_text() -> None:
    text = "A line without end\nnext line starts here. And ends.\n  Indented one."
    assert sentences(text) == [
        "A line without end",
        "next line starts here.",
        "And ends.",
        "Indented one.",
    ]


def test_hard_wrapped_sentences_run_across_line_breaks_not_blank_lines() -> None:
    text = "A line without end\nnext line starts here. And ends.\n\n  Indented one."
    assert sentences(text) == [
        "A line without end\nnext line starts here.",
        "And ends.",
        "Indented one.",
    ]


def test_pride_and_prejudice_first_sentence_spans_two_lines() -> None:
    text = (FIXTURES / "pride-and-prejudice.txt").read_text(encoding="utf-8-sig")
    text = text.replace("\r\n", "\n")
    start = text.index("It is a truth")
    span = Sentences(text).span_at(start)
    assert text[span[0]:span[1]] == (
        "It is a truth universally acknowledged, that a single man in possession\n"
        "of a good fortune must be in want of a wife."
    )


def test_span_at_next_prev() -> None:
    text = "One. Two two.\n\n  Three."
    s = Sentences(text)
    one, two, three = (0, 4), (5, 13), (17, 23)
    assert s.span_at(0) == one
    assert s.span_at(3) == one
    assert s.span_at(4) == two  # the space after "One.": the following sentence
    assert s.span_at(14) == three  # blank line
    assert s.span_at(len(text)) == three  # past the end: the previous one
    assert s.next_start(0) == 5
    assert s.next_start(6) == 17
    assert s.next_start(17) is None
    assert s.prev_start(17) == 5
    assert s.prev_start(8) == 5  # inside "Two two.": its own start
    assert s.prev_start(5) == 0
    assert s.prev_start(0) is None
    assert s.spans_in(0, len(text)) == [one, two, three]
    assert s.spans_in(2, 6) == [one, two]
    assert s.spans_in(14, 16) == []
    assert s.spans_in(18, 19) == [three]


def test_no_sentences() -> None:
    s = Sentences("   \n\n ")
    assert s.span_at(2) == (2, 2)
    assert s.next_start(0) is None
    assert s.prev_start(5) is None


@given(st.text(alphabet=st.sampled_from(list("ab .?!\n“”’AZ1"))))
def test_sentence_spans_are_sane(text: str) -> None:
    s = Sentences(text)
    spans = s.spans_in(0, len(text))
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and s.separator not in piece
        previous_end = end
    for pos in range(len(text) + 1):
        span = s.span_at(pos)
        assert span in spans or (not spans and span == (pos, pos))
        following = s.next_start(pos)
        assert following is None or (following > pos and following in [a for a, _ in spans])
        before = s.prev_start(pos)
        assert before is None or (before < pos and before in [a for a, _ in spans])


def test_lazy_on_a_long_text() -> None:
    text = (FIXTURES / "pride-and-prejudice.txt").read_text(encoding="utf-8-sig")
    text = text.replace("\r\n", "\n") * 2  # ~1.4 MB
    started = time.perf_counter()
    s = Sentences(text)
    middle = len(text) // 2
    s.span_at(middle)
    s.next_start(middle)
    s.prev_start(middle)
    next_word(text, middle)
    prev_word(text, middle)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.05
    assert len(s._lines) < 5  # only the lines around the cursor were split
