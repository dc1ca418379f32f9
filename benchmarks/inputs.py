"""The benchmarks' inputs, built once under benchmarks/_work/ from real text already in the repo.

- `big_article()`: Pride and Prejudice (tests/fixtures/text) repeated and cut at a paragraph
  to 1.4x its length (about 1 MB).
- `corpus_jsonl()`: 1,000 distinct articles of 1-2 KB, runs of consecutive paragraphs of the
  book and of the bundled sample article, as a JSONL corpus.
- `claims_store()`: a store of those 1,000 articles with 100 claims each (100,000 claims),
  built with the Store transaction API; `articles_store()`: the same articles, no claims.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from benchmarks.common import BOOK, SAMPLE, WORK, say

CORPUS_ARTICLES = 1000
CLAIMS_PER_ARTICLE = 100
BUILD_VERSION = "1"
"""Bump to rebuild cached inputs after changing how they are made."""


def _fresh(path: Path) -> bool:
    marker = path.with_name(path.name + ".done")
    return path.exists() and marker.exists() and marker.read_text() == BUILD_VERSION


def _mark(path: Path) -> None:
    path.with_name(path.name + ".done").write_text(BUILD_VERSION)


def book_text() -> str:
    """The book as the reader decodes it (BOM dropped, line ends normalised)."""
    from reader.text.decode import decode_bytes

    return decode_bytes(BOOK.read_bytes())


def big_article() -> Path:
    """About 1 MB of text: the book 1.4 times, cut at a paragraph break."""
    path = WORK / "big-article.txt"
    if _fresh(path):
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    book = book_text()
    want = int(len(book) * 1.4)
    text = (book + "\n\n" + book)[:want]
    cut = text.rfind("\n\n")
    text = text[:cut].rstrip() + "\n"
    path.write_text(text, encoding="utf-8")
    _mark(path)
    return path


def paragraphs() -> list[str]:
    """Paragraphs of the sample article and the book, each joined onto one line."""
    found: list[str] = []
    for source in (SAMPLE.read_text(encoding="utf-8"), book_text()):
        for block in source.split("\n\n"):
            line = " ".join(block.split())
            if len(line) >= 40 and not line.startswith("[Illustration"):
                found.append(line)
    return found


def corpus_articles(count: int = CORPUS_ARTICLES) -> list[dict[str, str]]:
    """`count` distinct articles (`id`, `title`, `text`) of consecutive paragraphs."""
    paras = paragraphs()
    rng = random.Random(20261128)
    articles: list[dict[str, str]] = []
    seen: set[str] = set()
    index = 0
    while len(articles) < count:
        start = rng.randrange(len(paras))
        want = rng.randint(1000, 2000)
        chosen: list[str] = []
        size = 0
        position = start
        while size < want:
            chosen.append(paras[position % len(paras)])
            size += len(chosen[-1]) + 2
            position += 1
        text = "\n\n".join(chosen)
        if text in seen:
            continue
        seen.add(text)
        articles.append(
            {"id": f"bench-{index:04d}", "title": f"Benchmark article {index + 1}", "text": text}
        )
        index += 1
    return articles


def corpus_jsonl() -> Path:
    """The 1,000-article corpus as JSON lines."""
    import json

    path = WORK / "corpus-1000.jsonl"
    if _fresh(path):
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for article in corpus_articles():
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    _mark(path)
    return path


def line_corpus(count: int) -> Path:
    """`count` short articles (130-230 characters of the book or the sample, each with its
    own number, so all distinct) as JSON lines: 100,000 of them stay under the 32 MiB file
    limit (21.7 MB)."""
    import json

    path = WORK / f"corpus-lines-{count}.jsonl"
    if _fresh(path):
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    paras = paragraphs()
    rng = random.Random(count)
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            para = paras[rng.randrange(len(paras))]
            start = rng.randrange(max(1, len(para) - 150))
            text = f"Item {index}. " + para[start : start + rng.randint(120, 220)]
            line = {"id": f"c{index}", "title": f"Corpus line {index + 1}", "text": text}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    _mark(path)
    return path


def _claim_spans(text: str, count: int) -> list[tuple[int, int]]:
    """`count` distinct word-aligned spans of 3-25 words."""
    import re

    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    rng = random.Random(len(text))
    spans: set[tuple[int, int]] = set()
    while len(spans) < count:
        first = rng.randrange(max(1, len(words) - 3))
        last = min(len(words) - 1, first + rng.randint(2, 24))
        spans.add((words[first][0], words[last][1]))
    return sorted(spans)


def _build_store(path: Path, claims: int) -> None:
    from reader.claims import make_claim
    from reader.records import DEFAULT_LABELS, VERDICTS, SourceArticle
    from reader.store.store import Store

    if path.exists():
        shutil.rmtree(path)
    articles = corpus_articles()
    store = Store(path)
    try:
        for first in range(0, len(articles), 50):
            with store.transaction() as tx:
                for number, item in enumerate(articles[first : first + 50], start=first):
                    src = SourceArticle(
                        title=item["title"],
                        text=item["text"],
                        source=f"bench-corpus.jsonl#{number + 1}",
                        external_id=item["id"],
                    )
                    article_id = str(tx.add_article(src).article.id)
                    for k, (start, end) in enumerate(_claim_spans(src.text, claims)):
                        tx.add_claim(
                            make_claim(
                                article_id=article_id,
                                text=src.text,
                                start=start,
                                end=end,
                                label=DEFAULT_LABELS[k % len(DEFAULT_LABELS)],
                                annotator="bench",
                                verdict=VERDICTS[k % len(VERDICTS)],
                                note="benchmark claim" if k % 10 == 0 else "",
                            )
                        )
            say(f"  store {path.name}: {min(first + 50, len(articles))}/{len(articles)} articles")
    finally:
        store.close()


def claims_store() -> Path:
    """1,000 articles, 100,000 claims (built once; copy it before writing to it)."""
    path = WORK / "store-100k"
    if not _fresh(path):
        say("building the 100,000-claim store (once)...")
        _build_store(path, CLAIMS_PER_ARTICLE)
        _mark(path)
    return path


def articles_store() -> Path:
    """The same 1,000 articles with no claims (the target of `reader import`)."""
    path = WORK / "store-articles"
    if not _fresh(path):
        say("building the articles-only store (once)...")
        _build_store(path, 0)
        _mark(path)
    return path


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a store (without its lock file)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".lock"))
    return target
