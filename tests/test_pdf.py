"""PDFs: text and pages from a limited subprocess, scans and encrypted files refused in one
line, claims carrying their pages into the status line and the JSONL export.

Fixtures: tests/fixtures/pdf/ (made by make_pdfs.py there, with fpdf2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from reader.commands import export_cmd
from reader.formats.jsonl import claim_line, load_schema
from reader.store.store import Store
from reader.text.loading import load_paths
from reader.text.pages import span_pages
from reader.text.pdf import OCR_MESSAGE, PdfError, join_lines, parse_pdf
from tests.apphelpers import make_app, wait_for
from tests.claimhelpers import claim_with

PDFS = Path(__file__).parent / "fixtures" / "pdf"
REPORT = PDFS / "report.pdf"
ROOT = Path(__file__).parent.parent


def test_text_pdf_opens_with_pages_joined_hyphens_and_paragraphs() -> None:
    result = load_paths([REPORT])
    assert result.errors == []
    [article] = result.articles
    text = article.text
    assert article.title == "Council report"
    assert article.meta["format"] == "pdf"
    assert "the new information service reached 12,000 residents." in text
    assert "figures were misleading because" in text
    assert "infor-" not in text and "mislead-" not in text
    assert "A well-known local firm" in text  # a hyphen inside a line stays
    assert "\f" not in text and "\u240c" not in text
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "The council published its annual report on Monday."
    assert len(paragraphs) == 6
    pages = article.meta["pages"]
    assert len(pages) == 3
    assert text[pages[1]:].startswith("Critics in the opposition")
    assert text[pages[2]:].startswith("A well-known local firm")


def test_scanned_pdf_says_it_needs_ocr() -> None:
    result = load_paths([PDFS / "scanned.pdf"])
    assert result.articles == []
    assert result.errors == [f"{PDFS / 'scanned.pdf'}: {OCR_MESSAGE}"]
    assert "needs OCR" in result.errors[0]


def _run_reader(*argv: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "reader", "--db", str(db), *argv],
                          capture_output=True, text=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_encrypted_pdf_is_one_line_and_status_2(tmp_path: Path) -> None:
    done = _run_reader(str(PDFS / "encrypted.pdf"), db=tmp_path / "db")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith("reader: ") and "encrypted PDF (needs a password)" in lines[0]
    assert "Traceback" not in done.stderr
    assert lines[1:] == ["reader: nothing to open"]


def test_scanned_pdf_from_the_command_line(tmp_path: Path) -> None:
    done = _run_reader(str(PDFS / "scanned.pdf"), db=tmp_path / "db")
    assert done.returncode == 2
    assert "needs OCR" in done.stderr.splitlines()[0]


def test_parse_is_limited_in_time_and_memory() -> None:
    data = REPORT.read_bytes()
    with pytest.raises(PdfError, match="longer than"):
        parse_pdf(data, timeout=0.05)
    with pytest.raises(PdfError, match="needs more than 8 MiB|parser stopped"):
        parse_pdf(data, memory=8 * 2**20)  # below what the interpreter already maps
    assert parse_pdf(data).pages[0] == 0  # and the defaults parse it


def test_garbage_named_pdf_is_one_line() -> None:
    with pytest.raises(PdfError, match="not a readable PDF"):
        parse_pdf(b"%PDF-1.4 this is not really a PDF at all")


def test_progress_reports_pages() -> None:
    seen: list[tuple[int, int]] = []
    parse_pdf(REPORT.read_bytes(), lambda done, total: seen.append((done, total)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_join_lines_keeps_real_hyphens() -> None:
    assert join_lines(["state-of-the-", "art"]) == "state-of-the-art"
    assert join_lines(["a re-", "election"]) == "a reelection"
    assert join_lines(["North-", "East"]) == "North-East"
    assert join_lines(["soft\u00ad", "Hyphen"]) == "softHyphen"
    assert join_lines(["year 2020-", "2021"]) == "year 2020- 2021"
    assert join_lines(["Copyright (cid:13) 2001"]) == "Copyright \ufffd 2001"


def test_span_pages() -> None:
    meta = {"pages": [0, 100, 250]}
    assert span_pages(meta, 0, 10) == (1, 1)
    assert span_pages(meta, 90, 120) == (1, 2)
    assert span_pages(meta, 100, 250) == (2, 2)
    assert span_pages(meta, 260, 270) == (3, 3)
    assert span_pages({}, 0, 10) is None
    assert span_pages({"pages": [5, 2]}, 0, 10) is None  # not sorted: ignored


def test_jsonl_line_carries_pages_as_fragment_selectors() -> None:
    article = {"id": "a", "title": "t", "source": "s", "url": "", "date": "",
               "meta": {"format": "pdf", "pages": [0, 100]}}
    claim = claim_with(id="c", article_id="a", start=90, end=120, quote="x" * 30,
                       prefix="", suffix="", label="factual")
    line = claim_line(article, claim)
    assert line["selectors"][2:] == [
        {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
         "value": "page=1"},
        {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
         "value": "page=2"},
    ]
    jsonschema.validate(json.loads(json.dumps(line)), load_schema())
    plain = claim_line({**article, "meta": {}}, claim)
    assert len(plain["selectors"]) == 2


async def test_claim_in_a_pdf_shows_and_exports_its_page(
    tmp_path: Path, tiny_nlp, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    app = make_app(db, [REPORT], tiny_nlp)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        def status() -> str:
            return str(app.screen.query_one("#status").render())

        assert "p. 1/3" in status()
        view = app.screen.query_one("#article")
        while not app.articles[0].text[view.cursor:].startswith("Critics"):
            await pilot.press(")")
        await wait_for(pilot, lambda: "p. 2/3" in status())
        await pilot.press("s", "1")
        await pilot.press("q")
    with Store(db, readonly=True) as store:
        [article] = store.articles()
        [claim] = store.claims(article.id)
    assert claim.quote.startswith("Critics in the opposition")
    assert "page" not in claim.to_record()  # derived, never stored
    assert export_cmd.run(export_cmd_args(db)) == 0
    [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    jsonschema.validate(line, load_schema())
    assert line["selectors"][2]["value"] == "page=2"


def export_cmd_args(db: Path):  # type: ignore[no-untyped-def]
    import argparse

    parser = argparse.ArgumentParser()
    export_cmd.add_arguments(parser)
    return parser.parse_args(["--db", str(db)])
