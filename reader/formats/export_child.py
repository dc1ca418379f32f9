"""The child process of the app's ctrl+e export (`python -m reader.formats.export_child`):
one JSON request on standard input, one JSON line back (see `export_worker`). Apart from the
client so the UI process, which imports the client, never imports the exporters (spaCy's)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _export(request: Mapping[str, Any]) -> dict[str, Any]:
    import msgspec

    from reader.blind import Blind, BlindStore
    from reader.formats import export_article
    from reader.formats.unsaved import UnsavedOverlay
    from reader.records import Claim
    from reader.store.store import Store

    try:
        store = Store(Path(str(request["root"])), readonly=True)
    except Exception as error:  # noqa: BLE001 - any failure is one line for the user
        return {"error": f"cannot open the store: {error}"}
    try:
        unsaved = msgspec.convert(request.get("unsaved") or {}, dict[str, list[Claim]])
        notes: list[str] = []
        article = request.get("article")
        seen: Any = UnsavedOverlay(store, unsaved)
        blind = request.get("blind")
        if isinstance(blind, dict) and blind.get("on"):
            seen = BlindStore(seen, Blind(str(blind.get("me", "")), True))
        path = export_article(
            seen, None if article is None else str(article),
            str(request["format"]), Path(str(request["folder"])),
            include_unverified=bool(request.get("include_unverified")), notes=notes,
        )
    except KeyError as error:
        return {"error": f"no article {error} in the store"}
    except Exception as error:  # noqa: BLE001 - any failure is one line for the user
        return {"error": str(error) or type(error).__name__}
    finally:
        store.close()
    return {"path": str(path), "notes": notes}


def main() -> int:
    """Read the request, export, answer in one JSON line."""
    try:
        request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    except ValueError as error:
        answer: dict[str, Any] = {"error": f"bad export request: {error}"}
    else:
        answer = _export(request) if isinstance(request, dict) else {"error": "bad request"}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
