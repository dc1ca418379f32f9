"""Three analysts with 1,000 claims each sync into one server at once, then each pulls all
3,000 (the small version of the ten-analyst bench row, benchmarks/p14_team_sync.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reader.claims import make_claim
from reader.store import Store
from reader.text.loading import load_paths
from tests.teamhelpers import Team, reader

SAMPLE = Path(__file__).parent.parent / "reader" / "data" / "eu-korea-joint-statement.txt"
NAMES = ("ana", "ben", "cy")


def test_three_analysts_push_at_once_and_pull_everything(pg_admin_url: str,
                                                         tmp_path: Path) -> None:
    team = Team(pg_admin_url)
    assert reader("server", "init", "--server", team.url, cwd=tmp_path).returncode == 0
    article = load_paths([SAMPLE]).articles[0]
    for number, name in enumerate(NAMES):
        assert reader("server", "add-analyst", name, "--server", team.url,
                      cwd=tmp_path).returncode == 0
        with Store(tmp_path / name) as store, store.transaction() as tx:
            article_id = tx.add_article(article).article.id
            for k in range(1000):
                start = (k * 7 + number) % (len(article.text) - 40)
                tx.add_claim(make_claim(article_id=article_id, text=article.text, start=start,
                                        end=start + 10 + k % 30, label="factual",
                                        annotator=name, note=f"{name} {k}"))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    procs = [subprocess.Popen([sys.executable, "-m", "reader", "sync", "--server",
                               team.as_role(name), "--db", str(tmp_path / name)],
                              cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
             for name in NAMES]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    for name in NAMES:
        done = reader("sync", "--server", team.as_role(name), "--db", str(tmp_path / name),
                      cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    with team.admin() as conn:
        assert conn.execute("SELECT count(*) FROM reader_records").fetchone()[0] == 3000
    for name in NAMES:
        with Store(tmp_path / name, readonly=True) as store:
            claims = [c for _, c in store.iter_claims()]
        assert len(claims) == 3000 and len({c.id for c in claims}) == 3000
        assert {c.annotator for c in claims} == set(NAMES)
