"""The Textual App and its wiring: the store, the session, the NER service, the clipboard.

Everything heavy lives elsewhere: spaCy only in NER worker processes, storage in `store/`,
claim logic in `session.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.command import Hit, Hits, Provider

from reader.config import Taxonomy
from reader.keys import ACTIONS
from reader.paths import styles_dir
from reader.records import Entity, SourceArticle
from reader.session import OpenArticle, ReaderSession
from reader.speakers import suggest_speaker
from reader.store.errors import StoreError, StoreWriteError
from reader.store.store import AddResult, Store
from reader.text.sanitize import clean_line
from reader.widgets import wide_cells
from reader.wording import shorten

wide_cells.apply()  # wide characters stay whole under notifications (see the module)

DEFER_INDEX_WRITES = 1000
"""With this many articles open, session and position writes wait for a pause."""

INDEX_WRITE_DELAY = 2.0
"""Seconds without another article switch before they are written."""

NerFactory = Callable[[], Any]
"""Makes the NER backend (a `NerService`, or an `InlineNerService` in tests)."""


class ReaderCommands(Provider):
    """The reader's own commands in the palette, from the one table of actions."""

    async def search(self, query: str) -> Hits:
        """Actions whose description matches."""
        matcher = self.matcher(query)
        screen = self.screen
        from reader.screens.main import MainScreen

        if not isinstance(screen, MainScreen):
            return
        for action in ACTIONS:
            if not action.palette or action.scope not in ("screen", "article"):
                continue
            score = matcher.match(action.description)
            if score <= 0:
                continue
            target = screen if action.scope == "screen" else screen.view
            yield Hit(
                score,
                matcher.highlight(action.description),
                _runner(target, action.name),
                help=f"key: {' '.join(action.keys)}",
            )


def _runner(target: Any, name: str) -> Callable[[], Any]:
    async def run() -> None:
        await target.run_action(name)

    return run


