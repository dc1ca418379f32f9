"""What curation made of each annotator's claim, as one line for the Claims tab.

Its own small module: the main screen shows these lines whenever an article opens, and must not
load the curation engine (matching, items) to do it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reader.wording import plural

AUTOMATIC = ("agreed", "threshold")
"""Decisions the merge makes on its own."""

WORDS = {
    "agreed": "merged (all agreed)",
    "threshold": "merged by the threshold rule",
    "take": "taken",
    "both": "taken (every version)",
    "merge": "spans merged",
    "edit": "taken, edited",
    "reject": "rejected",
}
"""How each decision reads for a claim whose version went into the gold layer."""


def adjudications(decisions: Iterable[dict[str, Any]]) -> dict[str, str]:
    """What the adjudication says to each annotator, by the id of their claim: "gold: taken
    by ed; note: …" (the note is untrusted text: shown as plain text only)."""
    lines: dict[str, str] = {}
    for decision in decisions:
        action = str(decision.get("action", ""))
        chosen = set(decision.get("chosen") or [])
        who = str(decision.get("adjudicator", ""))
        note = str(decision.get("note", "")).strip()
        for claim_id in decision.get("claims") or []:
            if action == "reject":
                words = WORDS["reject"]
            elif claim_id in chosen or action in ("agreed", "both"):
                words = WORDS.get(action, action)
            else:
                words = "another version taken" + (" (merged)" if action == "merge" else "")
            line = f"gold: {words}" + (f" by {who}" if action not in AUTOMATIC and who else "")
            if note:
                line += f"; note: {note}"
            lines[str(claim_id)] = line
        for gold_id in decision.get("gold") or []:  # the gold claim says where it came from
            line = (f"gold claim: {WORDS.get(action, action)}"
                    + (f" by {who}" if action not in AUTOMATIC and who else "")
                    + f", from {plural(len(decision.get('claims') or []), 'claim')}")
            if note:
                line += f"; note: {note}"
            lines[str(gold_id)] = line
    return lines
