"""`reader db check` and `reader db repair` on clean, corrupt, truncated and hand-edited stores."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reader.claims import make_claim
from reader.cli import main
from reader.commands.db_cmd import default_out
from reader.records import CLAIM_FIELDS, Claim, SourceArticle
from reader.store import Store

TEXT_A = (
    "The minister said the budget would rise by 4 percent next year.\n\n"
    "Critics replied that inflation alone was running at 6 percent.\n\n"
    "The vote is expected on Thursday."
)
TEXT_B = "Second article. It has one claim about the harbour, built in 1903."


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _claim(aid: str, text: str, quote: str, label: str = "factual") -> dict[str, Any]:
    start = text.index(quote)
    return make_claim(article_id=aid, text=text, start=start, end=start + len(quote),
                      label=label, annotator="t")


def _build(root: Path) -> tuple[str, str, list[dict[str, Any]]]:
    with Store(root) as store:
        a = store.add_article(SourceArticle(title="A", text=TEXT_A, source="a.txt")).article.id
        b = store.add_article(SourceArticle(title="B", text=TEXT_B, source="b.txt")).article.id
        claims = [
            _claim(a, TEXT_A, "the budget would rise by 4 percent next year"),
            _claim(a, TEXT_A, "inflation alone was running at 6 percent", "statistic"),
            _claim(a, TEXT_A, "The vote is expected on Thursday", "prediction"),
            _claim(b, TEXT_B, "built in 1903"),
        ]
        for claim in claims:
            store.save_claim(claim)
    return a, b, claims


def _article_file(root: Path, aid: str) -> Path:
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    [doc] = [d for d in index["articles"].values() if d["id"] == aid]
    return root / "articles" / doc["file"]


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_check_clean_store_reads_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "db"
    _build(root)
    (root / ".lock").unlink()
    before = _tree(root)
    status, out, err = _run(["db", "check", "--db", str(root)], capsys)
    assert status == 0, out + err
    assert "2 articles, 4 claim records; 0 problems" in out
    assert _tree(root) == before
    assert not (root / ".lock").exists()


def _damage(root: Path, a: str, b: str, claims: list[Claim]) -> dict[str, str]:
    """Hand-edit article A's claims in five ways and truncate article B; returns claim ids."""
    path_a = _article_file(root, a)

    def edit(data: dict[str, Any]) -> None:
        table = data["claims"]
        by_id = {c["id"]: k for k, c in table.items()}
        first, second, third = (table[by_id[c.id]] for c in claims[:3])
        first["start"] += 4  # offsets off: the quote still finds it
        first["end"] += 4
        second["start"] = str(second["start"])  # wrong type, fixable
        second["label"] = "[bold]rumour[/]"  # unknown label: a warning
        for name in ("speaker", "tags", "note", "verdict"):
            del third[name]  # missing optional fields
        table["90"] = {**first, "id": "lost", "quote": "words that are nowhere", "start": 9000,
                       "end": 9010}  # past the end, quote not in the text: unfixable
        table["91"] = ["not", "a", "record"]

    _edit(path_a, edit)
    path_b = _article_file(root, b)
    raw = path_b.read_bytes()
    path_b.write_bytes(raw[: len(raw) // 2])  # truncated (its .bak holds the previous save)
    return {"first": claims[0].id, "second": claims[1].id, "third": claims[2].id}


def test_check_reports_every_problem_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "db"
    a, b, claims = _build(root)
    ids = _damage(root, a, b, claims)
    before = _tree(root)
    status, out, _ = _run(["db", "check", "--db", str(root)], capsys)
    assert status == 2
    lines = out.splitlines()
    name_a, name_b = _article_file(root, a).name, _article_file(root, b).name

    def lines_for(needle: str) -> list[str]:
        return [line for line in lines if needle in line]

    first = lines_for(f"id={ids['first']}")
    assert any("does not match the text" in line and name_a in line for line in first), out
    second = lines_for(f"id={ids['second']}")
    assert any("'start' is not an integer" in line for line in second)
    assert any(line.startswith("warning:") and "unknown label '[bold]rumour[/]'" in line
               for line in second)
    third = lines_for(f"id={ids['third']}")
    assert {"missing field 'speaker'", "missing field 'tags'"} <= {
        part for line in third for part in ("missing field 'speaker'", "missing field 'tags'")
        if part in line
    }
    assert any("past the end of the text" in line for line in lines_for("id=lost"))
    assert any("claims/91" in line and "not a record" in line for line in lines)
    assert any(name_b in line and "not valid JSON" in line for line in lines)
    assert _tree(root) == before  # nothing rewritten, no lock file


def test_repair_writes_a_fixed_copy_and_quarantines_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "db"
    a, b, claims = _build(root)
    # one more save of B so that its .bak holds the claim too
    with Store(root) as store:
        store.save_claim(msgspec.structs.replace(claims[3], note="second save"))
    ids = _damage(root, a, b, claims)
    before = _tree(root)
    out_dir = tmp_path / "fixed"
    status, out, err = _run(["db", "repair", "--db", str(root), "--out", str(out_dir)], capsys)
    assert status == 0, out + err
    assert _tree(root) == before  # the original is untouched
    assert "re-anchored by its quote" in out and "quarantined" in out
    status, check_out, _ = _run(["db", "check", "--db", str(out_dir)], capsys)
    assert status == 0, check_out
    with Store(out_dir, readonly=True) as store:
        assert store.problems == []
        got_a = {c.id: c for c in store.claims(a)}
        got_b = store.claims(b)
        text_a = store.text(a)
    first = got_a[ids["first"]]
    assert (first.start, first.end) == (claims[0].start, claims[0].end)
    assert text_a[first.start:first.end] == claims[0].quote
    second = got_a[ids["second"]]
    assert second.start == claims[1].start and second.label == "[bold]rumour[/]"
    third = got_a[ids["third"]]
    assert third.speaker == "" and third.tags == [] and third.verdict == "unverified"
    assert list(third.to_record()) == list(CLAIM_FIELDS)
    assert [c.id for c in got_b] == [claims[3].id]  # restored from the .bak
    quarantine = [json.loads(line) for line in
                  (out_dir / "quarantine.jsonl").read_text(encoding="utf-8").splitlines()]
    records = {q["record"] for q in quarantine}
    assert "claims/91" in records
    lost = got_a["lost"]  # its quote is nowhere: kept, visibly orphaned, never dropped
    assert lost.status == "orphaned" and lost.quote == "words that are nowhere"
    assert any(q["content"] == ["not", "a", "record"] for q in quarantine)
    assert any(isinstance(q["content"], str) and q["reason"].startswith("unusable")
               for q in quarantine)  # the truncated file's bytes are kept
    # nothing silently dropped: every damaged record is in the copy or in the quarantine
    assert len(got_a) + sum(1 for q in quarantine if q["record"].startswith("claims/")) == 5


def test_repair_refuses_an_existing_out_and_names_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "db"
    _build(root)
    (tmp_path / "taken").mkdir()
    status, _, err = _run(["db", "repair", "--db", str(root), "--out", str(tmp_path / "taken")],
                          capsys)
    assert status == 2 and "already exists" in err
    when = datetime(2026, 1, 2, 3, 4, 5)
    assert default_out(root, when) == tmp_path.resolve() / "db.repaired-20260102-030405"
    status, out, _ = _run(["db", "repair", "--db", str(root)], capsys)
    assert status == 0
    [copy] = list(tmp_path.glob("db.repaired-*"))
    assert "0 quarantined" in out and not (copy / "quarantine.jsonl").exists()
    with Store(copy, readonly=True) as store:
        assert sum(len(store.claims(d.id)) for d in store.articles()) == 4


def test_corrupt_index_is_reported_and_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "db"
    a, _, claims = _build(root)
    (root / "index.json").write_bytes(b'{"articles": {"1": {"id": ')
    for bak in root.glob("index.json.bak"):
        bak.unlink()
    status, out, _ = _run(["db", "check", "--db", str(root)], capsys)
    assert status == 2 and "index.json" in out and "not valid JSON" in out
    out_dir = tmp_path / "fixed"
    status, out, _ = _run(["db", "repair", "--db", str(root), "--out", str(out_dir)], capsys)
    assert status == 0 and "rebuilt from the article files" in out
    with Store(out_dir, readonly=True) as store:
        assert len(store.articles()) == 2
        assert {c.id for c in store.claims(a)} == {c.id for c in claims[:3]}


def test_no_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(["db", "check", "--db", str(tmp_path / "none")], capsys)
    assert status == 2 and "no store at" in err
    assert not (tmp_path / "none").exists()