class ReaderApp(App[None]):
    """The reader."""

    TITLE = "reader"
    CSS_PATH = [str(styles_dir() / "reader.tcss")]
    COMMANDS = App.COMMANDS | {ReaderCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        *,
        store: Store,
        articles: list[OpenArticle],
        start_index: int = 0,
        taxonomy: Taxonomy | None = None,
        annotator: str = "unknown",
        model: str | None = None,
        ner_factory: NerFactory | None = None,
        ner_service: Any = None,
        notices: Iterable[str] = (),
        model_problem: str = "",
        to_store: list[tuple[OpenArticle | None, SourceArticle]] | None = None,
        load_later: list[str] | None = None,
        per_language: bool = False,
        language_table: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.articles = articles
        self.start_index = start_index if 0 <= start_index < len(articles) else 0
        self.taxonomy = taxonomy or Taxonomy.default()
        self.session = ReaderSession(store, annotator)
        self.model = model
        self.model_version = ""
        self.model_key = model or ""
        self._ner_factory = ner_factory
        self._ner: Any = ner_service
        self.ner_unavailable = model_problem or "no spaCy model installed: no entities"
        self.notices = list(notices)
        self.per_language = per_language and model is None and ner_factory is None
        """No `--model`: each article gets the pipeline for its language (`article_model`)."""
        self.language_table = dict(language_table or {})
        self._services: dict[str, Any] = {}
        """Per-language mode: the NER backend of each pipeline started so far."""
        self._pipelines: dict[str, tuple[str | None, str]] = {}
        self._model_keys: dict[str, tuple[str, str]] = {}
        self.entities: dict[str, list[Entity]] = {}
        """Model entities per article id (before corrections)."""
        self.suggestions: dict[str, list[dict[str, Any]]] = {}
        self.problems_told = 0
        self.merged_duplicates = 0
        """Loaded articles whose text repeats one opened before: opened once (status line)."""
        self.stopped_by = 0
        """The signal (SIGTERM, SIGHUP) that ended the app, else 0."""
        """How many of the store's problems the launch notices already tell."""
        self.to_store = list(to_store or [])
        """Articles of a large corpus still to enter the store (in a worker, after the first
        paint), with their open article (None for a second file with the same text)."""
        self.load_later = list(load_later or [])
        """A large corpus whose first article alone is open: the worker loads the rest."""
        self.storing: tuple[int, int] | None = None
        """(stored, total) while they enter the store, for the status line."""
        self._storing_stop = threading.Event()
        self._storing_thread: threading.Thread | None = None
        self._storing_loop: Any = None
        self._storing_shown = 0.0
        self._positions_due: dict[str, int] = {}
        self._session_due: dict[str, Any] = {}
        self._flush_timer: Any = None
        self._session_open: list[str] | None = None
        self._flush_soon = False
        self._session_current: str | None = None
        """What the saved session last said (so an unchanged one is not written again)."""
        self._stored_known: dict[str, list[dict[str, Any]]] | None = None
        """The stored claims per article id, as the suggester compares them (read once)."""
        if model and ner_factory is not None:
            self.model_version = "test"
        elif model:
            try:
                from reader.nlp.models import model_key

                self.model_key, self.model_version = model_key(model)
            except Exception as error:  # noqa: BLE001 - any model problem is one line
                self.ner_unavailable = f"model {model}: {error}"
                self.model = None

    def on_mount(self) -> None:
        """The main screen."""
        from reader.screens.main import MainScreen

        self.push_screen(MainScreen())
        self._catch_signals()
        if self.to_store or self.load_later:
            import asyncio

            self._storing_loop = asyncio.get_running_loop()
            self.storing = (0, len(self.to_store))
            self._storing_thread = threading.Thread(
                target=self._store_later, name="reader-store", daemon=True
            )
            # after the first paint: the worker's parsing would otherwise hold the GIL while
            # the first article is drawn
            self.call_after_refresh(self._storing_thread.start)

    # -- a large corpus entering the store ------------------------------------------------------
    def _store_later(self) -> None:
        """The worker: store `to_store` in growing transactions, telling the UI as it goes."""
        from reader.storing import store_in_batches

        try:
            if self.load_later:
                loaded = self._load_rest()
                if loaded is None:
                    return
            sources = [src for _, src in self.to_store]
            error = store_in_batches(
                self.store, sources, progress=self._storing_progress,
                stored=self._batch_stored, stop=self._storing_stop.is_set,
            )
        except Exception as exc:  # noqa: BLE001 - told in one line; the articles stay open
            error = f"articles could not be stored: {exc}"
        self._from_worker(self._storing_done, error)

    def _load_rest(self) -> bool | None:
        """Load the whole corpus (in the worker) and hand the UI its articles; None when
        the app ended meanwhile."""
        from reader.launch import articles_from_sources
        from reader.text.loading import load_paths

        result = load_paths(self.load_later, skip=self.store.root)
        notices = list(result.errors)
        later: list[tuple[OpenArticle | None, SourceArticle]] = []
        articles = articles_from_sources(self.store, result.articles, notices, later)
        done = threading.Event()

        def hand_over() -> None:
            self._take_articles(articles, later, notices)
            done.set()

        self._from_worker(hand_over)
        while not done.wait(0.1):
            if self._storing_stop.is_set():
                return None
        return True

    def _take_articles(self, articles: list[OpenArticle],
                       later: list[tuple[OpenArticle | None, SourceArticle]],
                       notices: list[str]) -> None:
        """The whole corpus is loaded: it replaces the first article alone (that one stays
        the same object, so what was done on it meanwhile is kept)."""
        shown = self.articles[0]
        for index, article in enumerate(articles):
            if article.id == shown.id:
                if article.in_store and not shown.in_store:
                    self.session.article_stored(shown, {"claim_count": article.stored_claims})
                articles[index] = shown
                later[:] = [(shown if a is article else a, src) for a, src in later]
                break
        else:
            articles.insert(0, shown)
        self.articles = articles
        self.to_store = later
        self.load_later = []
        self.storing = (0, len(later))
        for notice in notices:
            self.notify(clean_line(notice), markup=False, severity="warning", timeout=8)
        self._tell_main("articles_loaded")

    def _from_worker(self, callback: Callable[..., Any], *args: Any) -> None:
        if self._storing_stop.is_set():
            return
        # never waits for the UI (call_from_thread would, forever once the app has ended)
        with contextlib.suppress(RuntimeError, AttributeError):  # the loop has closed
            self._storing_loop.call_soon_threadsafe(callback, *args)

    def _storing_progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._storing_shown < 0.25:
            return
        self._storing_shown = now
        self._from_worker(self._show_storing, done, total)

    def _show_storing(self, done: int, total: int) -> None:
        if self.storing is not None:
            self.storing = (done, total)
            self._tell_main("storing_changed")

    def _batch_stored(self, first: int, results: list[AddResult]) -> None:
        articles = [self.to_store[first + n][0] for n in range(len(results))]
        self._from_worker(self._mark_stored, articles, results)

    def _mark_stored(self, articles: list[OpenArticle | None],
                     results: list[AddResult]) -> None:
        """Articles now in the store: their claims are saved from now on."""
        for article, result in zip(articles, results, strict=True):
            if article is None:
                continue
            if result.text_changed:
                self.notify(
                    f"{clean_line(article.source)}: the text changed; {result.reanchored} "
                    f"claim(s) re-anchored, {result.orphaned} orphaned (see the Claims tab)",
                    markup=False, severity="warning", timeout=8,
                )
            self.session.article_stored(article, result.article)
        self.session.retry_pending()
        self._tell_main("articles_stored")

    def _storing_done(self, error: str) -> None:
        total = len(self.to_store)
        if not total and not error:
            self.storing = None
            self._tell_main("articles_stored")
            return
        self.storing = None
        self.to_store = []
        if error:
            self.notify(error, markup=False, severity="error", timeout=10)
        else:
            self.notify(f"{total} articles stored.", markup=False, timeout=4)
        self._tell_main("articles_stored")

    def _tell_main(self, method: str) -> None:
        from textual.css.query import NoMatches

        from reader.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen) and screen.is_mounted:
                with contextlib.suppress(NoMatches):  # the screen is being torn down
                    getattr(screen, method)()

    def stop_storing(self, timeout: float = 60.0) -> None:
        """At exit: abandon the transaction being written (what is committed stays) and wait
        for the worker, so the store is closed only once it is done."""
        self._storing_stop.set()
        thread = self._storing_thread
        if thread is not None and thread.is_alive():
            thread.join(timeout)

    STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
    """Signals that end the app as a second `q` does (a shutdown, a closed terminal)."""

    def _catch_signals(self) -> None:
        """SIGTERM and SIGHUP would kill the process on the spot: the terminal left in the
        alternate screen, unsaved claims lost. Caught on the event loop instead, they end the
        app normally, and `reader` restores the terminal and writes the rescue file."""
        loop = asyncio.get_running_loop()
        for signum in self.STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self._stop_on_signal, signum)

    def _stop_on_signal(self, signum: int) -> None:
        """Quit as a second `q` would, with the conventional status 128 + the signal."""
        from reader.screens.main import MainScreen

        self.stopped_by = signum
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is not None:
            with contextlib.suppress(Exception):  # quitting matters more than the position
                main._remember_position()
                self.save_session(main.index)
        self.exit(return_code=128 + signum)

    # -- descriptive --------------------------------------------------------------------------
    @property
    def store_label(self) -> str:
        """Which store is open, short."""
        root = self.store.root
        try:
            return str(root.resolve().relative_to(Path.cwd().resolve())) + "/"
        except ValueError:
            return str(root)

    @property
    def model_label(self) -> str:
        """The model's name and version."""
        name = Path(self.model).name if self.model else "no model"
        return f"{name} {self.model_version}".strip()

    def model_label_for(self, article: OpenArticle) -> str:
        """The name and version of the pipeline that reads `article`."""
        if not self.per_language:
            return self.model_label
        model, _why = self.article_model(article)
        if model is None:
            return "no model"
        from reader.nlp.language import language_name

        _key, version = self._key_of(model)
        language = article.meta.get("language")
        read = f" for {language_name(language)}" if isinstance(language, str) and language else ""
        return f"{Path(model).name} {version}".strip() + read

    # -- languages ----------------------------------------------------------------------------
    def article_language(self, article: OpenArticle) -> str:
        """The article's language code (`` when unknown): recorded in its meta, else
        detected now and recorded in the store's index (once per article)."""
        from reader.nlp.language import article_language

        if isinstance(article.meta.get("language"), str):
            return str(article.meta["language"])
        try:
            text = article.text
        except (StoreError, OSError):
            return ""
        language = article_language(article.meta, text, article.body_start)
        article.meta["language"] = language
        if (article.in_store and not self.store.readonly
                and article.id not in self.store.unreadable):
            with contextlib.suppress(OSError, KeyError, StoreWriteError):
                self.store.update_article(article.id, meta=dict(article.meta))
        return language

    def article_model(self, article: OpenArticle) -> tuple[str | None, str]:
        """The pipeline for `article` and, when there is none, why in one line: `--model`
        (or the test backend) for every article, else the one for its language."""
        if not self.per_language:
            return self.model, "" if self.model else self.ner_unavailable
        found = self._pipelines.get(article.id)
        if found is None:
            from reader.nlp.language import describe, pipeline_for

            language = self.article_language(article)
            model = pipeline_for(language, self.language_table)
            found = (model, "" if model else f"no pipeline for {describe(language)}: "
                     "no entities")
            self._pipelines[article.id] = found
        return found

    def _key_of(self, model: str) -> tuple[str, str]:
        """`(cache key, version)` of a pipeline (`("", "")` when it cannot be read)."""
        found = self._model_keys.get(model)
        if found is None:
            from reader.nlp.models import ModelError, model_key

            try:
                found = model_key(model)
            except ModelError:
                found = ("", "")
            self._model_keys[model] = found
        return found

    def cache_key(self, article: OpenArticle, detect: bool = True) -> tuple[str, str]:
        """The entity cache's `(model, version)` for this article; `("", "")` for none.
        `detect=False` (the corpus view, over every article): an article whose language is
        not known yet is looked up under the default model (what `reader ingest` caches),
        rather than detecting and recording a thousand languages at once."""
        if not self.per_language:
            return self.model_key, self.model_version
        if not detect and article.id not in self._pipelines and not isinstance(
            article.meta.get("language"), str
        ):
            from reader.nlp.models import default_model

            fallback = default_model()
            return self._key_of(fallback) if fallback else ("", "")
        model, _why = self.article_model(article)
        return self._key_of(model) if model else ("", "")

    @property
    def articles_by_id(self) -> dict[str, OpenArticle]:
        """Open articles by id."""
        return {article.id: article for article in self.articles}

    # -- NER ----------------------------------------------------------------------------------
    def ner_backend(self, text_length: int = 0, article: OpenArticle | None = None) -> Any:
        """The NER backend (started early by `launch`, else on first use); None when there
        is no model. Long texts get two worker processes. Without `--model`, the backend of
        `article`'s pipeline (one per pipeline, started when first needed)."""
        if self.per_language:
            model = self.article_model(article)[0] if article is not None else None
            if model is None:
                return None
            service = self._services.get(model)
            if service is None:
                from reader.nlp.service import NerService, processes_for

                service = NerService(model, processes=processes_for(text_length))
                self._services[model] = service
            return service
        if self._ner is None:
            if self._ner_factory is not None:
                self._ner = self._ner_factory()
            elif self.model:
                from reader.nlp.service import NerService, processes_for

                self._ner = NerService(self.model, processes=processes_for(text_length))
            else:
                return None
        return self._ner

    def cached_entities(self, article: OpenArticle) -> list[Entity] | None:
        """Entities from the store's cache for this text and model, without spaCy."""
        key, version = self.cache_key(article)
        if not key:
            return None
        from reader.records import text_hash

        found = self.store.cached_entities(text_hash(article.text), key, version)
        if found is not None:
            self.entities[article.id] = found
        return found

    def cache_entities(self, article: OpenArticle, entities: list[Entity]) -> None:
        """Keep NER output in the store's cache (derived data; not when read-only, nor for an
        article whose file cannot be read: its text here is not its text)."""
        key, version = self.cache_key(article)
        if self.store.readonly or not key or article.id in self.store.unreadable:
            return
        from reader.records import text_hash

        try:
            self.store.put_cached_entities(text_hash(article.text), key, version, entities)
            if article.in_store:
                article.stored_entities = len(entities)
                self.store.update_article(article.id, entity_count=len(entities))
        except (OSError, KeyError, StoreWriteError):
            pass  # a cache write that fails costs a re-run of NER, nothing else

    def displayed_entities(self, article: OpenArticle, model: list[Entity]) -> list[Entity]:
        """The model's entities with the analyst's corrections (corpus rules too) laid over."""
        try:
            corrections = list(self.store.corpus_corrections())
        except (OSError, StoreError):
            corrections = []
        if article.in_store:
            with contextlib.suppress(KeyError, OSError, StoreError):
                corrections += self.store.corrections(article.id)
        if not corrections:
            return model
        from reader.corrections import apply_corrections

        return apply_corrections(model, corrections, article.text)

    def on_unmount(self) -> None:
        """Stop the NER workers and release the store."""
        self._storing_stop.set()
        if not self.store.readonly:
            self.flush_session()
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_running_loop()
            for signum in self.STOP_SIGNALS:
                loop.remove_signal_handler(signum)
        if self._ner is not None:
            self._ner.close()
        for service in self._services.values():
            if service is not None:
                service.close()

    # -- session ------------------------------------------------------------------------------
    def save_session(self, index: int) -> None:
        """Remember which articles are open and which one is on screen."""
        if self.store.readonly:
            return
        ids = [a.id for a in self.articles if a.in_store]
        current = self.articles[index].id if self.articles else None
        fields: dict[str, Any] = {"current": current}
        if ids != self._session_open:  # not the whole list again at every article switch
            fields["open"] = ids
        if fields == {"current": self._session_current}:
            return
        self._session_open, self._session_current = ids, current
        self._session_due.update(fields)
        self._write_soon()

    def remember_position(self, article: OpenArticle) -> None:
        """Save the reading position of an article (not of one whose file cannot be read)."""
        if self.store.readonly or not article.in_store or article.id in self.store.unreadable:
            return
        self._positions_due[article.id] = article.position
        self._write_soon()

    def _write_soon(self) -> None:
        """Each of these writes rewrites the whole index: with many articles (100,000: tens
        of MB) they wait until the user pauses, then go in one write each; else at once."""
        if len(self.articles) < DEFER_INDEX_WRITES:
            if not self._flush_soon:  # what one key changes (position, session): one write
                self._flush_soon = self.call_later(self.flush_session)
            return
        if self._flush_timer is not None:
            self._flush_timer.stop()
        self._flush_timer = self.set_timer(INDEX_WRITE_DELAY, self.flush_session)

    def flush_session(self) -> None:
        """Write the session and reading positions still due (best effort: where the user
        left off is a convenience; claims are saved on their own)."""
        positions, fields = self._positions_due, self._session_due
        self._positions_due, self._session_due = {}, {}
        self._flush_soon = False
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        if positions or fields:
            with contextlib.suppress(OSError, KeyError, StoreWriteError):
                self.store.save_reading_state(positions, fields)  # one index write

    def suggest_speaker(self, article: OpenArticle, entities: list[Entity], start: int,
                        end: int) -> str:
        """Who probably makes the claim at `[start, end)`."""
        return suggest_speaker(article.text, entities, start, end)

    # -- clipboard ----------------------------------------------------------------------------
    def copy_claim(self, article: OpenArticle, claim: dict[str, Any]) -> None:
        """Copy a claim as a citation: OSC 52 always, the system clipboard where there is one."""
        text = citation(article, claim)
        self.copy_to_clipboard(text)
        self._copy_with_pyperclip(text)
        short = shorten(clean_line(str(claim.get("quote", ""))), 60)
        self.notify(f"Copied: “{short}” (terminal clipboard, OSC 52)", markup=False, timeout=3)

    @work(thread=True, exit_on_error=False, group="clipboard")
    def _copy_with_pyperclip(self, text: str) -> None:
        """pyperclip may raise or silently do nothing: never rely on it, never crash for it."""
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception:  # noqa: BLE001 - PyperclipException and any clipboard program error
            return

    # -- suggestions ---------------------------------------------------------------------------
    def compute_suggestions(self, article: OpenArticle, done: Callable[[], None],
                            progress: Callable[[int, int], None] | None = None) -> None:
        """Compute suggested claims in a worker; `done` and `progress(done, total)` (the
        characters parsed so far) run on the UI thread."""
        self._suggest_worker(article, done, progress)

    @work(thread=True, exit_on_error=False, group="suggest")
    def _suggest_worker(self, article: OpenArticle, done: Callable[[], None],
                        progress: Callable[[int, int], None] | None = None) -> None:
        backend = self.ner_backend(article=article)
        items: list[dict[str, Any]] = []
        error = ""
        if backend is None:
            error = self.article_model(article)[1] or self.ner_unavailable
        else:
            try:
                def report(done_chars: int, total: int) -> None:
                    if progress is not None:
                        self.call_from_thread(progress, done_chars, total)

                items = [s.to_record() for s in backend.suggest(
                    article.text, known=self.known_claims(), article_id=article.id,
                    progress=report)]  # records for the panel until it reads Suggestion
            except Exception as exc:  # noqa: BLE001 - shown to the user in one line
                error = str(exc)
        rejected: set[tuple[int, int]] = set()
        if article.in_store:
            try:
                rejected = {(int(r["start"]), int(r["end"])) for r in
                            self.store.rejected(article.id)}
            except (KeyError, ValueError, TypeError):
                rejected = set()
        existing = {(c["start"], c["end"]) for c in self.session.claims(article)}
        items = [i for i in items if (i["start"], i["end"]) not in rejected | existing]

        def finish() -> None:
            self.suggestions[article.id] = items
            if error:
                self.notify("Suggestions failed: " + shorten(clean_line(error), 200), markup=False,
                            severity="error")
            done()

        self.call_from_thread(finish)

    def known_claims(self) -> list[dict[str, Any]]:
        """The analyst's claims that a suggestion may resemble (`reader.nlp.known_claims`):
        the stored ones, read once (call from a worker thread), overlaid by the session's;
        the `KNOWN_LIMIT` most recently changed."""
        from reader.nlp.known_claims import known_record, most_recent

        if self._stored_known is None:
            stored: dict[str, list[dict[str, Any]]] = {}
            with contextlib.suppress(StoreError, OSError):
                for doc, claim in self.store.iter_claims():
                    record = known_record(claim, str(doc.get("title", "")))
                    stored.setdefault(doc["id"], []).append(record)
            self._stored_known = stored
        by_article = dict(self._stored_known)
        titles = {a.id: a.title for a in self.articles}
        for article_id, claims in self.session.loaded_claims().items():
            title = titles.get(article_id, "")
            by_article[article_id] = [known_record(c, title) for c in claims]
        return most_recent(r for rs in by_article.values() for r in rs)

    async def action_quit(self) -> None:
        """`ctrl+q` quits as `q` does: asking first while claims are unsaved."""
        from reader.screens.main import MainScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            self.exit()
        else:
            main.action_quit()

    def reject_suggestion(self, article: OpenArticle, item: dict[str, Any]) -> None:
        """Remember a rejected suggestion so it is not suggested again."""
        if self.store.readonly or not article.in_store:
            return
        record = {k: item.get(k) for k in ("start", "end", "text", "label", "rule")}
        try:
            self.store.add_rejected(article.id, record)
        except (OSError, KeyError, StoreWriteError) as error:
            self.notify(f"Could not save the rejection: {error}", markup=False,
                        severity="warning")


def citation(article: OpenArticle, claim: dict[str, Any]) -> str:
    """A claim as a citation: quote, speaker, article title and source, label and verdict."""
    quote = " ".join(str(claim.get("quote", "")).split())
    lines = [f"“{quote}”"]
    speaker = str(claim.get("speaker") or "").strip()
    if speaker:
        lines.append(f"— {speaker}")
    source = article.url or article.source
    lines.append(f"in “{article.title}”" + (f" ({source})" if source else ""))
    lines.append(f"label: {claim.get('label')}; verdict: {claim.get('verdict')}")
    return "\n".join(lines)
