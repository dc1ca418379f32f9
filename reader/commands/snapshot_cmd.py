"""`reader snapshot list URL` and `reader snapshot export HASH`: the raw pages a web article
was read from. Every fetch keeps its snapshot (a refresh never replaces one), so what a page
said when it was read can be listed, exported byte for byte, and opened again (`reader
snapshot export HASH --out page.html`, then `reader page.html`). Reads only: no lock, no
network."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.paths import resolve_store
from reader.text.sanitize import clean_line
from reader.wording import plural

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-sub-commands `list` and `export`."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="the snapshots of the article a URL was opened as")
    listing.add_argument("url", metavar="URL", help="the URL given, or the final one")
    listing.add_argument("--db", metavar="DIR", help="the store folder")
    export = sub.add_parser("export", help="a snapshot's raw bytes, as they were received")
    export.add_argument("digest", metavar="HASH",
                        help="sha256:<hex> or <hex> as `list` prints it (a unique prefix of at "
                        "least 12 hex digits will do)")
    export.add_argument("--db", metavar="DIR", help="the store folder")
    export.add_argument("--out", metavar="FILE",
                        help="write here (never over an existing file); default: standard output")


def _say(message: str) -> None:
    print(f"reader snapshot: {clean_line(message)}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """List or export; exit 2 with one line for anything that cannot be done."""
    from reader.store.errors import StoreError
    from reader.store.store import Store

    root = resolve_store(args.db)
    if not (root / "index.json").exists():
        _say(f"no store at {root}")
        return 2
    try:
        store = Store(root, readonly=True)
    except (StoreError, OSError) as error:
        _say(f"cannot open the store {root}: {error}")
        return 2
    try:
        if args.action == "list":
            return _list(store, args.url)
        return _export(store, args.digest, args.out)
    finally:
        store.close()


def _list(store: object, url: str) -> int:
    from reader.web.page import find_web_article, snapshot_entries

    record = find_web_article(store, url)  # type: ignore[arg-type]
    if record is None:
        _say(f"{url}: no article was opened from this URL")
        return 2
    for entry in snapshot_entries(record):
        hops = len(entry.get("redirects") or [])
        print("\t".join(clean_line(str(v)) for v in (
            entry.get("content_hash", ""), entry.get("retrieved", ""), entry.get("status", ""),
            entry.get("final_url", ""), plural(hops, "redirect"))))
    return 0


def _export(store: object, digest: str, out: str | None) -> int:
    from reader.web.snapshots import SNAPSHOTS_DIR, SnapshotError, read_snapshot

    root: Path = store.root  # type: ignore[attr-defined]
    hexdigest = digest.removeprefix("sha256:").lower()
    if 12 <= len(hexdigest) < 64:
        matches = sorted(p.name[:64] for p in (root / SNAPSHOTS_DIR).glob(f"{hexdigest}*.gz")
                         if len(p.name) == 67)
        if len(matches) != 1:
            _say(f"{digest}: {'no' if not matches else 'more than one'} snapshot starts so")
            return 2
        hexdigest = matches[0]
    try:
        data = read_snapshot(root, hexdigest)
    except SnapshotError as error:
        _say(str(error))
        return 2
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    try:
        with open(out, "xb") as handle:
            handle.write(data)
    except FileExistsError:
        _say(f"{out}: exists; not overwritten")
        return 2
    except OSError as error:
        _say(f"{out}: {error.strerror or error}")
        return 2
    _say(f"{len(data):,} bytes written to {out}")
    return 0
