"""Main-text extraction (reader/text/html.py, trafilatura) on the pages the hand-written rule
got wrong (issue 17): the story inside a <form>, an empty <main> before the real one, a teaser
<article> beside the story, a page of <div>s with navigation and a footer. The fixture pages
are made for these tests (tests/fixtures/web/SOURCES.md); the story is the bundled sample."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader.text.html import MAX_DEPTH, HtmlError, extract_html
from reader.text.loading import load_paths

WEB = Path(__file__).parent / "fixtures" / "web"
FIRST = "In a joint statement on Monday, the European Union (EU) and South Korea condemned"
LAST = "noted Borrell in a press conference."


def page(name: str) -> str:
    return (WEB / name).read_text(encoding="utf-8")


def assert_story(text: str, junk: tuple[str, ...]) -> None:
    assert FIRST in text
    assert text.rstrip().endswith(LAST)
    for word in junk:
        assert word not in text, word


def test_story_inside_a_form() -> None:
    found = extract_html(page("story-in-form.html"))
    assert_story(found.text, ("VIEWSTATE", "Copyright", "Politics", "Business"))


def test_empty_main_before_the_real_one() -> None:
    found = extract_html(page("empty-main-first.html"))
    assert_story(found.text, ("Copyright", "Advertise", "Politics"))


def test_teaser_article_beside_the_story() -> None:
    found = extract_html(page("teaser-article.html"))
    assert_story(found.text, ("Markets rally", "central bank", "Copyright"))


def test_div_page_without_navigation_and_footer() -> None:
    found = extract_html(page("div-page.html"))
    assert_story(found.text, ("Newsletters", "Home", "Photos: the DMZ", "Terms of Use",
                              "All Rights Reserved", "Cookie"))


def test_metadata_fields() -> None:
    found = extract_html(page("div-page.html"))
    assert found.title == "EU and South Korea condemn North Korea’s arms supply"
    assert (found.author, found.date) == ("Jane Roe", "2024-11-04")
    assert (found.sitename, found.language) == ("Daily Wire Service", "en")
    assert found.url == "https://news.example.org/world/eu-korea"


def test_loaded_html_file_keeps_the_fields_in_meta(tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    path.write_text(page("story-in-form.html"), encoding="utf-8")
    result = load_paths([path])
    assert result.errors == []
    (article,) = result.articles
    assert article.url == "https://news.example.org/world/eu-korea"
    assert article.date == "2024-11-04"
    assert article.meta["author"] == "Jane Roe"
    assert article.meta["sitename"] == "Daily Wire Service"
    assert article.meta["declared_language"] == "en"
    assert article.text.startswith(FIRST)


@pytest.mark.parametrize("opening", ["<div>", "<span>", "<table><tr><td>", "<b><i>"])
def test_deeply_nested_page_is_refused_quickly(tmp_path: Path, opening: str) -> None:
    """Issue 13 item 23: 2.2 MB of nesting took 125 s before the first paint."""
    repeat = 2_200_000 // len(opening)
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + opening * repeat + "<p>deep text</p></body></html>")
    done = subprocess.run(
        [sys.executable, "-m", "reader", str(path)], capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    deep = f"nested too deeply (more than {MAX_DEPTH} levels); not opened"
    assert lines[0] == f"reader: {path}: {deep}"


def test_too_many_elements_is_refused() -> None:
    with pytest.raises(HtmlError, match="too many elements"):
        extract_html("<html><body>" + "<li>x" * 70_000 + "</body></html>")


def test_plain_text_start_does_not_import_the_extractor() -> None:
    code = (
        "import sys; from reader.text.loading import load_paths; "
        "from reader.launch import split_urls; "
        "r = load_paths(['reader/data/eu-korea-joint-statement.txt']); assert r.articles; "
        "assert split_urls(['a.txt']) == (['a.txt'], []); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('trafilatura', 'lxml')"
        " or m in ('reader.web.fetch', 'http.client', 'ssl')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).parent.parent)
    assert done.stdout.strip() == "[]"
