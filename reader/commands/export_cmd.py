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
from datetime import UTC, date, datetime
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
    organisations,
    store_entities,
)
from reader.paths import resolve_store
from reader.text.sanitize import clean_line

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
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


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
    if not (root / "index.json").is_file():
        _say(f"no store at {root}")
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
        _say(f"cannot write {args.out}: {error.strerror or error}")
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
        many = "claims" if review.left_out != 1 else "claim"
        _say(f"{review.left_out} {many} left out as unverified (use --all)")
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
    if fmt in NEEDS_OUT:
        return export(
            store,
            fmt,
            path=Path(args.out),
            flt=flt,
            what=what,
            entities_for=entities,
            warn=_say,
        )
    if args.out:
        target = Path(args.out)
        partial = target.with_name(target.name + ".part")
        try:
            with partial.open("w", encoding="utf-8", newline="") as out:
                count = _export_stream(store, fmt, out, flt, what, entities, False, review)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        return count
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
