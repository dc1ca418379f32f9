"""Words, sentences and grapheme clusters for the cursor, cheap on a 1 MB text.

Nothing is computed for the whole text up front: word look-ups scan only around the position,
and `Sentences` splits one line (sentences never cross a `\\n`) the first time it is needed,
then caches it.

Words are runs of word characters (letters, digits, `_`, combining marks), joined inside a word
by an apostrophe or hyphen ("Tae-yul", "don’t"). Punctuation and emoji are not words. In
scripts without spaces between words (Chinese, Japanese) each character is a word: finding
their words needs a dictionary segmenter, and moving by character is predictable.

Sentence rules (our own splitter; pysbd is far too slow for 1 MB): a sentence ends after
`. ! ? …` (plus closing quotes and brackets) followed by whitespace and then an upper-case
letter, a digit, or an opening quote/bracket; it also ends after `。！？`, and at every line
end. No split after common abbreviations ("Mr.", "Dr.", "Jan."), single capital initials
("J. R. R. Tolkien"), "e.g."/"i.e.", or a leading list number ("1. Introduction"). After a
dotted acronym ("U.S.", "U.K.") a split happens only when the next word is a typical sentence
starter ("The", "It", "But", ...): "the U.S. The next" splits, "the U.S. Army" does not.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

__all__ = [
    "ABBREVIATIONS",
    "SENTENCE_STARTERS",
    "Sentences",
    "first_word",
    "grapheme_start",
    "is_grapheme_start",
    "next_grapheme",
    "next_word",
    "prev_word",
    "split_line",
    "word_at",
    "word_span",
]

# --- grapheme clusters (simplified UAX #29) --------------------------------------------------

_ZWJ = "\u200d"


def _is_regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _extends(ch: str) -> bool:
    """True for characters that attach to the character before them."""
    if ch < "\u0300":
        return False
    if ch == _ZWJ or "\U0001f3fb" <= ch <= "\U0001f3ff" or "\U000e0020" <= ch <= "\U000e007f":
        return True  # ZWJ, skin-tone modifiers, emoji tag characters
    return unicodedata.category(ch) in ("Mn", "Me", "Mc")  # incl. variation selectors


def is_grapheme_start(text: str, pos: int) -> bool:
    """True when `pos` is a cluster boundary (0 and `len(text)` always are)."""
    if pos <= 0 or pos >= len(text):
        return True
    ch = text[pos]
    if _extends(ch) or text[pos - 1] == _ZWJ:
        return False
    if _is_regional(ch):
        run = 0
        i = pos - 1
        while i >= 0 and _is_regional(text[i]):
            run += 1
            i -= 1
        return run % 2 == 0  # an odd run before: `pos` is the second half of a flag
    return True


def grapheme_start(text: str, pos: int) -> int:
    """The start of the grapheme cluster containing `pos` (clamped to the text)."""
    pos = max(0, min(pos, len(text)))
    while not is_grapheme_start(text, pos):
        pos -= 1
    return pos


def next_grapheme(text: str, pos: int) -> int:
    """The start of the cluster after the one containing `pos` (`len(text)` at the end)."""
    pos = grapheme_start(text, pos)
    if pos >= len(text):
        return len(text)
    pos += 1
    while not is_grapheme_start(text, pos):
        pos += 1
    return pos


# --- words -----------------------------------------------------------------------------------

_CONNECTORS = "'\u2019\\-\u2010\u2011"  # ' ’ - ‐ ‑ (the hyphen escaped for a character class)

_UNSPACED = (
    "\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f"
)
"""Scripts written without spaces between words (Han, Hiragana, Katakana): each character is
a word of its own for the cursor, so word motions move by character there."""


@functools.cache
def _word_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a word, a character that cannot be part of a word or its connectors); built once."""
    marks: list[int] = [
        code
        for code in range(0x300, 0x20000)
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me")
    ]
    marks.extend(range(0xE0100, 0xE01F0))  # variation selectors supplement
    ranges: list[str] = []
    start = prev = marks[0]
    for code in [*marks[1:], -1]:
        if code == prev + 1:
            prev = code
            continue
        ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        start = prev = code
    extend = "".join(ranges) + "\u200c\u200d"
    body = rf"(?:[^\W{_UNSPACED}]|[{extend}])"
    word = re.compile(
        rf"[{_UNSPACED}][{extend}]*|[^\W{_UNSPACED}]{body}*(?:[{_CONNECTORS}]{body}+)*"
    )
    outside = re.compile(rf"[^\w{extend}{_CONNECTORS}]")
    return word, outside


