"""`reader agree`: inter-annotator agreement over the store's claims, as a table, JSON or CSV.

Compares the annotators who marked the same articles done (`--all`: every article). Opens the
store read-only: it writes nothing into it. Exit status 2 when fewer than two annotators can be
compared, or nothing is left to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import sys
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["add_arguments", "run"]


MEASURES = (
    "span_f1_exact", "span_precision_exact", "span_recall_exact",
    "span_f1_overlap", "span_precision_overlap", "span_recall_overlap",
    "span_alpha_u", "label_cohen_kappa", "verdict_alpha_ordinal",
)
OVERALL = ("span_alpha_u", "label_fleiss_kappa", "label_alpha_nominal", "verdict_alpha_ordinal")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `reader agree`."""
    parser.add_argument("--annotators", metavar="A,B,...",
                        help="compare these annotators (default: everyone with claims)")
    parser.add_argument("--article", action="append", default=[], metavar="ID",
                        help="only this article (id or id prefix; repeatable)")
    parser.add_argument("--label", action="append", default=[], metavar="L",
                        help="only claims with this label (repeatable)")
    parser.add_argument("--all", action="store_true",
                        help="every article, not only those every annotator marked done")
    parser.add_argument("--format", "-f", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--db", metavar="DIR", help="the store folder")
    parser.add_argument("--annotator", metavar="NAME",
                        help="who I am, for blind coding (default: as the app: the store's "
                        "synced name, $READER_ANNOTATOR, else the login name)")
    parser.add_argument("--blind", action="store_true",
                        help="blind coding: only articles I marked done (also `blind = true` "
                        "in reader.toml)")


def run(args: argparse.Namespace) -> int:
    """Compute and print the report; the exit status."""
    try:
        with _collector_paused():
            return _run(args, sys.stdout)
    except BrokenPipeError:
        return 0


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the command runs: reading 100,000 claims
    and building their units and figures makes millions of objects, none of them garbage in
    a cycle, and the collector walking them again and again took a quarter of the command's
    time (1.3 s of 5.1 s, benchmarks P12). What is freed is still freed (reference counts);
    the process ends right after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _say(message: str) -> None:
    from reader.text.sanitize import clean_line

    print("reader agree: " + clean_line(message), file=sys.stderr)


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from reader.agreement.collect import NothingToCompare, collect
    from reader.agreement.report import agreement
    from reader.blind import Blind
    from reader.config import ConfigError, load_taxonomy
    from reader.curation.settings import load_curation_settings
    from reader.paths import resolve_store
    from reader.store import Store

    root = resolve_store(args.db)
    if not (root / "index.json").is_file():
        _say(f"no store at {root}")
        return 2
    try:
        taxonomy = load_taxonomy(root)
        gold = load_curation_settings(root).gold  # the gold layer is no annotator
    except ConfigError as error:
        _say(str(error))
        return 2
    wanted = [a.strip() for a in (args.annotators or "").split(",") if a.strip()]
    store = Store(root, readonly=True)
    try:
        blind = None
        if taxonomy.blind or args.blind:  # blind coding: only the articles I marked done
            blind = Blind(_me(args.annotator, root), True)
        data = collect(store, annotators=wanted, articles=args.article, labels=args.label,
                       every_article=args.all, leave_out=() if wanted else (gold,),
                       blind=blind)
    except NothingToCompare as error:
        _say(str(error))
        return 2
    finally:
        store.close()
    report = agreement(data.units, data.lengths, data.annotators, taxonomy.verdicts,
                       data.titles)
    report["notes"] = data.notes + report["notes"]
    for problem in store.problems:
        _say(f"unreadable, not compared: {problem}")
    if args.format == "json":
        from reader.formats.base import json_line

        out.write(json_line(report) + "\n")
    elif args.format == "csv":
        write_csv(report, out)
    else:
        out.write(table(report))
    return 2 if store.problems else 0


def _me(given: str | None, root: Any) -> str:
    """Who I am, as the app decides it (`--annotator`, the synced name, the login name)."""
    from reader.claims import default_annotator
    from reader.team.state import synced_identity
    from reader.text.sanitize import clean_line

    return clean_line((given or "").strip() or synced_identity(root) or default_annotator())


def csv_rows(report: dict[str, Any]) -> list[list[str]]:
    """(article or *, pair or *, measure, value) rows; an undefined figure has an empty value."""
    rows: list[list[str]] = []

    def add(article: str, pair: str, measure: str, value: Any) -> None:
        rows.append([article, pair, measure, "" if value is None else repr(float(value))])

    def add_pairs(article: str, pairs: list[dict[str, Any]]) -> None:
        for pair in pairs:
            name = "|".join(pair["annotators"])
            for measure in MEASURES:
                add(article, name, measure, pair[measure])

    add_pairs("*", report["pairs"])
    for measure in OVERALL:
        add("*", "*", measure, report[measure])
    for article in report["per_article"]:
        add_pairs(article["article_id"], article["pairs"])
        for measure in ("span_alpha_u", "label_fleiss_kappa", "label_alpha_nominal"):
            add(article["article_id"], "*", measure, article[measure])
    return rows


def write_csv(report: dict[str, Any], out: TextIO) -> None:
    """The CSV: a header and `csv_rows`, cells guarded against spreadsheet formulas."""
    from reader.formats.csv_format import safe_cell

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["article", "pair", "measure", "value"])
    for row in csv_rows(report):
        writer.writerow([safe_cell(cell, terminal=out.isatty()) for cell in row])


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def table(report: dict[str, Any]) -> str:
    """A plain-text summary for the terminal (names cleaned of control characters)."""
    from reader.text.sanitize import clean_line
    from reader.wording import plural

    lines = [
        f"{plural(report['articles'], 'article')} compared; annotators: "
        + ", ".join(clean_line(a) for a in report["annotators"]),
        "",
        f"{'pair':<30} {'spans':>11} {'F1 exact':>9} {'F1 overlap':>10} {'α_u':>7} "
        f"{'label κ':>8} {'verdict α':>9}",
    ]
    for pair in report["pairs"]:
        name = clean_line(" / ".join(pair["annotators"]))[:30]
        spans = f"{pair['spans'][0]}/{pair['spans'][1]}"
        lines.append(
            f"{name:<30} {spans:>11} {_figure(pair['span_f1_exact']):>9} "
            f"{_figure(pair['span_f1_overlap']):>10} {_figure(pair['span_alpha_u']):>7} "
            f"{_figure(pair['label_cohen_kappa']):>8} {_figure(pair['verdict_alpha_ordinal']):>9}"
        )
    lines += [
        "",
        f"overall: span α_u {_figure(report['span_alpha_u'])}, "
        f"label Fleiss κ {_figure(report['label_fleiss_kappa'])}, "
        f"label α (nominal) {_figure(report['label_alpha_nominal'])}, "
        f"verdict α (ordinal) {_figure(report['verdict_alpha_ordinal'])}",
    ]
    if report["per_label"]:
        lines.append("")
        lines.append("per label: " + "; ".join(
            f"{clean_line(item['label'])} α_u {_figure(item['span_alpha_u'])}"
            for item in report["per_label"]))
    lines.append(f"disagreements: {len(report['disagreements'])}"
                 + (" (the first 20)" if len(report["disagreements"]) > 20 else ""))
    for item in report["disagreements"][:20]:
        who = ", ".join(
            f"{clean_line(c['annotator'])}: {clean_line(c['label'])}/{clean_line(c['verdict'])}"
            for c in item["claims"])
        missing = f"; not marked by {', '.join(map(clean_line, item['missing']))}" \
            if item["missing"] else ""
        lines.append(f"  {clean_line(item['article_id'])[:15]} {item['start']}-{item['end']} "
                     f"{'+'.join(item['kinds'])}: {who}{missing}")
    lines += [f"note: {clean_line(note)}" for note in report["notes"]]
    return "\n".join(lines) + "\n"
