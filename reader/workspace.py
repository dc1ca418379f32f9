"""What the screens work on, without Textual: the store, the session, the taxonomy, the NER
backend, each article's entities (with the analyst's corrections laid over), suggestion state
and where the open articles are.

`launch.py` builds it and the app hands it down to the screens through their constructors
(harlequin injects its adapter, toolong passes its watcher down); nothing here knows a screen.
Methods marked "worker thread" may block (NER, the store); the rest are quick.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from reader.blind import Blind, BlindStore
from reader.config import Taxonomy
from reader.records import Claim, Entity, SourceArticle, StoredArticle, Suggestion
from reader.session import OpenArticle, ReaderSession, open_article_from_record
from reader.speakers import suggest_speaker
from reader.store.errors import StoreError, StoreWriteError
from reader.store.store import Store

DEFER_INDEX_WRITES = 1000
"""With this many articles open, session and position writes wait for a pause."""

INDEX_WRITE_DELAY = 2.0
"""Seconds without another article switch before they are written."""

NerFactory = Callable[[], Any]
"""Makes the NER backend (a `NerService`, or an `InlineNerService` over a pipeline the caller
holds); with one, `model` and `model_version` are the names its entities are cached under."""

Later = list[tuple[OpenArticle | None, SourceArticle]]
"""Articles of a large corpus still to enter the store, with their open article (None for a
second file with the same text)."""

CorpusLoader = Callable[[Store, list[str]], tuple[list[OpenArticle], Later, list[str]]]
"""Loads a large corpus's files (in a worker): its open articles, those still to store, and
one line per file that could not be read."""

Scheduler = Callable[[float, Callable[[], None]], Any]
"""Runs a callback after a delay on the UI's loop; returns a handle with `stop()`."""


