"""Hostile and odd input: every file opens and shows its text faithfully, or is refused in one line.

Runs the real CLI in a subprocess for the refusals (one line per bad input, no traceback,
exit 2) and the real app under Pilot for what opens (encodings, scripts, shapes, markup).
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from reader.cli import main
from reader.text import loading
from reader.text.loading import load_paths
from reader.text.segment import is_grapheme_start
from reader.widgets.article_view import ArticleView
from tests.apphelpers import make_app, wait_for

SIZE = (100, 30)
BODY = "Straße, naïve café — “quoted” 5 € and ½.\n\nSecond paragraph ends here."


def run_reader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real program in a subprocess (stdin closed, so it can never wait for a terminal)."""
    return subprocess.run([sys.executable, "-m", "reader", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "READER_DB": str(cwd / "db")})


def write_bad_inputs(folder: Path) -> list[str]:
    """One of every shape of bad input; returns the names as given on the command line."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b"  \n\t\r\n  ")
    (folder / "binary.txt").write_bytes(b"text\x00with\x00nul bytes")
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop").mkdir()
    os.symlink(folder / "loop", folder / "loop" / "again")
    (folder / "image.png").write_bytes(b"\x89PNG")
    with open(folder / "huge.txt", "wb") as handle:  # sparse: 33 MiB without writing them
        handle.truncate(loading.MAX_FILE_BYTES + 1024 * 1024)
    (folder / "bad.jsonl").write_text('{"text": 12}\n', encoding="utf-8")
    return ["empty.txt", "blank.txt", "binary.txt", "pipe.txt", "loop", "image.png",
            "huge.txt", "bad.jsonl", "missing.txt", "missing\x1b[31m.txt"]


def test_every_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    names = write_bad_inputs(tmp_path)
    started = time.monotonic()
    result = run_reader(*names, cwd=tmp_path)
    assert time.monotonic() - started < 30  # the FIFO did not block
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == "reader: nothing to open"
    assert len(lines) == len(names) + 1, result.stderr
    for name, line in zip(names, lines, strict=False):
        shown = name.replace("\x1b", "\u241b")
        assert line.startswith(f"reader: {shown}"), (name, line)
    expected = {
        "empty.txt": "empty file", "blank.txt": "empty file", "binary.txt": "not text",
        "pipe.txt": "not a regular file", "loop": "no supported files",
        "image.png": "unsupported file type", "huge.txt": "the limit is 32 MiB",
        "bad.jsonl": '"text" is not a string', "missing.txt": "no such file",
    }
    for name, line in zip(names, lines, strict=False):
        if name in expected:
            assert expected[name] in line, line
    assert "\x1b" not in result.stderr


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run_reader("missing.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["reader: missing.txt: no such file",
                                          "reader: nothing to open"]


def test_unreadable_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("You may not read this.", encoding="utf-8")
    real_open = os.open

    def deny(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(loading.os, "open", deny)
    status = main(["--db", str(tmp_path / "db"), str(secret)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.splitlines() == [f"reader: {secret}: permission denied", "reader: nothing to open"]


def test_jsonl_corpus_bad_lines_reported_good_ones_open(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        '{"id": 1, "title": "One", "text": "First good article."}\n'
        "{not json\n"
        '{"id": 2, "title": "No text"}\n'
        '{"id": 3, "text": ["not", "a", "string"]}\n'
        '{"id": 1, "title": "Dup", "text": "Duplicate id."}\n'
        '{"id": 4, "title": "Four", "text": "Second good article."}\n',
        encoding="utf-8",
    )
    result = load_paths([corpus])
    assert [a.text for a in result.articles] == ["First good article.", "Second good article."]
    assert len(result.errors) == 4
    for lineno, needle in zip((2, 3, 4, 5), ("bad JSON", 'missing "text"', "not a string",
                                              "duplicate id '1'"), strict=True):
        assert any(e.startswith(f"{corpus}:{lineno}: ") and needle in e for e in result.errors)


ENCODED: list[tuple[str, bytes]] = [
    ("utf8.txt", BODY.encode("utf-8")),
    ("utf8-bom.txt", codecs.BOM_UTF8 + BODY.encode("utf-8")),
    ("utf16le.txt", codecs.BOM_UTF16_LE + BODY.encode("utf-16-le")),
    ("utf16be.txt", codecs.BOM_UTF16_BE + BODY.encode("utf-16-be")),
    ("cp1252.txt", BODY.encode("cp1252")),
    ("cr-only.txt", BODY.replace("\n", "\r").encode("utf-8")),
    ("mixed.txt", BODY.replace("\n\n", "\r\n\r").encode("utf-8")),
]


async def test_encodings_open_faithfully_in_the_app(tmp_path: Path) -> None:
    paths = []
    for name, data in ENCODED:
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    latin = "Caf\xe9 cr\xe8me, na\xefve.\n"
    (tmp_path / "latin1.txt").write_bytes(latin.encode("latin-1"))
    (tmp_path / "invalid.txt").write_bytes("Good start: Grüße aus Köln ".encode() + b"\xff\xfe"
                                           + b" then ascii.\n")
    paths += [tmp_path / "latin1.txt", tmp_path / "invalid.txt"]
    loaded = load_paths(paths)
    assert loaded.errors == []
    for (name, _), article in zip(ENCODED, loaded.articles, strict=False):
        assert article.text == BODY, name
    app = make_app(tmp_path / "db", paths)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(app.articles) == 3  # equal texts are one article
        texts = []
        for index in range(3):
            app.screen.open_article(index)
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            texts.append(view.text)
            rendered = view.render_line(0).text
            assert view.text.split("\n")[0][:20].strip() in rendered
    assert texts[0] == BODY
    assert texts[-2] == latin
    assert texts[-1] == "Good start: Grüße aus Köln \ufffd\ufffd then ascii.\n"
    assert "\ufffd" in texts[-1]


SCRIPTS = (
    "中文文本在这里。日本語のテキスト、カタカナ。한국어 문장입니다.\n\n"
    "العربية نص مكتوب من اليمين. עברית כתובה מימין לשמאל.\n\n"
    "Combining: e\u0301 a\u0308 n\u0303 Z\u0351\u0352\u0353 q\u0307\u0323.\n\n"
    "Emoji: 👩\u200d👩\u200d👧\u200d👦 family, 🇫🇷 flag, 👍🏽 thumbs, 1\ufe0f\u20e3 key.\n\n"
    "Zero\u200bwidth\u200bspaces and a soft\u00adhyphen and wide ＡＢＣ letters.\n\n"
    + "长" * 150 + "\n\n" + "👩\u200d💻" * 60 + "\n"
)


async def test_cursor_never_splits_a_grapheme_and_lines_fit(tmp_path: Path) -> None:
    article = tmp_path / "scripts.txt"
    article.write_text(SCRIPTS, encoding="utf-8")
    app = make_app(tmp_path / "db", [article])
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        assert view.text == SCRIPTS

        def check() -> None:
            assert is_grapheme_start(view.text, view.cursor), view.cursor
            width = view.scrollable_content_region.width
            for y in range(view.scrollable_content_region.height):
                assert view.render_line(y).cell_length <= width
            for line in range(view.wrap.height):
                start, end = view.wrap.span(line)
                assert cell_len(view.text[start:end].rstrip(" ").replace("\t", " ")) \
                    <= view.text_width, (line, view.text[start:end])
                assert is_grapheme_start(view.text, start) or start == 0

        visited = set()
        for keys in (["w"] * 8, ["j"] * 6, ["b"] * 3, ["k"] * 2, ["right"] * 3,
                     ["down"] * 2, ["left"] * 3, ["up"], ["G"], ["b"] * 3, ["g"]):
            await pilot.press(*keys)
            check()
            visited.add(view.cursor)
        for _ in range(22):  # one key at a time through the mixed scripts
            await pilot.press("w")
            check()
            visited.add(view.cursor)
        assert len(visited) > 25
        await pilot.press("s")  # select a sentence and tag it: the span starts on a grapheme
        selection = view.selection
        assert selection is not None
        assert is_grapheme_start(view.text, selection[0])
        assert is_grapheme_start(view.text, selection[1]) or selection[1] == len(view.text)


async def test_large_shapes_open_without_freezing(tmp_path: Path) -> None:
    one_line = tmp_path / "one-line.txt"
    one_line.write_text("word " * 400_000 + "END", encoding="utf-8")  # 2 MB, no newline
    big = tmp_path / "big.txt"
    paragraph = ("A sentence of an ordinary paragraph, repeated to fill twenty megabytes. " * 8
                 + "\n\n")
    big.write_text(paragraph * (20_000_000 // len(paragraph)), encoding="utf-8")
    started = time.monotonic()
    app = make_app(tmp_path / "db", [one_line, big])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        assert view.text.endswith("END") and len(view.text) == 2_000_003
        await pilot.press("G")
        assert "END" in "".join(view.render_line(y).text for y in range(view.size.height))
        app.screen.open_article(1)
        await pilot.pause()
        assert len(view.text) > 19_000_000
        await pilot.press("G", "k", "b")
        assert view.cursor > 19_000_000
        rendered = view.render_line(0).text
        assert "ordinary paragraph" in rendered or "twenty megabytes" in rendered
    assert time.monotonic() - started < 60


async def test_good_inputs_among_bad_ones_open(tmp_path: Path) -> None:
    names = write_bad_inputs(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text("The one good article.", encoding="utf-8")
    app = make_app(tmp_path / "db", [tmp_path / n for n in names] + [good])
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one(ArticleView).text != "")
        assert [a.text for a in app.articles] == ["The one good article."]
        assert len(app.workspace.notices) == len(names)
        assert app.is_running
