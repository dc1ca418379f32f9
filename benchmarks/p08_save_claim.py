"""P8: save one claim (durable) when the store holds 100,000 claims over 1,000 articles.

A private copy of benchmarks/_work/store-100k is opened with `Store`; SAVES new claims
(`make_claim` on word spans of random articles) are saved with `store.save_claim`, which
returns only once the claim is on disk (temp file, fsync, rename, folder fsync). The first
save of each article reads its file; the figure is the p95 of all saves, cold and warm.
Baseline: stock TinyDB with the default `JSONStorage`, one file holding the same 100,000
claim records; the p95 of BASE_INSERTS `table.insert` calls (each rereads and rewrites the
whole file, and never fsyncs).
"""

from __future__ import annotations

import random
import time

from benchmarks.common import Row, main_for, percentile, say, summary, temp_dir
from benchmarks.inputs import claims_store, copy_store

SAVES = 300
BASE_INSERTS = 6


def run() -> list[Row]:
    """p95 of store.save_claim; p95 of a stock TinyDB insert at the same size."""
    from tinydb import TinyDB

    from reader.claims import make_claim
    from reader.store.store import Store

    source = claims_store()
    rng = random.Random(8)
    with temp_dir("p08-") as tmp:
        store = Store(copy_store(source, tmp / "store"))
        try:
            articles = store.articles()
            total = sum((a.claim_count or 0) for a in articles)
            times: list[float] = []
            for number in range(SAVES):
                doc = rng.choice(articles)
                text = store.text(doc.id)
                start = rng.randrange(0, len(text) - 60)
                claim = make_claim(article_id=doc.id, text=text, start=start,
                                   end=start + rng.randint(10, 50), label="factual",
                                   annotator="bench", note=f"bench save {number}")
                t0 = time.perf_counter()
                store.save_claim(claim)
                times.append((time.perf_counter() - t0) * 1000)
        finally:
            store.close()
        stats = summary(times)
        say(f"  P8 store: {stats} ({len(articles)} articles, {total} claims before)")
        records = []
        reader = Store(source, readonly=True)
        try:
            for _article, claim in reader.iter_claims():
                records.append(claim.to_record())  # the stored JSON object
        finally:
            reader.close()
        db_path = tmp / "tinydb.json"
        db = TinyDB(db_path)
        db.insert_multiple(records)
        size = db_path.stat().st_size
        base: list[float] = []
        for number in range(BASE_INSERTS):
            record = dict(records[number], id=f"bench-{number}")
            t0 = time.perf_counter()
            db.insert(record)
            base.append((time.perf_counter() - t0) * 1000)
        db.close()
        base_stats = summary(base)
        say(f"  P8 TinyDB baseline: {base_stats} ({len(records)} docs, {size} bytes)")
    figure = stats["p95"]
    return [
        Row(
            "P8",
            "save one claim at 100,000 claims (durable, p95)",
            figure,
            "ms",
            "abs",
            20.0,
            baseline=base_stats["p95"],
            baseline_what="stock TinyDB JSONStorage insert, p95",
            note=f"{SAVES} saves over {len(articles)} articles ({total} claims): p50 "
            f"{stats['p50']:.1f} ms, p95 {stats['p95']:.1f} ms, max {stats['max']:.1f} ms; "
            f"TinyDB ({len(records)} docs, {size / 1e6:.0f} MB file, no fsync): p50 "
            f"{base_stats['p50']:.0f} ms, p95 {base_stats['p95']:.0f} ms over {BASE_INSERTS}",
            details={"store": stats, "tinydb": base_stats},
        )
    ]


__all__ = ["percentile", "run"]

if __name__ == "__main__":
    main_for(run)