def _run_bounds(text: str, pos: int) -> tuple[int, int]:
    """The run of word characters and connectors around `pos` (scans only that run)."""
    _, outside = _word_patterns()
    found = outside.search(text, pos)
    end = found.start() if found is not None else len(text)
    start = 0
    hi = pos
    while hi > 0:
        lo = max(0, hi - 64)
        last = None
        for last in outside.finditer(text, lo, hi):  # noqa: B007 - we want the last one
            pass
        if last is not None:
            start = last.end()
            break
        hi = lo
    return start, end


def word_span(text: str, pos: int) -> tuple[int, int] | None:
    """(start, end) of the word containing `pos`, or None when `pos` is not in a word.

    Both ends are grapheme-cluster boundaries (a word after a stray ZWJ starts at the ZWJ).
    """
    if not 0 <= pos < len(text):
        return None
    word, _ = _word_patterns()
    start, end = _run_bounds(text, pos)
    for found in word.finditer(text, start, end):
        word_start, word_end = grapheme_start(text, found.start()), found.end()
        while not is_grapheme_start(text, word_end):  # e.g. a skin-tone modifier after "a"
            word_end += 1
        if word_start <= pos < word_end:
            return word_start, word_end
        if word_start > pos:
            break
    return None


word_at = word_span
"""Alias used by ARCHITECTURE.md."""


def next_word(text: str, pos: int) -> int:
    """The start of the first word after `pos`, or `pos` when there is none."""
    word, _ = _word_patterns()
    here = word_span(text, pos)
    search_from = here[1] if here is not None else pos + 1
    while search_from <= len(text):
        found = word.search(text, search_from)
        if found is None:
            return pos
        if is_grapheme_start(text, found.start()):
            return found.start()
        search_from = found.end()
    return pos


def prev_word(text: str, pos: int) -> int:
    """The start of the word before `pos` (its own word's start if `pos` is inside one).

    Returns `pos` when there is no word before it.
    """
    pos = max(0, min(pos, len(text)))
    here = word_span(text, pos)
    if here is not None and here[0] < pos:
        return here[0]
    word, _ = _word_patterns()
    hi = pos
    window = 256
    while hi > 0:
        lo = max(0, hi - window)
        last = None
        for last in word.finditer(text, lo, hi):  # noqa: B007 - we want the last one
            pass
        if last is not None:
            span = word_span(text, last.start())  # the window may have cut the word
            start = span[0] if span is not None else grapheme_start(text, last.start())
            if start < pos:
                return start
        hi = lo
        window *= 2
    return pos


def first_word(text: str, start: int = 0) -> int:
    """The start of the first word at or after `start`, or `start` when there is none."""
    start = max(0, min(start, len(text)))
    here = word_span(text, start)
    if here is not None and here[0] == start:
        return start
    return next_word(text, start)


# --- sentences ---------------------------------------------------------------------------------

_TERMINATOR = re.compile(
    r"(?:[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=[ \t\u00a0]+(\S))"  # . ! ? … then space
    r"|[\u3002\uff01\uff1f]+[\u300d\u300f\u201d]*)"  # 。！？ (CJK: no space needed)
)
_OPENERS = "\"'\u201c\u2018\u00ab([\u00bf\u00a1"  # " ' “ ‘ « ( [ ¿ ¡
_LEADING_PUNCT = "\"'\u201c\u2018\u00ab(["

