"""`reader db check` and `reader db repair`: find every problem in a store; fix a copy.

`check` only reads (not even a lock file is created) and prints one line per problem, naming
the file and the record; exit 0 when clean (warnings allowed), 2 when there are problems.
`repair` writes a repaired copy (default `<store>.repaired-<timestamp>` beside the store) and
never touches the original; records it cannot fix go to `quarantine.jsonl` in the copy.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime
from pathlib import Path

from reader.paths import resolve_store
from reader.text.sanitize import clean_line
from reader.wording import plural

__all__ = ["add_arguments", "default_out", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-sub-commands `check` and `repair`."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="report every problem in the store (reads only)")
    check.add_argument("--db", metavar="DIR", help="the store folder")
    repair = sub.add_parser("repair", help="write a repaired copy of the store")
    repair.add_argument("--db", metavar="DIR", help="the store folder")
    repair.add_argument("--out", metavar="DIR",
                        help="where the copy goes (default: <store>.repaired-<timestamp>)")


def _say(message: str) -> None:
    print(f"reader db: {clean_line(message)}", file=sys.stderr)


def default_out(root: Path, now: datetime | None = None) -> Path:
    """`<store>.repaired-<YYYYmmdd-HHMMSS>` beside the store."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = root.resolve()
    return base.with_name(f"{base.name}.repaired-{stamp}")


def run(args: argparse.Namespace) -> int:
    """Run `reader db check|repair`; return the exit status."""
    root = resolve_store(args.db)
    if args.action == "check":
        return _check(root)
    return _repair(root, Path(args.out) if args.out else default_out(root))


def _check(root: Path) -> int:
    from reader.store.check import check_store

    if not (root / "index.json").exists() and not root.is_dir():
        _say(f"no store at {root}")
        return 2
    report = check_store(root)
    for finding in report.findings:
        print(finding.line())
    errors, warnings = len(report.errors), len(report.warnings)
    summary = (f"{root}: {plural(report.articles, 'article')}, "
               f"{plural(report.claims, 'claim record')}; "
               f"{plural(errors, 'problem')}, {plural(warnings, 'warning')}")
    print(clean_line(summary))
    if errors:
        _say("nothing was changed; `reader db repair` writes a repaired copy")
        return 2
    return 0


def _repair(root: Path, out: Path) -> int:
    from reader.store.check import check_store, repair_store

    if not root.is_dir():
        _say(f"no store at {root}")
        return 2
    if out.exists():
        _say(f"{out} already exists; choose another --out")
        return 2
    try:
        report = repair_store(root, out)
    except BaseException as error:
        # nothing half-written stays behind to block the next try (`out` did not exist)
        shutil.rmtree(out, ignore_errors=True)
        if isinstance(error, OSError):
            _say(f"cannot write {out}: {error.strerror or error}; nothing was written")
            return 2
        raise
    for line in report.actions:
        print(clean_line(line))
    print(clean_line(
        f"repaired copy: {out} ({plural(report.articles, 'article')}, "
        f"{plural(report.copied_claims, 'claim')} "
        f"copied, {report.fixed} fixed, {report.quarantined} quarantined); {root} is unchanged"
    ))
    after = check_store(out)
    if after.errors:
        for finding in after.errors:
            _say(f"still wrong in the copy: {finding.line()}")
        return 2
    return 0
