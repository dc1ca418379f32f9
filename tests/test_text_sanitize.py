"""sanitize / clean_line: one character for one, nothing dangerous left."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from reader.text.sanitize import FORBIDDEN, clean_line, has_controls, sanitize

DANGEROUS = (
    [chr(c) for c in range(0x20) if c not in (0x09, 0x0A)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u2028", "\u2029", "\ud800", "\udfff"]
)


def test_every_dangerous_char_is_forbidden() -> None:
    assert set(DANGEROUS) <= FORBIDDEN
    assert "\n" not in FORBIDDEN and "\t" not in FORBIDDEN


def test_escape_sequence_becomes_visible() -> None:
    assert sanitize("a\x1b[31mred\x1b[0m") == "a\u241b[31mred\u241b[0m"


def test_control_pictures_and_replacements() -> None:
    assert sanitize("\x00\x07\r\x7f") == "\u2400\u2407\u240d\u2421"
    assert sanitize("\x9b2J\u202eevil\u2066x\u2069") == "\ufffd2J\ufffdevil\ufffdx\ufffd"
    assert sanitize("line\u2028sep\u2029") == "line\ufffdsep\ufffd"


def test_newline_and_tab_are_kept() -> None:
    assert sanitize("a\tb\nc") == "a\tb\nc"


def test_markup_is_not_our_concern() -> None:
    text = "[red]x[/red] and [/] and [bold link=x]y[/]"
    assert sanitize(text) == text
    assert clean_line(text) == text


def test_ordinary_unicode_untouched() -> None:
    text = "Cho Tae-yul “quoted” 서울 👍🏽 👨‍👩‍👧 e\u0301 \u200d \u00a0"
    assert sanitize(text) == text


def test_clean_line() -> None:
    assert clean_line("Title\nwith\ttab\rand \x1b esc") == "Title with tab and \u241b esc"


def test_has_controls() -> None:
    assert has_controls("a\x1bb")
    assert not has_controls("a\nb\tc")


@given(st.text())
def test_sanitize_keeps_length_and_removes_everything(text: str) -> None:
    out = sanitize(text)
    assert len(out) == len(text)
    assert not FORBIDDEN.intersection(out)
    for before, after in zip(text, out, strict=True):
        assert after == before or before in FORBIDDEN


@given(st.text(alphabet=st.sampled_from([*DANGEROUS, "a", "\n", "\t", "é"])))
def test_sanitize_on_hostile_alphabet(text: str) -> None:
    out = sanitize(text)
    assert len(out) == len(text)
    assert not FORBIDDEN.intersection(out)


@given(st.text())
def test_clean_line_is_one_line(text: str) -> None:
    out = clean_line(text)
    assert len(out) == len(text)
    assert not FORBIDDEN.intersection(out)
    assert "\n" not in out and "\t" not in out and "\r" not in out


def test_fast_on_a_megabyte() -> None:
    text = ("Plain prose with “quotes” and é.\n" * 32_000) + "\x1b"
    started = time.perf_counter()
    out = sanitize(text)
    assert time.perf_counter() - started < 0.5  # measured ~0.04 s; generous for slow CI
    assert out.endswith("\u241b") and len(out) == len(text)


def test_dense_controls_take_the_translate_path() -> None:
    text = "\x1b\t\x07" * 2000 + "ok"
    assert sanitize(text) == "\u241b\t\u2407" * 2000 + "ok"
    assert clean_line(text) == "\u241b \u2407" * 2000 + "ok"
