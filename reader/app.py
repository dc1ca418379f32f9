"""The Textual App and its wiring only: the CSS, the first screen, the clipboard, a large
corpus entering the store behind the first article, signals, and closing the NER backend.

What the screens work on (store, session, NER, entities, suggestions) is the `Workspace`
that `launch.py` builds and the app hands down; spaCy runs only in NER worker processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import App
from textual.command import Hit, Hits, Provider

from reader import messages
from reader.keys import ACTIONS
from reader.paths import styles_dir
from reader.screens.main import MainScreen
from reader.session import OpenArticle, ReaderSession
from reader.store.store import AddResult, Store
from reader.text.sanitize import clean_line
from reader.widgets import wide_cells
from reader.wording import shorten
from reader.workspace import Later, Workspace

wide_cells.apply()  # wide characters stay whole under notifications (see the module)


class ReaderCommands(Provider):
    """The reader's own commands in the palette, from the one table of actions."""

    async def search(self, query: str) -> Hits:
        """Actions whose description matches."""
        matcher = self.matcher(query)
        screen = self.screen
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

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.stopped_by = 0
        """The signal (SIGTERM, SIGHUP) that ended the app, else 0."""
        self._storing_stop = threading.Event()
        self._storing_thread: threading.Thread | None = None
        self._storing_loop: Any = None
        self._storing_shown = 0.0

    # what tests and the palette read most; the screens get the workspace itself
    @property
    def store(self) -> Store:
        """The workspace's store."""
        return self.workspace.store

    @property
    def session(self) -> ReaderSession:
        """The workspace's session."""
        return self.workspace.session

    @property
    def articles(self) -> list[OpenArticle]:
        """The workspace's open articles."""
        return self.workspace.articles

    def on_mount(self) -> None:
        """The main screen."""
        workspace = self.workspace
        workspace.schedule = self.set_timer
        workspace.soon = self.call_later
        self.push_screen(MainScreen(workspace))
        self._catch_signals()
        if workspace.to_store or workspace.load_later:
            self._storing_loop = asyncio.get_running_loop()
            workspace.storing = (0, len(workspace.to_store))
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

        workspace = self.workspace
        try:
            if workspace.load_later:
                loaded = self._load_rest()
                if loaded is None:
                    return
            sources = [src for _, src in workspace.to_store]
            error = store_in_batches(
                workspace.store, sources, progress=self._storing_progress,
                stored=self._batch_stored, stop=self._storing_stop.is_set,
            )
        except Exception as exc:  # noqa: BLE001 - told in one line; the articles stay open
            error = f"articles could not be stored: {exc}"
        self._from_worker(self._storing_done, error)

    def _load_rest(self) -> bool | None:
        """Load the whole corpus (in the worker) and hand the UI its articles; None when
        the app ended meanwhile."""
        workspace = self.workspace
        assert workspace.load_corpus is not None  # the launch gives it with `load_later`
        articles, later, notices = workspace.load_corpus(workspace.store, workspace.load_later)
        done = threading.Event()

        def hand_over() -> None:
            self._take_articles(articles, later, notices)
            done.set()

        self._from_worker(hand_over)
        while not done.wait(0.1):
            if self._storing_stop.is_set():
                return None
        return True

    def _take_articles(self, articles: list[OpenArticle], later: Later,
                       notices: list[str]) -> None:
        """The whole corpus is loaded behind the article on screen."""
        self.workspace.take_articles(articles, later)
        for notice in notices:
            self.notify(clean_line(notice), markup=False, severity="warning", timeout=8)
        for main in self._main_screens():
            main.articles_loaded()

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
        if self.workspace.storing is not None:
            self.workspace.storing = (done, total)
            for main in self._main_screens():
                main.storing_changed()

    def _batch_stored(self, first: int, results: list[AddResult]) -> None:
        articles = [self.workspace.to_store[first + n][0] for n in range(len(results))]
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
            self.workspace.session.article_stored(article, result.article.claim_count or 0)
        self.workspace.session.retry_pending()
        self._articles_stored()

    def _storing_done(self, error: str) -> None:
        workspace = self.workspace
        total = len(workspace.to_store)
        if not total and not error:
            workspace.storing = None
            self._articles_stored()
            return
        workspace.storing = None
        workspace.to_store = []
        if error:
            self.notify(error, markup=False, severity="error", timeout=10)
        else:
            self.notify(f"{total} articles stored.", markup=False, timeout=4)
        self._articles_stored()

    def _main_screens(self) -> list[MainScreen]:
        """The main screen, when it is up (not while it is being torn down)."""
        return [s for s in self.screen_stack if isinstance(s, MainScreen) and s.is_mounted]

    def _articles_stored(self) -> None:
        from textual.css.query import NoMatches

        for main in self._main_screens():
            with contextlib.suppress(NoMatches):  # the screen is being torn down
                main.articles_stored()

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
        self.stopped_by = signum
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is not None:
            with contextlib.suppress(Exception):  # quitting matters more than the position
                main.remember_where()
        self.exit(return_code=128 + signum)

    def on_unmount(self) -> None:
        """Stop the NER workers and release the store."""
        self._storing_stop.set()
        if not self.workspace.store.readonly:
            self.workspace.flush_session()
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_running_loop()
            for signum in self.STOP_SIGNALS:
                loop.remove_signal_handler(signum)
        self.workspace.close_ner()

    # -- clipboard ----------------------------------------------------------------------------
    @on(messages.CopyText)
    def copy_text(self, message: messages.CopyText) -> None:
        """Copy text (a claim as a citation): OSC 52 always, the system clipboard where there
        is one."""
        self.copy_to_clipboard(message.text)
        self._copy_with_pyperclip(message.text)
        short = shorten(clean_line(message.what), 60)
        self.notify(f"Copied: “{short}” (terminal clipboard, OSC 52)", markup=False, timeout=3)

    @work(thread=True, exit_on_error=False, group="clipboard")
    def _copy_with_pyperclip(self, text: str) -> None:
        """pyperclip may raise or silently do nothing: never rely on it, never crash for it."""
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception:  # noqa: BLE001 - PyperclipException and any clipboard program error
            return

    async def action_quit(self) -> None:
        """`ctrl+q` quits as `q` does: asking first while claims are unsaved."""
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            self.exit()
        else:
            main.action_quit()
