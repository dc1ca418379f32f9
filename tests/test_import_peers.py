"""`reader import` on the real peer files, into real stores."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from reader.commands import import_cmd
from reader.store.store import Store

PEERS = Path(__file__).parent / "fixtures" / "peers"


def run_import(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    import_cmd.add_arguments(parser)
    return import_cmd.run(parser.parse_args(list(argv)))


def all_claims(root: Path) -> list[tuple[str, dict]]:
    """(article text, claim) for every claim in the store."""
    with Store(root, readonly=True) as store:
        return [(store.text(a.id), c) for a, c in store.iter_claims()]


def test_prodigy_file_imports_its_303_accepted_spans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = PEERS / "prodigy" / "annotated_news_headlines-ner.jsonl"
    tasks = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    expected = sorted(
        (t["text"][s["start"] : s["end"]], s["start"], s["end"], s["label"])
        for t in tasks
        if t.get("answer") == "accept"
        for s in t.get("spans", [])
    )
    assert len(expected) == 303
    db = tmp_path / "db"
    assert run_import(str(path), "--db", str(db), "--annotator", "tester") == 0
    err = capsys.readouterr().err
    assert "303 added, 0 already present" in err
    ignored = 1 + next(i for i, t in enumerate(tasks) if t.get("answer") != "accept")
    assert f"skipped line {ignored}: task not accepted (answer 'ignore')" in err
    claims = all_claims(db)
    got = sorted((c.quote, c.start, c.end, c.label) for _, c in claims)
    assert got == expected
    assert all(text[c.start : c.end] == c.quote for text, c in claims)
    assert {c.annotator for _, c in claims} == {"tester"}
    with Store(db, readonly=True) as store:
        assert len(store.articles()) == 372

    assert run_import(str(path), "--db", str(db), "--annotator", "tester") == 0
    assert "0 added, 303 already present" in capsys.readouterr().err
    assert len(all_claims(db)) == 303
    # A colleague's coding of the same spans is theirs: never merged into the tester's.
    assert run_import(str(path), "--db", str(db), "--annotator", "colleague") == 0
    assert "303 added, 0 already present" in capsys.readouterr().err
    assert len(all_claims(db)) == 606


def test_label_studio_date_span_annotations_and_predictions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    assert (
        run_import(str(PEERS / "label-studio" / "named_entity-annotation.json"), "--db", str(db))
        == 0
    )
    ((text, claim),) = all_claims(db)
    assert (claim.start, claim.end, claim.label, claim.quote) == (
        343,
        354,
        "Date",
        "February 22",
    )
    assert text[343:354] == "February 22"
    tasks = str(PEERS / "label-studio" / "named_entity-tasks.json")
    assert run_import(tasks, "--db", str(db)) == 0
    assert "try with --predictions" in capsys.readouterr().err
    assert run_import(tasks, "--predictions", "--db", str(db)) == 0
    assert "0 added, 1 already present" in capsys.readouterr().err  # same text, same span


def test_brat_note_on_discworld_and_skips_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    assert run_import(str(PEERS / "brat"), "--db", str(db)) == 0
    err = capsys.readouterr().err
    for line in (7, 11, 18, 21):
        assert f"110-note_annotation.ann: skipped line {line}:" in err
    claims = all_claims(db)
    assert len(claims) == 4 + 14
    disc = sorted((c.start, c.note) for _, c in claims if c.quote == "Discworld")
    assert disc == [(412, "Should fictional places be annotated?"), (643, "")]
    google = [c for _, c in claims if c.quote == "Google" and c.label == "Organization"]
    assert {c.start for c in google} >= {184, 507}


@pytest.mark.parametrize("which", ["040-text_span_annotation.ann", "040-text_span_annotation.txt"])
def test_brat_pair_from_either_file(tmp_path: Path, which: str) -> None:
    db = tmp_path / "db"
    assert run_import(str(PEERS / "brat" / which), "--db", str(db)) == 0
    got = sorted((c.quote, c.label) for _, c in all_claims(db))
    assert got == [
        ("California", "GPE"),
        ("Google", "Organization"),
        ("Larry Page", "Person"),
        ("Sergey Brin", "Person"),
    ]


def test_doccano_entities_both_shapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db"
    files = [
        PEERS / "doccano" / "relation_extraction-export.json",
        PEERS / "doccano" / "sequence_labeling-export.jsonl",
        PEERS / "doccano" / "sequence_labeling-overlapping.jsonl",
    ]
    assert run_import(*map(str, files), "--db", str(db)) == 0
    err = capsys.readouterr().err
    assert "3 relations not imported" in err
    got = sorted((c.quote, c.start, c.end, c.label) for _, c in all_claims(db))
    assert got == sorted(
        [
            ("Google", 0, 6, "ORG"),
            ("September 4, 1998", 22, 39, "DATE"),
            ("Larry Page", 44, 54, "PERSON"),
            ("Sergey Brin", 59, 70, "PERSON"),
            ("EU", 0, 2, "ORG"),
            ("German", 11, 17, "MISC"),
            ("Peter Blackburn", 0, 15, "PERSON"),
            ("Obama", 10, 15, "PERSON"),
            ("e", 0, 1, "LOC"),
        ]
    )


def test_import_as_entities_makes_gold_corrections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    path = str(PEERS / "doccano" / "relation_extraction-export.json")
    assert run_import(path, "--as", "entities", "--db", str(db)) == 0
    assert "4 added" in capsys.readouterr().err
    with Store(db, readonly=True) as store:
        (article,) = store.articles()
        corrections = store.corrections(article.id)
        assert store.claims(article.id) == []
    assert {(c.action, c.start, c.end, c.label, c.source) for c in corrections} == {
        ("add", 0, 6, "ORG", "import"),
        ("add", 22, 39, "DATE", "import"),
        ("add", 44, 54, "PERSON", "import"),
        ("add", 59, 70, "PERSON", "import"),
    }
    assert run_import(path, "--as", "entities", "--db", str(db)) == 0
    assert "0 added, 4 already present" in capsys.readouterr().err


def test_mismatched_and_out_of_range_spans_are_skipped_with_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        {"text": "Alpha beta", "label": [[0, 5, "A"], [6, 99, "B"]]},
        {"text": "Gamma", "label": [[0, 5, "C"]]},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    ls = tmp_path / "ls.json"
    task = {
        "data": {"text": "Hello world"},
        "annotations": [
            {
                "result": [
                    {
                        "type": "labels",
                        "value": {"start": 0, "end": 5, "text": "Hullo", "labels": ["X"]},
                    }
                ]
            }
        ],
    }
    ls.write_text(json.dumps([task]), encoding="utf-8")
    db = tmp_path / "db"
    assert run_import(str(path), str(ls), "--db", str(db)) == 0
    err = capsys.readouterr().err
    assert "skipped line 1: span 6-99 is outside the text (10 characters)" in err
    assert "skipped line 1: span text 'Hullo' does not match the text at 0-5 ('Hello')" in err
    assert sorted(c.quote for _, c in all_claims(db)) == ["Alpha", "Gamma"]


def test_malformed_file_names_its_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.jsonl"
    good = json.dumps({"text": "Alpha beta", "label": [[0, 5, "A"]]})
    path.write_text(f'{good}\n{good}\n{{"text": "cut off\n', encoding="utf-8")
    db = tmp_path / "db"
    assert run_import(str(path), "--format", "doccano", "--db", str(db)) == 2
    err = capsys.readouterr().err
    assert "broken.jsonl: line 3:" in err and "nothing imported" in err
    with Store(db, readonly=True) as store:
        assert store.articles() == []


def test_crlf_text_offsets_are_mapped(tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    text = "Line one.\r\nThe Queen spoke.\r\nEnd."
    start = text.index("Queen")
    (folder / "doc.txt").write_bytes(text.encode("utf-8"))
    (folder / "doc.ann").write_text(f"T1\tPerson {start} {start + 5}\tQueen\n", encoding="utf-8")
    db = tmp_path / "db"
    assert run_import(str(folder / "doc.ann"), "--db", str(db)) == 0
    ((stored, claim),) = all_claims(db)
    assert "\r" not in stored
    assert claim.quote == "Queen" and stored[claim.start : claim.end] == "Queen"


def test_refuses_a_store_another_reader_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    holder = Store(db)
    try:
        assert not holder.readonly
        path = str(PEERS / "doccano" / "sequence_labeling-export.jsonl")
        assert run_import(path, "--db", str(db)) == 2
        assert "cannot import" in capsys.readouterr().err
    finally:
        holder.close()
    with Store(db, readonly=True) as store:
        assert store.articles() == []


def test_a_failing_transaction_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.formats import importing

    calls = {"n": 0}
    real = importing.make_claim

    def flaky(**kwargs: object) -> dict:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "make_claim", flaky)
    db = tmp_path / "db"
    with pytest.raises(RuntimeError):
        run_import(str(PEERS / "doccano" / "sequence_labeling-export.jsonl"), "--db", str(db))
    with Store(db, readonly=True) as store:
        assert store.articles() == []
    assert not list((db / "articles").glob("*.json")) if (db / "articles").exists() else True


def test_unknown_content_needs_a_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mystery.json"
    path.write_text('{"hello": "world"}\n', encoding="utf-8")
    assert run_import(str(path), "--db", str(tmp_path / "db")) == 2
    assert "give --format" in capsys.readouterr().err


def test_import_copies_of_peer_folder_by_folder(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(PEERS / "brat", folder)
    (folder / "110-note_annotation.ann").write_text("T1\tX nonsense\tfoo\n", encoding="utf-8")
    db = tmp_path / "db"
    assert run_import(str(folder), "--db", str(db)) == 2  # one bad pair
    assert len(all_claims(db)) == 4  # the good pair is still imported
