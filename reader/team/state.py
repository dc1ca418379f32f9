"""What the client remembers of a server, in the store folder (`sync.json`, written atomically
like the store's own files): which server and role, the pull watermark, a fingerprint of each
record it pushed or pulled, and the conflicts the analyst has not looked at."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.store.storage import AtomicJSONStorage

STATE_NAME = "sync.json"


def record_key(kind: str, annotator: str, record_id: str) -> str:
    """The key of a record on the server, as one string."""
    return json.dumps([kind, annotator, record_id], ensure_ascii=False)


@dataclass
class SyncState:
    """The client's side of one server."""

    server: str = ""
    role: str = ""
    watermark: str = ""
    """xid8 (as text) below which every server row has been pulled."""
    known: dict[str, str] = field(default_factory=dict)
    """record key -> fingerprint of the version both sides last agreed on."""
    articles: list[str] = field(default_factory=list)
    """Articles the server has (pushed or pulled)."""
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    last_sync: str = ""

    @classmethod
    def load(cls, root: Path) -> SyncState:
        """The saved state ('' fields when there is none)."""
        tables = AtomicJSONStorage(root / STATE_NAME, readonly=True).read() or {}
        doc: Any = next(iter(tables.get("state", {}).values()), {})
        state = cls()
        if isinstance(doc, dict):
            for name in ("server", "role", "watermark", "last_sync"):
                if isinstance(doc.get(name), str):
                    setattr(state, name, doc[name])
            if isinstance(doc.get("known"), dict):
                state.known = {str(k): str(v) for k, v in doc["known"].items()}
            if isinstance(doc.get("articles"), list):
                state.articles = [str(a) for a in doc["articles"]]
            if isinstance(doc.get("conflicts"), list):
                state.conflicts = [c for c in doc["conflicts"] if isinstance(c, dict)]
        return state

    def save(self, root: Path) -> None:
        """Write atomically (fsynced): only after what it records is durable in the store."""
        doc = {"server": self.server, "role": self.role, "watermark": self.watermark,
               "known": self.known, "articles": sorted(set(self.articles)),
               "conflicts": self.conflicts, "last_sync": self.last_sync}
        AtomicJSONStorage(root / STATE_NAME, backup=False).write({"state": {"1": doc}})

    def reset_for(self, server: str, role: str) -> None:
        """Start over when the store is synced with another server or as another role."""
        if (self.server, self.role) != (server, role):
            self.server, self.role = server, role
            self.watermark, self.known, self.articles = "", {}, []


def synced_identity(root: Path) -> str:
    """The role a store was synced as ('' if never): the analyst's identity in the app, so new
    claims carry the name the server knows them by."""
    try:
        return SyncState.load(root).role
    except Exception:  # noqa: BLE001 - an unreadable sync.json must not stop the app opening
        return ""
