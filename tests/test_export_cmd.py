"""`reader export`: every format from a real store, round trips, streaming to a closed pipe."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reader.claims import make_claim
from reader.commands import export_cmd, import_cmd
from reader.formats import EXPORT_FORMATS, export_article
from reader.formats.jsonl import load_schema
from reader.records import SourceArticle
from reader.store.store import Store
from reader.text.sanitize import FORBIDDEN, sanitize

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "reader" / "data" / "eu-korea-joint-statement.txt"
SECOND = "Growth hit 5.2% in 2023.\nUnemployment fell to 3%, the minister said.\n\nEnd."


def run_cmd(module: Any, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(list(argv))))


def _claims_for(article_id: str, text: str) -> list[dict[str, Any]]:
    spans = []
    first = text.index(".") + 1
    spans.append((0, first, "factual", "", ["lead"]))
    word = text.index(" ", 40)
    spans.append((word - 3, word + 6, "statistic", "crosses\nlines \x1b[31m\x9b", []))
    nl = text.index("\n")
    spans.append((max(0, nl - 8), min(len(text), nl + 9), "quote", "", ["a", "b"]))
    out = []
    for i, (start, end, label, note, tags) in enumerate(spans):
        claim = make_claim(
            article_id=article_id,
            text=text,
            start=start,
            end=end,
            label=label,
            annotator="ann" if i else "bob",
            note=note,
            tags=tags,
            speaker="=cmd|' /C calc'!A0" if i == 0 else "Jane Doe",
            verdict="mostly-true" if i == 1 else "unverified",
        )
        out.append(claim)
    return out


@pytest.fixture()
def store_dir(tmp_path: Path) -> Path:
    """A store with the sample article and a short one, three claims each (one crosses a line)."""
    root = tmp_path / "db"
    with Store(root) as store, store.transaction() as tx:
        for title, text, source in (
            ("EU–Korea statement", SAMPLE.read_text("utf-8"), str(SAMPLE)),
            ("Budget day", SECOND, "budget.txt"),
        ):
            added = tx.add_article(
                SourceArticle(
                    title=title, text=text, source=source, url="https://example.org/" + title[:2]
                )
            )
            for claim in _claims_for(added.article.id, text):
                assert tx.add_claim(claim)
    return root


def export_text(store_dir: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert run_cmd(export_cmd, "--db", str(store_dir), *argv) == 0
    captured = capsys.readouterr()
    return captured.out


def jsonl_claims(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _key(claim: dict[str, Any]) -> tuple:
    return (claim["article_id"], claim["start"], claim["end"], claim["label"])


def test_every_jsonl_line_validates_and_is_terminal_safe(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = export_text(store_dir, capsys)
    assert not any(ch in FORBIDDEN for ch in out.replace("\n", ""))
    lines = jsonl_claims(out)
    assert len(lines) == 6
    validator = jsonschema.Draft202012Validator(load_schema())
    for line in lines:
        validator.validate(line)
        assert line["quote"] == line["selectors"][1]["exact"]
    # the store cleans every string it reads: the controls are their visible placeholders
    assert any(line["note"] == "crosses\nlines \u241b[31m\ufffd" for line in lines)


def test_export_never_writes_into_the_store(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.stat().st_mtime_ns for p in store_dir.rglob("*")}
    (store_dir / ".lock").unlink(missing_ok=True)
    (store_dir / ".lock.pid").unlink(missing_ok=True)
    before = {p: p.stat().st_mtime_ns for p in store_dir.rglob("*")}
    for fmt in ("jsonl", "csv", "store"):
        export_text(store_dir, capsys, "--format", fmt)
    after = {p: p.stat().st_mtime_ns for p in store_dir.rglob("*")}
    assert after == before


def test_filters(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert {
        c["label"] for c in jsonl_claims(export_text(store_dir, capsys, "--label", "quote"))
    } == {"quote"}
    verdicts = jsonl_claims(export_text(store_dir, capsys, "--verdict", "mostly-true"))
    assert len(verdicts) == 2 and {c["verdict"] for c in verdicts} == {"mostly-true"}
    assert {
        c["annotator"] for c in jsonl_claims(export_text(store_dir, capsys, "--annotator", "bob"))
    } == {"bob"}
    with Store(store_dir, readonly=True) as store:
        first = store.articles()[0].id
    only = jsonl_claims(export_text(store_dir, capsys, "--article", first.split(":")[1][:10]))
    assert {c["article_id"] for c in only} == {first}
    assert jsonl_claims(export_text(store_dir, capsys, "--since", "2999-01-01")) == []
    assert len(jsonl_claims(export_text(store_dir, capsys, "--since", "2000-01-01"))) == 6
    assert run_cmd(export_cmd, "--db", str(store_dir), "--since", "yesterday") == 2


def _reimport(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str], fmt: str, *extra: str
) -> Path:
    """Export `fmt` to a file, import it into a new store; return the new store."""
    out = tmp_path / f"export-{fmt}"
    assert (
        run_cmd(export_cmd, "--db", str(store_dir), "--format", fmt, "--out", str(out), *extra) == 0
    )
    new = tmp_path / f"new-{fmt}"
    assert run_cmd(import_cmd, str(out), "--db", str(new)) == 0
    capsys.readouterr()
    return new


def _spans(root: Path) -> list[tuple[str, int, int, str]]:
    with Store(root, readonly=True) as store:
        return sorted((a.id, c.start, c.end, c.label) for a, c in store.iter_claims())


def test_jsonl_round_trip_gives_the_same_claims(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = export_text(store_dir, capsys)
    out = tmp_path / "claims.jsonl"
    out.write_text(first, encoding="utf-8")
    new = tmp_path / "new"
    with Store(store_dir, readonly=True) as old, Store(new) as store, store.transaction() as tx:
        for article in old.articles():  # jsonl carries no text: the articles come first
            tx.add_article(
                SourceArticle(
                    title=article.title,
                    text=old.text(article.id),
                    source=article.source,
                    url=article.url,
                )
            )
    assert run_cmd(import_cmd, str(out), "--db", str(new)) == 0
    assert "6 added" in capsys.readouterr().err
    again = export_text(new, capsys)
    expected = jsonl_claims(first)
    for claim in expected:  # imported text is untrusted: controls become visible placeholders
        claim["note"] = sanitize(claim["note"])
    assert sorted(jsonl_claims(again), key=_key) == sorted(expected, key=_key)


def test_jsonl_without_the_articles_says_so(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "claims.jsonl"
    out.write_text(export_text(store_dir, capsys), encoding="utf-8")
    assert run_cmd(import_cmd, str(out), "--db", str(tmp_path / "empty")) == 0
    assert "is not in the store" in capsys.readouterr().err


def test_store_round_trip_is_exact(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = export_text(store_dir, capsys, "--format", "store")
    new = _reimport(tmp_path, store_dir, capsys, "store")
    second = export_text(new, capsys, "--format", "store")

    def comparable(text: str) -> list[dict[str, Any]]:
        records = [json.loads(line) for line in text.splitlines()]
        for record in records:
            record.pop("added", None)
            if isinstance(record.get("note"), str):  # imported notes are sanitised
                record["note"] = sanitize(record["note"])
        return records

    assert comparable(second) == comparable(first)


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "doccano-entities", "label-studio", "brat"])
def test_span_formats_round_trip(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    new = _reimport(tmp_path, store_dir, capsys, fmt)
    assert _spans(new) == _spans(store_dir)
    if fmt == "brat":  # brat also carries notes (line breaks become spaces)
        with Store(new, readonly=True) as store:
            notes = sorted(c.note for _, c in store.iter_claims() if c.note)
        assert notes == ["crosses lines ␛[31m\ufffd"] * 2


def test_prodigy_export_tokens_align(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = jsonl_claims(export_text(store_dir, capsys, "--format", "prodigy"))
    assert len(tasks) == 2
    for task in tasks:
        assert task["answer"] == "accept" and isinstance(task["_input_hash"], int)
        for span in task["spans"]:
            assert task["tokens"][span["token_start"]]["start"] == span["start"]
            assert task["tokens"][span["token_end"]]["end"] == span["end"]


def test_spacy_export_loads_with_every_span(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spacy.tokens import DocBin

    from reader.formats.tokens import blank_nlp

    out = tmp_path / "claims.spacy"
    assert run_cmd(export_cmd, "--db", str(store_dir), "--format", "spacy", "--out", str(out)) == 0
    docs = list(DocBin().from_disk(out).get_docs(blank_nlp().vocab))
    got = sorted(
        (d.user_data["article"]["id"], s.start_char, s.end_char, s.label_)
        for d in docs
        for s in d.spans["claims"]
    )
    assert got == _spans(store_dir)
    assert run_cmd(export_cmd, "--db", str(store_dir), "--format", "spacy") == 2  # needs --out


def test_gold_entities_export_uses_corrections(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.corrections import make_correction

    with Store(store_dir) as store:
        article = store.articles()[1]
        text = store.text(article.id)
        start = text.index("Unemployment")
        corr = make_correction("add", start, start + 12, text, label="TOPIC", annotator="t")
        store.save_correction(article.id, corr)
    tasks = jsonl_claims(
        export_text(
            store_dir,
            capsys,
            "--format",
            "prodigy",
            "--what",
            "entities",
            "--article",
            article.id,
        )
    )
    assert [(s["start"], s["end"], s["label"]) for s in tasks[0]["spans"]] == [
        (start, start + 12, "TOPIC")
    ]


def test_claimreview_output_fields(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (store_dir / "reader.toml").write_text(
        '[publisher]\nname = "Desk"\nurl = "https://desk.example/"\n', encoding="utf-8")
    assert len(jsonl_claims(export_text(store_dir, capsys, "--format", "claimreview"))) == 2
    reviews = jsonl_claims(export_text(store_dir, capsys, "--format", "claimreview", "--all"))
    assert len(reviews) == 6
    for review in reviews:
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["itemReviewed"]["@type"] == "Claim"
        assert review["itemReviewed"]["appearance"]["@type"] == "CreativeWork"
        assert review["itemReviewed"]["appearance"]["url"].startswith("https://example.org/")
        assert review["reviewRating"]["@type"] == "Rating"
        assert review["claimReviewed"] and review["datePublished"] and review["author"]["name"]
    assert {r["author"]["name"] for r in reviews} == {"Desk"}
    assert not any("author" in r["itemReviewed"] for r in reviews)  # no speaker confirmed


def test_csv_export_guards_formulas(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(export_text(store_dir, capsys, "--format", "csv"))))
    assert len(rows) == 6
    assert {r["speaker"] for r in rows} == {"'=cmd|' /C calc'!A0", "Jane Doe"}


def test_unreadable_article_file_is_named_and_exit_2(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(store_dir, readonly=True) as store:
        broken = store_dir / "articles" / store.articles()[0].file
    broken.write_text("{not json", encoding="utf-8")
    assert run_cmd(export_cmd, "--db", str(store_dir)) == 2
    captured = capsys.readouterr()
    assert len(jsonl_claims(captured.out)) == 3  # the other article is still exported
    assert broken.name in captured.err


def test_export_article_for_ctrl_e(store_dir: Path) -> None:
    with Store(store_dir) as store:
        article = store.articles()[1]
        for fmt in EXPORT_FORMATS:
            path = export_article(store, article.id, fmt, None)
            assert path.parent == store_dir / "exports"
            assert path.exists()
        jsonl_path = next((store_dir / "exports").glob("*.jsonl"))
        assert jsonl_path.name.startswith("Budget-day-")
        with pytest.raises(KeyError):
            export_article(store, "sha256:nope", "jsonl", None)


def test_export_piped_to_head_exits_quietly(store_dir: Path, tmp_path: Path) -> None:
    # Enough data that the writer is still writing when `head` goes away.
    with Store(store_dir) as store, store.transaction() as tx:
        article = store.articles()[0]
        text = store.text(article.id)
        for i in range(3000):
            start = i % (len(text) - 20)
            tx.add_claim(
                make_claim(
                    article_id=article.id,
                    text=text,
                    start=start,
                    end=start + 10,
                    label=f"l{i}",
                    annotator="a",
                )
            )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    python, db = shlex.quote(sys.executable), shlex.quote(str(store_dir))
    shell = f"{python} -m reader export --db {db} | head -1"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["quote"]


def test_jsonl_import_reads_missing_articles_from_their_sources_and_reanchors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Claims exported as JSONL go into a store that lacks their articles: each article is read
    from the source file the export names (as given, or beside the claim file); where that text
    changed since, the claims are found again by quote and context, or skipped and named."""
    article = tmp_path / "a.txt"
    text = SAMPLE.read_text("utf-8")
    article.write_text(text, encoding="utf-8")
    quotes = ["approximately 8,000 North Korean soldiers",
              "North Korea has sent around 10,000 to 12,000 troops to Russia",
              "Kim has ramped up missile testing"]
    root = tmp_path / "db"
    with Store(root) as store, store.transaction() as tx:
        aid = tx.add_article(SourceArticle(title="EU", text=text, source=str(article)))
        for quote in quotes:
            start = text.index(quote)
            tx.add_claim(make_claim(article_id=aid.article.id, text=text, start=start,
                                    end=start + len(quote), label="statistic", annotator="t"))
        start = SECOND.index("Unemployment fell to 3%")
        budget = tx.add_article(SourceArticle(title="Budget", text=SECOND, source="budget.txt"))
        tx.add_claim(make_claim(article_id=budget.article.id, text=SECOND, start=start,
                                end=start + 23, label="statistic", annotator="t"))
    out = tmp_path / "out"
    out.mkdir()
    assert run_cmd(export_cmd, "--db", str(root), "--out", str(out / "claims.jsonl")) == 0
    (out / "budget.txt").write_text(SECOND, encoding="utf-8")  # beside the claim file
    changed = "Update: this story was revised.\n\n" + text.replace(
        "Kim has ramped up missile testing", "Kim has tested missiles")
    article.write_text(changed, encoding="utf-8")
    capsys.readouterr()
    new = tmp_path / "new"
    assert run_cmd(import_cmd, str(out / "claims.jsonl"), "--db", str(new)) == 0
    err = capsys.readouterr().err
    assert "2 articles read from their source files" in err
    assert "2 claims re-anchored in changed text" in err
    assert "Kim has ramped up missile testing" in err  # the one that is gone, named
    with Store(new, readonly=True) as store:
        found = {c.quote: (a.title, c.start) for a, c in store.iter_claims()}
    assert found == {
        quotes[0]: ("EU", changed.index(quotes[0])),
        quotes[1]: ("EU", changed.index(quotes[1])),
        "Unemployment fell to 3%": ("Budget", start),
    }


