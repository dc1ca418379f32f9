"""load_paths: files, folders, JSONL, HTML, titles, and every way a path can be bad."""

from __future__ import annotations

import codecs
import json
import os
import threading
import time
from pathlib import Path

import pytest

from reader.text import loading
from reader.text.loading import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, LoadResult, load_paths
from reader.text.sanitize import FORBIDDEN

FIXTURES = Path(__file__).parent / "fixtures" / "text"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>EU and South Korea condemn arms supply | World News</title>
  <meta name="date" content="2024-11-04">
  <link rel="canonical" href="https://news.example.org/eu-korea">
  <style>body { color: red }</style>
  <script>window.track = function () { return "tracking"; };</script>
</head>
<body>
  <header><a href="/">World News</a><nav><ul><li><a href="/">Home</a></li>
  <li><a href="/politics">Politics</a></li></ul></nav></header>
  <div class="ad">Subscribe now!</div>
  <main>
    <article>
      <h1>EU and South Korea condemn North Korea’s arms supply</h1>
      <p>In a joint statement on   Monday, the <b>European Union</b> (EU)
         and South Korea condemned North Korea’s supply of weapons to Moscow.</p>
      <p>“This constitutes a serious breach of international law,” stated the two
         Ministers.</p>
      <blockquote>We are strategic partners.</blockquote>
      <ul><li>cybersecurity</li><li>disarmament &amp; non-proliferation</li></ul>
      <script>alert("x")</script>
      <form><input name="q"><button>Search</button></form>
      <aside>Related: other stories</aside>
    </article>
  </main>
  <footer>© 2024 World News</footer>