_ABBREVIATION_WORDS = """
    Mr Mrs Ms Mx Dr Prof St Jr Sr vs etc Inc Ltd Co Corp Gen Gov Sen Rep Rev Hon Lt Col
    Capt Sgt Cmdr Adm Maj Mt Ft Fig Figs Vol No Nos Art approx est dept cf al ca Jan Feb Mar
    Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thurs Fri Sat Sun"""
ABBREVIATIONS: frozenset[str] = frozenset(_ABBREVIATION_WORDS.split())
"""Words that, followed by ".", do not end a sentence (case-sensitive)."""

_NO_SPLIT_DOTTED = frozenset({"e.g", "i.e", "E.g", "I.e", "viz", "a.k.a"})

_STARTER_WORDS = """
    The A An In It He She They We I You This That These Those But And Its His Her Their
    Our There Then However Meanwhile On At As If When While After Before Since Although
    According Yet So Still Also For Some Many Most"""
SENTENCE_STARTERS: frozenset[str] = frozenset(_STARTER_WORDS.split())
"""After a dotted acronym ("U.S."), a new sentence starts only with one of these words."""

_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_NEXT_WORD = re.compile(r"\w+")


def _splits_after(line: str, dot: int, next_pos: int) -> bool:
    """Whether the "." at `dot` (the only terminator character) ends a sentence."""
    token_start = max(line.rfind(" ", 0, dot), line.rfind("\t", 0, dot), line.rfind("\xa0", 0, dot))
    token_start += 1
    while token_start < dot and line[token_start] in _LEADING_PUNCT:
        token_start += 1
    token = line[token_start:dot]
    if not token:
        return True
    if token in ABBREVIATIONS or token in _NO_SPLIT_DOTTED:
        return False
    if len(token) == 1 and token.isupper():
        return False  # an initial: "J. R. R. Tolkien"
    if token.isdigit() and len(token) <= 3 and not line[:token_start].strip():
        return False  # a list number at the start of the line: "1. Introduction"
    if _DOTTED_ACRONYM.fullmatch(token):
        following = _NEXT_WORD.match(line, next_pos)
        return following is not None and following.group() in SENTENCE_STARTERS
    return True


def split_line(line: str) -> list[tuple[int, int]]:
    """Sentence spans (offsets into `line`, which has no `\\n`), without outer whitespace."""
    cuts: list[int] = []
    for found in _TERMINATOR.finditer(line):
        if found.group(1) is None:  # CJK terminator
            cuts.append(found.end())
            continue
        next_char = found.group(1)
        if not (next_char[0].isupper() or next_char[0].isdigit() or next_char[0] in _OPENERS):
            continue
        marks = found.group(0).rstrip("\"'\u201d\u2019\u00bb)]")
        if marks == "." and not _splits_after(line, found.start(), found.start(1)):
            continue
        cuts.append(found.end())
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in [*cuts, len(line)]:
        piece = line[start:cut]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
        start = cut
    return spans


HARD_WRAP_MAX_AVERAGE = 100
"""Average line length (characters) under which text with blank lines counts as hard-wrapped."""


def hard_wrapped(text: str, sample_chars: int = 200_000) -> bool:
    """Text whose paragraphs are separated by blank lines and whose lines are short: a
    Gutenberg book, an e-mail, a hard-wrapped news wire."""
    sample = text[:sample_chars]
    if "\n\n" not in sample:
        return False
    lines = [line for line in sample.split("\n") if line.strip()]
    if len(lines) < 3:
        return False
    return sum(map(len, lines)) / len(lines) < HARD_WRAP_MAX_AVERAGE


