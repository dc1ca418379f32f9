"""Connecting to the team server: the URL plus libpq's own environment (PGHOST, PGPASSWORD,
~/.pgpass, sslmode). A password is never written anywhere: messages show the URL without it."""

from __future__ import annotations

import re
from typing import Any


class ServerError(Exception):
    """The server cannot be reached or used; the message is one line for the user."""


def redact(url: str) -> str:
    """The URL with any password replaced by `***` (for messages)."""
    url = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)
    return re.sub(r"(?i)(password\s*=\s*)('[^']*'|\S+)", r"\1***", url)


def has_password(url: str) -> bool:
    """Whether the URL carries a password itself."""
    return redact(url) != url


def connect(url: str, *, timeout: float = 10.0) -> Any:
    """A psycopg connection (autocommit; transactions are explicit). ServerError if offline."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout)),
                               prepare_threshold=None)
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ServerError(f"cannot reach the server {redact(url)}: {redact(reason)}") from error


def identity(conn: Any) -> tuple[str, bool]:
    """(role name, whether it may write the gold layer)."""
    row = conn.execute(
        "SELECT current_user, pg_has_role(current_user, 'reader_adjudicator', 'MEMBER')"
    ).fetchone()
    return str(row[0]), bool(row[1])