</body>
</html>
"""


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def only_article(result: LoadResult):  # type: ignore[no-untyped-def]
    assert result.errors == []
    assert len(result.articles) == 1
    return result.articles[0]


# --- plain text --------------------------------------------------------------------------


def test_sample_article(tmp_path: Path, sample_text: str) -> None:
    path = write(tmp_path / "eu-korea-joint-statement.txt", sample_text)
    article = only_article(load_paths([path]))
    assert article.text == sample_text
    assert article.title == "eu-korea-joint-statement"  # first line is a long paragraph
    assert article.source == str(path)
    assert "title_in_text" not in article.meta


def test_pride_and_prejudice_bom_crlf_title() -> None:
    article = only_article(load_paths([FIXTURES / "pride-and-prejudice.txt"]))
    assert article.title == "Chapter I."
    assert article.meta["title_in_text"] is True
    assert article.text.startswith("Chapter I.\n\n\nIt is a truth universally acknowledged")
    assert "\r" not in article.text and "\ufeff" not in article.text
    assert article.text[article.meta["body_start"] :].startswith("It is a truth")


def test_txt_title_needs_a_blank_line_after(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.txt", "Short first line\nSecond line straight after.\n")
    article = only_article(load_paths([path]))
    assert article.title == "notes"
    assert article.text == "Short first line\nSecond line straight after.\n"


def test_txt_long_first_line_is_not_a_title(tmp_path: Path) -> None:
    first = "word " * 30
    path = write(tmp_path / "long.txt", f"{first}\n\nBody.")
    assert only_article(load_paths([path])).title == "long"


def test_txt_title_is_cleaned(tmp_path: Path) -> None:
    path = write(tmp_path / "t.txt", "Evil \x1b[2J\ttitle\n\nBody text.")
    article = only_article(load_paths([path]))
    assert article.title == "Evil \u241b[2J title"
    assert article.text == "Evil \u241b[2J\ttitle\n\nBody text."  # same length as the file


def test_md_heading_title(tmp_path: Path) -> None:
    path = write(tmp_path / "story.md", "# The *Big* Story #\nFirst paragraph.\n\n## Part\nMore.")
    article = only_article(load_paths([path]))
    assert article.title == "The *Big* Story"
    assert article.text.startswith("# The *Big* Story #\n")  # headings kept, offsets map
    assert article.meta["title_in_text"] is True
    assert article.text[article.meta["body_start"] :].startswith("First paragraph.")


def test_md_setext_and_subheading(tmp_path: Path) -> None:
    setext = write(tmp_path / "a.markdown", "Setext Title\n============\n\nBody.")
    sub = write(tmp_path / "b.md", "## Only a subheading\nBody text that follows.")
    result = load_paths([setext, sub])
    assert [a.title for a in result.articles] == ["Setext Title", "b"]


def test_text_is_decoded_normalised_and_sanitised(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.txt", "caf\xe9\r\nna\xefve\rend \x1b[31m".encode("latin-1"))
    article = only_article(load_paths([path]))
    assert article.text == "café\nnaïve\nend \u241b[31m"
    c1 = write(tmp_path / "c1.txt", "CSI \u009b2J and \u202eevil".encode())
    assert only_article(load_paths([c1])).text == "CSI \ufffd2J and \ufffdevil"


def test_utf16_file(tmp_path: Path) -> None:
    path = write(tmp_path / "u16.txt", codecs.BOM_UTF16_LE + "Seoul 서울\r\n".encode("utf-16-le"))
    assert only_article(load_paths([path])).text == "Seoul 서울\n"


def test_two_megabyte_single_line(tmp_path: Path) -> None:
    line = "All work and no play makes Jack a dull boy. " * 48_000
    path = write(tmp_path / "big.txt", line)
    started = time.perf_counter()
    article = only_article(load_paths([path]))
    assert time.perf_counter() - started < 2
    assert len(article.text) == len(line) > 2_000_000


# --- bad paths -----------------------------------------------------------------------------


def test_missing_file_and_good_ones_still_load(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Good text.")
    result = load_paths(["missing.txt", good])
    assert result.errors == ["missing.txt: no such file"]
    assert [a.text for a in result.articles] == ["Good text."]


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8 + b"  \n"])
def test_empty_or_whitespace_file(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path / "empty.txt", content)
    result = load_paths([path])
    assert result.articles == []
    assert result.errors == [f"{path}: empty file"]


def test_binary_file(tmp_path: Path) -> None:
    path = write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = load_paths([path])
    assert result.articles == []
    assert result.errors == [f"{path}: binary file (not text)"]


def test_unsupported_suffix_given_explicitly(tmp_path: Path) -> None:
    path = write(tmp_path / "report.docx", b"PK\x03\x04")
    result = load_paths([path])
    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"{path}: unsupported file type .docx")


def test_too_large_file_names_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: no 32 MiB written to disk
        handle.truncate(MAX_FILE_BYTES + 1)
    result = load_paths([path])
    assert result.articles == []
    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"{path}: too large")
    assert "32 MiB" in result.errors[0]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, where chmod 000 does not stop reading: make open() refuse.
    secret = write(tmp_path / "secret.txt", "Secret.")
    good = write(tmp_path / "good.txt", "Good.")
    real_open = os.open

    def refusing_open(path, flags, *args):  # type: ignore[no-untyped-def]
        if Path(path).name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(loading.os, "open", refusing_open)
    result = load_paths([secret, good])
    assert result.errors == [f"{secret}: permission denied"]
    assert [a.text for a in result.articles] == ["Good."]


def _load_in_thread(paths: list[Path], timeout: float = 5.0) -> LoadResult:
    """Run load_paths in a daemon thread, failing (not hanging) if it blocks."""
    box: list[LoadResult] = []
    thread = threading.Thread(target=lambda: box.append(load_paths(paths)), daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "load_paths blocked"
    return box[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "link.txt").symlink_to(fifo)
    started = time.perf_counter()
    result = _load_in_thread([fifo, tmp_path / "link.txt", tmp_path])
    assert time.perf_counter() - started < 2
    assert result.articles == []
    assert f"{fifo}: not a regular file" in result.errors
    assert f"{tmp_path / 'link.txt'}: not a regular file" in result.errors


def test_dev_null_is_refused() -> None:
    result = _load_in_thread([Path("/dev/null")])
    assert result.errors == ["/dev/null: not a regular file"]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "a.txt", "Article A.")
    write(root / "sub" / "b.txt", "Article B.")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self.txt").symlink_to(root / "self.txt")  # a link to itself: ELOOP
    result = _load_in_thread([root, root / "self.txt"])
    assert sorted(a.text for a in result.articles) == ["Article A.", "Article B."]
    assert f"{root / 'self.txt'}: symlink loop" in result.errors


def test_folder_with_nothing_readable(tmp_path: Path) -> None:
    write(tmp_path / "photo.jpg", b"\xff\xd8")
    write(tmp_path / ".hidden.txt", "hidden")
    result = load_paths([tmp_path])
    assert result.articles == []
    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"{tmp_path}: no supported files")


# --- folders ---------------------------------------------------------------------------------


def test_folder_sorted_skips_store_and_hidden(tmp_path: Path) -> None:
    root = tmp_path / "news"
    write(root / "b.txt", "B.")
    write(root / "a.md", "A.")
    write(root / "c" / "d.html", "<p>D.</p>")
    write(root / "c" / "a.txt", "CA.")
    write(root / "annotations" / "index.txt", "store, not an article")
    write(root / ".git" / "notes.txt", "git internals")
    write(root / "photo.png", b"\x89PNG\x00")
    write(root / "skip.docx", b"PK\x03\x04")
    write(root / "z.jsonl", '{"text": "Z1."}\n{"text": "Z2."}\n')
    result = load_paths([root], skip=root / "annotations")
    assert result.errors == []
    assert [a.text for a in result.articles] == ["A.", "B.", "CA.", "D.", "Z1.", "Z2."]


def test_file_given_twice_loads_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Once.")
    result = load_paths([path, tmp_path, tmp_path / "." / "a.txt"])
    assert [a.text for a in result.articles] == ["Once."]
    assert result.errors == []


def test_store_given_explicitly_is_skipped(tmp_path: Path) -> None:
    store = tmp_path / "annotations"
    write(store / "x.txt", "stored")
    result = load_paths([store], skip=Path(os.path.relpath(store)))
    assert result.articles == []
    assert result.errors == [f"{store}: is the annotation store, skipped"]


def test_hostile_file_name_is_cleaned_in_errors(tmp_path: Path) -> None:
    name = "evil\x1b[2J\nname.txt"
    path = write(tmp_path / name, b"")
    result = load_paths([path])
    assert len(result.errors) == 1
    assert not FORBIDDEN.intersection(result.errors[0])
    assert "\n" not in result.errors[0]


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".pdf"} == SUPPORTED_SUFFIXES


# --- HTML ------------------------------------------------------------------------------------


def test_html_extraction(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", PAGE)
    article = only_article(load_paths([path]))
    assert article.title == "EU and South Korea condemn North Korea’s arms supply"  # the <h1>
    assert article.date == "2024-11-04"
    assert article.url == "https://news.example.org/eu-korea"
    assert article.text.split("\n\n") == [
        "EU and South Korea condemn North Korea’s arms supply",
        "In a joint statement on Monday, the European Union (EU) and South Korea condemned"
        " North Korea’s supply of weapons to Moscow.",
        "“This constitutes a serious breach of international law,” stated the two Ministers.",
        "We are strategic partners.",
        "- cybersecurity",
        "- disarmament & non-proliferation",
    ]
    for junk in ("tracking", "alert", "Home", "Politics", "Subscribe", "Related", "©", "Search"):
        assert junk not in article.text


def test_html_without_article_uses_body_and_h1(tmp_path: Path) -> None:
    html = (
        '<html><head><meta property="og:url" content="https://x.example/a">'
        '<meta property="article:published_time" content="2024-01-02T03:04:05Z"></head>'
        "<body><h1>Headline</h1><div>Direct text<p>inner</p></div>"
        "<pre>  kept\n    indented</pre><p>one<br>two</p></body></html>"
    )
    path = write(tmp_path / "plain.htm", html)
    article = only_article(load_paths([path]))
    assert article.title == "Headline"
    assert article.url == "https://x.example/a"
    assert article.date == "2024-01-02"
    assert article.text == "Headline\n\nDirect text\n\ninner\n\nkept indented\n\none\n\ntwo"


def test_html_title_falls_back_to_stem(tmp_path: Path) -> None:
    path = write(tmp_path / "untitled.html", "<p>Only a paragraph.</p>")
    article = only_article(load_paths([path]))
    assert article.title == "untitled"
    assert article.text == "Only a paragraph."


def test_html_without_text(tmp_path: Path) -> None:
    path = write(tmp_path / "nav.html", "<script>x()</script><style>p { color: red }</style>")
    result = load_paths([path])
    assert result.errors == [f"{path}: no text found in the page"]


def test_html_controls_are_sanitised(tmp_path: Path) -> None:
    path = write(tmp_path / "x.html", "<title>T&#27;[2J</title><p>a&#27;[31m b&#x202e;c</p>")
    article = only_article(load_paths([path]))
    assert article.title == "T\u241b[2J"
    assert article.text == "a\u241b[31m b\ufffdc"


def test_deeply_nested_html(tmp_path: Path) -> None:
    html = "<div>" * 5000 + "deep text" + "</div>" * 5000
    path = write(tmp_path / "deep.html", html)
    assert load_paths([path]).errors == [
        f"{path}: nested too deeply (more than 255 levels); not opened"
    ]


# --- JSONL -----------------------------------------------------------------------------------


def test_jsonl_fields_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "First\r\narticle.", "title": "One", "url": "https://a", "id": "a1",
                    "date": "2024-11-04", "meta": {"lang": "en"}}),
        "",
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": 42}),
        json.dumps({"text": "   "}),
        json.dumps({"text": "Dup.", "id": "a1"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "Second \u001b[31m", "id": 7}),
        "[" * 100_000 + "]" * 100_000,
    ]  # fmt: skip
    path = write(tmp_path / "corpus.jsonl", "\n".join(lines) + "\n")
    result = load_paths([path])
    name = str(path)
    assert [e.split(": ", 1)[0] for e in result.errors] == [
        f"{name}:3", f"{name}:4", f"{name}:5", f"{name}:6", f"{name}:7", f"{name}:8",
        f"{name}:10",
    ]  # fmt: skip
    assert result.errors[0].startswith(f"{name}:3: bad JSON")
    assert result.errors[1] == f'{name}:4: missing "text"'
    assert result.errors[2] == f'{name}:5: "text" is not a string (int)'
    assert result.errors[3] == f'{name}:6: empty "text"'
    assert result.errors[4] == f"{name}:7: duplicate id 'a1' (first on line 1)"
    assert result.errors[5] == f"{name}:8: not a JSON object"
    first, second = result.articles
    assert first.text == "First\narticle."
    assert first.title == "One"
    assert (first.url, first.date, first.external_id) == ("https://a", "2024-11-04", "a1")
    assert first.meta["lang"] == "en"
    assert first.source == f"{name}#1"
    assert second.text == "Second \u241b[31m"
    assert second.title == "corpus #9"
    assert second.external_id == "7"
    assert second.source == f"{name}#9"


def test_jsonl_caps_error_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "junk.jsonl", "nope\n" * 100 + '{"text": "ok"}\n')
    result = load_paths([path])
    assert len(result.articles) == 1
    assert len(result.errors) == loading.MAX_ERRORS_PER_FILE + 1
    assert result.errors[-1] == f"{path}: 80 more bad lines not shown"


def test_jsonl_raw_line_separator_inside_string(tmp_path: Path) -> None:
    # U+2028 is legal raw inside a JSON string: it must not split the line.
    path = write(tmp_path / "ls.jsonl", '{"text": "a\u2028b"}\n')
    assert only_article(load_paths([path])).text == "a\ufffdb"


def test_peer_jsonl_corpus() -> None:
    path = FIXTURES.parent / "peers" / "doccano" / "sequence_labeling-export.jsonl"
    result = load_paths([path])
    assert result.errors == []
    assert len(result.articles) == 3
    assert all(a.text for a in result.articles)


def test_load_and_sanitise_speed() -> None:
    path = FIXTURES / "pride-and-prejudice.txt"
    load_paths([path])  # warm up charset/regex caches
    started = time.perf_counter()
    only_article(load_paths([path]))
    assert time.perf_counter() - started < 0.5  # measured ~0.01 s
