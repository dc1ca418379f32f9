"""The app's ctrl+e export, run in a child process (`python -m reader.formats.export_child`).

The Prodigy and spaCy formats tokenise with spaCy, which the UI process never imports; every
format goes the same way so there is one path to trust. The app sends one JSON request on
standard input (the store, the folder, the article or None for all, the format, the
ClaimReview choice, blind coding, and the claims of articles with unsaved changes) and reads
one JSON line back: `{"path", "notes"}` or `{"error"}`. The child opens the store read-only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.blind import Blind
    from reader.records import Claim

__all__ = ["ExportOutcome", "ExportRequest", "export_folder", "export_in_child"]


@dataclass(frozen=True)
class ExportRequest:
    """What the export dialog asked for."""

    fmt: str
    article_id: str | None
    """None: every article."""
    include_unverified: bool = False


@dataclass
class ExportOutcome:
    """The path written and what the export left out or wrote incomplete; or the error."""

    path: str = ""
    notes: list[str] = field(default_factory=list)
    error: str = ""


def export_in_child(
    root: Path,
    folder: Path,
    request: ExportRequest,
    unsaved: Mapping[str, list[Claim]],
    blind: Blind | None = None,
) -> ExportOutcome:
    """Run the export in a fresh interpreter and wait for it (call from a worker thread).
    With `blind` coding on, the claims it hides from me are left out."""
    from reader.nlp.spawn import worker_env

    payload = json.dumps({
        "blind": {"me": blind.me, "on": blind.on} if blind is not None else None,
        "root": str(root),
        "folder": str(folder),
        "article": request.article_id,
        "format": request.fmt,
        "include_unverified": request.include_unverified,
        "unsaved": {key: [claim.to_record() for claim in claims]  # JSON to the child
                    for key, claims in unsaved.items()},
    }, ensure_ascii=False)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reader.formats.export_child"],
            input=payload.encode("utf-8"), capture_output=True, env=worker_env(), check=False,
        )
    except OSError as error:
        return ExportOutcome(error=f"the export process could not start: {error}")
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = tail[-1] if tail else f"exit status {done.returncode}"
        return ExportOutcome(error=f"the export process failed: {why}")
    if answer.get("error"):
        return ExportOutcome(error=str(answer["error"]))
    notes = answer.get("notes")
    return ExportOutcome(path=str(answer.get("path", "")),
                         notes=[str(n) for n in notes] if isinstance(notes, list) else [])




def export_folder(store: Any) -> Path:
    """Where ctrl+e writes: the store's `exports/`, or, for a store opened read-only (which
    gets no write at all), `exports/` in the user's data folder."""
    if not getattr(store, "readonly", False):
        return Path(store.root) / "exports"
    import platformdirs

    from reader.paths import APP_NAME

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "exports"
