"""Crash safety (SIGKILL mid-save) and one writer per store across processes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.claims import make_claim
from reader.records import SourceArticle
from reader.store import Store, StoreWriteError

HELPERS = Path(__file__).parent / "crash_helpers"
SAMPLE = Path(__file__).parent.parent / "reader" / "data" / "eu-korea-joint-statement.txt"
TRIALS = 100


def _tree(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in root.rglob("*")
        if p.is_file()
    }


def test_sigkill_never_loses_an_acknowledged_claim(tmp_path: Path) -> None:
    root = tmp_path / "store"
    rng = random.Random(20261128)
    acked: set[str] = set()
    kills_after_saves = 0
    for trial in range(TRIALS):
        child = subprocess.Popen(
            [sys.executable, str(HELPERS / "save_loop.py"), str(root), str(SAMPLE), str(trial)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None and child.stderr is not None
        if trial % 10 == 9:
            time.sleep(rng.uniform(0, 0.05))  # now and then, kill while it opens the store
        else:
            first = child.stdout.readline()
            assert first == b"ready\n", child.stderr.read().decode()
            time.sleep(rng.uniform(0, 0.05))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err.decode()
        lines = out.split(b"\n")[:-1]  # the last piece is unterminated (or empty)
        ids = {line.decode() for line in lines if line != b"ready"}
        kills_after_saves += bool(ids)
        acked |= ids

        store = Store(root)
        try:
            stored = {c.id for _, c in store.iter_claims()}
            assert store.problems == [] and not store.readonly, store.readonly_reason
            missing = acked - stored
            assert not missing, f"trial {trial}: {len(missing)} acknowledged claims lost"
            assert not list(root.rglob("*.tmp")), "temp files left after a writer open"
            assert sum(a.claim_count for a in store.articles()) <= len(stored)
        finally:
            store.close()
    assert kills_after_saves > TRIALS // 2
    assert len(acked) > TRIALS


def test_second_process_gets_a_read_only_store(tmp_path: Path) -> None:
    root = tmp_path / "store"
    child = subprocess.Popen(
        [sys.executable, str(HELPERS / "hold_lock.py"), str(root), str(SAMPLE)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stdin is not None
    try:
        line = child.stdout.readline().decode()
        assert line.startswith("locked "), child.stderr.read().decode()  # type: ignore[union-attr]
        aid = line.split()[1]
        before = _tree(root)
        store = Store(root)
        assert store.readonly
        assert f"pid {child.pid}" in store.readonly_reason
        assert "read-only" in store.readonly_reason
        assert [a.id for a in store.articles()] == [aid]  # reading still works
        text = store.text(aid)
        claim = make_claim(article_id=aid, text=text, start=0, end=5, label="x", annotator="t")
        with pytest.raises(StoreWriteError):
            store.save_claim(claim)
        with pytest.raises(StoreWriteError):
            store.add_article(SourceArticle(title="n", text="New.", source="n.txt"))
        with pytest.raises(StoreWriteError):
            store.put_cached_entities("sha256:aa", "m", "1", [])
        store.close()
        assert _tree(root) == before
    finally:
        child.stdin.close()
        child.wait(timeout=10)
    assert child.returncode == 0
    with Store(root) as store:  # the lock is free again
        assert not store.readonly
        assert store.readonly_reason == ""


def test_read_only_open_creates_nothing(tmp_path: Path, sample_text: str) -> None:
    missing = tmp_path / "nowhere"
    with Store(missing, readonly=True) as store:
        assert store.readonly and store.articles() == [] and store.session() == {}
        assert store.cached_entities("sha256:aa", "m", "1") is None
    assert not missing.exists()

    root = tmp_path / "db"
    with Store(root) as store:
        src = SourceArticle(title="t", text=sample_text, source="s")
        aid = store.add_article(src).article.id
    (root / ".lock").unlink()
    before = _tree(root)
    with Store(root, readonly=True) as store:
        assert store.text(aid) == sample_text and store.claims(aid) == []
        with pytest.raises(StoreWriteError):
            store.save_session(current=aid)
    assert _tree(root) == before
    assert not (root / ".lock").exists()


def test_lock_waits_for_release(tmp_path: Path) -> None:
    first = Store(tmp_path / "db")
    second = Store(tmp_path / "db")
    assert not first.readonly and second.readonly
    assert f"pid {os.getpid()}" in second.readonly_reason
    second.close()
    first.close()
    assert not (tmp_path / "db" / ".lock.pid").exists()
    third = Store(tmp_path / "db", wait=1)
    assert not third.readonly
    third.close()
