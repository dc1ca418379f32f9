"""Our Label Studio export read by HumanSignal's own label-studio-converter (0.0.59): CONLL2003
and CSV through its command line with a label config, JSON_MIN through its Python API. Tasks
and annotations carry stable ids; `completed_by` names the annotator, and import reads it."""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.claims import make_claim
from reader.commands import export_cmd, import_cmd
from reader.records import SourceArticle
from reader.store.store import Store

TEXTS = {
    "Budget": "Growth hit 5.2% in 2023. Unemployment fell to 3% last year, the minister said.",
    "Weather": "Rainfall was 30% above average this spring. The dam is full.",
}
CLAIMS = [  # (article, quote, label, annotator)
    ("Budget", "Growth hit 5.2% in 2023.", "statistic", "ana"),
    ("Budget", "Unemployment fell to 3% last year", "statistic", "bob"),
    ("Weather", "Rainfall was 30% above average", "factual", "ana"),
]
CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="statistic"/><Label value="factual"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>
"""


def run_cmd(module: Any, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(list(argv))))


def converter_cli() -> str:
    """The converter's command, installed beside this Python by the test extra."""
    path = Path(sys.executable).parent / "label-studio-converter"
    assert path.is_file(), "label-studio-converter is in the test extra (make test installs it)"
    return str(path)


@pytest.fixture()
def exported(tmp_path: Path) -> Path:
    root = tmp_path / "db"
    with Store(root) as store, store.transaction() as tx:
        ids = {title: tx.add_article(SourceArticle(title=title, text=text, source=title)
                                     ).article.id for title, text in TEXTS.items()}
        for title, quote, label, annotator in CLAIMS:
            text = TEXTS[title]
            start = text.index(quote)
            tx.add_claim(make_claim(article_id=ids[title], text=text, start=start,
                                    end=start + len(quote), label=label, annotator=annotator))
    out = tmp_path / "tasks.json"
    assert run_cmd(export_cmd, "--db", str(root), "--format", "label-studio", "--out",
                   str(out)) == 0
    (tmp_path / "config.xml").write_text(CONFIG, encoding="utf-8")
    return out


def _convert(tasks: Path, fmt: str, out: Path) -> Path:
    done = subprocess.run(
        [converter_cli(), "export", "-i", str(tasks), "-c", str(tasks.parent / "config.xml"),
         "-o", str(out), "-f", fmt], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return out


def test_ids_are_stable_and_completed_by_names_the_annotator(
    exported: Path, tmp_path: Path
) -> None:
    tasks = json.loads(exported.read_text("utf-8"))
    assert all(isinstance(t["id"], int) for t in tasks)
    annotations = [a for t in tasks for a in t["annotations"]]
    assert all(isinstance(a["id"], int) for a in annotations)
    assert len({a["id"] for a in annotations}) == len(annotations) == 3
    assert sorted(a["completed_by"] for a in annotations) == ["ana", "ana", "bob"]
    again = tmp_path / "again.json"
    assert run_cmd(export_cmd, "--db", str(tmp_path / "db"), "--format", "label-studio",
                   "--out", str(again)) == 0
    assert json.loads(again.read_text("utf-8")) == tasks  # the same ids every time

    new = tmp_path / "new"
    assert run_cmd(import_cmd, str(exported), "--db", str(new), "--annotator", "someone") == 0
    with Store(new, readonly=True) as store:
        got = sorted((c.quote, c.annotator) for _, c in store.iter_claims())
    assert got == sorted((quote, annotator) for _, quote, _, annotator in CLAIMS)


def test_conll2003_through_the_converter_cli(exported: Path, tmp_path: Path) -> None:
    conll = (_convert(exported, "CONLL2003", tmp_path / "conll") / "result.conll").read_text()
    rows = [line.split(" ") for line in conll.splitlines()[1:] if line.strip()]
    tags = [row[-1] for row in rows]
    assert sorted(t for t in tags if t.startswith("B-")) == sorted(
        f"B-{label}" for _, _, label, _ in CLAIMS)
    first = [row[0] for row in rows[:6]]
    assert first == ["Growth", "hit", "5.2", "%", "in", "2023."]
    assert tags[:6] == ["B-statistic"] + ["I-statistic"] * 5


def test_csv_through_the_converter_cli(exported: Path, tmp_path: Path) -> None:
    path = _convert(exported, "CSV", tmp_path / "csv") / "result.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    tasks = json.loads(exported.read_text("utf-8"))
    assert sorted(int(r["id"]) for r in rows) == sorted(
        t["id"] for t in tasks for _ in t["annotations"])
    spans = sorted((r["annotator"], s["text"], s["labels"][0])
                   for r in rows for s in json.loads(r["label"]))
    assert spans == sorted((a, q, label) for _, q, label, a in CLAIMS)


def test_json_min_through_the_converter_api(exported: Path, tmp_path: Path) -> None:
    from label_studio_converter import Converter

    converter = Converter(config=CONFIG, project_dir=str(tmp_path))
    converter.convert(str(exported), str(tmp_path / "min"), "JSON_MIN", is_dir=False)
    records = json.loads((tmp_path / "min" / "result.json").read_text("utf-8"))
    assert len(records) == 3
    got = sorted((r["annotator"], s["start"], s["end"], s["labels"][0],
                  r["text"][s["start"] : s["end"]]) for r in records for s in r["label"])
    expected = sorted((a, TEXTS[t].index(q), TEXTS[t].index(q) + len(q), label, q)
                      for t, q, label, a in CLAIMS)
    assert got == expected
    assert all(isinstance(r["id"], int) and isinstance(r["annotation_id"], int) for r in records)
