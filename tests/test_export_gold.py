"""`reader export --annotator gold`: the adjudicated layer in every export format, and nothing
else of the annotators'."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from reader.commands import export_cmd, import_cmd
from reader.curation.curate import Curation
from reader.curation.notes import adjudications
from reader.formats import EXPORT_FORMATS
from reader.formats.jsonl import load_schema
from reader.store.store import Store
from tests.curationhelpers import TEXT, three_coders


def run_cmd(module: Any, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(list(argv))))


Gold = list[tuple[int, int, str]]


@pytest.fixture()
def gold_store(tmp_path: Path) -> tuple[Path, Gold, dict[str, list[str]]]:
    """Three annotators' claims, adjudicated: merged, taken, every version kept, spans merged,
    one rejected. Returns the store, the gold spans, and each gold claim's derived_from."""
    db = tmp_path / "db"
    aid, made = three_coders(db, path=tmp_path / "three.txt")
    with Store(db) as store:
        cur = Curation(store, aid, "ed").load()
        cur.auto_merge()

        def item(text: str) -> Any:
            return next(i for i in cur.open if TEXT[i.start:i.end] == text)

        cur.take(item("Unemployment fell to 3%"), made["label_cy"]["id"])
        cur.take(item("Prices doubled in a decade"), made["verdict_ana"]["id"])
        cur.take_all(item("Crime is at its lowest level since 1990"))
        cur.merge(item("Exports rose by a third"), made["speaker_cy"]["id"])
        cur.reject(item("The bridge will be finished by 2030"), note="a forecast")
        gold = [c for c in store.claims(aid) if c["annotator"] == "gold"]
    assert len(gold) == 7
    return (db, sorted((c["start"], c["end"], c["label"]) for c in gold),
            {c["id"]: c["derived_from"] for c in gold})


def _export(db: Path, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
            *extra: str) -> tuple[str, Path]:
    out = tmp_path / f"gold-{fmt}"
    assert run_cmd(export_cmd, "--db", str(db), "--format", fmt, "--annotator", "gold",
                   "--out", str(out), *extra) == 0
    capsys.readouterr()
    return (out.read_text("utf-8") if out.is_file() and fmt != "spacy" else ""), out


def test_every_format_is_tested_here() -> None:
    tested = {"jsonl", "csv", "claimreview", "prodigy", "doccano", "doccano-entities",
              "label-studio", "brat", "spacy", "store"}
    assert set(EXPORT_FORMATS) == tested