class Workspace:
    """The open articles and the services the screens use, handed down to them."""

    def __init__(
        self,
        *,
        store: Store,
        articles: list[OpenArticle],
        start_index: int = 0,
        taxonomy: Taxonomy | None = None,
        annotator: str = "unknown",
        model: str | None = None,
        model_version: str = "",
        ner_factory: NerFactory | None = None,
        ner_service: Any = None,
        notices: Iterable[str] = (),
        model_problem: str = "",
        to_store: Later | None = None,
        load_later: list[str] | None = None,
        load_corpus: CorpusLoader | None = None,
        per_language: bool = False,
        language_table: dict[str, str] | None = None,
    ) -> None:
        self.store = store
        self.articles = articles
        self.start_index = start_index if 0 <= start_index < len(articles) else 0
        self.taxonomy = taxonomy or Taxonomy.default()
        self.session = ReaderSession(store, annotator)
        self.model = model
        self.model_version = ""
        self.model_key = model or ""
        self.ner_factory = ner_factory
        self._ner: Any = ner_service
        self.ner_unavailable = model_problem or "no spaCy model installed: no entities"
        self.notices = list(notices)
        self.per_language = per_language and model is None and ner_factory is None
        """No `--model`: each article gets the pipeline for its language (`article_model`)."""
        self.language_table = dict(language_table or {})
        self.services: dict[str, Any] = {}
        """Per-language mode: the NER backend of each pipeline started so far."""
        self._pipelines: dict[str, tuple[str | None, str]] = {}
        self._model_keys: dict[str, tuple[str, str]] = {}
        self.entities: dict[str, list[Entity]] = {}
        """Model entities per article id (before corrections)."""
        self.suggestions: dict[str, list[Suggestion]] = {}
        """Suggested claims per article id, as computed (before claims made since hide some)."""
        self.problems_told = 0
        """How many of the store's problems the launch notices already tell."""
        self.merged_duplicates = 0
        """Loaded articles whose text repeats one opened before: opened once (status line)."""
        self.to_store: Later = list(to_store or [])
        """Articles of a large corpus still to enter the store (in a worker, after the first
        paint), with their open article (None for a second file with the same text)."""
        self.load_later = list(load_later or [])
        """A large corpus whose first article alone is open: the worker loads the rest."""
        self.load_corpus = load_corpus
        self.storing: tuple[int, int] | None = None
        """(stored, total) while they enter the store, for the status line."""
        self.schedule: Scheduler | None = None
        """Set by the app: deferred index writes wait on it (without it they happen at once)."""
        self.soon: Callable[[Callable[[], None]], object] | None = None
        """Runs a callable once the current key is handled (the app's call_later): what one
        key changes (position, session) goes in one index write."""
        self._flush_soon = False
        self._positions_due: dict[str, int] = {}
        self._session_due: dict[str, Any] = {}
        self._flush_timer: Any = None
        self._session_open: list[str] | None = None
        self._session_current: str | None = None
        """What the saved session last said (so an unchanged one is not written again)."""
        self._stored_known: dict[str, list[dict[str, Any]]] | None = None
        """The stored claims per article id, as the suggester compares them (read once)."""
        if ner_factory is not None:  # the caller's backend: its name and version as given
            self.model_version = model_version
        elif model:
            try:
                from reader.nlp.models import model_key

                self.model_key, self.model_version = model_key(model)
            except Exception as error:  # noqa: BLE001 - any model problem is one line
                self.ner_unavailable = f"model {model}: {error}"
                self.model = None

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

    # -- the open articles ----------------------------------------------------------------------
    @property
    def articles_by_id(self) -> dict[str, OpenArticle]:
        """Open articles by id."""
        return {article.id: article for article in self.articles}

    def index_of(self, article_id: str) -> int | None:
        """The index of an open article, None when it is not open."""
        return next((i for i, a in enumerate(self.articles) if a.id == article_id), None)

    def open_stored(self, article_id: str) -> int | None:
        """The article's index among the open ones, opening it from the store if needed;
        None when the store does not hold it."""
        index = self.index_of(article_id)
        if index is not None:
            return index
        record = self.store.article(article_id)
        return None if record is None else self.open_record(record)

    def open_record(self, record: StoredArticle) -> int:
        """Open a stored article's record (unless it is open); its index."""
        index = self.index_of(record.id)
        if index is None:
            article_id = record.id
            store = self.store
            self.articles.append(open_article_from_record(
                record, lambda: store.text(article_id)))
            index = len(self.articles) - 1
        return index

    def take_articles(self, articles: list[OpenArticle], later: Later) -> None:
        """The whole corpus is loaded: it replaces the first article alone (that one stays
        the same object, so what was done on it meanwhile is kept)."""
        shown = self.articles[0]
        for index, article in enumerate(articles):
            if article.id == shown.id:
                if article.in_store and not shown.in_store:
                    self.session.article_stored(shown, article.stored_claims)
                articles[index] = shown
                later[:] = [(shown if a is article else a, src) for a, src in later]
                break
        else:
            articles.insert(0, shown)
        self.articles = articles
        self.to_store = later
        self.load_later = []
        self.storing = (0, len(later))

    # -- languages and pipelines ----------------------------------------------------------------
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

    # -- NER ----------------------------------------------------------------------------------
    def ner_backend(self, text_length: int = 0, article: OpenArticle | None = None) -> Any:
        """The NER backend (started early by `launch`, else on first use); None when there
        is no model. Long texts get two worker processes. Without `--model`, the backend of
        `article`'s pipeline (one per pipeline, started when first needed)."""
        if self.per_language:
            model = self.article_model(article)[0] if article is not None else None
            if model is None:
                return None
            service = self.services.get(model)
            if service is None:
                from reader.nlp.service import NerService, processes_for

                service = NerService(model, processes=processes_for(text_length))
                self.services[model] = service
            return service
        if self._ner is None:
            if self.ner_factory is not None:
                self._ner = self.ner_factory()
            elif self.model:
                from reader.nlp.service import NerService, processes_for

                self._ner = NerService(self.model, processes=processes_for(text_length))
            else:
                return None
        return self._ner

    @property
    def ner_started(self) -> bool:
        """Whether a NER backend runs (one was started early or on first use)."""
        return self._ner is not None or any(s is not None for s in self.services.values())

    def close_ner(self) -> None:
        """Stop every NER backend started."""
        if self._ner is not None:
            self._ner.close()
        for service in self.services.values():
            if service is not None:
                service.close()

    def keep_entities(self, article: OpenArticle, entities: list[Entity]) -> None:
        """The model's entities of an article, found this session (before corrections)."""
        self.entities[article.id] = entities

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
        article whose file cannot be read: its text here is not its text). Worker thread."""
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
        if len(self.articles) < DEFER_INDEX_WRITES or self.schedule is None:
            if self.soon is None:
                self.flush_session()
            elif not self._flush_soon:  # what one key changes (position, session): one write
                self._flush_soon = True
                self.soon(self.flush_session)
            return
        if self._flush_timer is not None:
            self._flush_timer.stop()
        self._flush_timer = self.schedule(INDEX_WRITE_DELAY, self.flush_session)

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

    # -- suggestions ---------------------------------------------------------------------------
    def suggest(self, article: OpenArticle,
                progress: Callable[[int, int], None] | None = None,
                ) -> tuple[list[Suggestion], str]:
        """The article's suggested claims, less those rejected before and those a claim
        already marks, and why there are none in one line ('' when it worked). Worker
        thread: the parse runs in the NER worker; `progress(done, total)` counts characters."""
        backend = self.ner_backend(article=article)
        items: list[Suggestion] = []
        error = ""
        if backend is None:
            error = self.article_model(article)[1] or self.ner_unavailable
        else:
            try:
                items = backend.suggest(article.text, known=self.known_claims(),
                                        article_id=article.id, progress=progress)
            except Exception as exc:  # noqa: BLE001 - shown to the user in one line
                error = str(exc)
        rejected: set[tuple[int, int]] = set()
        if article.in_store:
            try:
                rejected = {(int(r["start"]), int(r["end"])) for r in
                            self.store.rejected(article.id)}
            except (KeyError, ValueError, TypeError):
                rejected = set()
        shown = self.session.claims(article)
        if self.blind.on:  # a colleague's hidden claim must not hide a suggestion either
            shown = self.blind.visible(shown, self.session.done_by(article))
        existing = {(c.start, c.end) for c in shown}
        return [i for i in items if (i.start, i.end) not in rejected | existing], error

    @property
    def blind(self) -> Blind:
        """Blind coding for me (`reader.blind`): whose claims I may see on an article."""
        return Blind(self.session.annotator, self.taxonomy.blind)

    def known_claims(self) -> list[dict[str, Any]]:
        """The analyst's claims that a suggestion may resemble (`reader.nlp.known_claims`):
        the stored ones, read once (call from a worker thread), overlaid by the session's;
        the `KNOWN_LIMIT` most recently changed. Blind coding leaves out others' claims on
        the articles I have not marked done."""
        from reader.nlp.known_claims import known_record, most_recent

        blind = self.blind
        if self._stored_known is None:
            stored: dict[str, list[dict[str, Any]]] = {}
            with contextlib.suppress(StoreError, OSError):
                for doc, claim in BlindStore(self.store, blind).iter_claims():
                    record = known_record(claim, doc.title or "")
                    stored.setdefault(doc.id, []).append(record)
            self._stored_known = stored
        by_article = dict(self._stored_known)
        open_articles = {a.id: a for a in self.articles}
        for article_id, claims in self.session.loaded_claims().items():
            article = open_articles.get(article_id)
            title = article.title if article is not None else ""
            if blind.on:
                done = self.session.done_by(article) if article is not None else set()
                claims = blind.visible(claims, done)
            by_article[article_id] = [known_record(c, title) for c in claims]
        return most_recent(r for rs in by_article.values() for r in rs)

    def keep_suggestions(self, article: OpenArticle, items: list[Suggestion]) -> None:
        """An article's suggestions as computed (`suggest`), for this session."""
        self.suggestions[article.id] = items

    def reject_suggestion(self, article: OpenArticle, item: Suggestion) -> str:
        """Forget a suggestion for this session and remember it as rejected in the store so
        it is not suggested again; '' or why the rejection could not be saved."""
        known = self.suggestions.get(article.id, [])
        self.suggestions[article.id] = [i for i in known if i is not item]
        if self.store.readonly or not article.in_store:
            return ""
        record = {"start": item.start, "end": item.end, "text": item.text,
                  "label": item.label, "rule": item.rule}  # the store's rejection record
        try:
            self.store.add_rejected(article.id, record)
        except (OSError, KeyError, StoreWriteError) as error:
            return f"Could not save the rejection: {error}"
        return ""


def citation(article: OpenArticle, claim: Claim) -> str:
    """A claim as a citation: quote, speaker, article title and source, label and verdict."""
    quote = " ".join(claim.quote.split())
    lines = [f"“{quote}”"]
    speaker = claim.speaker.strip()
    if speaker:
        lines.append(f"— {speaker}")
    source = article.url or article.source
    lines.append(f"in “{article.title}”" + (f" ({source})" if source else ""))
    lines.append(f"label: {claim.label}; verdict: {claim.verdict}")
    return "\n".join(lines)
