"""The corpus view (`ctrl+f`): figures across every article in the store, and search.

The most mentioned entities, speakers and their claims by verdict, claims by label and
verdict, claims per article as a sparkline. `enter` on an entity or a speaker lists every
mention or claim across articles; `enter` in the search box lists matching sentences; `enter`
on a listed item closes the view and jumps there. Figures are computed in a thread worker.
Everything shown is `Text` built from plain strings: article text, titles, speakers and
labels are data, never markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from reader.blind import BlindStore
from reader.corpus_stats import (
    ArticleRef,
    CorpusItem,
    CorpusStats,
    SearchHit,
    corpus_stats,
    search_corpus,
)
from reader.corpus_stats import sparkline as make_sparkline
from reader.records import VERDICTS, Claim, Entity
from reader.session import OpenArticle, open_article_from_record
from reader.text.sanitize import clean_line
from reader.text.segment import paragraph_number
from reader.wording import plural, shorten

if TYPE_CHECKING:
    from reader.store.store import Store
    from reader.workspace import Workspace

__all__ = [
    "CorpusArticle",
    "CorpusData",
    "CorpusScreen",
    "Target",
    "collect_corpus",
    "entity_mentions",
    "label_verdict_table",
    "speaker_claims",
    "squeeze",
]

TOP = 100
"""Entities and speakers listed."""
SPARK_WIDTH = 80
"""At most this many sparkline columns (articles are grouped beyond it)."""
RESULT_LIMIT = 1000
"""At most this many rows in the results list."""
CONTEXT = 48
"""Characters of text shown on each side of an entity mention."""


@dataclass
class CorpusArticle:
    """One article as the corpus view sees it."""

    article: OpenArticle
    claims: list[Claim]
    entities: list[Entity]
    processed: bool = True
    """Its entities were computed (this session or cached); False: not yet, none counted."""

    @property
    def item(self) -> CorpusItem:
        """The `corpus_stats` item for this article."""
        ref = ArticleRef(self.article.id, self.article.title, self.article.source)
        return ref, self.claims, self.entities, self.article.text


@dataclass
class CorpusData:
    """The articles and the figures computed from them."""

    articles: list[CorpusArticle]
    stats: CorpusStats
    table: dict[str, Counter[str]] = field(default_factory=dict)
    """Claims by label, then verdict."""


@dataclass(frozen=True)
class Target:
    """Where a result row jumps: an article and an offset in its text."""

    article_id: str
    offset: int


def squeeze(values: Sequence[int], width: int = SPARK_WIDTH) -> tuple[list[int], int]:
    """At most `width` values: consecutive groups summed; also how many values per column."""
    if len(values) <= width:
        return list(values), 1
    per = -(-len(values) // width)
    return [sum(values[i:i + per]) for i in range(0, len(values), per)], per


def label_verdict_table(articles: Iterable[CorpusArticle]) -> dict[str, Counter[str]]:
    """Claims counted by label, then by verdict."""
    table: dict[str, Counter[str]] = {}
    for entry in articles:
        for claim in entry.claims:
            label = claim.label or "other"
            verdict = claim.verdict or "unverified"
            table.setdefault(label, Counter())[verdict] += 1
    return table


def _normal(text: str) -> str:
    return " ".join(text.split())


def entity_mentions(articles: Iterable[CorpusArticle], surface: str,
                    label: str) -> list[tuple[CorpusArticle, Entity]]:
    """Every mention of an entity string with a label, in corpus and text order."""
    found = []
    for entry in articles:
        text = entry.article.text
        for entity in entry.entities:
            if entity.label == label and _normal(entity.text_in(text)) == surface:
                found.append((entry, entity))
    return found


def speaker_claims(articles: Iterable[CorpusArticle],
                   speaker: str) -> list[tuple[CorpusArticle, Claim]]:
    """Every claim by a speaker (case and spacing ignored), in corpus and text order."""
    wanted = _normal(speaker).casefold()
    return [
        (entry, claim)
        for entry in articles
        for claim in entry.claims
        if _normal(claim.speaker).casefold() == wanted
    ]


def collect_corpus(workspace: Workspace, open_articles: Sequence[OpenArticle],
                   memory_claims: dict[str, list[Claim]],
                   progress: Callable[[int, int], None] | None = None) -> CorpusData:
    """Every article in the store (and open ones not stored), with claims and entities.

    Runs in a worker thread: reads only the store and the articles given. Entities are the
    model's (NER run this session, else the store's cache) with corrections laid over them.
    Claims are those blind coding lets me see (`reader.blind`).
    """
    store = workspace.store
    claims_of = BlindStore(store, workspace.blind).claims
    opened = {a.id: a for a in open_articles}
    articles: list[OpenArticle] = []
    for record in store.articles():
        article = opened.pop(record.id, None)
        if article is None:
            article = open_article_from_record(record, _loader(store, record.id))
        articles.append(article)
    articles.extend(opened.values())
    entries: list[CorpusArticle] = []
    for number, article in enumerate(articles, 1):
        entries.append(_entry(workspace, article, memory_claims, claims_of))
        if progress is not None and number % 25 == 0:
            progress(number, len(articles))
    stats = corpus_stats((e.item for e in entries), top=TOP)
    return CorpusData(entries, stats, label_verdict_table(entries))


def _loader(store: Store, article_id: str) -> Callable[[], str]:
    def load() -> str:
        return store.text(article_id)

    return load


def _entry(workspace: Workspace, article: OpenArticle,
           memory_claims: dict[str, list[Claim]],
           claims_of: Callable[[str], list[Claim]]) -> CorpusArticle:
    from reader.records import text_hash

    try:
        text = article.text
    except Exception:  # noqa: BLE001 - an unreadable article counts as empty
        return CorpusArticle(article, [], [], processed=False)
    if article.id in memory_claims:  # not stored: no one else's, no done marks
        claims = workspace.blind.visible(memory_claims[article.id], ())
    else:
        try:
            claims = claims_of(article.id) if article.in_store else []
        except (KeyError, OSError):
            claims = []
    model = workspace.entities.get(article.id)
    key, version = workspace.cache_key(article, detect=False)
    if model is None and key:
        model = workspace.store.cached_entities(text_hash(text), key, version)
    try:
        entities = workspace.displayed_entities(article, list(model or []))
    except (KeyError, OSError):
        entities = list(model or [])
    return CorpusArticle(article, list(claims), entities,
                         processed=model is not None)


def _cell(value: object, style: str = "") -> Text:
    return Text(clean_line(str(value)), style=style, no_wrap=True, overflow="ellipsis")


def _short(text: str, width: int) -> str:
    return shorten(clean_line(text), width)


def _context(text: str, start: int, end: int) -> Text:
    """An entity mention with a little text each side, the mention in bold."""
    left = " ".join(text[max(0, start - CONTEXT):start].split()[1:] if start > CONTEXT
                    else text[:start].split())
    right = " ".join(text[end:end + CONTEXT].split()[:-1])
    out = Text("…" + clean_line(left) + " " if left else "")
    out.append(clean_line(text[start:end]), style="bold")
    out.append((" " + clean_line(right) + "…") if right else "")
    out.no_wrap = True
    out.overflow = "ellipsis"
    return out


class CorpusScreen(Screen["Target | None"]):
    """Figures and search across every article in the store; dismisses with the place
    the analyst chose to go to (a `Target`), or None."""

    DEFAULT_CSS = """
    CorpusScreen #corpus-title, CorpusScreen #corpus-summary {
        height: auto;
        padding: 0 1;
    }
    CorpusScreen #corpus-title {
        background: $boost;
        text-style: bold;
    }
    CorpusScreen #corpus-search {
        height: 3;
    }
    CorpusScreen #corpus-body {
        height: 1fr;
    }
    CorpusScreen .corpus-column {
        width: 1fr;
        border-right: tall $panel;
    }
    CorpusScreen .corpus-heading, CorpusScreen #corpus-results-title {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-style: bold;
    }
    CorpusScreen DataTable {
        height: 1fr;
    }
    CorpusScreen #corpus-labels {
        height: auto;
        max-height: 9;
    }
    CorpusScreen #corpus-results {
        height: 12;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("A", "agreement", "Agreement"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.data: CorpusData | None = None
        self.targets: dict[str, Target] = {}
        self.results_kind = ""
        self.searching = False

    @property
    def ready(self) -> bool:
        """The figures are computed and no search is running."""
        return self.data is not None and not self.searching

    def compose(self) -> ComposeResult:
        """Search box, summary, three tables, results."""
        yield Static(Text("Corpus"), id="corpus-title")
        yield Input(placeholder="search every article (enter); escape closes the corpus view",
                    id="corpus-search")
        yield Static(Text("computing…"), id="corpus-summary")
        with Horizontal(id="corpus-body"):
            with Vertical(classes="corpus-column"):
                yield Static(Text("Most mentioned entities (enter: every mention)"),
                             classes="corpus-heading")
                yield DataTable(id="corpus-entities", cursor_type="row", zebra_stripes=True)
            with Vertical(classes="corpus-column"):
                yield Static(Text("Speakers: claims by verdict (enter: every claim)"),
                             classes="corpus-heading")
                yield DataTable(id="corpus-speakers", cursor_type="row", zebra_stripes=True)
        yield Static(Text("Claims by label and verdict"), classes="corpus-heading")
        yield DataTable(id="corpus-labels", cursor_type="row", zebra_stripes=True)
        yield Static(Text("Results (enter: go there)"), id="corpus-results-title")
        yield DataTable(id="corpus-results", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Start computing; the search box has focus."""
        workspace = self.workspace
        title = f"Corpus · store: {workspace.store_label}"
        self.query_one("#corpus-title", Static).update(Text(clean_line(title), style="bold"))
        self.query_one("#corpus-search", Input).focus()
        memory = {a.id: list(workspace.session.claims(a))
                  for a in workspace.articles if not a.in_store}
        self._compute(list(workspace.articles), memory)

    # -- computing -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="corpus")
    def _compute(self, articles: list[OpenArticle],
                 memory: dict[str, list[Claim]]) -> None:
        app = self.app

        def progress(done: int, total: int) -> None:
            app.call_from_thread(self._summary,
                                 Text(f"computing… {done}/{plural(total, 'article')}"))

        try:
            data = collect_corpus(self.workspace, articles, memory, progress)
        except Exception as error:  # noqa: BLE001 - shown in one line
            message = Text("Could not compute the corpus figures: " + clean_line(str(error)))
            app.call_from_thread(self._summary, message)
            return
        app.call_from_thread(self._show, data)

    def _summary(self, text: Text) -> None:
        self.query_one("#corpus-summary", Static).update(text)

    def _show(self, data: CorpusData) -> None:
        self.data = data
        stats = data.stats
        mentions = sum(len(e.entities) for e in data.articles)
        claims = sum(a.claims for a in stats.per_article)
        values, per = squeeze([a.claims for a in stats.per_article])
        summary = Text(f"{plural(stats.articles, 'article')} · "
                       f"{plural(mentions, 'entity mention')} · "
                       f"{plural(claims, 'claim')} · claims per article: ")
        summary.append(make_sparkline(values), style="bold")
        if per > 1:
            summary.append(f" ({plural(per, 'article')} per column)", style="dim")
        waiting = sum(not entry.processed for entry in data.articles)
        if waiting:  # their entities are not in the figures yet: say so
            summary.append(f" · entities of {plural(waiting, 'article')} not computed yet, not "
                           "counted (open them, or `reader ingest`)", style="bold")
        unreadable = len(self.workspace.store.unreadable)
        if unreadable:  # their claims are not counted: say so
            summary.append(f" · {plural(unreadable, 'article file')} unreadable, not counted "
                           "(see `reader db check`)", style="bold red")
        self._summary(summary)
        self._fill_entities(stats)
        self._fill_speakers(stats)
        self._fill_labels(data.table)
        self._fill_results("Results (enter on an entity, a speaker or the search box)", [])

    def _fill_entities(self, stats: CorpusStats) -> None:
        table = self.query_one("#corpus-entities", DataTable)
        table.clear(columns=True)
        for name, width in (("Entity", 20), ("Label", 11), ("Mentions", 8), ("Articles", 8)):
            table.add_column(Text(name), key=name, width=width)
        for index, item in enumerate(stats.entities):
            table.add_row(_cell(_short(item.text, 20)), _cell(_short(item.label, 11)),
                          Text(str(item.count), justify="right"),
                          Text(str(item.articles), justify="right"), key=f"e{index}")

    def _fill_speakers(self, stats: CorpusStats) -> None:
        table = self.query_one("#corpus-speakers", DataTable)
        table.clear(columns=True)
        for name, width in (("Speaker", 20), ("Claims", 6), ("By verdict", 25)):
            table.add_column(Text(name), key=name, width=width)
        for index, item in enumerate(stats.speakers):
            verdicts = " · ".join(f"{v} {n}" for v, n in item.by_verdict.items())
            table.add_row(_cell(_short(item.speaker, 20)),
                          Text(str(item.claims), justify="right"), _cell(verdicts),
                          key=f"s{index}")

    def _fill_labels(self, counts: dict[str, Counter[str]]) -> None:
        table = self.query_one("#corpus-labels", DataTable)
        table.clear(columns=True)
        seen = {v for row in counts.values() for v in row}
        taxonomy = list(getattr(self.workspace.taxonomy, "verdicts", None) or VERDICTS)
        verdicts = [v for v in taxonomy if v in seen] + sorted(seen - set(taxonomy))
        table.add_column(Text("Label"), key="label")
        for verdict in verdicts:
            table.add_column(_cell(_short(verdict, 12)))
        table.add_column(Text("All"), key="all")
        for label in sorted(counts, key=lambda name: (-sum(counts[name].values()), name)):
            row = counts[label]
            table.add_row(_cell(_short(label, 16)),
                          *(Text(str(row.get(v, 0)), justify="right") for v in verdicts),
                          Text(str(sum(row.values())), justify="right", style="bold"))
        if not counts:
            table.add_row(Text("no claims yet", style="dim"),
                          Text("0", justify="right", style="bold"))

    def _fill_results(self, title: str, rows: list[tuple[Target, Text, Text, Text]]) -> None:
        self.query_one("#corpus-results-title", Static).update(Text(clean_line(title)))
        table = self.query_one("#corpus-results", DataTable)
        table.clear(columns=True)
        rest = max(20, self.size.width - 28 - 16 - 9)
        for name, width in (("Article", 28), ("What", 16), ("Text", rest)):
            table.add_column(Text(name), key=name, width=width)
        self.targets = {}
        for index, (target, article, what, text) in enumerate(rows[:RESULT_LIMIT]):
            key = f"r{index}"
            self.targets[key] = target
            table.add_row(article, what, text, key=key)

    # -- listing ---------------------------------------------------------------------------
    def show_entity(self, index: int) -> None:
        """List every mention of the entity in row `index` of the entities table."""
        if self.data is None or not 0 <= index < len(self.data.stats.entities):
            return
        item = self.data.stats.entities[index]
        rows = [
            (Target(entry.article.id, entity.start), _cell(_short(entry.article.title, 28)),
             _cell(_where(entry.article.text, entity.start)),
             _context(entry.article.text, entity.start, entity.end))
            for entry, entity in entity_mentions(self.data.articles, item.text, item.label)
        ]
        self.results_kind = "entity"
        self._fill_results(f"{plural(len(rows), 'mention')} of “{_short(item.text, 40)}” "
                           f"({item.label}) — enter: go there", rows)
        self._focus_results()

    def show_speaker(self, index: int) -> None:
        """List every claim by the speaker in row `index` of the speakers table."""
        if self.data is None or not 0 <= index < len(self.data.stats.speakers):
            return
        item = self.data.stats.speakers[index]
        rows = []
        for entry, claim in speaker_claims(self.data.articles, item.speaker):
            what = f"{claim.label or 'other'} · {claim.verdict or 'unverified'}"
            rows.append((Target(entry.article.id, claim.start),
                         _cell(_short(entry.article.title, 28)), _cell(what),
                         _cell(claim.quote)))
        self.results_kind = "speaker"
        self._fill_results(f"{plural(len(rows), 'claim')} by {_short(item.speaker, 40)} "
                           "— enter: go there", rows)
        self._focus_results()

    @work(thread=True, exclusive=True, exit_on_error=False, group="corpus-search")
    def search(self, query: str) -> None:
        """Search every article in a worker; the hits replace the results list."""
        data = self.data
        if data is None:
            return
        hits = search_corpus((e.item for e in data.articles), query, limit=RESULT_LIMIT)
        self.app.call_from_thread(self._show_hits, query, hits)

    def _show_hits(self, query: str, hits: list[SearchHit]) -> None:
        rows = []
        texts = {} if self.data is None else {e.article.id: e.article.text
                                               for e in self.data.articles}
        for hit in hits:
            sentence = Text(no_wrap=True, overflow="ellipsis")
            pos = hit.sentence_start
            for start, end in hit.matches:
                sentence.append(clean_line(_plain(hit.sentence, hit, pos, start)))
                sentence.append(clean_line(_plain(hit.sentence, hit, start, end)),
                                style="bold reverse")
                pos = end
            sentence.append(clean_line(_plain(hit.sentence, hit, pos, hit.sentence_end)))
            rows.append((Target(hit.article_id, hit.matches[0][0]),
                         _cell(_short(hit.title, 28)),
                         _cell(_where(texts.get(hit.article_id, ""), hit.sentence_start)
                               + f" · {len(hit.matches)}×"),
                         sentence))
        articles = len({h.article_id for h in hits})
        self.results_kind = "search"
        self.searching = False
        self._fill_results(f"“{_short(query, 40)}”: {plural(len(hits), 'sentence')} in "
                           f"{plural(articles, 'article')} — enter: go there", rows)
        if rows:
            self._focus_results()

    def _focus_results(self) -> None:
        table = self.query_one("#corpus-results", DataTable)
        table.focus()
        table.move_cursor(row=0)

    @on(Input.Submitted, "#corpus-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            return
        if self.data is None:
            self.notify("Still computing the corpus; search in a moment.", markup=False,
                        timeout=2)
            return
        self.searching = True
        self.search(query)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value or "")
        table = event.data_table.id
        if table == "corpus-entities" and key.startswith("e"):
            self.show_entity(int(key[1:]))
        elif table == "corpus-speakers" and key.startswith("s"):
            self.show_speaker(int(key[1:]))
        elif table == "corpus-results" and key in self.targets:
            self.jump(self.targets[key])

    # -- jumping ---------------------------------------------------------------------------
    def jump(self, target: Target) -> None:
        """Close the corpus view with the place to go: the opener opens the article there."""
        if self.workspace.open_stored(target.article_id) is None:
            self.notify("That article is no longer in the store.", markup=False,
                        severity="warning")
            return
        self.dismiss(target)

    def action_close(self) -> None:
        """Back to the article."""
        self.dismiss()

    def action_agreement(self) -> None:
        """The Agreement screen; enter on a disagreement jumps to it from here."""
        from reader.screens.agreement import AgreementScreen, AgreementTarget

        workspace = self.workspace

        def jump(target: AgreementTarget | None) -> None:
            if target is not None:
                self.jump(Target(target.article_id, target.offset))

        self.app.push_screen(AgreementScreen(workspace.store, workspace.session.annotator,
                                             blind=workspace.taxonomy.blind,
                                             verdicts=workspace.taxonomy.verdicts), jump)

    def action_focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one("#corpus-search", Input).focus()


def _where(text: str, offset: int) -> str:
    """Which paragraph of its article an offset is in, e.g. `¶ 3` (as the reader shows
    paragraphs: blank lines and hard-wrapped lines do not count)."""
    return f"¶ {paragraph_number(text, offset)}"


def _plain(sentence: str, hit: SearchHit, start: int, end: int) -> str:
    """Text of `start:end` (offsets into the article) from a hit's sentence."""
    base = hit.sentence_start
    return sentence[max(0, start - base):max(0, end - base)]
