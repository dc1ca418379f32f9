"""`reader export`: write the store's claims (or gold entities) in a peer format.

Standard output carries data only; messages go to standard error. The store is opened
read-only, so exporting never writes into it (not even a lock file). Exit status 2 when the
store has unreadable files (everything readable is still exported) or on bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from reader.config import ConfigError, load_publisher
from reader.formats.claimreview import ClaimReviewOptions
from reader.formats.exporting import (
    EXPORT_FORMATS,
    NEEDS_OUT,
    ClaimFilter,
    EntitySource,
    StoreLike,
    export,
    export_file,
    organisations,
    store_entities,
)
from reader.paths import resolve_store
from reader.text.sanitize import clean_line
from reader.wording import plural

__all__ = ["add_arguments", "parse_since", "run"]

_ENTITY_FORMATS = ("prodigy", "doccano", "doccano-entities", "label-studio", "brat", "spacy")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `reader export`."""
    parser.add_argument(
        "--format", "-f", choices=EXPORT_FORMATS, default="jsonl", help="output format"
    )
    parser.add_argument(
        "--out", "-o", metavar="PATH", help="file (or folder, for brat) to write; default stdout"
    )
    parser.add_argument(
        "--article",
        action="append",
        default=[],
        metavar="ID",
        help="only this article (id or id prefix; repeatable)",
    )
    parser.add_argument(
        "--label", action="append", default=[], help="only claims with this label (repeatable)"
    )
    parser.add_argument(
        "--verdict", action="append", default=[], help="only claims with this verdict (repeatable)"
    )
    parser.add_argument(
        "--annotator",
        action="append",
        default=[],
        help="only claims by this annotator (repeatable)",
    )
    parser.add_argument(
        "--since", metavar="DATE", help="only claims updated on or after this ISO date/time"
    )
    parser.add_argument(
        "--what",
        "--as",
        dest="what",
        choices=("claims", "entities"),
        default="claims",
        help="per-article formats: export claims (default) or the corrected gold entities",
    )
    parser.add_argument(
        "--model", help="spaCy model whose cached entities the gold entities start from"
    )
    parser.add_argument(
        "--all",
        dest="include_unverified",
        action="store_true",
        help="claimreview: also claims whose verdict is unverified (left out by default)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="claimreview: exit status 2 when a record lacks a field consumers require",
    )
    parser.add_argument("--db", metavar="DIR", help="the store folder")


def parse_since(value: str) -> str:
    """`--since` as a prefix comparable with claim `updated` times (UTC ISO); ValueError if bad."""
    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:  # in UTC it is before year 1 (every claim) or after 9999 (none)
            offset = moment.utcoffset()
            return _BEFORE_ALL if offset is not None and offset > timedelta(0) else _AFTER_ALL
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


_BEFORE_ALL = "0000-00-00T00:00:00"
_AFTER_ALL = "9999-12-31T23:59:60"
"""`--since` values outside the years 1-9999 once in UTC: earlier than every stored time, later
than every stored time (stored times are ISO strings, compared as strings)."""


