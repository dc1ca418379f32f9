"""Child for the two-process test: open STORE as writer, add the sample, hold until stdin closes.

Usage: python hold_lock.py STORE SAMPLE_TEXT_FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.records import SourceArticle  # noqa: E402
from reader.store.store import Store  # noqa: E402


def main() -> None:
    """Hold the writer lock until the parent closes our stdin."""
    root, sample = Path(sys.argv[1]), Path(sys.argv[2])
    with Store(root, wait=10) as store:
        if store.readonly:
            sys.exit(f"store is read-only: {store.readonly_reason}")
        text = sample.read_text(encoding="utf-8")
        article = store.add_article(SourceArticle(title="sample", text=text, source="s.txt"))
        sys.stdout.write(f"locked {article.article.id}\n")
        sys.stdout.flush()
        sys.stdin.read()


if __name__ == "__main__":
    main()
