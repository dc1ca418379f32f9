"""The JSON-lines protocol between `NerService` and `python -m reader.nlp.worker`.

Requests (one JSON object per line on the worker's stdin):
- `{"op": "ner", "job": ID, "chunks": [[offset, text], [offset, text, key], ...]}`
- `{"op": "cancel", "job": ID}` — stop between chunks
- `{"op": "suggest", "job": ID, "text": TEXT, "known": [CLAIM, ...], "article_id": ID}` —
  `known` (optional): the analyst's stored claims (`reader.nlp.known_claims.KNOWN_FIELDS`)
- `{"op": "ping", "job": ID}`
- `{"op": "load", "model": NAME}` — only as the first line, to a worker started without
  `--model` (it imported spaCy while the launch found the article's language)

Replies (one per line on its stdout):
- `{"ready": true, "model": NAME, "version": V}` once loaded, or `{"error": MSG}` (then it exits)
- `{"job": ID, "chunk": I, "offset": O, "length": N, "ents": [[start, end, label], ...]}`
  (`[start, end, label, model_label]` where the pipeline's own label was normalised)
  (absolute offsets; `"key": K` echoed when the chunk had one), then `{"job": ID, "done": true}`
  (`"cancelled": true` added when stopped early)
- `{"job": ID, "progress": [DONE, TOTAL]}` (characters parsed, at most every
  `PROGRESS_SECONDS`) before `{"job": ID, "suggestions": [...]}`; `{"job": ID, "pong": true}`
- `{"job": ID, "error": MSG}` for any failure; the worker keeps serving
"""

from __future__ import annotations

from typing import Any

OP_NER = "ner"
OP_CANCEL = "cancel"
OP_SUGGEST = "suggest"
OP_PING = "ping"
OP_LOAD = "load"
"""`{"op": "load", "model": NAME}`: the first line to a worker started without `--model`."""
PROGRESS_SECONDS = 0.25
"""How often (at most) a worker reports the progress of a suggestion request."""

BATCH_CHARS = 20_000
"""Characters the worker parses in one `nlp.pipe` batch. spaCy's scratch memory grows with it:
measured with en_core_web_sm on a 1 MB text, 20k keeps a worker near 190 MB PSS (64k: 260 MB)
at the same speed, and the first entities arrive sooner."""

Chunk = tuple[int, str, str | None]
"""`(offset, text, key)` of one chunk of a request."""


def parse_chunks(value: Any) -> list[Chunk]:
    """Validate a request's `chunks`; raises ValueError with a short reason."""
    if not isinstance(value, list):
        raise ValueError("chunks must be a list")
    chunks: list[Chunk] = []
    for item in value:
        if not isinstance(item, list) or len(item) not in (2, 3):
            raise ValueError("each chunk is [offset, text] or [offset, text, key]")
        offset, text = item[0], item[1]
        key = item[2] if len(item) == 3 else None
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise ValueError("chunk offset must be a non-negative integer")
        if not isinstance(text, str):
            raise ValueError("chunk text must be a string")
        if key is not None and not isinstance(key, str):
            raise ValueError("chunk key must be a string")
        chunks.append((offset, text, key))
    return chunks


def ner_request(job: int, chunks: list[Chunk]) -> dict[str, Any]:
    """The `ner` request for these chunks (keys only where given)."""
    return {
        "op": OP_NER,
        "job": job,
        "chunks": [
            [offset, text] if key is None else [offset, text, key] for offset, text, key in chunks
        ],
    }
