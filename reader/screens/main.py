"""The main screen: the article pane, the side panel, the status line and the footer, and the
wiring between them, the session (claims) and the NER service."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from reader import messages
from reader.keys import bindings_for
from reader.records import Entity, Suggestion
from reader.session import OpenArticle
from reader.sources import is_web, needs_fetch
from reader.speakers import resolve_speaker
from reader.store.errors import StoreError
from reader.text.sanitize import clean_line
from reader.widgets.annotators_panel import AnnotatorRow, AnnotatorsTable, assign_marks
from reader.widgets.article_view import ArticleView, Overlay
from reader.widgets.articles_panel import ArticleRow, ArticlesTable
from reader.widgets.claims_panel import ClaimsPanel
from reader.widgets.entities_panel import EntitiesTree
from reader.widgets.status_line import StatusLine
from reader.widgets.suggestions_panel import SuggestionsPanel
from reader.wording import plural, shorten
from reader.workspace import Workspace, citation

if TYPE_CHECKING:
    from reader.formats.export_worker import ExportOutcome, ExportRequest
    from reader.screens.claim_form import ClaimFormData

RETRY_SECONDS = 5.0
SOURCE_CHECK_SECONDS = 3.0
QUIT_CONFIRM_SECONDS = 10.0
"""A second `q` within this many seconds of the unsaved-claims warning quits."""
SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")
MAX_EXPORT_NOTES = 5
"""Lines of what an export left out or wrote incomplete shown in one notification."""


class MainScreen(Screen[None]):
    """Reading and annotating one article at a time out of the open ones."""

    BINDINGS = bindings_for("screen")

    ner_note: reactive[str] = reactive("", repaint=False)
    """What NER is doing for the article on screen, or what it found (the status line's)."""
    sync_note: reactive[str] = reactive("", repaint=False)
    """The status line's word on syncing: when, offline, conflicts."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.index = 0
        self._jobs: dict[str, Any] = {}
        self._source_stamps: dict[str, tuple[int, int] | None] = {}
        """Per article id: (mtime_ns, size) of its source file when first shown."""
        self._source_warned: set[str] = set()
        self._problems_told = 0
        """How many of the store's problems have been told (notified) so far."""
        self._quit_warned = -QUIT_CONFIRM_SECONDS
        self._shown_article: OpenArticle | None = None
        """The article on screen (the same object after a corpus loaded behind it)."""
        """When `q` last warned of unsaved claims (a second `q` soon after quits)."""
        self.sync_url = ""
        """The team server (`[team] server` in reader.toml); '' when the store syncs nowhere."""
        self._sync_steps = 0
        """The undo history's length at the last sync (what came after is pending)."""
        self._quit_after_sync = False
        self.hidden_layers: set[str] = set()
        """Colleagues whose claims the analyst hid (the Annotators tab's `space`)."""
        self._done_here: tuple[str, set[str]] = ("", set())
        """(article id, who marked it done) as `_layers` last read them."""

    @property
    def article(self) -> OpenArticle:
        """The article on screen."""
        return self.workspace.articles[self.index]

    @property
    def view(self) -> ArticleView:
        """The article view."""
        return self.query_one(ArticleView)

    def compose(self) -> ComposeResult:
        """Article pane | side panel; status line; footer."""
        with Horizontal(id="main"):
            with Vertical(id="article-pane"):
                yield Static(Text(""), id="title")
                yield ArticleView(id="article")
                yield Input(placeholder="search (enter: go, escape: close)", id="search")
            with TabbedContent(id="side", initial="entities"):
                with TabPane("Entities", id="entities"):
                    yield EntitiesTree(id="entities-tree")
                with TabPane("Claims", id="claims"):
                    yield ClaimsPanel(id="claims-panel")
                with TabPane("Suggestions", id="suggestions"):
                    yield SuggestionsPanel(id="suggestions-panel")
                with TabPane("Articles", id="articles"):
                    yield ArticlesTable(id="articles-table")
                with TabPane("Annotators", id="annotators"):
                    yield AnnotatorsTable(id="annotators-table")
        yield StatusLine(id="status").data_bind(ner=MainScreen.ner_note,
                                                sync=MainScreen.sync_note)
        yield Footer()

    def on_mount(self) -> None:
        """Open the article the session was on, and start retrying failed saves."""
        ws = self.workspace
        self.query_one("#search", Input).display = False
        self.view.claim_colours = ws.taxonomy.colours
        self.query_one(ClaimsPanel).colours = ws.taxonomy.colours
        self._problems_told = ws.problems_told  # the launch's notices tell those
        ws.session.listeners.append(self._session_changed)
        self.open_article(ws.start_index, first=True)
        self.set_interval(RETRY_SECONDS, self._retry_saves)
        self.set_interval(SOURCE_CHECK_SECONDS, self.check_source)
        for notice in ws.notices:
            self.notify(notice, markup=False, severity="warning", timeout=8)
        self._tell_store_problems()
        self.call_after_refresh(self._start_syncing)  # psycopg stays off the first paint

    def on_unmount(self) -> None:
        """Stop following the session."""
        if self._session_changed in self.workspace.session.listeners:
            self.workspace.session.listeners.remove(self._session_changed)

    def _session_changed(self, article_id: str) -> None:
        """A claim, done mark or correction of an article changed (or was undone): the
        claims on screen are redrawn from the session when it is this article's."""
        if self.workspace.articles and article_id == self.article.id:
            self._show_claims()

    def _tell_store_problems(self) -> None:
        """Notify what the store found wrong (skipped records...) since it was last told."""
        problems = self.workspace.store.problems
        for problem in problems[self._problems_told :]:
            self.notify(clean_line(f"{problem.path}: {problem.message}"), markup=False,
                        severity="warning", timeout=8)
        self._problems_told = len(problems)

    # -- articles ------------------------------------------------------------------------------
    def open_article(self, index: int, *, first: bool = False) -> None:
        """Show the article at `index` (the text first; entities follow)."""
        ws = self.workspace
        if not ws.articles:
            return
        if not first:
            self._remember_position()
            self._cancel_ner(self.article.id)
        self.index = index % len(ws.articles)
        article = self.article
        self._shown_article = article
        title = self.query_one("#title", Static)
        title.update(Text(clean_line(article.title), style="bold"))
        title.display = not article.title_end  # else the text's own first line is the title
        position = article.position or article.body_start
        view = self.view
        try:
            text = article.text
        except (StoreError, OSError) as error:
            article.loaded_text = text = ""
            self.notify(f"{clean_line(str(error))}; nothing to show (see `reader db check`)",
                        markup=False, severity="error", timeout=10)
            self._problems_told = len(ws.store.problems)  # that said it
        view.load(text, cursor=position, title_end=article.title_end)
        view.focus()
        panel = self.query_one(SuggestionsPanel)  # before the marks: this article's
        if (self.side_tab == "suggestions" and not panel.computing
                and article.id not in ws.suggestions):
            self.compute_suggestions()  # the tab is open: the new article's come too
        elif article.id in ws.suggestions:
            panel.position = 0
            panel.sync(ws.suggestions[article.id], self.visible_claims(), force=True)
        else:
            panel.show(None)
        self._show_claims()
        entities = ws.entities.get(article.id)
        if entities is None:
            entities = ws.cached_entities(article)
        if entities is not None:
            self._set_entities(article, entities, "cached")
        else:
            self._set_entities(article, [], "")
            self._start_ner(article)
        self._refresh_articles()
        ws.save_session(self.index)
        if article.id not in self._source_stamps:
            self._source_stamps[article.id] = _stamp(article.source)
        status = self.status_line
        status.source_changed = article.id in self._source_warned
        status.access = ("READ-ONLY" if ws.store.readonly else
                         "FILE UNREADABLE" if article.id in ws.store.unreadable else "")
        status.store = ws.store_label
        self._show_place()
        self._cursor_moved()
        if not first:
            self._tell_store_problems()

    def check_source(self) -> None:
        """Say so (once) when the article's file changed or vanished since it was loaded."""
        article = self.article
        before = self._source_stamps.get(article.id)
        if before is None or article.id in self._source_warned:
            return
        now = _stamp(article.source)
        if now == before:
            return
        self._source_warned.add(article.id)
        what = "was deleted" if now is None else "changed on disk"
        self.notify(f"{clean_line(article.source)} {what}; showing the text as loaded "
                    "(reopen it to take the new text and re-anchor claims).",
                    markup=False, severity="warning", timeout=10)
        self.status_line.source_changed = True

    def _remember_position(self) -> None:
        article = self.article
        article.position = self.view.cursor
        self.workspace.remember_position(article)

    def remember_where(self) -> None:
        """Save the reading position and which article is on screen (at exit)."""
        self._remember_position()
        self.workspace.save_session(self.index)

    def action_next_article(self) -> None:
        """Next article."""
        if len(self.workspace.articles) > 1:
            self.open_article(self.index + 1)
        else:
            self.notify("Only one article is open.", markup=False, timeout=2)

    def action_prev_article(self) -> None:
        """Previous article."""
        if len(self.workspace.articles) > 1:
            self.open_article(self.index - 1)
        else:
            self.notify("Only one article is open.", markup=False, timeout=2)

    def _refresh_articles(self) -> None:
        """Fill the Articles tab (only while it is open: with 100,000 articles, refilling a
        hidden table at every article switch cost seconds; opening the tab fills it)."""
        if self.side_tab != "articles":
            return
        self.query_one(ArticlesTable).show(_ArticleRows(self.workspace), self.index)

    @on(ArticlesTable.Open)
    def _open_from_list(self, event: ArticlesTable.Open) -> None:
        self.open_article(event.index)

    # -- entities ------------------------------------------------------------------------------
    def _set_entities(self, article: OpenArticle, entities: list[Entity], how: str) -> None:
        ws = self.workspace
        shown = ws.displayed_entities(article, entities)
        if how:
            ws.keep_entities(article, entities)
        if article is self.article:
            self._show_entities(shown)
            done = how or article.id in ws.entities
            status = "" if done else "Entities arrive when NER has run."
            self.query_one(EntitiesTree).show(shown, article.text, status)
            if how:
                self.ner_note = "entities: " + how
        if how:
            ws.session.fill_entities(article, shown)  # the session tells what changed

    def _start_ner(self, article: OpenArticle) -> None:
        ws = self.workspace
        backend = ws.ner_backend(len(article.text), article)
        if backend is None:
            self.ner_note = ws.article_model(article)[1] or ws.ner_unavailable
            if article is self.article:  # the panel says why, not that entities will come
                self.query_one(EntitiesTree).show([], article.text, self.ner_note)
            return
        job = backend.submit(article.text)
        self._jobs[article.id] = job
        self.ner_note = "NER: starting…"
        self._run_ner(article, job)

    def _cancel_ner(self, article_id: str) -> None:
        job = self._jobs.pop(article_id, None)
        if job is not None:
            job.cancel()

    @work(thread=True, exit_on_error=False, group="ner")
    def _run_ner(self, article: OpenArticle, job: Any) -> None:
        """Consume the job's progress in a thread; the UI gets each step as a message."""
        ws = self.workspace
        collected: list[Entity] = []
        for progress in job.progress():
            if progress.error:
                self.app.call_from_thread(self._ner_failed, article, progress.error)
                return
            collected.extend(progress.entities)
            snapshot = sorted(collected)
            self.app.call_from_thread(self._ner_progress, article, snapshot,
                                      progress.done_chars, progress.total_chars,
                                      progress.finished)
            if progress.finished:
                ws.cache_entities(article, snapshot)
                return

    def _ner_progress(self, article: OpenArticle, entities: list[Entity], done: int,
                      total: int, finished: bool) -> None:
        if finished:
            self._jobs.pop(article.id, None)
            found = f"{len(entities)} found by {self.workspace.model_label_for(article)}"
            self._set_entities(article, entities, found)
            self._refresh_articles()
        elif article is self.article:
            percent = round(100 * done / max(1, total))
            filled = percent // 10
            bar = "▰" * filled + "▱" * (10 - filled)
            self.ner_note = f"NER {bar} {percent}% ({plural(len(entities), 'entity')} so far)"
            self._show_entities(self.workspace.displayed_entities(article, entities))
            self.query_one(EntitiesTree).show(
                [], article.text,
                f"NER {percent}%: {plural(len(entities), 'entity')} so far; the list follows",
            )

    def _ner_failed(self, article: OpenArticle, error: str) -> None:
        self._jobs.pop(article.id, None)
        self.ner_note = "NER failed: " + shorten(clean_line(error), 120)
        self.notify(self.ner_note, markup=False, severity="error", timeout=8)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """A worker that dies says so, never silently: NER's note says it failed (no
        "starting…" left on screen), any other worker's error is shown."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        why = shorten(clean_line(f"{type(error).__name__}: {error}"), 120)
        if event.worker.group == "ner":
            self.ner_note = "NER failed: " + why
            self.notify(self.ner_note, markup=False, severity="error", timeout=8)
            return
        self.notify(f"{event.worker.group or event.worker.name} failed: {why}", markup=False,
                    severity="error", timeout=8)

    @on(EntitiesTree.Jump)
    def _jump_to_entity(self, event: EntitiesTree.Jump) -> None:
        self.view.move_to(event.offset, center=True)

    @on(EntitiesTree.LabelsChanged)
    def _labels_changed(self, event: EntitiesTree.LabelsChanged) -> None:
        self.view.set_hidden_labels(event.hidden)

    # -- status --------------------------------------------------------------------------------
    @property
    def status_line(self) -> StatusLine:
        """The status line (each fact a reactive field of it)."""
        return self.query_one(StatusLine)

    def _show_entities(self, shown: list[Entity]) -> None:
        self.view.set_entities(shown)
        self.status_line.entities = len(self.view.entities)

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self) -> None:
        view, status = self.view, self.status_line
        status.percent = view.position_percent
        status.page = " ".join(_page_part(self.article.meta, view.cursor))

    def _show_place(self) -> None:
        """Which article of how many; a large corpus loading or entering the store."""
        ws = self.workspace
        place = f"{self.index + 1}/{len(ws.articles)}"
        if ws.merged_duplicates:
            place += f" ({plural(ws.merged_duplicates, 'duplicate text')} merged)"
        status = self.status_line
        status.place = place
        if ws.load_later:
            status.work = "loading the corpus…"
        elif ws.storing is not None:
            done, total = ws.storing
            status.work = f"storing {done:,}/{total:,} articles"
        else:
            status.work = ""

    def storing_changed(self) -> None:
        """The app stored more of a large corpus: the status line says how far."""
        self._show_place()

    def articles_loaded(self) -> None:
        """The whole corpus is loaded behind the article on screen."""
        ws = self.workspace
        shown = self._shown_article
        self.index = next((i for i, a in enumerate(ws.articles) if a is shown), 0)
        self.articles_stored()

    def articles_stored(self) -> None:
        """Articles entered the store: their claims, the list, the session."""
        self._show_claims()
        self._refresh_articles()
        self.workspace.save_session(self.index)
        self._show_place()

    # -- focus and tabs ----------------------------------------------------------------------
    def action_toggle_focus(self) -> None:
        """Switch focus between the article and the side panel's open tab."""
        if self.view.has_focus:
            tabs = self.query_one("#side", TabbedContent)
            pane = tabs.get_pane(tabs.active)
            targets = [w for w in pane.query("*") if w.focusable and w.display]
            preferred = [w for w in targets if not isinstance(w, Input)]
            (preferred or targets or [self.view])[0].focus()
        else:
            self.view.focus()

    @on(TabbedContent.TabActivated, "#side")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Opening the Suggestions tab computes the article's suggestions."""
        if event.pane.id == "suggestions":
            self.compute_suggestions()
        elif event.pane.id == "articles":
            self._refresh_articles()

    @property
    def side_tab(self) -> str:
        """The id of the side panel's open tab."""
        return self.query_one("#side", TabbedContent).active

    def action_show_tab(self, tab: str) -> None:
        """Open a side-panel tab."""
        self.query_one("#side", TabbedContent).active = tab

    def action_help(self) -> None:
        """Every key."""
        from reader.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.workspace.taxonomy.names))

    def action_quit(self) -> None:
        """Remember where the user is, and quit (asking twice while claims are unsaved)."""
        ws = self.workspace
        unsaved = len(ws.session.pending)
        now = time.monotonic()
        if self._quit_after_sync:  # q again while the last sync runs: quit now
            self._quit_now()
            return
        if unsaved and now - self._quit_warned > QUIT_CONFIRM_SECONDS:
            self._quit_warned = now
            self.notify(
                f"{plural(unsaved, 'claim change')} NOT saved ({clean_line(ws.session.last_error)}"
                "). Press q again to quit: unsaved claims are written to a rescue file for "
                "`reader import`.", markup=False, severity="warning", timeout=10)
            return
        if self.sync_url and not self._quit_after_sync and not unsaved:
            self._quit_after_sync = True
            self.notify("Syncing before quitting… (q again quits now)", markup=False, timeout=5)
            self._sync()
            return
        self._quit_now()

    def _quit_now(self) -> None:
        self._remember_position()
        self.workspace.save_session(self.index)
        self.app.exit()

    # -- the team server ---------------------------------------------------------------------
    def _start_syncing(self) -> None:
        """Sync on open and every `[team] interval` minutes, when a server is configured."""
        from reader.team.settings import SettingsError, configured_server

        store = self.workspace.store
        if store.readonly:
            return
        try:
            url, interval = configured_server(store.root)
        except SettingsError as error:
            self.notify(clean_line(str(error)), markup=False, severity="warning", timeout=8)
            return
        if not url:
            return
        self.sync_url = url
        self.sync_note = "sync: starting"
        self._sync()
        if interval > 0:
            self.set_interval(interval * 60, self._sync)

    def action_sync_conflicts(self) -> None:
        """The sync conflicts list; enter on one jumps to its claim."""
        from reader.screens.conflicts import ConflictsScreen

        ws = self.workspace

        def jump(target: tuple[str, int] | None) -> None:
            if target is None:
                return
            article_id, offset = target
            index = next((i for i, a in enumerate(ws.articles) if a.id == article_id), None)
            if index is None:
                record = ws.store.article(article_id)
                if record is None:
                    self.notify("That article is not in the store.", markup=False)
                    return
                self._show_fetched(record, [])
            elif index != self.index:
                self.open_article(index)
            self.view.move_to(offset, center=True)
            self.view.focus()

        self.app.push_screen(ConflictsScreen(ws.store.root), jump)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync")
    def _sync(self) -> None:
        """Push and pull off the UI thread; the status line says how it went."""
        from reader.team.background import sync_in_background

        ws = self.workspace
        steps = len(ws.session.undo_stack)
        try:
            outcome = sync_in_background(ws.store, self.sync_url)
        except Exception as error:  # noqa: BLE001 - a worker's error is shown, not swallowed
            from reader.team.background import SyncOutcome

            outcome = SyncOutcome("error", f"{type(error).__name__}: {error}")
        self.app.call_from_thread(self._synced, outcome, steps)

    def _synced(self, outcome: Any, steps: int) -> None:
        state = {"ok": f"synced {outcome.at}", "offline": f"sync: offline ({outcome.at})",
                 "conflicts": f"synced {outcome.at}, CONFLICTS", "error": "sync: FAILED"}
        self.sync_note = state.get(outcome.state, outcome.state)
        if outcome.state in ("ok", "conflicts"):
            self._sync_steps = steps
        if outcome.state in ("conflicts", "error"):
            more = " (S lists them)" if outcome.state == "conflicts" else ""
            self.notify(clean_line(f"sync: {outcome.detail}{more}"), markup=False,
                        severity="warning", timeout=10)
        session = self.workspace.session
        for article_id in outcome.changed_articles:
            session.forget(article_id)
        if self._quit_after_sync:
            self._quit_now()
            return
        self._show_claims()

    # -- search --------------------------------------------------------------------------------
    def _open_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.value = self.view.search_query
        search.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.view.focus()
        count = self.view.set_search(event.value)
        if event.value:
            self.notify(f"{plural(count, 'match')}: {shorten(event.value, 60)}",
                        markup=False, timeout=2)

    def on_key(self, event: Any) -> None:
        """Escape closes the search box."""
        search = self.query_one("#search", Input)
        if event.key == "escape" and search.has_focus:
            search.display = False
            self.view.focus()
            event.stop()

    # -- claims --------------------------------------------------------------------------------
    def _show_claims(self) -> None:
        panel = self.query_one(SuggestionsPanel)
        # a claim made or undone hides or brings back the suggestion under it
        panel.sync(self.workspace.suggestions.get(self.article.id), self.visible_claims())
        claims, marks = self._layers()
        overlays = [
            Overlay(c["start"], c["end"], "claim", str(c.get("label", "")), c["id"],
                    marks.get(str(c.get("annotator", "")), ""))
            for c in claims
            if c.get("status") != "orphaned"
        ]
        overlays.extend(panel.overlays())
        self.view.set_overlays(overlays)
        self.query_one(ClaimsPanel).show(claims, marks, self._adjudications())
        self._show_saving()

    def _show_saving(self) -> None:
        """The status line's claim count, unsaved changes and changes not synced yet."""
        session, status = self.workspace.session, self.status_line
        status.claims = len(self.visible_claims())
        status.unsaved = len(session.pending)
        status.sync_pending = len(session.undo_stack) - self._sync_steps

    def _adjudications(self) -> dict[str, str]:
        """What curation made of each claim here, with the adjudicator's note."""
        if not self.article.in_store:
            return {}
        try:
            decisions = self.workspace.store.decisions(self.article.id)
        except (KeyError, StoreError):
            return {}
        if not decisions:
            return {}
        from reader.curation.notes import adjudications

        return adjudications(decisions)

    # -- several analysts: layers, blind coding, done marks -----------------------------------
    def _layers(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The claims shown (mine, and each colleague's layer unless hidden, or kept back by
        blind coding until I mark the article done) and the marks of colleagues' layers; the
        Annotators tab is refreshed with the same figures."""
        ws = self.workspace
        session = ws.session
        me = session.annotator
        claims = session.claims(self.article)
        done = session.done_by(self.article)
        self._done_here = (self.article.id, done)
        blind = ws.blind.hides_others(done)
        counts: dict[str, int] = {}
        for claim in claims:
            name = str(claim.get("annotator", ""))
            counts[name] = counts.get(name, 0) + 1
        article = self.article
        from reader.layers import article_layers

        entity_layers = [i for i in article_layers(
            ws.store, article.id if article.in_store else None, article.text) if i.annotator != me]
        names = sorted(set(counts) | done | {me} | {i.annotator for i in entity_layers})
        others = [n for n in names if n != me]
        marks = assign_marks(others)
        rows = [AnnotatorRow(name, "" if name == me else marks[name], counts.get(name, 0),
                             name in done, name == me or (name not in self.hidden_layers
                                                          and not blind),
                             me=name == me, blind=blind and name != me)
                for name in [me, *others]]
        self.query_one(AnnotatorsTable).show(rows)
        shown = {row.name for row in rows if row.shown}
        self.query_one(EntitiesTree).show_layers(  # their entity layers: shown, never applied
            [(n, marks[n], [i for i in entity_layers if i.annotator == n])
             for n in others if n in shown])
        return [c for c in claims if str(c.get("annotator", "")) in shown], marks

    def visible_claims(self) -> list[dict[str, Any]]:
        """The article's claims blind coding lets me see (the done marks `_layers` read)."""
        ws = self.workspace
        claims = ws.session.claims(self.article)
        if not ws.blind.on:
            return claims
        article_id, done = self._done_here
        if article_id != self.article.id:
            done = ws.session.done_by(self.article)
        return ws.blind.visible(claims, done)

    @on(AnnotatorsTable.Toggle)
    def _toggle_layer(self, event: AnnotatorsTable.Toggle) -> None:
        if event.name == self.workspace.session.annotator:
            self.notify("Your own claims are always shown.", markup=False, timeout=2)
            return
        if self.workspace.blind.hides_others(self.workspace.session.done_by(self.article)):
            self.notify("Blind coding: others' claims show once you mark the article done (D).",
                        markup=False, timeout=4)
            return
        self.hidden_layers ^= {event.name}
        self._show_claims()

    def action_agreement(self) -> None:
        """The Agreement screen; enter on a disagreement comes back here, at it."""
        from reader.screens.agreement import AgreementScreen, AgreementTarget

        ws = self.workspace

        def jump(target: AgreementTarget | None) -> None:
            if target is None:
                return
            index = next((i for i, a in enumerate(ws.articles)
                          if a.id == target.article_id), None)
            if index is None:
                record = ws.store.article(target.article_id)
                if record is None:
                    self.notify("That article is no longer in the store.", markup=False)
                    return
                self._show_fetched(record, [])
                index = self.index
            if index != self.index:
                self.open_article(index)
            self.view.move_to(target.offset, center=True)
            self.view.focus()

        self.app.push_screen(AgreementScreen(ws.store, ws.session.annotator,
                                             blind=ws.taxonomy.blind,
                                             verdicts=ws.taxonomy.verdicts), jump)

    def action_curate(self) -> None:
        """Curation mode on this article; the gold layer is read again when it closes."""
        from reader.config import ConfigError
        from reader.curation.settings import load_curation_settings
        from reader.screens.curation import CurationResult, CurationScreen

        ws, article = self.workspace, self.article
        if not article.in_store or ws.store.readonly:
            self.notify("Curation writes the gold layer: " + clean_line(
                ws.store.readonly_reason or "this article is not in the store") + ".",
                markup=False, severity="warning", timeout=5)
            return
        try:
            settings = load_curation_settings(ws.store.root)
        except ConfigError as error:
            self.notify(clean_line(str(error)), markup=False, severity="error", timeout=8)
            return

        def back(result: CurationResult | None) -> None:
            if result is not None and result.changed:
                ws.session.forget(article.id)
                self._show_claims()
            if result is not None and result.offset is not None:
                self.view.move_to(result.offset, center=True)
            self.view.focus()

        self.app.push_screen(CurationScreen(
            ws.store, article.id, article.title, ws.session.annotator, settings=settings,
            blind=ws.taxonomy.blind, labels=ws.taxonomy.names,
            verdicts=ws.taxonomy.verdicts), back)

    def action_mark_done(self) -> None:
        """Mark the article done for me, or not done again (undoable)."""
        session = self.workspace.session
        done = session.annotator in session.done_by(self.article)
        try:
            session.set_done(self.article, not done)
        except (KeyError, StoreError) as error:
            self.notify(f"Could not mark the article: {clean_line(str(error))}", markup=False,
                        severity="error", timeout=8)
            return
        self.notify("Article marked not done (u undoes)." if done else
                    "Article marked done (u undoes).", markup=False, timeout=3)

    def _saved_note(self, saved: bool, what: str) -> None:
        if saved:
            self.notify(what, markup=False, timeout=2)
        else:
            reason = self.workspace.session.last_error
            self.notify(f"{what} — NOT saved yet ({reason}); kept in memory, retrying.",
                        markup=False, severity="error", timeout=8)

    def _entities_here(self) -> list[Entity]:
        return list(self.view.entities)

    def _create(self, start: int, end: int, label: str, **fields: Any) -> dict[str, Any]:
        ws = self.workspace
        article = self.article
        if "speaker_confirmed" not in fields:  # a quick tag or an accepted suggestion: the
            fields["speaker_confirmed"] = False  # speaker is a guess until the form confirms it
            given = str(fields.get("speaker") or "")
            fields["speaker"] = (
                resolve_speaker(given, article.text, self._entities_here(), start, end)
                if given.strip()
                else ws.suggest_speaker(article, self._entities_here(), start, end)
            )
        claim, saved = ws.session.create(article, start, end, label, self._entities_here(),
                                          **fields)
        self.view.clear_selection()
        self._saved_note(saved, f"Claim tagged {label}: “{shorten(claim['quote'], 50)}”")
        return claim

    @on(messages.OpenSearch)
    def _search_asked(self) -> None:
        self._open_search()

    @on(messages.TagClaim)
    def _tag(self, event: messages.TagClaim) -> None:
        label = self.workspace.taxonomy.label_for_key(str(event.number))
        if label is None:
            self.notify(f"No label on key {event.number}.", markup=False, timeout=2)
            return
        self._create(event.start, event.end, label)

    def _form_data(self, claim: dict[str, Any] | None, start: int, end: int) -> ClaimFormData:
        from reader.screens.claim_form import ClaimFormData  # a form is not needed to paint

        ws = self.workspace
        article = self.article
        taxonomy = ws.taxonomy
        speakers = sorted({e.text_in(article.text) for e in self.view.entities
                           if e.label in SPEAKER_LABELS})
        if claim is None:
            return ClaimFormData(
                quote=article.text[start:end],
                label=taxonomy.names[0] if taxonomy.names else "other",
                labels=taxonomy.names,
                verdicts=taxonomy.verdicts,
                verdict=taxonomy.verdicts[0] if taxonomy.verdicts else "unverified",
                speaker=ws.suggest_speaker(article, self._entities_here(), start, end),
                speakers=speakers,
            )
        return ClaimFormData(
            quote=str(claim.get("quote", "")),
            label=str(claim.get("label", "")),
            labels=taxonomy.names,
            verdict=str(claim.get("verdict", "unverified")),
            verdicts=taxonomy.verdicts,
            speaker=str(claim.get("speaker") or ""),
            speaker_confirmed=claim.get("speaker_confirmed") is True,
            speakers=speakers,
            checkworthy=claim.get("checkworthy"),
            note=str(claim.get("note") or ""),
            tags=[str(t) for t in claim.get("tags") or []],
            sources=[dict(s) for s in claim.get("sources") or [] if isinstance(s, dict)],
        )

    @on(messages.NewClaim)
    def _new_claim(self, event: messages.NewClaim) -> None:
        start, end = event.start, event.end

        def done(data: ClaimFormData | None) -> None:
            if data is not None:
                claim = self._create(start, end, data.label, **{
                    k: v for k, v in data.values().items() if k != "label"})
                self._after_form(self.article, claim["id"], data)
            self.view.focus()

        from reader.screens.claim_form import ClaimForm

        self.app.push_screen(ClaimForm(self._form_data(None, start, end), "New claim"), done)

    @on(messages.EditClaim)
    def _edit_claim(self, event: messages.EditClaim) -> None:
        claim = event.claim_id
        ws = self.workspace
        article = self.article
        record = ws.session.find(article, claim)
        if record is None or not self._may_change(record):
            return

        def done(data: ClaimFormData | None) -> None:
            if data is not None:
                saved = ws.session.update(article, claim, **data.values())
                self._saved_note(saved, "Claim updated.")
                self._after_form(article, claim, data)

        from reader.screens.claim_form import ClaimForm

        self.app.push_screen(ClaimForm(self._form_data(record, 0, 0), "Edit claim"), done)

    # -- sources (evidence) ------------------------------------------------------------------
    def _after_form(self, article: OpenArticle, claim_id: str, data: ClaimFormData) -> None:
        """Fetch the claim's web sources not fetched yet; open the source enter was pressed on."""
        if any(needs_fetch(s) for s in data.sources):
            self._fetch_sources(article, claim_id, [dict(s) for s in data.sources])
        source = data.open_source
        if source is None:
            return
        stored = source.get("article_id") or ""
        index = next((i for i, a in enumerate(self.workspace.articles) if a.id == stored), None)
        if index is not None:
            self.open_article(index)
        elif stored and self.workspace.store.article(stored) is not None:
            self._show_fetched(self.workspace.store.article(stored) or {}, [])
        elif is_web(source):
            self.notify(f"Fetching {clean_line(source['url'])}…", markup=False, timeout=3)
            self._fetch_url(source["url"])
        else:
            self.notify("That source is not in the store.", markup=False, severity="warning")

    @work(thread=True, exit_on_error=False, group="sources")
    def _fetch_sources(self, article: OpenArticle, claim_id: str,
                       sources: list[dict[str, str]]) -> None:
        """Fetch and store each web source (its snapshot too); offline, it stays recorded and
        is fetched the next time the claim is saved."""
        from reader.claims import iso_now
        from reader.config import ConfigError
        from reader.web.page import WebError, open_url
        from reader.web.settings import load_web_settings

        ws = self.workspace
        fetched = 0
        for source in sources:
            if not needs_fetch(source):
                continue
            try:
                done = open_url(ws.store, source["url"], load_web_settings(ws.store.root))
            except (WebError, ConfigError) as error:
                self.app.call_from_thread(
                    self.notify, clean_line(f"source not fetched, kept to fetch later: {error}"),
                    markup=False, severity="warning", timeout=8)
                continue
            record = done.record
            web = (record.get("meta") or {}).get("web") or {}
            source.update(article_id=str(record["id"]),
                          title=source.get("title") or clean_line(str(record.get("title", ""))),
                          snapshot=str(web.get("content_hash", "")), fetched=iso_now())
            fetched += 1
        if fetched:
            self.app.call_from_thread(self._sources_fetched, article, claim_id, sources, fetched)

    def _sources_fetched(self, article: OpenArticle, claim_id: str,
                         sources: list[dict[str, str]], fetched: int) -> None:
        claim = self.workspace.session.find(article, claim_id)
        if claim is None:
            return
        # keep sources the analyst added meanwhile; fill in the ones just fetched
        by_url = {s["url"]: s for s in sources if s.get("fetched")}
        merged = [by_url.get(s.get("url", ""), s) if needs_fetch(s) else s
                  for s in claim.get("sources") or []]
        saved = self.workspace.session.update(article, claim_id, sources=merged)
        self._saved_note(saved, f"{plural(fetched, 'source')} fetched and stored.")

    def _may_change(self, record: dict[str, Any]) -> bool:
        """Whether the analyst may change a claim; says why not (it is a colleague's)."""
        if self.workspace.session.owns(record):
            return True
        owner = clean_line(str(record.get("annotator", ""))) or "another annotator"
        self.notify(f"This claim is {owner}'s: you can read it, not change it.",
                    severity="warning", markup=False)
        return False

    @on(messages.DeleteClaim)
    def _delete_claim(self, event: messages.DeleteClaim) -> None:
        claim = event.claim_id
        ws = self.workspace
        record = ws.session.find(self.article, claim)
        if record is None or not self._may_change(record):
            return
        saved = ws.session.delete(self.article, claim)
        self._saved_note(saved, "Claim deleted (u undoes).")

    @on(messages.CopyClaim)
    def _copy_claim(self, event: messages.CopyClaim) -> None:
        record = self.workspace.session.find(self.article, event.claim_id)
        if record is not None:
            self.post_message(messages.CopyText(citation(self.article, record),
                                                str(record.get("quote", ""))))

    @on(messages.ShowClaim)
    def _show_claim(self, event: messages.ShowClaim) -> None:
        self.query_one(ClaimsPanel).select(event.claim_id)
        if not event.quiet:
            self.action_show_tab("claims")

    @on(messages.JumpToClaim)
    def _jump_to_claim(self, event: messages.JumpToClaim) -> None:
        record = self.workspace.session.find(self.article, event.claim_id)
        if record is None:
            return
        if record.get("status") == "orphaned":
            self.notify("This claim is orphaned: its quote is not in the current text.",
                        markup=False, timeout=4)
            return
        self.view.move_to(record["start"], center=True)
        self.view.focus()

    def action_undo(self) -> None:
        """Undo the last claim create, edit or delete, or entity correction."""
        self._history("undo")

    def action_redo(self) -> None:
        """Redo."""
        self._history("redo")

    def _history(self, direction: str) -> None:
        ws = self.workspace
        step = ws.session.undo if direction == "undo" else ws.session.redo
        try:
            change = step(ws.articles_by_id)
        except (KeyError, StoreError, OSError) as error:
            self.notify(f"Could not {direction}: {clean_line(str(error))}", markup=False,
                        severity="error", timeout=8)
            return
        if change is None:
            self.notify(f"Nothing to {direction}.", markup=False, timeout=2)
            return
        done = "Undid" if direction == "undo" else "Redid"
        self._after_history(change.article_id, f"{done} {change.describe()}.")

    def _after_history(self, article_id: str, message: str) -> None:
        ws = self.workspace
        if article_id != self.article.id:
            for index, article in enumerate(ws.articles):
                if article.id == article_id:
                    self.open_article(index)
                    message = f"{message[:-1]} in \u201c{clean_line(article.title)}\u201d."
                    break
        self.refresh_entities()  # an undone entity correction shows at once
        self.notify(message, markup=False, timeout=2)

    def _retry_saves(self) -> None:
        session = self.workspace.session
        if not session.pending:
            return
        before = len(session.pending)
        left = session.retry_pending()
        if left < before:
            self.notify(f"Saved {plural(before - left, 'claim change')} that had failed.",
                        markup=False, timeout=3)
        self._show_saving()

    # -- export, corpus, entity corrections, review ----------------------------------------------
    def action_export(self) -> None:
        """Export the current article or everything (the dialog asks which and how)."""
        from reader.screens.export_dialog import ExportDialog

        self.app.push_screen(ExportDialog(self.article.id), self._export)

    def _export(self, request: ExportRequest | None) -> None:
        """Export what the session shows: claims still UNSAVED are laid over the stored ones;
        claims of articles not in the store (still being stored, or a read-only store) are
        named, not exported: an export's article record is the stored one."""
        if request is None:
            return
        from reader.formats.export_worker import export_folder

        ws = self.workspace
        session = ws.session
        scope = {a.id: a for a in ws.articles
                 if request.article_id is None or a.id == request.article_id}
        waiting = [a for a in scope.values() if not a.in_store and session.claim_count(a)]
        unsaved_ids = {aid for aid, _ in session.pending.values()
                       if aid in scope and scope[aid].in_store}
        loaded = session.loaded_claims()
        unsaved = {aid: loaded.get(aid, []) for aid in unsaved_ids}
        changes = sum(1 for aid, _ in session.pending.values() if aid in unsaved_ids)
        notes = []
        if changes:
            notes.append(f"{plural(changes, 'unsaved claim change')} included")
        if waiting:
            count = sum(session.claim_count(a) for a in waiting)
            notes.append(f"{plural(count, 'claim')} of {plural(len(waiting), 'article')} not in "
                         "the store left out (an export reads stored articles)")
        if request.article_id is not None and waiting:
            self.notify("Not exported: " + notes[-1], markup=False, severity="warning",
                        timeout=8)
            return
        self.notify(f"Exporting {request.fmt}…", markup=False, timeout=2)
        self._run_export(request, Path(ws.store.root), export_folder(ws.store), unsaved, notes)

    @work(thread=True, exit_on_error=False, group="export")
    def _run_export(self, request: ExportRequest, root: Path, folder: Path,
                    unsaved: dict[str, list[dict[str, Any]]], notes: list[str]) -> None:
        """The export runs in a child process (the spaCy formats import spaCy, which this
        process never does), as blind coding lets me see the claims; the path or the error
        is shown when it ends."""
        from reader.formats.export_worker import export_in_child

        outcome = export_in_child(root, folder, request, unsaved, self.workspace.blind)
        self.app.call_from_thread(self._exported, request, outcome, notes)

    def _exported(self, request: ExportRequest, outcome: ExportOutcome, notes: list[str]) -> None:
        if outcome.error:
            self.notify(f"Export failed: {clean_line(outcome.error)}", markup=False,
                        severity="error")
            return
        said = f" ({'; '.join(notes)})" if notes else ""
        self.notify(f"Exported {request.fmt}: {clean_line(outcome.path)}{said}", markup=False,
                    timeout=8)
        if outcome.notes:
            more = len(outcome.notes) - MAX_EXPORT_NOTES
            lines = outcome.notes[:MAX_EXPORT_NOTES] + ([f"... and {more} more"] if more > 0
                                                        else [])
            self.notify("\n".join(clean_line(line) for line in lines), markup=False,
                        severity="warning", timeout=12)

    def action_open_url(self) -> None:
        """Ask for a URL, then fetch it in a worker and open it."""
        from reader.screens.open_url import OpenUrlDialog

        def opened(url: str | None) -> None:
            if url:
                self.notify(f"Fetching {clean_line(url)}…", markup=False, timeout=3)
                self._fetch_url(url)

        self.app.push_screen(OpenUrlDialog(), opened)

    @work(thread=True, exclusive=True, exit_on_error=False, group="web")
    def _fetch_url(self, url: str) -> None:
        """Fetch (or find in the store) and store `url` off the UI thread."""
        from reader.config import ConfigError
        from reader.web.page import WebError, open_url
        from reader.web.settings import load_web_settings

        ws = self.workspace
        try:
            settings = load_web_settings(ws.store.root)
            done = open_url(ws.store, url, settings)
        except (WebError, ConfigError) as error:
            self.app.call_from_thread(self.notify, clean_line(f"{url}: {error}"), markup=False,
                                      severity="error", timeout=10)
            return
        self.app.call_from_thread(self._show_fetched, done.record, done.messages)

    def _show_fetched(self, record: dict[str, Any], messages: list[str]) -> None:
        index = self.workspace.open_record(record)
        for line in messages:
            self.notify(line, markup=False, timeout=6)
        self.open_article(index)

    def action_corpus(self) -> None:
        """The corpus view."""
        from reader.screens.corpus import CorpusScreen, Target

        def jump(target: Target | None) -> None:
            if target is None:
                return
            index = self.workspace.open_stored(target.article_id)
            if index is None:  # gone from the store since the corpus view said it was there
                self.notify("That article is no longer in the store.", markup=False,
                            severity="warning")
                return
            if index != self.index:
                self.open_article(index)
            self.view.move_to(target.offset, center=True)
            self.view.focus()

        self.app.push_screen(CorpusScreen(self.workspace), jump)

    @on(messages.CorrectEntity)
    def _correct_entity(self, event: messages.CorrectEntity) -> None:
        """The entity form for the entity under the cursor and/or the selection."""
        from reader.screens.entity_form import (
            EntityForm,
            EntityFormResult,
            NoEntityForm,
            apply_result,
            entity_form_for,
        )

        article, view = self.article, self.view
        try:
            data, target = entity_form_for(self.workspace, article, view.entities, view.cursor,
                                           event.selection, event.entity)
        except NoEntityForm as why:
            self.notify(str(why), markup=False, severity=why.severity, timeout=why.timeout)
            return

        def done(result: EntityFormResult | None) -> None:
            if result is not None:
                try:
                    message = apply_result(self.workspace.session, article, target, result)
                except NoEntityForm as why:
                    self.notify(str(why), markup=False, severity=why.severity,
                                timeout=why.timeout)
                else:
                    view.clear_selection()
                    self.refresh_entities()
                    self.notify(message, markup=False, timeout=4)
            view.focus()

        self.app.push_screen(EntityForm(data), done)

    def refresh_entities(self) -> None:
        """Show the entities again after a correction, an undo or a redo; the NER note stays
        ("entities: N found by …" or the progress): the model's entities did not change."""
        article = self.article
        model = self.workspace.entities.get(article.id, [])
        self._set_entities(article, model, "")

    # -- suggestions and review mode ------------------------------------------------------
    @property
    def suggestions_panel(self) -> SuggestionsPanel:
        """The Suggestions tab."""
        return self.query_one(SuggestionsPanel)

    def compute_suggestions(self, *, then_review: bool = False) -> bool:
        """Compute the article's suggestions in a worker unless they are known; True when
        they are known already."""
        article = self.article
        panel = self.suggestions_panel
        if article.id in self.workspace.suggestions:
            if not panel.reviewing:
                self._show_claims()  # shows them (those no claim covers) and their marks
            return True
        if not panel.computing:
            panel.start_computing()
            self._suggest(article, then_review)
        return False

    @work(thread=True, exit_on_error=False, group="suggest")
    def _suggest(self, article: OpenArticle, then_review: bool) -> None:
        """The suggestions, off the UI thread (the parse runs in the NER worker)."""
        call = self.app.call_from_thread

        def progress(done: int, total: int) -> None:
            call(self._suggest_progress, article.id, done, total)

        items, error = self.workspace.suggest(article, progress)
        call(self._suggested, article, items, error, then_review)

    def _suggest_progress(self, article_id: str, done: int, total: int) -> None:
        if self.article.id == article_id:  # still the article on screen
            self.suggestions_panel.progress(done, total)

    def _suggested(self, article: OpenArticle, items: list[Suggestion], error: str,
                   then_review: bool) -> None:
        self.workspace.keep_suggestions(article, items)
        if error:
            self.notify("Suggestions failed: " + shorten(clean_line(error), 200), markup=False,
                        severity="error")
        panel = self.suggestions_panel
        panel.computing = False
        if self.article.id != article.id:
            # the user moved on; the suggestions wait in the workspace. If the tab is still
            # open, the article now shown gets its own.
            if self.side_tab == "suggestions":
                self.compute_suggestions()
            return
        panel.show(items)
        self._show_claims()
        if then_review:
            self._begin_review()

    @on(messages.StartReview)
    def _start_review(self) -> None:
        self._begin_review()

    @on(messages.ReviewFrom)
    def _review_from(self, event: messages.ReviewFrom) -> None:
        """`enter` on a row of the Suggestions tab: review mode, starting at that one."""
        panel = self.suggestions_panel
        if 0 <= event.row < len(panel.items):
            panel.position = event.row
            self._begin_review()

    def _begin_review(self) -> None:
        """Enter review mode (computing the suggestions first if needed)."""
        panel = self.suggestions_panel
        if not self.compute_suggestions(then_review=True):
            self.action_show_tab("suggestions")  # its progress line shows while it computes
            self.view.focus()
            return
        self._show_claims()  # the list as it stands: those no claim covers
        if not panel.items:
            self.notify("No suggestions to review.", markup=False, timeout=3)
            return
        panel.begin_review()
        self.view.review_mode = True
        self.action_show_tab("suggestions")
        self.view.focus()
        self._review_goto()

    def _review_goto(self) -> None:
        """Select the suggestion under review; leave review mode when none is left."""
        item = self.suggestions_panel.review_current()
        if item is None:
            self._stop_review()
            self.notify("Review finished: no suggestions left.", markup=False, timeout=3)
            return
        self.view.select_span(item.start, item.end)

    def _stop_review(self) -> None:
        self.suggestions_panel.stop_review()
        self.view.review_mode = False
        self.view.clear_selection()

    @on(messages.ReviewStep)
    def _review_step(self, event: messages.ReviewStep) -> None:
        if event.step == "exit":
            self._stop_review()
        else:
            self.suggestions_panel.review_step(event.step)

    @on(messages.ReviewMoved)
    def _review_moved(self) -> None:
        self._review_goto()

    @on(messages.SuggestionAccepted)
    def _suggestion_accepted(self, event: messages.SuggestionAccepted) -> None:
        item = event.item
        like = item.like or ""  # a repeat: the note says of which claim
        self._create(item.start, item.end, item.label, speaker=item.speaker,
                     note=f"Resembles {like}" if like else "")
        self._review_goto()  # the claim covers it now (undone, it comes back)

    @on(messages.SuggestionRejected)
    def _suggestion_rejected(self, event: messages.SuggestionRejected) -> None:
        problem = self.workspace.reject_suggestion(self.article, event.item)
        if problem:
            self.notify(problem, markup=False, severity="warning")
        self._show_claims()
        self._review_goto()


def _stamp(source: str) -> tuple[int, int] | None:
    """(mtime_ns, size) of a source file; None when it is not a plain file path or is gone."""
    if not source or "#" in Path(source).name:
        return None
    try:
        info = os.stat(source)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _page_part(meta: dict[str, Any], cursor: int) -> list[str]:
    """`p. 3/12` for an article from a PDF (the page at the cursor), else nothing."""
    from reader.text.pages import page_at, page_starts

    starts = page_starts(meta)
    return [f"p. {page_at(starts, cursor)}/{len(starts)}"] if starts else []


class _ArticleRows(Sequence[ArticleRow]):
    """The Articles tab's rows, made only for those it shows (its window)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def __len__(self) -> int:
        return len(self.workspace.articles)

    @overload
    def __getitem__(self, index: int) -> ArticleRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ArticleRow]: ...
    def __getitem__(self, index: int | slice) -> ArticleRow | Sequence[ArticleRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        ws = self.workspace
        article = ws.articles[index]
        entities = ws.entities.get(article.id)
        return ArticleRow(
            id=article.id,
            title=article.title,
            words=article.word_count,
            entities=article.stored_entities if entities is None else len(entities),
            claims=ws.session.claim_count(article),
        )