def test_jsonl_import_never_rewrites_a_stored_articles_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Claims exported from another store, whose article has the same source but another
    text: they go into the stored article (re-anchored in its text), which keeps its text and
    its own claims; a line without a label is skipped even where its quote is found."""
    source = str(tmp_path / "a.txt")
    ours = SAMPLE.read_text("utf-8")
    theirs = "Correction appended.\n\n" + ours
    quote = "North Korea has sent around 10,000 to 12,000 troops to Russia"
    own_quote = "Kim has ramped up missile testing"
    mine, other = tmp_path / "mine", tmp_path / "other"
    Path(source).write_text(theirs, encoding="utf-8")  # the file on disk has their text now
    with Store(mine) as store:
        aid = store.add_article(SourceArticle(title="EU", text=ours, source=source)).article.id
        start = ours.index(own_quote)
        store.save_claim(make_claim(article_id=aid, text=ours, start=start,
                                    end=start + len(own_quote), label="factual", annotator="me"))
    with Store(other) as store:
        bid = store.add_article(SourceArticle(title="EU", text=theirs, source=source)).article.id
        start = theirs.index(quote)
        store.save_claim(make_claim(article_id=bid, text=theirs, start=start,
                                    end=start + len(quote), label="statistic", annotator="you"))
    out = tmp_path / "theirs.jsonl"
    assert run_cmd(export_cmd, "--db", str(other), "--out", str(out)) == 0
    lines = out.read_text("utf-8").splitlines()
    unlabelled = json.loads(lines[0])
    unlabelled.update(id="no-label", label="  ")
    out.write_text("\n".join([*lines, json.dumps(unlabelled)]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert run_cmd(import_cmd, str(out), "--db", str(mine)) == 0
    err = capsys.readouterr().err
    assert "1 added" in err and "1 claim re-anchored" in err and "has no label" in err
    with Store(mine, readonly=True) as store:
        assert store.text(aid) == ours  # never rewritten by a claim file
        claims = {c.quote: c for c in store.claims(aid)}
        assert set(claims) == {own_quote, quote}
        assert claims[quote].start == ours.index(quote)
        assert all(c.status == "anchored" for c in claims.values())


def test_jsonl_import_elsewhere_finds_a_relative_source_by_its_recorded_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An article opened as `reader a.txt` is stored with the source "a.txt"; the export
    also names its absolute path, so an import run from another folder still reads it."""
    from reader.text.loading import load_paths

    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_text(SAMPLE.read_text("utf-8"), encoding="utf-8")
    monkeypatch.chdir(work)
    [article] = load_paths(["a.txt"]).articles
    assert article.source == "a.txt"
    quote = "Kim has ramped up missile testing"
    with Store(work / "db") as store:
        aid = store.add_article(article).article.id
        start = article.text.index(quote)
        store.save_claim(make_claim(article_id=aid, text=article.text, start=start,
                                    end=start + len(quote), label="factual", annotator="t"))
    out = tmp_path / "out"  # not beside the article either
    out.mkdir()
    assert run_cmd(export_cmd, "--db", str(work / "db"), "--out", str(out / "claims.jsonl")) == 0
    line = json.loads((out / "claims.jsonl").read_text("utf-8"))
    assert line["article"]["path"] == str((work / "a.txt").resolve())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    capsys.readouterr()
    assert run_cmd(import_cmd, str(out / "claims.jsonl"), "--db", "new") == 0
    assert "1 article read from their source files" in capsys.readouterr().err
    with Store(elsewhere / "new", readonly=True) as store:
        assert [c.quote for _, c in store.iter_claims()] == [quote]
