"""The store's fast codecs read and write exactly what the slow ones did: msgspec's JSON
decoder with `json` behind it, the strict UTF-8 codec with `surrogatepass` behind it, and
zlib's fastest level for long texts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from reader.formats.base import json_line, record_json_line, safe_json
from reader.records import text_hash
from reader.store.articles import decode_text, encode_text
from reader.store.storage import decode_json, encode
from reader.text.utf8 import utf8_bytes, utf8_text

# Hand-written: what a store file may hold that msgspec alone would refuse or read otherwise.
TRICKY_JSON = [
    b'{"a":123456789012345678901234567890}',  # beyond 64 bits
    b'{"a":1e400}',  # json reads inf
    b'{"a":NaN,"b":-Infinity}',
    b'{"a":1,"a":2}',  # the last key wins
    b'{"a":"\xed\xa0\x80x"}',  # a lone surrogate written with surrogatepass
    b'{"a":"\\ud800"}',  # an escaped lone surrogate
    b'{"a":-0.0,"b":1.5e-320,"c":0.1}',
    b'{"a":[{"b":null,"c":true,"d":"\xe2\x80\x9cq\xe2\x80\x9d"}]}',
]


@pytest.mark.parametrize("raw", TRICKY_JSON)
def test_decode_json_reads_what_json_reads(raw: bytes) -> None:
    expected = json.loads(raw.decode("utf-8", "surrogatepass"))
    got = decode_json(raw)
    assert repr(got) == repr(expected)  # repr: NaN != NaN, and -0.0 == 0.0


def test_decode_json_still_refuses_what_json_refuses() -> None:
    for raw in (b"", b"{", b'{"a":}', b"\xff"):
        with pytest.raises(ValueError):
            decode_json(raw)


@pytest.mark.parametrize("text", ["plain", "“curly” and 中文", "lone \ud800 surrogate", ""])
def test_utf8_both_ways_as_surrogatepass(text: str) -> None:
    raw = utf8_bytes(text)
    assert raw == text.encode("utf-8", "surrogatepass")
    assert utf8_text(raw) == text
    assert text_hash(text).removeprefix("sha256:") == hashlib.sha256(
        text.encode("utf-8", "surrogatepass")).hexdigest()


def test_utf8_text_refuses_what_is_not_utf8() -> None:
    with pytest.raises(UnicodeDecodeError):
        utf8_text(b"\xff\xfe")


def test_a_long_text_packs_and_unpacks_whole_with_a_lone_surrogate() -> None:
    text = ("Paragraph “quoted” \ud800 and 中文. " * 5000)[:100_000]
    record = encode_text(text)
    assert set(record) == {"text_z"}
    assert decode_text(record) == text
    # and a file written by the store reads back through the fast decoder unchanged
    assert decode_json(encode({"article": {"1": record}})) == {"article": {"1": record}}


@pytest.mark.parametrize(("text", "written"), [
    ('{"a": "plain"}', '{"a": "plain"}'),
    ('{"a": "del \x7f here"}', '{"a": "del \\u007f here"}'),
    ('{"a": "c1 \x85 nel"}', '{"a": "c1 \\u0085 nel"}'),
    ('{"a": "bidi \u202e x"}', '{"a": "bidi \\u202e x"}'),
    ('{"a": "sep \u2028 x"}', '{"a": "sep \\u2028 x"}'),
    ('{"a": "“curly” 中文"}', '{"a": "“curly” 中文"}'),
])
def test_safe_json_escapes_what_a_terminal_would_obey_ascii_or_not(
        text: str, written: str) -> None:
    assert safe_json(text) == written


@pytest.mark.parametrize("checkworthy", [None, True, False, 1, 0, 0.73, 0.0, -0.0, 1e-4, 1e-05,
                                         1e15, 1e16, 3.5e300, float("nan"), float("inf"),
                                         2**70])
def test_a_record_line_is_the_json_line_whatever_its_float(checkworthy: object) -> None:
    record = {"id": "c1", "quote": "“Quoted” \x7f \u2028 \\ \"x\" \n 中文", "checkworthy":
              checkworthy, "tags": [], "entities": [{"start": 0, "end": 2}], "note": {}}
    assert record_json_line(record, (checkworthy,)) == json_line(record)


def test_a_record_line_with_a_lone_surrogate_is_the_json_line() -> None:
    record = {"quote": "lone \ud800 surrogate", "checkworthy": 0.5}
    assert record_json_line(record, (0.5,)) == json_line(record) == (
        '{"quote": "lone \\ud800 surrogate", "checkworthy": 0.5}')


@pytest.mark.parametrize("record", ["hello", 7, None, ["text"]])
def test_an_article_record_that_is_not_an_object_is_reported_never_a_crash(
        tmp_path: Path, record: object) -> None:
    """A hand-damaged article file opens as before the text was decoded once: the store opens,
    names the file, and keeps the article read-only (it was an AttributeError)."""
    from reader.records import SourceArticle
    from reader.store.store import Store

    root = tmp_path / "db"
    with Store(root) as store:
        added = store.add_article(SourceArticle(title="T", text="Some text here.",
                                                source="a.txt"))
    [path] = (root / "articles").glob("*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["article"] = {"1": record}
    path.write_text(json.dumps(data), encoding="utf-8")
    with Store(root) as store:
        assert added.article.id in store.unreadable
        assert any("not an article file" in problem.message for problem in store.problems)
