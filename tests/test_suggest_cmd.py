"""`reader suggest` in a subprocess: JSON lines, exit statuses, a closed pipe, no store."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "reader" / "data" / "eu-korea-joint-statement.txt"


TROOPS = "North Korea has sent around 10,000 to 12,000 troops to Russia"


def store_with_claim(db: Path, path: Path, quote: str = TROOPS, **fields: Any) -> str:
    """A store holding the article at `path` with one claim on `quote`; its article id."""
    from reader.claims import make_claim
    from reader.store import Store
    from reader.text.loading import load_paths

    [article] = load_paths([str(path)]).articles
    with Store(db) as store:
        aid = str(store.add_article(article).article.id)
        start = article.text.index(quote)
        store.save_claim(make_claim(article_id=aid, text=article.text, start=start,
                                    end=start + len(quote), label="statistic", annotator="t",
                                    **fields))
    return aid


def command(*args: str) -> list[str]:
    """`python -m reader suggest ARGS...`."""
    return [sys.executable, "-m", "reader", "suggest", *args]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_suggest_prints_json_lines(tmp_path: Path) -> None:
    article = tmp_path / "eu-korea.txt"
    shutil.copy(SAMPLE, article)
    before = sorted(p.name for p in tmp_path.iterdir())
    done = subprocess.run(command(str(article), "--format", "jsonl"), capture_output=True,
                          text=True, cwd=tmp_path, env=env(), timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) >= 8
    text = SAMPLE.read_text(encoding="utf-8")
    for item in lines:
        assert set(item) == {"article", "start", "end", "text", "label", "speaker", "reason",
                             "score", "model"}
        assert 0.0 <= item["model"] <= 1.0
        assert text[item["start"] : item["end"]] == item["text"]
        assert item["article"]
    speakers = {item["speaker"] for item in lines}
    assert {"Borrell", "the two Ministers", "The U.S. government"} <= speakers
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "must not write a store"


def test_nothing_loaded_exits_2(tmp_path: Path) -> None:
    done = subprocess.run(command(str(tmp_path / "missing.txt")), capture_output=True,
                          text=True, cwd=tmp_path, env=env(), timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "missing.txt" in done.stderr and "nothing could be loaded" in done.stderr


def test_unknown_model_exits_2(tmp_path: Path) -> None:
    done = subprocess.run(command(str(SAMPLE), "--model", str(tmp_path / "no-model")),
                          capture_output=True, text=True, cwd=tmp_path, env=env(), timeout=60)
    assert done.returncode == 2
    assert "cannot load model" in done.stderr


@pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="needs Linux pipe sizes")
def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """Like `reader suggest FILE | head -1`: the reader goes away after one line."""
    for name in ("a.txt", "b.txt"):
        shutil.copy(SAMPLE, tmp_path / name)
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)  # smaller than the output: writes block
    with subprocess.Popen(command(str(tmp_path)), stdout=write_end, stderr=subprocess.PIPE,
                          cwd=tmp_path, env=env()) as proc:
        os.close(write_end)
        with os.fdopen(read_end, "rb") as reader:
            first = reader.readline()
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        status = proc.wait(timeout=120)
    assert json.loads(first)["article"]
    assert status == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_db_flags_sentences_like_stored_claims(tmp_path: Path) -> None:
    db = tmp_path / "db"
    store_with_claim(db, SAMPLE, verdict="false")
    later = tmp_path / "later.txt"
    later.write_text("Seoul said that North Korea has sent around 10,000 to 12,000 troops to "
                     "Russia.\n", encoding="utf-8")
    before = sorted(str(p) for p in db.rglob("*"))
    done = subprocess.run(command(str(later), str(SAMPLE), "--db", str(db)),
                          capture_output=True, text=True, cwd=tmp_path, env=env(), timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert all(len(item) == 9 and "like" not in item for item in lines)  # issue's fields, model
    like = [item for item in lines if "resembles your claim" in item["reason"]]
    assert [item["article"] for item in like] == ["later"]  # the sample holds the claim itself
    assert "(verdict: false)" in like[0]["reason"] and like[0]["score"] >= 0.9
    assert sorted(str(p) for p in db.rglob("*")) == before  # read-only: no lock file either
    missing = subprocess.run(command(str(later), "--db", str(tmp_path / "nowhere")),
                             capture_output=True, text=True, cwd=tmp_path, env=env(), timeout=60)
    assert missing.returncode == 2 and "not a reader store" in missing.stderr


def test_db_knows_a_claims_own_sentence_after_its_file_changed(tmp_path: Path) -> None:
    """The file a claim was made in has changed since it was stored (a paragraph added at the
    top): the claim's own sentence is still its own (already a claim: not suggested, as in
    the app), not one that "resembles" it."""
    article_file = tmp_path / "eu.txt"
    shutil.copy(SAMPLE, article_file)
    db = tmp_path / "db"
    quote = TROOPS
    store_with_claim(db, article_file)
    article_file.write_text("Update: this story has been revised with new figures. " * 6
                            + "\n\n" + SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(command(str(article_file), "--db", str(db)), capture_output=True,
                          text=True, cwd=tmp_path, env=env(), timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines and not any(quote in item["text"] for item in lines)
    assert not any("resembles your claim" in item["reason"] for item in lines)
    without = subprocess.run(command(str(article_file)), capture_output=True, text=True,
                             cwd=tmp_path, env=env(), timeout=120)
    assert any(quote in json.loads(line)["text"] for line in without.stdout.splitlines())


def test_min_score_zero_lists_every_sentence(tmp_path: Path) -> None:
    """Issue 12 item 17: `--min-score 0` filters nothing out, questions and tag questions
    included; the tag question scores as its statement."""
    article = tmp_path / "talk.txt"
    lines = ["Is the economy doing well?",
             "Unemployment is the lowest it's been in the history of our country, OK?",
             "Thank you very much."]
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(command(str(article), "--min-score", "0"), capture_output=True,
                          text=True, cwd=tmp_path, env=env(), timeout=120)
    assert done.returncode == 0, done.stderr
    found = [json.loads(line) for line in done.stdout.splitlines()]
    assert [item["text"] for item in found] == lines
    assert found[1]["score"] >= 0.5 > found[0]["score"]
    done = subprocess.run(command(str(article)), capture_output=True, text=True, cwd=tmp_path,
                          env=env(), timeout=120)
    assert [json.loads(line)["text"] for line in done.stdout.splitlines()] == [lines[1]]
