"""Issue 13's low findings: format sniffing past the first 4 MiB, NaN and the infinities in
JSON exports, formula triggers a spreadsheet could still find in a CSV cell."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reader.claims import make_claim
from reader.formats import csv_format
from reader.formats.detect import detect_path
from reader.records import CLAIM_SCHEMA, Claim, SourceArticle
from reader.store import Store

BIG = ("word " * (5 * 2**20 // 5)).strip() + " end."  # a text past the 4 MiB sniffed first


@pytest.mark.parametrize("fmt, record", [
    ("doccano", {"text": BIG, "label": [[0, 4, "factual"]]}),
    ("prodigy", {"text": BIG, "spans": [{"start": 0, "end": 4, "label": "factual"}]}),
    ("label-studio", {"data": {"text": BIG}, "annotations": []}),
])
def test_a_first_record_larger_than_the_sniffed_prefix_is_recognised(
        tmp_path: Path, fmt: str, record: dict[str, Any]) -> None:
    path = tmp_path / "peer.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1 << 22
    assert detect_path(path) == fmt


def _strict(text: str) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_json_exports_never_carry_nan_or_infinity(tmp_path: Path, value: float) -> None:
    db = tmp_path / "db"
    text = "The minister said taxes rose by 5 percent in 2023."
    with Store(db) as store:
        src = SourceArticle(title="t", text=text, source="t.txt", meta={"score": value})
        aid = store.add_article(src).article.id
        claim = make_claim(article_id=aid, text=text, start=0, end=20, label="factual",
                           annotator="t")
        store.save_claim(msgspec.structs.replace(claim, checkworthy=value))
    for fmt in ("store", "jsonl", "claimreview", "label-studio", "doccano", "prodigy"):
        extra = ["--all"] if fmt == "claimreview" else []  # unverified claims too
        result = subprocess.run([sys.executable, "-m", "reader", "export", "--db", str(db),
                                 "--format", fmt, *extra], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, (fmt, result.stderr)
        body = result.stdout.strip()
        items = [_strict(body)] if fmt == "label-studio" else [
            _strict(line) for line in body.splitlines()]
        assert items, fmt


TRIGGERS = "=+-@"
CELLS = [" =1+1", "\n=1+1", "\t=1+1", "\u3000=1+1", "\u00a0+1", "\uff1d1+1", "\uff0bcmd",
         "\uff201", "x;=1+1", "x,=1+1", "x|=1+1", "x\t@SUM(A1)", "ok\r\n-2+3", "a;  =1"]


def _formula_like(field: str) -> bool:
    folded = unicodedata.normalize("NFKC", field).strip()
    return bool(folded) and folded[0] in TRIGGERS


@pytest.mark.parametrize("cell", CELLS)
def test_csv_cells_a_spreadsheet_could_run_are_guarded(cell: str) -> None:
    """However a spreadsheet reads the file (comma, semicolon or tab separated, trimming
    white space or not, folding full-width forms), no field starts with a formula trigger."""
    article = {"id": "sha256:ab", "title": cell}
    claim = Claim(id="c", article_id="sha256:ab", schema=CLAIM_SCHEMA, quote=cell, prefix="",
                  suffix="", note=cell, speaker=cell, tags=[cell], label="factual", start=0,
                  end=3, annotator="t", created="", updated="")
    out = io.StringIO()
    csv_format.write([(article, claim)], out)
    data = out.getvalue()
    for delimiter in (",", ";", "\t", "|"):
        for row in csv.reader(io.StringIO(data), delimiter=delimiter):
            for field in row:
                assert not _formula_like(field), (delimiter, field)
    [_, values] = list(csv.reader(io.StringIO(data)))
    assert values[0].startswith("'") and values[0].replace("'", "") == cell  # text kept


@pytest.mark.parametrize("cell", ["a - b", "e-mail", "x, y", "5-3", "hello; world", "Q&A"])
def test_csv_plain_cells_are_left_alone(cell: str) -> None:
    assert csv_format.safe_cell(cell) == cell
