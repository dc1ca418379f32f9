"""`reader ingest PATH... [--model NAME] [--processes N] [--db DIR]`: load articles into the
store and cache their named entities, in worker processes, with a progress line on stderr."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from msgspec import UNSET

from reader.nlp.models import ModelError, default_model, model_key
from reader.nlp.protocol import BATCH_CHARS
from reader.nlp.service import NerJob, NerService
from reader.paths import resolve_store
from reader.records import Entity, SourceArticle
from reader.store.errors import StoreWriteError
from reader.text.sanitize import clean_line
from reader.wording import plural

if TYPE_CHECKING:
    from reader.store.store import AddResult, Store

ADD_BATCH = 200
"""Articles in the first transaction; each next one is twice as large (the index is rewritten
once per transaction: a fixed size made adding n articles quadratic)."""

COUNTS_EVERY = 10.0
"""Entity counts reach the index at most once per this many times the last such write took
(each rewrites the whole index), and at the end."""

FLUSH_SECONDS = 2.0
"""Cached entities are written at least this often..."""

FLUSH_ARTICLES = 100
"""...or after this many articles, whichever comes first."""

JOB_ARTICLES = 64
"""At most this many articles per worker in one request."""

IN_FLIGHT = 2
"""Requests queued ahead, so workers never wait between batches."""

PLAIN_EVERY = 5.0
"""Seconds between progress lines when stderr is not a terminal."""

TTY_EVERY = 0.2
"""Seconds between redraws of the progress line on a terminal."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-command's options."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to ingest")
    parser.add_argument("--model", help="spaCy model package or folder (default: installed one)")
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="NER worker processes (default: 2, or 1 on one core; never more than the cores "
        "or the articles)",
    )
    parser.add_argument("--db", help="store folder (default: READER_DB, ./annotations, ...)")


@dataclass
class Todo:
    """A distinct text still needing entities."""

    digest: str
    text: str


