"""`reader import PATH...`: read peer annotation files into the store.

Each file (or brat `.ann`/`.txt` pair) is one store transaction: all of it or none of it.
The report (standard error) says what was added, what was already there, and what was
skipped and why, by line. Exit status 2 when a file is malformed or the store is busy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.formats.base import FormatError
from reader.formats.detect import IMPORT_FORMATS
from reader.paths import resolve_store
from reader.text.sanitize import clean_line

__all__ = ["MAX_SKIPS_SHOWN", "add_arguments", "run"]

MAX_SKIPS_SHOWN = 200
"""Skipped items listed per file; the rest are counted."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `reader import`."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or brat folders")
    parser.add_argument(
        "--format",
        "-f",
        choices=(*IMPORT_FORMATS, "doccano-entities"),
        help="the files' format (default: guessed from the content)",
    )
    parser.add_argument(
        "--as",
        dest="as_",
        choices=("claims", "entities"),
        default="claims",
        help="import spans as claims (default) or as gold entity corrections",
    )
    parser.add_argument(
        "--predictions",
        action="store_true",
        help="Label Studio: import the predictions instead of the annotations",
    )
    parser.add_argument(
        "--annotator",
        help="annotator of imported claims whose file names none (Label Studio completed_by wins)",
    )
    parser.add_argument("--db", metavar="DIR", help="the store folder")


def _say(message: str) -> None:
    print(f"reader import: {clean_line(message)}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run `reader import`; return the exit status."""
    from reader.claims import default_annotator
    from reader.formats.importing import import_unit, read_units
    from reader.store.errors import StoreError
    from reader.store.store import Store

    root = resolve_store(args.db)
    store = Store(root)
    try:
        if store.readonly:
            _say(f"cannot import into {root}: {store.readonly_reason}")
            return 2
        annotator = (args.annotator or "").strip() or default_annotator()
        status = 0
        for name in args.paths:
            try:
                units = read_units(Path(name), args.format, predictions=args.predictions)
            except FormatError as error:
                _say(f"{error if error.path else f'{name}: {error}'}; nothing imported")
                status = 2
                continue
            except OSError as error:
                _say(f"{name}: cannot read ({error.strerror or error})")
                status = 2
                continue
            for unit in units:
                if unit.error is not None:
                    _say(f"{unit.error}; nothing imported")
                    status = 2
                    continue
                try:
                    with store.transaction() as tx:
                        report = import_unit(
                            store, tx, unit, as_entities=args.as_ == "entities", annotator=annotator
                        )
                except (StoreError, OSError) as error:
                    _say(f"{unit.name}: nothing imported: {error}")
                    status = 2
                    continue
                _say(report.summary())
                for skip in report.skipped[:MAX_SKIPS_SHOWN]:
                    _say(f"  {unit.name}: skipped {skip}")
                more = len(report.skipped) - MAX_SKIPS_SHOWN
                if more > 0:
                    _say(f"  {unit.name}: ... and {more} more skipped")
        return status
    finally:
        store.close()
