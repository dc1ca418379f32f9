"""P12: `reader agree` over 100,000 claims by three annotators on 1,000 articles (goal <= 5 s).

The store: the benchmark corpus's 1,000 articles; on each, about 33 claims per annotator made
from one shared set of spans that each annotator keeps (90 %), shifts by a few characters
(30 %) and relabels (15 %), so matching, kappa and alpha all have real work. Every article is
marked done by all three. Timed: `reader agree --format json`, spawn to exit.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
from pathlib import Path

from benchmarks.common import READER, WORK, Row, bench_env, main_for, say
from benchmarks.inputs import _claim_spans, _fresh, _mark, corpus_articles

ANNOTATORS = ("ana", "ben", "cy")
TOTAL = 100_000


def agree_store() -> Path:
    """Build (once) the three-annotator store."""
    from reader.claims import make_claim
    from reader.records import DEFAULT_LABELS, VERDICTS, SourceArticle
    from reader.store.store import Store

    path = WORK / "store-agree-100k"
    if _fresh(path):
        return path
    if path.exists():
        shutil.rmtree(path)
    articles = corpus_articles()
    per_article = TOTAL // len(articles)
    made = 0
    store = Store(path)
    try:
        for first in range(0, len(articles), 50):
            with store.transaction() as tx:
                for number, item in enumerate(articles[first : first + 50], start=first):
                    src = SourceArticle(title=item["title"], text=item["text"],
                                        source=f"bench-agree.jsonl#{number + 1}")
                    article_id = str(tx.add_article(src).article.id)
                    rng = random.Random(number)
                    base = _claim_spans(src.text, per_article // len(ANNOTATORS) + 4)
                    want = per_article + (1 if number < TOTAL % len(articles) else 0)
                    for k in range(want):
                        annotator = ANNOTATORS[k % len(ANNOTATORS)]
                        start, end = base[(k // len(ANNOTATORS)) % len(base)]
                        if rng.random() < 0.3:
                            start = min(end - 1, max(0, start + rng.randint(-4, 4)))
                        label = DEFAULT_LABELS[(k // 3) % len(DEFAULT_LABELS)]
                        if rng.random() < 0.15:
                            label = rng.choice(DEFAULT_LABELS)
                        tx.add_claim(make_claim(
                            article_id=article_id, text=src.text, start=start, end=end,
                            label=label, annotator=annotator,
                            verdict=VERDICTS[(k // 3 + rng.randint(0, 1)) % len(VERDICTS)]))
                        made += 1
            say(f"  store {path.name}: {min(first + 50, len(articles))}/{len(articles)} articles")
        for doc in store.articles():
            for annotator in ANNOTATORS:
                store.set_done(str(doc.id), annotator, "2026-12-06T00:00:00Z")
    finally:
        store.close()
    say(f"  {made} claims")
    _mark(path)
    return path


def run() -> list[Row]:
    """Wall time of `reader agree --format json` over the store."""
    store = agree_store()
    start = time.perf_counter()
    done = subprocess.run([READER, "agree", "--db", str(store), "--format", "json"],
                          capture_output=True, text=True, env=bench_env(), timeout=600,
                          check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"reader agree failed ({done.returncode}): {done.stderr[-800:]}")
    report = json.loads(done.stdout)
    claims = sum(sum(p["spans"]) for p in report["pairs"]) // (len(ANNOTATORS) - 1)
    say(f"  P12 agree: {wall:.2f} s, {report['articles']} articles, {claims} claims, "
        f"alpha_u {report['span_alpha_u']}, {len(report['disagreements'])} disagreements")
    return [Row("P12", "reader agree, 100,000 claims, 3 annotators, 1,000 articles", wall, "s",
                "abs", 5.0, note=f"{report['articles']} articles, {claims} claims",
                details={"claims": claims, "articles": report["articles"]})]


if __name__ == "__main__":
    main_for(run)
