"""Making the suggestion record (`reader.records.Suggestion`): span, label, speaker, reasons,
score and the rule that decided its label, with the stored claim it resembles when there is
one."""

from __future__ import annotations

from reader.nlp.known_claims import KnownClaim
from reader.records import Suggestion

MODEL_RULE = "model"
"""The `rule` of a sentence suggested by the check-worthiness model with no rule firing."""
KNOWN_RULE = "known_claim"
"""The `rule` of a sentence suggested because it resembles one of the analyst's claims."""


def clip(text: str, limit: int = 70) -> str:
    """`text` cut to `limit` characters with "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def known_reason(claim: KnownClaim) -> str:
    """ "resembles your claim in “Title” (verdict: false): “…”" """
    where = f" in \u201c{clip(claim.title, 50)}\u201d" if claim.title else ""
    verdict = claim.verdict if claim.verdict not in ("", "unverified") else ""
    judged = f" (verdict: {verdict})" if verdict else ""
    return f"resembles your claim{where}{judged}: \u201c{clip(claim.quote, 120)}\u201d"


def suggestion(text: str, start: int, end: int, label: str, speaker: str,
               reasons: list[str], score: float, rule: str,
               prior: KnownClaim | None = None) -> Suggestion:
    """A suggestion of `text[start:end]`, its reasons once each; `like` (the stored claim it
    resembles, described for a note) only when there is one."""
    return Suggestion(start=start, end=end, text=text[start:end], label=label, speaker=speaker,
                      reason="; ".join(dict.fromkeys(reasons)), score=score, rule=rule,
                      like=prior.describe() if prior is not None else None)
