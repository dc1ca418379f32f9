"""P14: ten analyst processes each sync 10,000 claims into one PostgreSQL server at once (the
server then holds 100,000); then each analyst pulls all 100,000. Wall times of both phases.

The server is pgserver's PostgreSQL 16 on this machine (unix socket), started here. Each
analyst's store holds the benchmark corpus's first 100 articles with 100 claims on each.
`python -m benchmarks.p14_team_sync [ANALYSTS] [CLAIMS_PER_ANALYST]` runs a smaller version.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import READER, ROOT, Row, bench_env, main_for, say
from benchmarks.inputs import _claim_spans, corpus_articles


def _reader() -> list[str]:
    """The `reader` command: the project's own virtualenv's, else this interpreter's module
    (a worktree without a .venv of its own)."""
    return [READER] if Path(READER).exists() else [sys.executable, "-m", "reader"]


def _env() -> dict[str, str]:
    return bench_env(PYTHONPATH=str(ROOT))


def _du(path: Path) -> int:
    """Bytes of the files under `path`."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _store(path: Path, name: str, articles: list[dict[str, str]], per_article: int) -> None:
    from reader.claims import make_claim
    from reader.records import SourceArticle
    from reader.store.store import Store

    with Store(path) as store, store.transaction() as tx:
        for number, item in enumerate(articles):
            src = SourceArticle(title=item["title"], text=item["text"],
                                source=f"bench-team.jsonl#{number + 1}")
            article_id = str(tx.add_article(src).article.id)
            for start, end in _claim_spans(src.text, per_article):
                tx.add_claim(make_claim(article_id=article_id, text=src.text, start=start,
                                        end=end, label="factual", annotator=name))


def run(analysts: int = 10, claims: int = 10_000) -> list[Row]:
    """Push and pull wall times."""
    import pgserver
    import psycopg

    articles = corpus_articles()[: max(1, claims // 100)]
    per_article = claims // len(articles)
    home = Path(tempfile.mkdtemp(prefix="reader-bench-pg-"))
    home.chmod(0o755)
    server = pgserver.get_server(home / "data", cleanup_mode="stop")
    try:
        admin = server.get_uri()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench")
            conn.execute("CREATE DATABASE bench")
        base = admin.replace("/postgres?", "/bench?")
        subprocess.run([*_reader(), "server", "init", "--server", base], check=True,
                       env=_env(), capture_output=True)
        names = [f"analyst{i}" for i in range(analysts)]
        for name in names:
            subprocess.run([*_reader(), "server", "add-analyst", name, "--server", base],
                           check=True, env=_env(), capture_output=True)
            _store(home / name, name, articles, per_article)
        say(f"  P14: {analysts} stores of {per_article * len(articles)} claims built")

        def url(name: str) -> str:
            return re.sub(r"://[^@/]*@", f"://{name}@", base, count=1)

        def all_sync(extra: list[str]) -> tuple[float, list[float], int]:
            """Wall time of all at once, each process's own time, the largest peak RSS (KiB)."""
            start = time.perf_counter()
            procs = [subprocess.Popen(["/usr/bin/env", "time", "-f", "%e %M", *_reader(),
                                       "sync", "--server", url(n), "--db", str(home / n),
                                       *extra], env=_env(), stderr=subprocess.PIPE, text=True)
                     for n in names]
            each, peak = [], 0
            for proc in procs:
                _, err = proc.communicate(timeout=3600)
                if proc.returncode != 0:
                    raise RuntimeError(f"sync failed: {err[-500:]}")
                seconds, rss = err.strip().splitlines()[-1].split()
                each.append(float(seconds))
                peak = max(peak, int(rss))
            return time.perf_counter() - start, each, peak

        push, push_each, push_rss = all_sync([])
        with psycopg.connect(base, autocommit=True) as conn:
            held = conn.execute("SELECT count(*) FROM reader_records").fetchone()[0]
            db_bytes = conn.execute("SELECT pg_database_size('bench')").fetchone()[0]
            table_bytes = conn.execute(
                "SELECT pg_total_relation_size('reader_records')").fetchone()[0]
        if held != analysts * per_article * len(articles):
            raise RuntimeError(f"the server holds {held} records after the push")
        pull, pull_each, pull_rss = all_sync([])
        from reader.store.store import Store

        with Store(home / names[0], readonly=True) as store:
            local = sum(1 for _ in store.iter_claims())
        store_bytes = _du(home / names[0])
        say(f"  P14: push {push:.1f} s (each {min(push_each):.1f}-{max(push_each):.1f} s, "
            f"peak RSS {push_rss // 1024} MiB; server holds {held} records, database "
            f"{db_bytes / 2**20:.0f} MiB, reader_records {table_bytes / 2**20:.0f} MiB)")
        say(f"  P14: pull {pull:.1f} s (each {min(pull_each):.1f}-{max(pull_each):.1f} s, "
            f"peak RSS {pull_rss // 1024} MiB; {local} claims in each store, "
            f"{store_bytes / 2**20:.0f} MiB on disk)")
    finally:
        server.cleanup()
        shutil.rmtree(home, ignore_errors=True)
    total = analysts * per_article * len(articles)
    note = f"{analysts} processes at once; server holds {held}; each store then {local}"
    return [
        Row("P14p", f"{analysts} analysts push {total // analysts} claims each at once", push,
            "s", "abs", 120.0, note=note, details={"held": held}),
        Row("P14q", f"{analysts} analysts each pull all {total} claims at once", pull, "s",
            "abs", 120.0, note=note, details={"local": local, "each": pull_each,
                                              "peak_rss_kib": pull_rss,
                                              "store_bytes": store_bytes}),
    ]


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main_for(lambda: run(*args))