@dataclass
class Progress:
    """Counts and the stderr progress line."""

    total: int
    total_chars: int
    stream: TextIO
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    done_chars: int = 0
    base_chars: int = 0
    """Characters of the requests already finished."""
    entities: int = 0
    _shown: float = 0.0
    _shown_done: int = -1
    _width: int = 0

    @property
    def tty(self) -> bool:
        """True when the line is redrawn in place."""
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def line(self) -> str:
        """`count/total, rates, time left`."""
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done / elapsed
        chars = self.done_chars / elapsed
        left = (self.total_chars - self.done_chars) / chars if chars > 0 else None
        eta = _duration(left) if left is not None else "?"
        return (
            f"ner {self.done}/{plural(self.total, 'article')}, {rate:.1f} articles/s, "
            f"{chars / 1000:.0f}k chars/s, {eta} left"
        )

    def show(self, force: bool = False) -> None:
        """Redraw (terminal) or print now and then (pipe or file)."""
        now = time.monotonic()
        every = TTY_EVERY if self.tty else PLAIN_EVERY
        if not force and now - self._shown < every:
            return
        if force and self._shown_done == self.done:
            return  # nothing new since the last line
        self._shown, self._shown_done = now, self.done
        text = self.line()
        if self.tty:
            self.stream.write("\r" + text + "\x1b[K")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def end(self) -> None:
        """Finish the in-place line."""
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    """`m:ss` or `h:mm:ss`."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def default_processes() -> int:
    """2 on two or more cores, else 1."""
    return max(1, min(2, os.cpu_count() or 1))


def capped_processes(requested: int | None, articles: int) -> tuple[int, str]:
    """The worker count: the request (or the default) capped at the cores and the articles;
    and a line saying so when a request was lowered ('' otherwise)."""
    cores = os.cpu_count() or 1
    wanted = requested if requested else default_processes()
    count = max(1, min(wanted, cores, articles))
    if requested and count < requested:
        why = f"{cores} core{'s' if cores != 1 else ''}"
        if articles < min(requested, cores):
            why = f"{articles} article{'s' if articles != 1 else ''}"
        return count, f"--processes {requested} capped at {count} ({why})"
    return count, ""


def _batches(todo: list[Todo], processes: int) -> Iterator[list[Todo]]:
    """Requests of about one worker batch per process."""
    limit_chars = BATCH_CHARS * processes
    limit_count = JOB_ARTICLES * processes
    group: list[Todo] = []
    size = 0
    for item in todo:
        if group and (size + len(item.text) > limit_chars or len(group) >= limit_count):
            yield group
            group, size = [], 0
        group.append(item)
        size += len(item.text)
    if group:
        yield group


def run(args: argparse.Namespace) -> int:
    """Load, add, and cache entities; 0 on success, 1 if NER failed, 2 for bad input."""
    from reader.store.store import Store
    from reader.text.loading import load_paths

    model = args.model or default_model()
    if not model:
        _say("reader ingest: no spaCy model installed (try --model NAME)")
        return 2
    try:
        key_model, version = model_key(model)
    except ModelError as exc:
        _say(f"reader ingest: {clean_line(str(exc))}")
        return 2
    if args.processes is not None and args.processes < 1:
        _say("reader ingest: --processes must be at least 1")
        return 2
    service: NerService | None = None
    store = None
    try:
        store = Store(resolve_store(args.db))
        if store.readonly:
            _say(f"reader ingest: cannot write the store: {clean_line(store.readonly_reason)}")
            return 2
        loaded = load_paths(list(args.paths), skip=store.root)
        for error in loaded.errors:
            _say(f"reader ingest: {clean_line(error)}")
        if not loaded.articles:
            _say("reader ingest: nothing could be loaded")
            return 2
        distinct = len({article.text_hash for article in loaded.articles})
        processes, capped = capped_processes(args.processes, distinct)
        if capped:
            _say(f"reader ingest: {capped}")
        service = NerService(model, processes=processes)  # loads while the store fills
        added = _add_all(store, loaded.articles)
        todo: list[Todo] = []
        seen: set[str] = set()
        counts: dict[str, int] = {}
        for article in loaded.articles:
            digest = article.text_hash
            if digest in seen:
                continue
            seen.add(digest)
            found = store.cached_entities(digest, key_model, version)
            if found is None:
                todo.append(Todo(digest, article.text))
            else:
                counts[digest] = len(found)
        record_entity_counts(store, counts)
        cached = len(seen) - len(todo)
        merged = len(loaded.articles) - len(seen)
        repeats = (f"; {plural(merged, 'duplicate text')} merged "
                   f"({plural(len(seen), 'distinct article')})" if merged else "")
        _say(
            f"reader ingest: {plural(len(loaded.articles), 'article')} ({added} new), "
            f"{cached} already have entities for {key_model} {version}{repeats}"
        )
        if not todo:
            return 0
        return _run_ner(store, service, todo, key_model, version)
    finally:
        if service is not None:
            service.close()
        if store is not None:
            store.close()


def _add_all(store: Store, articles: list[SourceArticle]) -> int:
    """Add the articles in transactions of doubling size (from `ADD_BATCH`), saying how far
    it got now and then; the number newly created. Raises the store's write errors."""
    from reader.storing import store_in_batches

    created = 0
    shown = time.monotonic()

    def stored(_first: int, results: list[AddResult]) -> None:
        nonlocal created
        created += sum(1 for result in results if result.created)

    def progress(done: int, total: int) -> None:
        nonlocal shown
        if done < total and time.monotonic() - shown >= PLAIN_EVERY:
            shown = time.monotonic()
            _say(f"reader ingest: storing {done}/{total} articles")

    error = store_in_batches(store, articles, progress=progress, stored=stored,
                             stop=lambda: False, first_batch=ADD_BATCH)
    if error:
        raise StoreWriteError(store.root, error)
    return created


