"""Analysts as login roles: added with a password read from one line of standard input,
removed by revoking the login (their claims stay)."""

from __future__ import annotations

from typing import Any


def add_analyst(conn: Any, name: str, password: str | None, adjudicator: bool) -> bool:
    """Create (or update) the login role; True if it was new."""
    from psycopg import sql

    group = "reader_adjudicator" if adjudicator else "reader_analyst"
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    with conn.transaction():
        verb = "ALTER" if exists else "CREATE"
        query = sql.SQL(verb + " ROLE {} LOGIN").format(sql.Identifier(name))
        if password is not None:
            # hashed here (SCRAM, by libpq), so the password itself never reaches the server,
            # its logs or its statistics
            hashed = conn.pgconn.encrypt_password(password.encode(), name.encode(), None)
            query = query + sql.SQL(" PASSWORD {}").format(sql.Literal(hashed.decode()))
        conn.execute(query)
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group),
                                                      sql.Identifier(name)))
        if not adjudicator:
            conn.execute(sql.SQL("REVOKE reader_adjudicator FROM {}").format(
                sql.Identifier(name)))
    return not exists


def remove_analyst(conn: Any, name: str) -> bool:
    """Revoke the login; False if there is no such role."""
    from psycopg import sql

    if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
        return False
    conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(name)))
    return True
