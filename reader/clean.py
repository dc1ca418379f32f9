"""The one boundary where records enter: types checked, every string cleaned.

Records come in through imports (peer files, store dumps), store files (index, article files)
and the entity cache. Each enters through these functions, so nothing downstream (the app, the
exports) meets a raw control character or a field of the wrong type:

- `clean_tree` cleans every string of a JSON value (keys too) with the sanitiser, one
  character for one, so offsets never move; `needs_cleaning` tells, from a file's raw JSON text,
  whether there is anything to clean (the common case costs one scan, no walk).
- `clean_claim` and `clean_correction` clean a record's fields: every string with `sanitize`,
  names (a claim's label, verdict and annotator; a correction's fields but its surface text)
  made one line with `clean_line`.
- `correction_problems` and `index_problems` say what makes a record unusable; the store skips
  (and reports) such records and `reader db check` reports the same ones, so the two agree.
  Claims are judged by `reader.claims.validate_claim`.

No Textual, no TinyDB here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reader.text.sanitize import clean_line, has_controls, sanitize

__all__ = [
    "INDEX_OPTIONAL",
    "clean_claim",
    "DECISION_ACTIONS",
    "clean_correction",
    "clean_decision",
    "clean_tables",
    "clean_tree",
    "correction_problems",
    "decision_problems",
    "index_field_problem",
    "index_problems",
    "needs_cleaning",
]

_ESCAPE_UNSAFE = re.compile(
    rb"\\(?:[bfr]|u(?:00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|202[89a-eA-E]|206[6-9]"
    rb"|[dD][89a-fA-F][0-9a-fA-F]{2}))"
)
"""A JSON escape that decodes to a character `sanitize` replaces (the backslash may itself be
escaped: checked apart)."""
_UTF8_UNSAFE: tuple[re.Pattern[bytes], ...] = tuple(re.compile(pattern) for pattern in (
    b"\x7f",  # DEL
    b"\xc2[\x80-\x9f]",  # C1 controls
    b"\xe2\x80[\xa8-\xae]",  # U+2028, U+2029, U+202A-U+202E
    b"\xe2\x81[\xa6-\xa9]",  # U+2066-U+2069
    b"\xed[\xa0-\xbf]",  # lone surrogates (written with surrogatepass)
))
"""The UTF-8 of the characters `sanitize` replaces, one pattern each: a literal lead byte lets
the regex engine skip ahead, far faster than one character class over the whole file. (A raw
C0 control cannot be inside a JSON string: `json.loads` refuses it.)"""


def needs_cleaning(raw: bytes) -> bool:
    """True when the UTF-8 JSON `raw` may hold a string `clean_tree` would change.

    Byte scans only (about 6 ms per MB, an eighth of `json.loads`), so a clean file is never
    walked."""
    if any(pattern.search(raw) is not None for pattern in _UTF8_UNSAFE):
        return True
    for match in _ESCAPE_UNSAFE.finditer(raw):
        before = match.start()
        while before > 0 and raw[before - 1] == 0x5C:  # backslash
            before -= 1
        if (match.start() - before) % 2 == 0:  # not an escaped backslash followed by text
            return True
    return False


def clean_tree(value: Any) -> Any:
    """`value` with every string sanitised (dict keys as one-line names); the same object when
    nothing changes, so a clean tree is not copied."""
    if isinstance(value, str):
        return sanitize(value)
    if isinstance(value, dict):
        changed = False
        out: dict[Any, Any] = {}
        for key, item in value.items():
            new_key = clean_line(key) if isinstance(key, str) else key
            new_item = clean_tree(item)
            changed = changed or new_key is not key or new_item is not item
            out[new_key] = new_item
        return out if changed else value
    if isinstance(value, list):
        items = [clean_tree(item) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return items
        return value
    return value


_LINE_FIELDS = ("label", "verdict", "annotator")
"""Claim fields an import has always made one line (`clean_line`); every other string is
cleaned with `sanitize`, so a claim the app saved reads back and round-trips exactly."""


def _is_clean(value: Any) -> bool:
    """True when no string in `value` (keys too) holds a character `sanitize` replaces."""
    if isinstance(value, str):
        return not has_controls(value)
    if isinstance(value, dict):
        return all(_key_is_clean(k) and _is_clean(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_clean(v) for v in value)
    return True


_BREAKS = re.compile("[\t\n\r]")


def _key_is_clean(key: object) -> bool:
    """Keys are cleaned as one-line names."""
    return not isinstance(key, str) or (not has_controls(key) and _BREAKS.search(key) is None)


def _claim_is_clean(claim: dict[str, Any]) -> bool:
    """True when `clean_claim` would change nothing: the common case, checked fast."""
    if not _is_clean(claim):
        return False
    lines: list[Any] = [claim.get(name) for name in _LINE_FIELDS]
    return not any(isinstance(v, str) and _BREAKS.search(v) for v in lines)


def clean_claim(claim: dict[str, Any]) -> dict[str, Any]:
    """A claim record with every string cleaned (ids, tags, entity records, every field, keys
    too) with `sanitize`, and label, verdict and annotator made one line; other types are left
    for `validate_claim` to judge."""
    if _claim_is_clean(claim):
        return claim
    return _cleaned(claim, lambda name: name in _LINE_FIELDS)


def _cleaned(record: dict[str, Any], one_line: Callable[[str], bool]) -> dict[str, Any]:
    """`record` with every string cleaned (`clean_tree`) and the top-level string fields
    `one_line` names made one line (`clean_line`)."""
    out = clean_tree(record)
    if not isinstance(out, dict):
        return out
    out = dict(out)
    for name, value in out.items():
        if isinstance(value, str) and one_line(name):
            out[name] = clean_line(value)
    return out


def clean_correction(corr: dict[str, Any]) -> dict[str, Any]:
    """An entity correction with every string cleaned (the surface text one for one, so it
    still matches the article)."""
    return _cleaned(corr, lambda name: name not in ("text", "prefix", "suffix"))


_INDEX_LINE_FIELDS = ("id", "title", "source", "url", "date", "external_id", "text_hash", "file",
                      "added")


def clean_index_record(doc: dict[str, Any]) -> dict[str, Any]:
    """An index (article) record with every string cleaned, its one-line fields with
    `clean_line`."""
    return _cleaned(doc, lambda name: name in _INDEX_LINE_FIELDS)


def clean_decision(decision: dict[str, Any]) -> dict[str, Any]:
    """A curation decision with every string cleaned: the adjudicator's note one for one
    (`sanitize`, it is free text), every other string as a one-line name."""
    return _cleaned(decision, lambda name: name != "note")


DECISION_ACTIONS = ("agreed", "threshold", "take", "both", "merge", "edit", "reject")
"""What an adjudicator (or the automatic merge: `agreed`, `threshold`) decided on one item."""


def decision_problems(decision: object) -> list[str]:
    """What makes a curation decision unusable (empty if nothing)."""
    if not isinstance(decision, dict):
        return ["not a record"]
    problems: list[str] = []
    for name in ("id", "article_id", "action", "adjudicator", "at"):
        if not isinstance(decision.get(name), str) or not decision[name]:
            problems.append(f"no string {name!r}")
    if isinstance(decision.get("action"), str) and decision["action"] not in DECISION_ACTIONS:
        problems.append(f"unknown action {_shown(decision['action'])}")
    for name in ("claims", "chosen", "gold"):
        value = decision.get(name, [] if name == "chosen" else None)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{name!r} is not a list of claim ids")
    if not isinstance(decision.get("note", ""), str):
        problems.append("'note' is not a string")
    return problems


_TABLE_CLEANERS = {
    "claims": clean_claim,
    "corrections": clean_correction,
    "curation": clean_decision,
    "articles": clean_index_record,
}


def clean_tables(tables: dict[str, Any]) -> dict[str, Any]:
    """A store file's tables (index, article file or cache file) with every string of every
    record cleaned: claims, corrections and index records field by field, the rest as trees."""
    out: dict[str, Any] = {}
    for name, table in tables.items():
        cleaner = _TABLE_CLEANERS.get(name)
        if cleaner is None or not isinstance(table, dict):
            out[clean_line(name)] = clean_tree(table)
            continue
        out[name] = {
            clean_line(key): cleaner(record) if isinstance(record, dict) else clean_tree(record)
            for key, record in table.items()
        }
    return out


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def correction_problems(corr: object) -> list[str]:
    """What makes an entity correction unusable (empty if nothing): the fields the app and the
    exports read must have the types `reader.corrections.make_correction` gives them."""
    if not isinstance(corr, dict):
        return ["not a record"]
    problems: list[str] = []
    if not isinstance(corr.get("id"), str) or not corr["id"]:
        problems.append("no string 'id'")
    action = corr.get("action")  # an unknown action is shown (cleaned) and does nothing
    if action is not None and not isinstance(action, str):
        problems.append(f"'action' is not a string ({_shown(action)})")
    start, end = corr.get("start"), corr.get("end")
    if not (_is_int(start) and _is_int(end)):
        problems.append("'start' and 'end' are not integers")
    elif not 0 <= start < end:  # type: ignore[operator]
        problems.append(f"span {start}-{end} is empty or negative")
    if not isinstance(corr.get("text"), str):
        problems.append("'text' is not a string")
    if corr.get("label") is not None and not isinstance(corr.get("label"), str):
        problems.append("'label' is not a string")
    for name in ("new_start", "new_end"):
        value = corr.get(name)
        if action == "rebound" and not _is_int(value):
            problems.append(f"a rebound without an integer {name!r}")
        elif value is not None and not _is_int(value):
            problems.append(f"{name!r} is not an integer")
    for name in ("scope", "created", "annotator", "prefix", "suffix", "status", "source"):
        if corr.get(name) is not None and not isinstance(corr[name], str):
            problems.append(f"{name!r} is not a string")
    return problems


INDEX_OPTIONAL: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "url": (str,),
    "date": (str,),
    "external_id": (str,),
    "added": (str,),
    "meta": (dict,),
    "position": (int,),
    "word_count": (int,),
    "claim_count": (int, type(None)),
    "entity_count": (int, type(None)),
}
"""Index fields a record may lack, and the types they must have when present."""


def index_problems(doc: object) -> str:
    """What makes an index (article) record unusable ('' if nothing)."""
    if not isinstance(doc, dict):
        return "not a record"
    for name in ("id", "source", "text_hash", "file"):
        if not isinstance(doc.get(name), str):
            return f"field {name!r} missing or not a string"
    if not _is_int(doc.get("order")):
        return "field 'order' missing or not an integer"
    for name in INDEX_OPTIONAL:
        if name in doc:
            problem = index_field_problem(name, doc[name])
            if problem:
                return problem
    return ""


def index_field_problem(name: str, value: object) -> str:
    """What is wrong with the optional index field `name` holding `value` ('' if nothing)."""
    types = INDEX_OPTIONAL[name]
    if not isinstance(value, types) or isinstance(value, bool):
        return f"field {name!r} is not {_type_name(types)}"
    if _is_int(value) and value < 0:  # type: ignore[operator]
        return f"field {name!r} is negative"
    return ""


def _type_name(types: tuple[type, ...]) -> str:
    names = {str: "a string", dict: "an object", int: "an integer", type(None): "null"}
    return " or ".join(names[t] for t in types)


def _shown(value: object) -> str:
    return repr(clean_line(value))[:40] if isinstance(value, str) else type(value).__name__