def _run_ner(
    store: Store, service: NerService, todo: list[Todo], key_model: str, version: str
) -> int:
    """Entities for every `todo` text, cached in batches; Ctrl-C keeps what is done."""
    put_many = store.put_cached_entities_many
    if not service.wait_ready():
        _say(f"reader ingest: {clean_line(service.status)}")
        return 1
    progress = Progress(len(todo), sum(len(t.text) for t in todo), sys.stderr)
    buffer: list[tuple[str, str, str, list[Entity]]] = []
    flushed = time.monotonic()
    counts = EntityCounts(store)

    def flush(last: bool = False) -> None:
        nonlocal flushed
        if buffer:
            put_many(list(buffer))
            counts.add({digest: len(found) for digest, _, _, found in buffer})
            buffer.clear()
        counts.write(force=last)
        flushed = time.monotonic()

    pending = _batches(todo, service_processes(service))
    jobs: deque[NerJob] = deque()
    status = 0
    try:
        for _ in range(IN_FLIGHT):
            _submit_next(service, pending, jobs)
        while jobs:
            job = jobs.popleft()
            for update in job.progress():
                if update.error:
                    raise _NerFailed(update.error)
                for digest, entities in update.completed.items():
                    buffer.append((digest, key_model, version, entities))
                    progress.done += 1
                    progress.entities += len(entities)
                progress.done_chars = progress.base_chars + update.done_chars
                if len(buffer) >= FLUSH_ARTICLES or time.monotonic() - flushed >= FLUSH_SECONDS:
                    flush()
                progress.show()
            progress.base_chars += job.total_chars
            _submit_next(service, pending, jobs)
    except KeyboardInterrupt:
        for job in jobs:
            job.cancel()
        status = 130
    except _NerFailed as exc:
        for job in jobs:
            job.cancel()
        status = 1
        progress.end()
        _say(f"reader ingest: NER failed: {clean_line(str(exc))}")
    finally:
        flush(last=True)
    progress.show(force=True)
    progress.end()
    elapsed = time.monotonic() - progress.started
    verb = "interrupted after caching" if status == 130 else "cached"
    _say(
        f"reader ingest: {verb} entities for {progress.done}/{plural(progress.total, 'article')} "
        f"({plural(progress.entities, 'entity')}) in {_duration(elapsed)}"
    )
    return status


def record_entity_counts(store: Store, by_digest: dict[str, int]) -> None:
    """Write the entity counts of the articles with these texts into the index (one write),
    for the Articles tab; articles whose count is already right are left alone."""
    if not by_digest:
        return
    changes = {
        doc.id: {"entity_count": by_digest[doc.text_hash]}
        for doc in store.articles()
        if doc.text_hash in by_digest and doc.entity_count != by_digest[doc.text_hash]
    }
    store.update_articles(changes)


class EntityCounts:
    """Entity counts on their way to the index. Each index write rewrites every article's
    record, so writing after every flush made a long ingest quadratic; here the articles are
    looked up once, and the index is written at most once per `COUNTS_EVERY` times the last
    write took (and at the end)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.ids: dict[str, list[tuple[str, object]]] = {}
        for doc in store.articles():
            self.ids.setdefault(doc.text_hash, []).append(
                (doc.id, None if doc.entity_count is UNSET else doc.entity_count))
        self.pending: dict[str, int] = {}
        self.written_at = time.monotonic()
        self.cost = 0.0

    def add(self, by_digest: dict[str, int]) -> None:
        """Counts found for these texts."""
        self.pending.update(by_digest)

    def write(self, *, force: bool = False) -> None:
        """Write what is pending, when it is time (or `force`)."""
        now = time.monotonic()
        if not self.pending or (not force and now - self.written_at < COUNTS_EVERY * self.cost):
            return
        changes = {
            article_id: {"entity_count": count}
            for digest, count in self.pending.items()
            for article_id, before in self.ids.get(digest, [])
            if before != count
        }
        self.pending.clear()
        if changes:
            self.store.update_articles(changes)
        self.written_at = time.monotonic()
        self.cost = self.written_at - now


class _NerFailed(Exception):
    """A job reported an error."""


def service_processes(service: NerService) -> int:
    """How many workers the service runs."""
    return max(1, len(service.pids))


def _submit_next(service: NerService, pending: Iterator[list[Todo]], jobs: deque[NerJob]) -> None:
    """Queue the next request, if any."""
    group = next(pending, None)
    if group is not None:
        jobs.append(service.submit_many([(t.digest, t.text) for t in group]))
