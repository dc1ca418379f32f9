"""A real PostgreSQL for the team tests (pgserver ships PostgreSQL 16), one database per test."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg


def role_url(admin_url: str, role: str, database: str) -> str:
    """The admin URL with another user and database."""
    parts = urlsplit(admin_url)
    netloc = parts.netloc.split("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}@{netloc}", f"/{database}", parts.query, ""))


class Team:
    """A fresh database on the test server, and helpers to run `reader` against it."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.database = "t_" + uuid.uuid4().hex[:10]
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        self.url = role_url(admin_url, "postgres", self.database)

    def as_role(self, role: str) -> str:
        return role_url(self.admin_url, role, self.database)

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)


def reader(*args: str, cwd: Path, stdin: str | None = None,
           timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=timeout)
