"""`reader agree` on three analysts' exports of the sample, imported into one store: its figures
equal those the reference packages compute on the same spans."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from krippendorff_unitized_alpha.krippendorffs_unitized_alpha import (
    KrippendorffUnitizedAlpha,
    Segment,
)
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from reader.claims import make_claim
from reader.store import Store
from reader.text.loading import load_paths

SAMPLE = Path(__file__).parent.parent / "reader" / "data" / "eu-korea-joint-statement.txt"
SCALE = ["true", "mostly-true", "mixed", "mostly-false", "false"]

# (start, end, label, verdict) per analyst: exact and partial overlaps, a different label, a
# different verdict, a span only some marked, and an unjudged verdict.
CODINGS = {
    "ana": [(100, 150, "factual", "true"), (300, 380, "statistic", "false"),
            (500, 560, "quote", "mixed"), (700, 760, "factual", "mostly-true"),
            (900, 950, "opinion", "unverified")],
    "ben": [(100, 150, "factual", "true"), (305, 380, "statistic", "mostly-false"),
            (500, 560, "opinion", "mixed"), (700, 760, "factual", "mostly-true")],
    "cy": [(100, 150, "factual", "true"), (300, 380, "statistic", "false"),
           (510, 555, "quote", "mixed"), (900, 950, "opinion", "false"),
           (1200, 1250, "factual", "true")],
}
# The one-to-one matches each pair must get (by start offsets), exact ones marked.
MATCHES = {
    ("ana", "ben"): [(100, 100), (300, 305), (500, 500), (700, 700)],
    ("ana", "cy"): [(100, 100), (300, 300), (500, 510), (900, 900)],
    ("ben", "cy"): [(100, 100), (305, 300), (500, 510)],
}
# Groups of spans matched across analysts (start offsets; None: that analyst has none).
GROUPS = [(100, 100, 100), (300, 305, 300), (500, 500, 510), (700, 700, None),
          (900, None, 900), (None, None, 1200)]


def reader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def coding(name: str, start: int | None) -> tuple[int, int, str, str] | None:
    return next((c for c in CODINGS[name] if c[0] == start), None)


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("agree")
    article = load_paths([SAMPLE]).articles[0]
    for name, spans in CODINGS.items():
        with Store(tmp / name) as store:
            doc = store.add_article(article).article
            for start, end, label, verdict in spans:
                store.save_claim(make_claim(article_id=doc.id, text=article.text, start=start,
                                            end=end, label=label, verdict=verdict,
                                            annotator=name))
            store.set_done(doc.id, name, "2026-12-06T05:00:00Z")
        # ana and ben send whole-store dumps (done marks travel with them); cy sends jsonl
        fmt = "jsonl" if name == "cy" else "store"
        exported = reader("export", "--db", str(tmp / name), "--format", fmt,
                          "--out", str(tmp / f"{name}.{fmt}.jsonl"), cwd=tmp)
        assert exported.returncode == 0, exported.stderr
    for name in CODINGS:
        fmt = "jsonl" if name == "cy" else "store"
        imported = reader("import", str(tmp / f"{name}.{fmt}.jsonl"), "--db", str(tmp / "team"),
                          cwd=tmp)
        assert imported.returncode == 0, imported.stderr
        if fmt == "store":
            assert "1 done mark added" in imported.stderr
    with Store(tmp / "team") as store:
        article_id = store.articles()[0].id
        assert len(store.claims(article_id)) == 14
        assert {m["annotator"] for m in store.done_marks(article_id)} == {"ana", "ben"}
        store.set_done(article_id, "cy", "2026-12-06T05:00:00Z")
    return tmp / "team", article_id


def test_agree_json_equals_the_reference_packages(merged: tuple[Path, str]) -> None:
    db, article_id = merged
    result = reader("agree", "--db", str(db), "--format", "json", cwd=db.parent)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == 1 and report["annotators"] == ["ana", "ben", "cy"]
    pairs = {tuple(p["annotators"]): p for p in report["pairs"]}
    for (a, b), matches in MATCHES.items():
        pair = pairs[(a, b)]
        exact = sum(1 for x, y in matches if coding(a, x)[:2] == coding(b, y)[:2])  # type: ignore[union-attr]
        total = len(CODINGS[a]) + len(CODINGS[b])
        assert pair["span_f1_exact"] == pytest.approx(2 * exact / total)
        assert pair["span_f1_overlap"] == pytest.approx(2 * len(matches) / total)
        labels_a = [coding(a, x)[2] for x, _ in matches]  # type: ignore[union-attr]
        labels_b = [coding(b, y)[2] for _, y in matches]  # type: ignore[union-attr]
        kappa = cohen_kappa_score(labels_a, labels_b)
        assert pair["label_cohen_kappa"] == (None if np.isnan(kappa) else pytest.approx(kappa))
        rows = [[SCALE.index(v) if (v := coding(n, s)[3]) in SCALE else np.nan  # type: ignore[union-attr]
                 for s in column] for n, column in ((a, [x for x, _ in matches]),
                                                    (b, [y for _, y in matches]))]
        alpha = krippendorff.alpha(reliability_data=np.array(rows, dtype=float),
                                   level_of_measurement="ordinal",
                                   value_domain=list(range(len(SCALE))))
        assert pair["verdict_alpha_ordinal"] == pytest.approx(alpha)
    full = [[coding(n, s)[2] for n, s in zip(CODINGS, g, strict=True)]  # type: ignore[union-attr]
            for g in GROUPS if None not in g]
    table, _ = aggregate_raters(np.array([[hash(x) % 1000 for x in item] for item in full]))
    assert report["label_fleiss_kappa"] == pytest.approx(sm_fleiss(table, method="fleiss"))
    labels = sorted({c[2] for spans in CODINGS.values() for c in spans})
    nominal = [[np.nan if s is None else labels.index(coding(n, s)[2])  # type: ignore[union-attr]
                for s in column] for n, column in zip(CODINGS, zip(*GROUPS, strict=True),
                                                      strict=True)]
    assert report["label_alpha_nominal"] == pytest.approx(
        krippendorff.alpha(reliability_data=np.array(nominal, dtype=float),
                           level_of_measurement="nominal"))
    length = len(SAMPLE.read_text(encoding="utf-8"))
    segments = {}
    for name, spans in CODINGS.items():
        items, position = [], 0
        for start, end, label, _ in spans:
            if start > position:
                items.append(Segment("_empty", position, start))
            items.append(Segment(label, start, end))
            position = end
        items.append(Segment("_empty", position, length))
        segments[name] = items
    assert report["span_alpha_u"] == pytest.approx(KrippendorffUnitizedAlpha(segments).result)
    assert report["per_article"][0]["article_id"] == article_id
    assert {p["label"] for p in report["per_label"]} == set(labels)
    kinds = {(d["start"], tuple(d["kinds"])) for d in report["disagreements"]}
    assert (300, ("verdict",)) in kinds and (500, ("label",)) in kinds
    assert (700, ("span",)) in kinds and (1200, ("span",)) in kinds


def test_agree_csv_has_one_row_per_article_pair_measure(merged: tuple[Path, str]) -> None:
    db, article_id = merged
    result = reader("agree", "--db", str(db), "--format", "csv", cwd=db.parent)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["article", "pair", "measure", "value"]
    keys = {(r[0], r[1], r[2]) for r in rows[1:]}
    assert len(keys) == len(rows) - 1
    assert ("*", "ana|ben", "span_f1_overlap") in keys
    assert ("*", "*", "label_fleiss_kappa") in keys
    assert (article_id, "ben|cy", "label_cohen_kappa") in keys
    value = next(r[3] for r in rows if r[:3] == ["*", "ana|ben", "span_f1_overlap"])
    assert float(value) == pytest.approx(8 / 9)


def test_agree_table_and_filters(merged: tuple[Path, str]) -> None:
    db, _ = merged
    result = reader("agree", "--db", str(db), "--annotators", "ana,cy", "--label", "factual",
                    cwd=db.parent)
    assert result.returncode == 0, result.stderr
    assert "ana / cy" in result.stdout and "ben" not in result.stdout


def test_agree_writes_nothing_and_needs_two_annotators_with_done_articles(
        merged: tuple[Path, str], tmp_path: Path) -> None:
    db, article_id = merged
    before = {p: p.stat().st_mtime_ns for p in db.rglob("*")}
    reader("agree", "--db", str(db), "--format", "json", cwd=db.parent)
    assert {p: p.stat().st_mtime_ns for p in db.rglob("*")} == before
    only = reader("agree", "--db", str(db), "--annotators", "ana", cwd=db.parent)
    assert only.returncode == 2 and only.stderr.count("\n") == 1 and "two" in only.stderr
    article = load_paths([SAMPLE]).articles[0]
    with Store(tmp_path / "s") as store:
        doc = store.add_article(article).article
        for name in ("ana", "ben"):
            store.save_claim(make_claim(article_id=doc.id, text=article.text, start=0, end=9,
                                        label="factual", annotator=name))
        store.set_done(doc.id, "ana", "2026-12-06T05:00:00Z")
    none = reader("agree", "--db", str(tmp_path / "s"), cwd=tmp_path)
    assert none.returncode == 2 and none.stderr.count("\n") == 1
    assert "no article was marked done by all of ana, ben" in none.stderr
    assert reader("agree", "--db", str(tmp_path / "s"), "--all", cwd=tmp_path).returncode == 0


def test_done_marks_travel_in_the_store_format_and_unmark(merged: tuple[Path, str],
                                                         tmp_path: Path) -> None:
    db, article_id = merged
    out = tmp_path / "team.jsonl"
    assert reader("export", "--db", str(db), "--format", "store", "--out", str(out),
                  cwd=tmp_path).returncode == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    done = [line for line in lines if line["type"] == "done"]
    assert {(d["article_id"], d["annotator"]) for d in done} == {
        (article_id, name) for name in CODINGS}
    again = reader("import", str(out), "--db", str(tmp_path / "copy"), cwd=tmp_path)
    assert "3 done marks added" in again.stderr
    twice = reader("import", str(out), "--db", str(tmp_path / "copy"), cwd=tmp_path)
    assert "done mark" not in twice.stderr
    with Store(tmp_path / "copy") as store:
        store.set_done(article_id, "ben", None)
        assert {m["annotator"] for m in store.done_marks(article_id)} == {"ana", "cy"}
    result = reader("agree", "--db", str(tmp_path / "copy"), cwd=tmp_path)
    assert result.returncode == 2 and "no article was marked done by all of" in result.stderr


def test_db_check_names_a_broken_done_mark(tmp_path: Path) -> None:
    article = load_paths([SAMPLE]).articles[0]
    with Store(tmp_path / "s") as store:
        doc = store.add_article(article).article
        store.set_done(doc.id, "ana", "2026-12-06T05:00:00Z")
    path = next((tmp_path / "s" / "articles").glob("*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["done"]["1"]["at"] = 5
    path.write_text(json.dumps(data), encoding="utf-8")
    result = reader("db", "check", "--db", str(tmp_path / "s"), cwd=tmp_path)
    assert result.returncode != 0
    assert "done mark without string 'annotator' and 'at'" in result.stdout + result.stderr
    with Store(tmp_path / "s", readonly=True) as store:
        assert store.done_marks(doc.id) == []


def test_the_readme_example_is_what_reader_agree_prints(merged: tuple[Path, str]) -> None:
    db, _ = merged
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("$ reader agree --db team\n", 1)[1].split("```", 1)[0]
    printed = reader("agree", "--db", str(db), cwd=db.parent).stdout
    for line in example.splitlines():
        if line.strip() and line.strip() != "…":
            assert line in printed, line
