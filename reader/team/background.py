"""One sync as the app runs it (in a worker thread): connect, push, pull, and a short status
for the status line. Offline is normal: it is a status, never an error."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reader.store import Store
from reader.wording import plural


@dataclass
class SyncOutcome:
    """What one background sync did, for the status line and the claims on screen."""

    state: str
    """`ok`, `offline`, `conflicts` or `error`."""
    detail: str = ""
    changed_articles: set[str] = field(default_factory=set)
    at: str = ""
    """Local time of the attempt, HH:MM."""


def sync_in_background(store: Store, url: str) -> SyncOutcome:
    """Sync the app's own store (its writer) with the server at `url`."""
    from reader.team.connect import ServerError, connect, redact
    from reader.team.schema import SchemaError
    from reader.team.sync import sync

    at = datetime.now().strftime("%H:%M")
    try:
        conn = connect(url, timeout=5)
    except ServerError:
        return SyncOutcome("offline", at=at)
    try:
        report = sync(store, conn, url)
    except SchemaError as error:
        return SyncOutcome("error", str(error), at=at)
    except Exception as error:  # noqa: BLE001 - the server went away mid-sync: say so
        import psycopg

        if isinstance(error, psycopg.OperationalError):
            return SyncOutcome("offline", at=at)
        if isinstance(error, psycopg.Error):
            return SyncOutcome("error", redact(str(error).strip().splitlines()[0]), at=at)
        raise
    finally:
        conn.close()
    if report.conflicts:
        return SyncOutcome("conflicts", f"{plural(len(report.conflicts), 'conflict')}: see `reader "
                           "sync` or sync.json", report.changed_articles, at)
    return SyncOutcome("ok", report.lines()[0], report.changed_articles, at)
