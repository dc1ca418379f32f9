"""P16: curation of one crowded article: 400 claim groups marked by three annotators (1,200
claims; 300 groups alike, 100 with a label in dispute). Timed: finding the items, the
automatic merge of the 300 agreeing groups into gold (one write of the article's file), and
finding the items again on a re-run (decisions kept). The merge runs on the UI thread when
curation mode opens: goal <= 1 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.common import Row, main_for, say

GROUPS = 400


def run() -> list[Row]:
    """Time load, auto-merge and re-run load on a fresh store."""
    from reader.claims import iso_now, make_claim
    from reader.curation.curate import Curation
    from reader.records import SourceArticle
    from reader.store.store import Store

    text = " ".join(f"Sentence number {i} says growth hit {i}% in 2023." for i in range(GROUPS))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db"
        with Store(db) as store, store.transaction() as tx:
            src = SourceArticle(title="crowded", text=text, source="crowded.txt")
            aid = str(tx.add_article(src).article.id)
            position = 0
            for i in range(GROUPS):
                start = text.index("growth", position)
                end = position = text.index(" in 2023", start)
                for who in ("ana", "ben", "cy"):
                    label = "factual" if i % 4 == 0 and who == "cy" else "statistic"
                    tx.add_claim(make_claim(article_id=aid, text=text, start=start, end=end,
                                            label=label, annotator=who))
            for who in ("ana", "ben", "cy"):
                tx.add_done(aid, who, iso_now())
        with Store(db) as store:
            began = time.perf_counter()
            curation = Curation(store, aid, "ed").load()
            loaded = time.perf_counter()
            merged = curation.auto_merge()
            done = time.perf_counter()
            again = Curation(store, aid, "ed").load()
            rerun = time.perf_counter()
    say(f"  P16 curation: load {loaded - began:.3f} s, auto-merge of {merged} "
        f"{done - loaded:.3f} s, re-run {rerun - done:.3f} s, {len(again.open)} open")
    return [
        Row("P16", f"curation: open an article of {GROUPS * 3} claims (find + merge {merged})",
            done - began, "s", "abs", 1.0, note=f"{len(again.open)} disagreements left"),
        Row("P16", "curation: run again (decisions kept)", rerun - done, "s", "abs", 1.0),
    ]


if __name__ == "__main__":
    main_for(run)
