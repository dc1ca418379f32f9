"""The Agreement screen: `reader agree`'s figures for the store, computed in a worker, with the
disagreements listed; `enter` on one closes the screen with where it is, for the opener to jump.

Services come down through the constructor (the store, who I am, blind coding, the verdict
scale); the result goes up with `dismiss`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from reader.agreement.collect import NothingToCompare, StoreReader, collect
from reader.agreement.report import agreement
from reader.blind import Blind
from reader.text.sanitize import clean_line
from reader.wording import plural

GOLD = "gold"


@dataclass(frozen=True)
class AgreementTarget:
    """A disagreement to jump to: the article and the offset."""

    article_id: str
    offset: int


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class AgreementScreen(Screen[AgreementTarget | None]):
    """Agreement between the store's annotators, and their disagreements."""

    DEFAULT_CSS = """
    AgreementScreen #agree-title {
        background: $boost;
        text-style: bold;
        padding: 0 1;
    }
    AgreementScreen #agree-summary, AgreementScreen #agree-labels {
        height: auto;
        padding: 0 1;
    }
    AgreementScreen #agree-pairs {
        height: auto;
        max-height: 12;
    }
    AgreementScreen #agree-disagreements {
        height: 1fr;
    }
    AgreementScreen .agree-heading {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-style: bold;
    }
    """

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, store: StoreReader, annotator: str, *, blind: bool,
                 verdicts: list[str]) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.blind = blind
        self.verdicts = verdicts
        self.report: dict[str, Any] | None = None
        self.targets: dict[str, AgreementTarget] = {}

    def compose(self) -> ComposeResult:
        """Title, summary, the pairs, per label, the disagreements."""
        yield Static(Text("Agreement"), id="agree-title")
        yield Static(Text("computing…"), id="agree-summary")
        yield Static(Text("Pairs of annotators"), classes="agree-heading")
        yield DataTable(id="agree-pairs", cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), id="agree-labels")
        yield Static(Text("Disagreements (enter: jump to it; escape closes)"),
                     classes="agree-heading")
        yield DataTable(id="agree-disagreements", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Start the computation; the screen answers keys meanwhile."""
        self.query_one("#agree-pairs", DataTable).add_columns(
            "pair", "spans", "F1 exact", "F1 overlap", "α_u", "label κ", "verdict α")
        self.query_one("#agree-disagreements", DataTable).add_columns(
            "article", "where", "kind", "who")
        self.compute()

    @work(thread=True, exclusive=True, exit_on_error=False, group="agreement")
    def compute(self) -> None:
        """Collect and compute off the UI thread."""
        note = ""
        blind = Blind(self.annotator, self.blind)
        try:
            try:
                data = collect(self.store, leave_out=(GOLD,), blind=blind)
            except NothingToCompare as error:
                if "marked done" not in str(error):
                    raise
                note = f"{error}; showing every article"
                data = collect(self.store, leave_out=(GOLD,), every_article=True,
                               blind=blind)
        except NothingToCompare as error:
            self.app.call_from_thread(self.show_message, str(error))
            return
        report = agreement(data.units, data.lengths, data.annotators, self.verdicts,
                           data.titles)
        report["notes"] = data.notes + ([note] if note else []) + report["notes"]
        self.app.call_from_thread(self.show_report, report)

    def show_message(self, message: str) -> None:
        """Nothing to compare: say why."""
        self.query_one("#agree-summary", Static).update(Text(clean_line(message)))

    def show_report(self, report: dict[str, Any]) -> None:
        """Fill the tables."""
        self.report = report
        summary = (f"{plural(report['articles'], 'article')}, annotators "
                   + ", ".join(clean_line(a) for a in report["annotators"])
                   + f" · span α_u {_figure(report['span_alpha_u'])}"
                   + f" · label Fleiss κ {_figure(report['label_fleiss_kappa'])}"
                   + f" · label α {_figure(report['label_alpha_nominal'])}"
                   + f" · verdict α {_figure(report['verdict_alpha_ordinal'])}")
        if report["notes"]:
            summary += "\n" + "\n".join(clean_line(n) for n in report["notes"][:4])
        self.query_one("#agree-summary", Static).update(Text(summary))
        pairs = self.query_one("#agree-pairs", DataTable)
        pairs.clear()
        for pair in report["pairs"]:
            pairs.add_row(Text(clean_line(" / ".join(pair["annotators"]))),
                          Text(f"{pair['spans'][0]}/{pair['spans'][1]}"),
                          *(Text(_figure(pair[k])) for k in (
                              "span_f1_exact", "span_f1_overlap", "span_alpha_u",
                              "label_cohen_kappa", "verdict_alpha_ordinal")))
        self.query_one("#agree-labels", Static).update(Text(
            "per label α_u: " + "; ".join(f"{clean_line(item['label'])} "
                                          f"{_figure(item['span_alpha_u'])}"
                                          for item in report["per_label"])))
        table = self.query_one("#agree-disagreements", DataTable)
        table.clear()
        self.targets = {}
        titles = {a["article_id"]: a.get("title", "") for a in report["per_article"]}
        for number, item in enumerate(report["disagreements"]):
            key = str(number)
            self.targets[key] = AgreementTarget(item["article_id"], item["start"])
            who = ", ".join(f"{c['annotator']}: {c['label']}/{c['verdict']}"
                            for c in item["claims"])
            if item["missing"]:
                who += "; not by " + ", ".join(item["missing"])
            table.add_row(Text(clean_line(titles.get(item["article_id"]) or
                                          item["article_id"])[:28]),
                          Text(f"{item['start']}-{item['end']}"),
                          Text("+".join(item["kinds"])), Text(clean_line(who)), key=key)

    @on(DataTable.RowSelected, "#agree-disagreements")
    def _jump(self, event: DataTable.RowSelected) -> None:
        target = self.targets.get(str(event.row_key.value))
        if target is not None:
            self.dismiss(target)

    def action_close(self) -> None:
        """Back, nowhere to jump."""
        self.dismiss(None)
