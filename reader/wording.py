"""Counts and quotes in messages, in one place: "1 claim" / "2 claims", and long text cut at a
word boundary with "…" (never mid-word, never without saying it was cut)."""

from __future__ import annotations

ELLIPSIS = "…"

_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`count` and the noun in the right number: plural(1, "claim") == "1 claim",
    plural(2, "entity") == "2 entities", plural(3, "claim change") == "3 claim changes";
    `many` gives an irregular plural."""
    return f"{count} {noun if count == 1 else (many or plural_form(noun))}"


def plural_form(noun: str) -> str:
    """The English plural of a noun (its last word, for "claim record" and the like)."""
    head, _, last = noun.rpartition(" ")
    lower = last.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        last = last[:-1] + "ies"
    elif lower.endswith(_SIBILANT_ENDINGS):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def shorten(text: str, width: int) -> str:
    """`text` on one line (whitespace runs as one space), at most `width` characters: when it
    is longer, cut at the last word boundary that fits and end with "…". A text with no
    boundary in the second half of the room (Chinese, a long URL) is cut at the width."""
    line = " ".join(text.split())
    if len(line) <= width:
        return line
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1  # the ellipsis takes one
    cut = line[:room]
    if line[room] != " ":  # the cut falls inside a word: go back to its start
        space = cut.rfind(" ")
        if space >= room // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:") + ELLIPSIS
