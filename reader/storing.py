"""New articles of a large corpus entering the store while the first one is already on screen.

Run from a worker thread (no UI here). Transactions are `shared` (the UI keeps using the
store: the mutex is held only for reads and the index rewrite) and grow geometrically, so the
index, rewritten once per transaction, is written O(log n) times and the whole entry costs time
linear in the corpus (issue 13 item 22).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.records import SourceArticle
from reader.store.errors import StoreError
from reader.store.store import AddResult, Store

FIRST_BATCH = 100
"""Articles in the first transaction (the one on screen is among them: claims on it are saved
within a moment); each next transaction is twice as large."""

BACKGROUND_MIN = 200
"""From this many new or changed articles on, the launch stores them in the background."""


def store_in_batches(
    store: Store,
    sources: Sequence[SourceArticle],
    *,
    progress: Callable[[int, int], None],
    stored: Callable[[int, list[AddResult]], None],
    stop: Callable[[], bool],
    first_batch: int = FIRST_BATCH,
) -> str:
    """Add `sources` in order, in transactions of doubling size; '' when all are stored.

    `progress(done, total)` while files are written; `stored(first_index, results)` after each
    commit. Returns one line when a transaction failed or was stopped (what it held, and what
    follows, is not stored)."""
    total = len(sources)
    done = 0
    size = max(1, first_batch)
    while done < total:
        batch = sources[done : done + size]
        base = done
        try:
            with store.transaction(shared=True) as tx:
                tx.stop = stop
                tx.on_written = lambda n, base=base: progress(base + n, total)
                results = [tx.add_article(src) for src in batch]
        except (StoreError, OSError) as error:
            return f"{total - done} article(s) could not be stored ({error}); they stay open"
        done += len(batch)
        for result in results:  # the records as committed (their file, order, claim count)
            result.article = store.article(result.article.id) or result.article
        stored(base, results)
        progress(done, total)
        size *= 2
    return ""
