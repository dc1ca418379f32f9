"""The analyst's own stored claims, to flag a sentence that says one of them again.

Fact-checkers meet the same claim many times: a sentence that nearly repeats a claim already
marked (in this article or another) is suggested with that claim's verdict and article as its
reason. Matching is fuzzy (rapidfuzz) and blind to meaning: "has not sent" resembles "has
sent", so the reason says "resembles", and the analyst judges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reader.records import Claim

__all__ = ["KNOWN_FIELDS", "KNOWN_LIMIT", "KnownClaim", "KnownClaims", "known_record",
           "most_recent"]

KNOWN_FIELDS = ("id", "quote", "label", "verdict", "title", "article_id", "start", "end")
"""What the UI sends of each stored claim (a claim record has all of these but `title`)."""
KNOWN_LIMIT = 5000
"""How many of the analyst's claims (the most recently changed) a text is compared with."""
MIN_WORDS = 4
"""A shorter quote ("the wall", "10,000") would match too much."""
SHARED_WORDS = 0.6
"""A stored claim is compared closely only when this share of the shorter text's distinct
words is in both (an inverted index finds those; comparing every claim is too slow)."""
SAME_ORDER_FLOOR = 88
"""token_sort_ratio from which two texts of similar length say the same."""
INSIDE_FLOOR = 90
"""partial_ratio from which the shorter text is nearly word for word inside the longer..."""
INSIDE_SHARE = 0.5
"""...and is at least this share of the longer one's length,"""
VERBATIM_WORDS = 6
VERBATIM_FLOOR = 95
"""...or has this many words and is word for word inside (partial_ratio at least this): a
marked clause found again inside a longer sentence."""
RUN_WORDS = 8
"""Two texts that share this many words in a row say the same thing with other words around
it ("Seoul said that North Korea has sent around 10,000 troops..." and "Intelligence estimates
that North Korea has sent around 10,000 troops...")..."""
NUMBER_RUN_WORDS = 6
"""...or this many with a number among them ("unemployment fell to 3 percent in 2023")."""


def known_record(claim: Claim, title: str) -> dict[str, Any]:
    """What the suggester needs of a stored claim (`KNOWN_FIELDS`, the article's `title`
    given), plus `updated` to pick the most recent by: a JSON object, what the worker's pipe
    carries."""
    record = {name: getattr(claim, name) for name in KNOWN_FIELDS if name != "title"}
    return {**record, "title": title, "updated": claim.updated}


def most_recent(records: Iterable[dict[str, Any]],
                limit: int = KNOWN_LIMIT) -> list[dict[str, Any]]:
    """The `limit` most recently updated of `known_record`s, without their `updated`."""
    ordered = sorted(records, key=lambda r: str(r.get("updated") or ""), reverse=True)
    return [{k: v for k, v in r.items() if k != "updated"} for r in ordered[:limit]]


@dataclass(frozen=True)
class KnownClaim:
    """One stored claim as the suggester sees it."""

    quote: str
    label: str = ""
    verdict: str = ""
    title: str = ""
    article_id: str = ""
    start: int = -1
    end: int = -1
    claim_id: str = ""

    def describe(self) -> str:
        """ "claim <id> in “Title” (verdict: false): “quote”", for a note."""
        where = f" in \u201c{self.title}\u201d" if self.title else ""
        verdict = self.verdict if self.verdict not in ("", "unverified") else ""
        judged = f" (verdict: {verdict})" if verdict else ""
        named = f" {self.claim_id}" if self.claim_id else ""
        return f"claim{named}{where}{judged}: \u201c{self.quote}\u201d"

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> KnownClaim | None:
        """The claim in `record` (a stored claim plus `title`), or None if it has no quote."""
        quote = record.get("quote")
        if not isinstance(quote, str) or len(quote.split()) < MIN_WORDS:
            return None

        def text(name: str) -> str:
            value = record.get(name)
            return value if isinstance(value, str) else ""

        def number(name: str) -> int:
            value = record.get(name)
            return value if isinstance(value, int) and not isinstance(value, bool) else -1

        return cls(" ".join(quote.split()), text("label"), text("verdict"), text("title"),
                   text("article_id"), number("start"), number("end"), text("id"))


class KnownClaims:
    """Stored claims searchable by a sentence's text."""

    def __init__(self, records: Iterable[Mapping[str, Any] | KnownClaim]) -> None:
        self.claims: list[KnownClaim] = []
        for record in records:
            claim = record if isinstance(record, KnownClaim) else KnownClaim.from_record(record)
            if claim is not None:
                self.claims.append(claim)
        from rapidfuzz import utils

        self._processed = [utils.default_process(c.quote) for c in self.claims]
        self._words = [frozenset(p.split()) for p in self._processed]
        self._index: dict[str, list[int]] = {}
        for number, words in enumerate(self._words):
            for word in words:
                self._index.setdefault(word, []).append(number)

    def __len__(self) -> int:
        return len(self.claims)

    def find(self, text: str, article_id: str = "", start: int = -1,
             end: int = -1) -> KnownClaim | None:
        """The stored claim `text` says again, or None. A claim of `article_id` that overlaps
        `[start, end)` is the sentence's own claim, not a repeat of it."""
        if not self.claims or len(text.split()) < MIN_WORDS:
            return None
        from rapidfuzz import fuzz, utils

        probe = utils.default_process(text)
        words = frozenset(probe.split())
        shared: dict[int, int] = {}
        for word in words:
            for number in self._index.get(word, ()):
                shared[number] = shared.get(number, 0) + 1
        best: tuple[tuple[bool, float], KnownClaim] | None = None
        for number, count in shared.items():
            if count < SHARED_WORDS * min(len(words), len(self._words[number])):
                continue
            claim = self.claims[number]
            own = (claim.article_id == article_id and article_id
                   and claim.start < end and claim.end > start)
            if own or not _says_again(probe, self._processed[number]):
                continue
            # a claim already judged says more than one still unverified, however close
            judged = claim.verdict not in ("", "unverified")
            score = (judged, fuzz.WRatio(probe, self._processed[number]))
            if best is None or score > best[0]:
                best = (score, claim)
        return best[1] if best else None


def _says_again(one: str, other: str) -> bool:
    """Two (processed) texts say the same, or the shorter is nearly inside the longer."""
    from rapidfuzz import fuzz

    if fuzz.token_sort_ratio(one, other) >= SAME_ORDER_FLOOR:
        return True
    run = _longest_run(one.split(), other.split())
    if len(run) >= RUN_WORDS or (len(run) >= NUMBER_RUN_WORDS
                                 and any(w[:1].isdigit() for w in run)):
        return True
    shorter, longer = sorted((one, other), key=len)
    if len(shorter) >= INSIDE_SHARE * len(longer):
        return fuzz.partial_ratio(shorter, longer) >= INSIDE_FLOOR
    return (len(shorter.split()) >= VERBATIM_WORDS
            and fuzz.partial_ratio(shorter, longer) >= VERBATIM_FLOOR)


def _longest_run(one: list[str], other: list[str]) -> list[str]:
    """The longest run of words the two word lists share, in a row."""
    from difflib import SequenceMatcher

    match = SequenceMatcher(None, one, other, autojunk=False).find_longest_match()
    return one[match.a : match.a + match.size]
