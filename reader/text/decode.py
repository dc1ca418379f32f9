"""Bytes to text: BOMs, UTF-8, UTF-16, detected legacy encodings, and line-end normalisation.

No Unicode normalisation happens here: every character offset into the result is final once
`sanitize` (one character for one) has run.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

__all__ = ["TextError", "decode_bytes", "normalize_newlines"]

_WESTERN = ("cp1252", "latin_1", "iso8859_15")
"""Western code pages charset-normalizer may propose; we then decode as Windows-1252."""

_WESTERN_CHARS = frozenset(
    [chr(code) for code in range(0xC0, 0x100) if code not in (0xD7, 0xF7)]
    + list("\u201c\u201d\u2018\u2019\u201a\u201e\u2013\u2014\u2026\u20ac\u00ab\u00bb")
    + list("\u00a0\u00b7\u00b0\u00a3\u00a5\u00a7\u00a9\u00ae\u00ba\u00aa\u00bf\u00a1")
    + list("\u00a2\u00bd\u00bc\u00be\u2022\u2122\u0153\u0152\u0160\u0161\u017d\u017e")
)
"""Non-ASCII characters of ordinary Western-European text as Windows-1252 decodes them."""

_NOT_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())

_DETECT_BYTES = 1 << 20
"""Encoding detection looks at most at this many bytes (it samples further inside)."""


class TextError(Exception):
    """A file's bytes cannot be shown as text; `str(error)` is one line for the user."""


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF (for text that is already a `str`)."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> str:
    """Decode a file's bytes to text with `\\n` line ends; raise `TextError` for binary data.

    UTF-8 (a BOM is dropped) and UTF-16/32 with a BOM are decoded directly; anything else is
    detected with charset-normalizer, preferring Windows-1252 for Western text. Bytes that
    cannot be decoded become U+FFFD; nothing ever raises `UnicodeDecodeError`.
    """
    return normalize_newlines(_decode(data))


def _decode(data: bytes) -> str:
    if not data:
        return ""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        if b"\x00" in body:
            raise TextError("binary file")
        return body.decode("utf-8", errors="replace")
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            if codec.startswith("utf-32") and (len(data) % 4 != 0):
                continue  # FF FE 00 00 may be UTF-16 LE starting with U+0000; not UTF-32
            text = data[len(bom) :].decode(codec, errors="replace")
            if "\x00" in text:
                raise TextError("binary file")
            return text
    if b"\x00" in data:
        raise TextError("binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    detected = _detect(data)
    if detected is not None:
        return detected
    return data.decode("cp1252", errors="replace")


def _mostly_utf8(data: bytes) -> bool:
    """True when valid multi-byte UTF-8 sequences outnumber the invalid bytes."""
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    ascii_chars = len(loose.encode("ascii", errors="ignore"))
    good = len(loose) - ascii_chars - loose.count("\ufffd")
    return good > 0 and bad <= good


def _looks_western(data: bytes) -> bool:
    """True when the bytes read as plausible Western-European text in Windows-1252.

    Every non-ASCII character must be a Latin-1 letter or common typographic punctuation,
    and accented letters at most 40% of the letters (mis-decoded Cyrillic or Greek
    is all "accented letters").
    """
    try:
        text = data[:_DETECT_BYTES].decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [ch for ch in text if ch > "\x7f"]
    if not high or any(ch not in _WESTERN_CHARS for ch in high):
        return False
    high_letters = sum(1 for ch in high if ch.isalpha())
    ascii_letters = len(text.encode("ascii", errors="ignore").translate(None, _NOT_LETTERS))
    return high_letters <= 0.4 * (high_letters + ascii_letters)


def _detect(data: bytes) -> str | None:
    """Decode with the encoding charset-normalizer finds most plausible, or None.

    charset-normalizer scores cp1250/cp1252/cp1257 alike on Western text and often picks
    the wrong one ("élèves" -> "élčves"), and it likes Mac code pages; so Windows-1252 wins
    when the text looks Western and charset-normalizer considers it, and a Mac code page only
    wins when nothing else comes close.
    """
    matches = list(from_bytes(data[:_DETECT_BYTES]))
    if not matches:
        return None
    best = matches[0]
    western = [m for m in matches if m.encoding in _WESTERN and m.chaos <= best.chaos + 0.15]
    if western and _looks_western(data):
        return data.decode("cp1252", errors="replace")
    if best.encoding.startswith("mac"):
        for match in matches[1:]:
            if not match.encoding.startswith("mac") and match.chaos <= best.chaos + 0.05:
                best = match
                break
    return data.decode(best.encoding, errors="replace")
