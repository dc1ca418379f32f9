"""Child for the durability test: save claims in a loop, print each id once `save_claim` returned.

Usage: python save_loop.py STORE SAMPLE_TEXT_FILE SEED
Prints `ready` once the store is open, then one claim id per line (flushed). Runs until killed.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import msgspec  # noqa: E402

from reader.claims import make_claim  # noqa: E402
from reader.records import Claim, SourceArticle  # noqa: E402
from reader.store.store import Store  # noqa: E402


def main() -> None:
    """Open the store (waiting for the lock), then save claims until killed."""
    root, sample, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    text = sample.read_text(encoding="utf-8")
    rng = random.Random(seed)
    store = Store(root, wait=10)
    if store.readonly:
        sys.exit(f"store is read-only: {store.readonly_reason}")
    ids = []
    for n in range(2):
        src = SourceArticle(title=f"sample {n}", text=f"Copy {n}.\n{text}", source=f"s{n}.txt")
        ids.append(store.add_article(src).article.id)
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    saved: list[Claim] = []
    while True:
        article_id = rng.choice(ids)
        body = store.text(article_id)
        roll = rng.random()
        if roll < 0.1 and saved:
            claim = msgspec.structs.replace(  # re-save an acknowledged claim (replace by id)
                rng.choice(saved), note=f"edited {rng.random()}")
        elif roll < 0.12:
            store.update_article(article_id, position=rng.randrange(len(body)))
            continue
        else:
            start = rng.randrange(len(body) - 60)
            claim = make_claim(
                article_id=article_id,
                text=body,
                start=start,
                end=start + rng.randrange(1, 60),
                label="factual",
                annotator="crash-test",
            )
        store.save_claim(claim)
        saved.append(claim)
        out.write(f"{claim.id}\n")
        out.flush()


if __name__ == "__main__":
    main()
