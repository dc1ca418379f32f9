"""`reader server init|add-analyst|remove-analyst`: set up the team's PostgreSQL server.

The URL comes from `--server`, else `[team] server` in reader.toml; the rest from libpq's own
environment (PGHOST, PGUSER, PGPASSWORD, ~/.pgpass, sslmode). A password is read only from one
line of standard input (`--password-stdin`) and is never written or shown anywhere.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`init`, `add-analyst NAME`, `remove-analyst NAME`."""
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = sub.add_parser("init", help="create or migrate the schema")
    add = sub.add_parser("add-analyst", help="create a login role for an analyst")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--adjudicator", action="store_true", help="may write the gold layer")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from one line of standard input")
    remove = sub.add_parser("remove-analyst", help="revoke an analyst's login (claims stay)")
    remove.add_argument("name", metavar="NAME")
    for each in (init, add, remove):
        each.add_argument("--server", metavar="URL", help="PostgreSQL URL (default: [team] "
                          "server in reader.toml)")
        each.add_argument("--db", metavar="DIR", help="the store whose reader.toml to read")


def say(message: str) -> None:
    """One clean line on standard error."""
    from reader.text.sanitize import clean_line

    print("reader server: " + clean_line(message), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Do the action; the exit status."""
    from reader.team.connect import ServerError, connect, redact
    from reader.team.roles import add_analyst, remove_analyst
    from reader.team.schema import SchemaError, migrate
    from reader.team.settings import SettingsError, server_url

    try:
        url = server_url(args.server, args.db)
    except SettingsError as error:
        say(str(error))
        return 2
    password = None
    if args.action == "add-analyst" and args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            say("--password-stdin: standard input held no password")
            return 2
    try:
        conn = connect(url)
    except ServerError as error:
        say(str(error))
        return 2
    try:
        if args.action == "init":
            before, after = migrate(conn)
            say(f"schema at version {after} on {redact(url)}" +
                (f" (migrated from {before})" if before and before != after else
                 " (already current)" if before == after else " (created)"))
        elif args.action == "add-analyst":
            new = add_analyst(conn, args.name, password, args.adjudicator)
            role = "adjudicator" if args.adjudicator else "analyst"
            say(f"{'added' if new else 'updated'} {role} {args.name}")
        else:
            if not remove_analyst(conn, args.name):
                say(f"no analyst {args.name}")
                return 2
            say(f"{args.name} can no longer log in; their claims stay")
    except SchemaError as error:
        say(str(error))
        return 2
    except Exception as error:  # noqa: BLE001 - a server error is one line, never a traceback
        say(redact(str(error).strip().splitlines()[0] if str(error).strip() else repr(error)))
        return 2
    finally:
        conn.close()
    return 0
