"""`reader sync [--server URL] [--db DIR] [--all] [--dry-run]`: sync the store with the team
server (push my records, pull the others'). Refuses while another process writes the store (the
app syncs itself). Exit status 2 when the server cannot be used, 1 with conflicts."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `reader sync`."""
    parser.add_argument("--server", metavar="URL", help="PostgreSQL URL (default: [team] "
                        "server in reader.toml)")
    parser.add_argument("--db", metavar="DIR", help="the store folder")
    parser.add_argument("--all", action="store_true", help="pull the team's whole corpus")
    parser.add_argument("--dry-run", action="store_true", help="say what would move; change "
                        "nothing")


def say(message: str) -> None:
    """One clean line on standard error."""
    from reader.text.sanitize import clean_line

    print("reader sync: " + clean_line(message), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Sync; the exit status."""
    from reader.paths import resolve_store
    from reader.store import Store
    from reader.team.connect import ServerError, connect, redact
    from reader.team.schema import SchemaError
    from reader.team.settings import SettingsError, server_url
    from reader.team.sync import sync

    root = resolve_store(args.db)
    try:
        url = server_url(args.server, str(root))
    except SettingsError as error:
        say(str(error))
        return 2
    if args.dry_run and not (root / "index.json").is_file():
        say(f"no store at {root}")
        return 2
    store = Store(root, readonly=args.dry_run)
    try:
        if store.readonly and not args.dry_run:
            say(f"{root} is open in another reader ({store.readonly_reason}); it syncs itself")
            return 2
        try:
            conn = connect(url)
        except ServerError as error:
            say(f"offline: {error}; nothing changed, sync again later")
            return 2
        try:
            report = sync(store, conn, url, pull_all=args.all, dry_run=args.dry_run, say=say)
        except SchemaError as error:
            say(str(error))
            return 2
        except Exception as error:  # noqa: BLE001 - one line, never a traceback
            import psycopg

            if not isinstance(error, psycopg.Error):
                raise
            say(f"the server stopped the sync ({redact(str(error).strip().splitlines()[0])}); "
                "what was done is kept, sync again to finish")
            return 2
        finally:
            conn.close()
    finally:
        store.close()
    for line in report.lines():
        say(line)
    return 1 if report.conflicts else 0