@functools.lru_cache(maxsize=64)
def paragraph_starts(text: str) -> tuple[int, ...]:
    """Where each paragraph of `text` starts, as the reader shows them: blocks separated by a
    blank line in hard-wrapped text, else by a line break; blank lines are not paragraphs.
    Cached: the corpus view numbers many places in the same few texts."""
    separator = "\n\n" if hard_wrapped(text) else "\n"
    starts: list[int] = []
    position = 0
    for block in text.split(separator):
        stripped = block.lstrip()
        if stripped:
            starts.append(position + len(block) - len(stripped))
        position += len(block) + len(separator)
    return tuple(starts)


def paragraph_number(text: str, pos: int) -> int:
    """The 1-based number of the paragraph `pos` is in (blank lines never count)."""
    return max(1, bisect.bisect_right(paragraph_starts(text), pos))


class Sentences:
    """Sentence spans of one text, computed one line at a time and cached."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: dict[int, list[tuple[int, int]]] = {}
        self.separator = "\n\n" if hard_wrapped(text) else "\n"
        """What ends a paragraph: a blank line in hard-wrapped text (its single line breaks
        are only wrapping, so sentences run across them), else any line break."""

    def _line_start(self, pos: int) -> int:
        found = self.text.rfind(self.separator, 0, max(0, pos))
        return 0 if found < 0 else found + len(self.separator)

    def _line_end(self, line_start: int) -> int:
        end = self.text.find(self.separator, line_start)
        return len(self.text) if end < 0 else end

    def _spans(self, line_start: int) -> list[tuple[int, int]]:
        """The sentences of the line starting at `line_start`, as offsets into the text."""
        cached = self._lines.get(line_start)
        if cached is None:
            end = self._line_end(line_start)
            line = self.text[line_start:end].replace("\n", " ")
            cached = [(line_start + s, line_start + e) for s, e in split_line(line)]
            self._lines[line_start] = cached
        return cached

    def _first_after(self, pos: int) -> tuple[int, int] | None:
        """The first sentence that starts at or after `pos`."""
        line = self._line_start(pos)
        while line <= len(self.text):
            spans = self._spans(line)
            index = bisect.bisect_left(spans, (pos, -1))
            if index < len(spans):
                return spans[index]
            end = self._line_end(line)
            if end >= len(self.text):
                return None
            line = end + len(self.separator)
        return None

    def _last_before(self, pos: int) -> tuple[int, int] | None:
        """The last sentence that starts before `pos`."""
        line = self._line_start(pos)
        while True:
            spans = self._spans(line)
            index = bisect.bisect_left(spans, (pos, -1))
            if index > 0:
                return spans[index - 1]
            if line == 0:
                return None
            line = self._line_start(line - 1)

    def span_at(self, pos: int) -> tuple[int, int]:
        """The sentence containing `pos`, else the next one, else the previous one.

        `(pos, pos)` when the text has no sentence at all.
        """
        pos = max(0, min(pos, len(self.text)))
        before = self._last_before(pos + 1)
        if before is not None and before[0] <= pos < before[1]:
            return before
        after = self._first_after(pos)
        if after is not None:
            return after
        if before is not None:
            return before
        return (pos, pos)

    def next_start(self, pos: int) -> int | None:
        """The start of the first sentence starting after `pos`, or None."""
        found = self._first_after(pos + 1)
        return found[0] if found is not None else None

    def prev_start(self, pos: int) -> int | None:
        """The start of the sentence before `pos` (its own start if `pos` is inside one)."""
        found = self._last_before(pos)
        return found[0] if found is not None else None

    def spans_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """Every sentence overlapping `[start, end)`, in order."""
        result: list[tuple[int, int]] = []
        first = self._last_before(start + 1)
        if first is not None and first[1] > start:
            result.append(first)
        found = self._first_after(start + 1)  # a sentence starting at `start` is `first`
        while found is not None and found[0] < end:
            if not result or found != result[-1]:
                result.append(found)
            found = self._first_after(found[0] + 1)
        return result
