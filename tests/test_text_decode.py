"""decode_bytes and normalize_newlines: encodings, BOMs, line ends, binary refusal."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.text.decode import TextError, decode_bytes, normalize_newlines

WESTERN = "Les élèves étaient à l’école, déjà fatigués — « très » bien. Größe über Maß."


def test_plain_utf8() -> None:
    assert decode_bytes("Cho Tae-yul, Zelenskyy’s “plan”".encode()) == (
        "Cho Tae-yul, Zelenskyy’s “plan”"
    )


def test_utf8_bom_is_removed() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "naïve".encode()) == "naïve"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + "Seoul 서울\r\nMoscow".encode(codec)
    assert decode_bytes(data) == "Seoul 서울\nMoscow"


def test_utf16_via_python_codec() -> None:
    # Python's "utf-16" writes a BOM in the machine's byte order.
    assert decode_bytes("emoji 👍🏽 ok".encode("utf-16")) == "emoji 👍🏽 ok"


def test_latin1_western_text() -> None:
    assert decode_bytes(b"caf\xe9 na\xefve r\xe9sum\xe9") == "café naïve résumé"


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_legacy_western_encodings(codec: str) -> None:
    text = WESTERN.replace("’", "'").replace("—", "-") if codec == "latin-1" else WESTERN
    assert decode_bytes(text.encode(codec)) == text


def test_cp1252_smart_quotes_and_euro() -> None:
    text = "“Smart quotes” – and € 5 for the café"
    assert decode_bytes(text.encode("cp1252")) == text


def test_cyrillic_cp1251_is_detected() -> None:
    text = "Привет, как дела? Это тест. Москва и Сеул подписали соглашение."
    assert decode_bytes(text.encode("cp1251")) == text


def test_invalid_byte_in_utf8_file_does_not_crash() -> None:
    data = "Zelenskyy’s “plan” in Kyiv — café ".encode() * 20 + b"\xff\xfe bad " + b"ok"
    text = decode_bytes(data)
    assert text.startswith("Zelenskyy’s “plan”")
    assert "\ufffd" in text
    assert text.endswith(" bad ok")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"a\r\nb\r\nc", "a\nb\nc"),
        (b"a\rb\rc", "a\nb\nc"),
        (b"a\r\nb\rc\nd\r\r\ne", "a\nb\nc\nd\n\ne"),
        (b"end\r", "end\n"),
    ],
)
def test_line_ends_are_normalised(raw: bytes, expected: str) -> None:
    assert decode_bytes(raw) == expected


def test_no_unicode_normalisation() -> None:
    decomposed = "Cafe\u0301 and ﬁ ligature"
    assert decode_bytes(decomposed.encode()) == decomposed


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"text with a \x00 nul",
        codecs.BOM_UTF8 + b"bom then \x00",
        "no BOM utf-16".encode("utf-16-le"),
    ],
)
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(TextError) as info:
        decode_bytes(data)
    assert str(info.value) == "binary file"


def test_empty_bytes() -> None:
    assert decode_bytes(b"") == ""


def test_normalize_newlines() -> None:
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"
    assert normalize_newlines("plain") == "plain"


@given(st.text())
def test_utf8_round_trip_except_line_ends(text: str) -> None:
    if "\x00" in text:
        return
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        expected = expected[1:]  # a leading U+FEFF is the BOM
    assert decode_bytes(text.encode("utf-8", "surrogatepass")) == expected or any(
        "\ud800" <= ch <= "\udfff" for ch in text
    )


@given(st.binary(max_size=300))
def test_never_raises_anything_but_text_error(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except TextError:
        return
    assert "\r" not in text


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Zażółć gęślą jaźń, to jest polski tekst o czymś ważnym.", "cp1250"),
        ("Καλημέρα, πώς είστε; Αυτό είναι ένα κείμενο.", "cp1253"),
        ("El niño comió paella en España, ¿verdad? Sí.", "cp1252"),
    ],
)
def test_other_legacy_encodings(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec)) == text