def _say(message: str) -> None:
    print(f"reader export: {clean_line(message)}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run `reader export`; return the exit status."""
    from reader.store.store import Store

    fmt: str = args.format
    if fmt in NEEDS_OUT and not args.out:
        _say(f"the {fmt} format needs --out PATH")
        return 2
    if args.what == "entities" and fmt not in _ENTITY_FORMATS:
        _say(f"--what entities works with {', '.join(_ENTITY_FORMATS)}")
        return 2
    try:
        since = parse_since(args.since) if args.since else ""
    except ValueError:
        _say(f"--since {args.since!r} is not an ISO date (YYYY-MM-DD) or date-time")
        return 2
    root = resolve_store(args.db)
    index = root / "index.json"
    if not index.is_file():
        _say(f"{index}: not a regular file; not read" if os.path.lexists(index)
             else f"no store at {root}")
        return 2
    if args.out and _in_store(Path(args.out), root):
        _say(f"--out {args.out} is inside the store {root}: refused (the store's exports/ "
             "folder is the one place there an export may go)")
        return 2
    review: ClaimReviewOptions | None = None
    if fmt == "claimreview":
        try:
            publisher = load_publisher(root)
        except ConfigError as error:
            _say(str(error))
            return 2
        review = ClaimReviewOptions(publisher=publisher,
                                    include_unverified=args.include_unverified)
    store = Store(root, readonly=True)
    if review is not None:
        review.organisations_for = organisations(store, store_entities(store, args.model))
    flt = ClaimFilter(
        article_ids=tuple(args.article),
        labels=tuple(args.label),
        verdicts=tuple(args.verdict),
        annotators=tuple(args.annotator),
        since=since,
    )
    entities: EntitySource | None = None
    if args.what == "entities" or fmt == "spacy":
        entities = store_entities(store, args.model, warn=_say)
    try:
        count = _write(store, fmt, args, flt, entities, review)
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except OSError as error:
        where = error.filename or args.out or "standard output"
        _say(f"cannot write {where}: {error.strerror or error}")
        return 2
    finally:
        store.close()
    if args.out:
        _say(f"{count} {'record' if count == 1 else 'records'} written to {args.out}")
    status = _review_report(review, args.strict) if review is not None else 0
    if store.problems:
        for problem in store.problems:
            _say(f"unreadable, not exported: {problem}")
        return 2
    return status


MAX_NAMED = 20
"""Records named one by one on standard error; the rest are counted."""


def _review_report(review: ClaimReviewOptions, strict: bool) -> int:
    """Say what the ClaimReview export left out or wrote incomplete; 2 if strict and any."""
    if review.left_out:
        _say(f"{plural(review.left_out, 'claim')} left out as unverified (use --all)")
    for kind, lines in (("incomplete", review.incomplete), ("warning", review.long)):
        for line in lines[:MAX_NAMED]:
            _say(f"{kind}: {line}")
        if len(lines) > MAX_NAMED:
            _say(f"{kind}: ... and {len(lines) - MAX_NAMED} more")
    return 2 if strict and review.incomplete else 0


def _write(
    store: StoreLike,
    fmt: str,
    args: argparse.Namespace,
    flt: ClaimFilter,
    entities: EntitySource | None,
    review: ClaimReviewOptions | None = None,
) -> int:
    what: str = args.what
    if args.out:  # whole or nothing, never through a symlink nor onto a device or FIFO
        return export_file(store, fmt, Path(args.out), flt=flt, what=what,
                           entities_for=entities, warn=_say, review=review)
    terminal = sys.stdout.isatty()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
    try:
        count = _export_stream(store, fmt, out, flt, what, entities, terminal, review)
        out.flush()
    except BrokenPipeError:
        _quiet_stdout()  # the reader went away (`| head`): the rest goes to /dev/null
        with contextlib.suppress(OSError, ValueError):
            out.detach()
        raise
    out.detach()  # leave sys.stdout itself open and usable
    return count


def _in_store(out: Path, root: Path) -> bool:
    """Whether `out` (links followed) lies in the store folder, outside its `exports/` (which
    counts only as a real folder of its own, not a link)."""
    from reader.safe_io import inside

    if not inside(out, root):
        return False
    exports = root / "exports"
    if exports.is_symlink() or not exports.is_dir():
        return True
    return out.resolve() == exports.resolve() or not inside(out, exports)


def _export_stream(
    store: StoreLike,
    fmt: str,
    out: TextIO,
    flt: ClaimFilter,
    what: str,
    entities: EntitySource | None,
    terminal: bool,
    review: ClaimReviewOptions | None = None,
) -> int:
    return export(
        store,
        fmt,
        stream=out,
        flt=flt,
        what=what,
        entities_for=entities,
        terminal=terminal,
        warn=_say,
        review=review,
    )


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