def test_jsonl(gold_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema

    db, spans, derived = gold_store
    text, out = _export(db, "jsonl", tmp_path, capsys)
    lines = [json.loads(x) for x in text.splitlines()]
    schema = load_schema()
    for line in lines:
        jsonschema.validate(line, schema)
    assert sorted((c["start"], c["end"], c["label"]) for c in lines) == spans
    assert {c["id"]: c["derived_from"] for c in lines} == derived
    assert {c["annotator"] for c in lines} == {"gold"}
    new = tmp_path / "new"  # and back: derived_from survives an import
    assert run_cmd(import_cmd, str(out), "--db", str(new)) == 0
    with Store(new, readonly=True) as store:
        assert {c["id"]: c["derived_from"] for _, c in store.iter_claims()} == derived


def test_store(gold_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, spans, derived = gold_store
    text, out = _export(db, "store", tmp_path, capsys)
    claims = [r for r in map(json.loads, text.splitlines()) if r["type"] == "claim"]
    assert {c["id"]: c["derived_from"] for c in claims} == derived
    new = tmp_path / "new"
    assert run_cmd(import_cmd, str(out), "--db", str(new)) == 0
    with Store(new, readonly=True) as store:
        got = {c["id"]: c for _, c in store.iter_claims()}
    assert {k: c["derived_from"] for k, c in got.items()} == derived
    assert sorted((c["start"], c["end"], c["label"]) for c in got.values()) == spans


def test_store_dump_carries_the_decisions_to_the_annotators(
    gold_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ben imports the adjudicator's dump into his own store: he sees the note on his claim."""
    db, _, _ = gold_store
    _, out = _export(db, "store", tmp_path, capsys)
    with Store(db, readonly=True) as store:
        [aid] = [a["id"] for a in store.articles()]
        decisions = sorted(store.decisions(aid), key=lambda d: d["id"])
        only_ben = next(c["id"] for c in store.claims(aid) if c["label"] == "prediction")
    ben = tmp_path / "ben"
    assert run_cmd(import_cmd, str(out), "--db", str(ben)) == 0
    assert "6 curation decisions added" in capsys.readouterr().err
    with Store(ben, readonly=True) as store:
        assert sorted(store.decisions(aid), key=lambda d: d["id"]) == decisions
        lines = adjudications(store.decisions(aid))
    assert lines[only_ben] == "gold: rejected by ed; note: a forecast"
    assert run_cmd(import_cmd, str(out), "--db", str(ben)) == 0  # again: nothing twice
    assert "curation decision" not in capsys.readouterr().err


def test_csv(gold_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, spans, derived = gold_store
    text, _ = _export(db, "csv", tmp_path, capsys)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted((int(r["start"]), int(r["end"]), r["label"]) for r in rows) == spans
    assert {r["annotator"] for r in rows} == {"gold"}
    assert sorted(r["derived_from"] for r in rows) == sorted("; ".join(d)
                                                            for d in derived.values())


def test_claimreview(gold_store: Any, tmp_path: Path,
                     capsys: pytest.CaptureFixture[str]) -> None:
    db, _, _ = gold_store
    text, _ = _export(db, "claimreview", tmp_path, capsys, "--all")
    reviews = [json.loads(x) for x in text.splitlines()]
    quotes = sorted(r["claimReviewed"] for r in reviews)
    assert quotes == sorted([
        "Growth hit 5.2% in 2023", "Unemployment fell to 3%", "Prices doubled in a decade",
        "Crime is at its lowest level", "its lowest level since 1990",
        "Crime is at its lowest level since 1990", "Exports rose by a third"])


@pytest.mark.parametrize("fmt,key", [("prodigy", "spans"), ("doccano", "label"),
                                     ("doccano-entities", "entities")])
def test_span_lines(gold_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                    fmt: str, key: str) -> None:
    db, spans, _ = gold_store
    text, _ = _export(db, fmt, tmp_path, capsys)
    [record] = [json.loads(x) for x in text.splitlines()]
    got = []
    for span in record[key]:
        if isinstance(span, list):
            got.append(tuple(span))
        elif "start_offset" in span:
            got.append((span["start_offset"], span["end_offset"], span["label"]))
        else:
            got.append((span["start"], span["end"], span["label"]))
    assert sorted(got) == spans


def test_label_studio(gold_store: Any, tmp_path: Path,
                      capsys: pytest.CaptureFixture[str]) -> None:
    db, spans, _ = gold_store
    text, _ = _export(db, "label-studio", tmp_path, capsys)
    [task] = json.loads(text)
    [annotation] = task["annotations"]
    assert annotation["completed_by"] == "gold"
    got = [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
           for r in annotation["result"]]
    assert sorted(got) == spans


def test_brat(gold_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, spans, _ = gold_store
    _, out = _export(db, "brat", tmp_path, capsys)
    [ann] = list(out.glob("*.ann"))
    got = []
    for line in ann.read_text("utf-8").splitlines():
        if line.startswith("T"):
            label, start, end = line.split("\t")[1].split(" ")
            got.append((int(start), int(end), label))
    assert sorted(got) == spans


def test_spacy(gold_store: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from spacy.tokens import DocBin

    from reader.formats.tokens import blank_nlp

    db, spans, _ = gold_store
    _, out = _export(db, "spacy", tmp_path, capsys)
    [doc] = list(DocBin().from_disk(out).get_docs(blank_nlp().vocab))
    got = [(s.start_char, s.end_char, s.label_) for s in doc.spans["claims"]]
    assert sorted(got) == spans
