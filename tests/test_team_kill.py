"""SIGKILL during sync, push and pull, 50 times at random moments: after one clean sync round
both stores and the server hold exactly the same claims, none twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import msgspec

from reader.claims import make_claim, touch
from reader.store import Store
from reader.text.loading import load_paths
from tests.teamhelpers import Team, reader

SAMPLE = Path(__file__).parent.parent / "reader" / "data" / "eu-korea-joint-statement.txt"


def _edit(db: Path, annotator: str, rng: random.Random, text: str) -> None:
    """A few new, changed and deleted claims of one analyst."""
    with Store(db) as store:
        article_id = store.articles()[0].id
        mine = [c for c in store.claims(article_id) if c.annotator == annotator]
        for _ in range(rng.randint(5, 40)):
            start = rng.randrange(0, len(text) - 60)
            store.save_claim(make_claim(article_id=article_id, text=text, start=start,
                                        end=start + rng.randint(5, 50), label="factual",
                                        annotator=annotator))
        for claim in rng.sample(mine, min(len(mine), rng.randint(0, 10))):
            if rng.random() < 0.3:
                store.delete_claim(article_id, claim.id)
            else:
                store.save_claim(touch(msgspec.structs.replace(claim, note=f"edit {rng.random()}")))


def _claims(db: Path) -> list[tuple[str, str]]:
    with Store(db, readonly=True) as store:
        return sorted((c.id, c.updated + c.note) for _, c in store.iter_claims())


def test_sigkill_during_sync_loses_nothing_and_doubles_nothing(pg_admin_url: str,
                                                               tmp_path: Path) -> None:
    team = Team(pg_admin_url)
    assert reader("server", "init", "--server", team.url, cwd=tmp_path).returncode == 0
    for name in ("ana", "ben"):
        assert reader("server", "add-analyst", name, "--server", team.url,
                      cwd=tmp_path).returncode == 0
    article = load_paths([SAMPLE]).articles[0]
    stores = {"ana": tmp_path / "ana", "ben": tmp_path / "ben"}
    for db in stores.values():
        with Store(db) as store:
            store.add_article(article)
    rng = random.Random(20261206)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    # how long a whole sync takes here (start-up included), so the kills fall inside syncs on
    # a fast machine and a slow one alike
    started = time.monotonic()
    _edit(stores["ana"], "ana", rng, article.text)
    assert reader("sync", "--server", team.as_role("ana"), "--db", str(stores["ana"]),
                  cwd=tmp_path).returncode == 0
    whole = time.monotonic() - started
    killed = 0
    for _ in range(50):
        who = rng.choice(list(stores))
        if rng.random() < 0.6:
            _edit(stores[who], who, rng, article.text)
        proc = subprocess.Popen(
            [sys.executable, "-m", "reader", "sync", "--server", team.as_role(who), "--db",
             str(stores[who])], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.0) * whole)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
    assert killed >= 20, f"only {killed} of 50 syncs were killed mid-way"
    for who in ("ana", "ben", "ana", "ben"):
        done = reader("sync", "--server", team.as_role(who), "--db", str(stores[who]),
                      cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert _claims(stores["ana"]) == _claims(stores["ben"])
    with team.admin() as conn:
        live = conn.execute("SELECT id FROM reader_records WHERE kind = 'claim' AND NOT deleted"
                            ).fetchall()
    ids = [row[0] for row in live]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == [c[0] for c in _claims(stores["ana"])]
