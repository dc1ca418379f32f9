"""Check a store folder record by record, and build a repaired copy of it.

`check_store(root)` only reads (it never creates a lock file or anything else).
`repair_store(root, out)` writes a new store folder at `out`: valid records copied, fixable
ones fixed, the rest kept in `out/quarantine.jsonl`. The original is never touched.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.claims import iso_now, quote_selectors, validate_claim
from reader.clean import (
    clean_tables,
    correction_problems,
    decision_problems,
    index_field_problem,
    needs_cleaning,
)
from reader.config import ConfigError, load_taxonomy
from reader.records import (
    CLAIM_FIELDS,
    CLAIM_SCHEMA,
    claim_defaults,
    text_hash,
    upgrade_claim,
)
from reader.safe_io import read_regular, write_new
from reader.store.anchoring import reanchor
from reader.store.articles import ARTICLES_DIR
from reader.store.errors import StoreFileError
from reader.store.index import CORPUS_CORRECTIONS, INDEX_NAME, TEAM_RULES, index_problem
from reader.store.storage import AtomicJSONStorage, Tables, check_tables, copy_tree, encode
from reader.text.sanitize import clean_line
from reader.wording import plural, shorten

__all__ = ["Finding", "RepairReport", "StoreReport", "check_store", "repair_store"]

QUARANTINE_NAME = "quarantine.jsonl"
_SKIP_COPY = frozenset({INDEX_NAME, ".lock", ".lock.pid", QUARANTINE_NAME})


@dataclass(frozen=True)
class Finding:
    """One problem: the file, the record in it ('' for the whole file), what is wrong."""

    path: Path
    record: str
    message: str
    severity: str = "error"
    """`error` (the record is not used as it is) or `warning` (shown, kept)."""

    def line(self) -> str:
        """One line for the user, free of control characters."""
        where = f"{self.path}" + (f" [{self.record}]" if self.record else "")
        return clean_line(f"{self.severity}: {where}: {self.message}")


@dataclass
class StoreReport:
    """What `check_store` found."""

    root: Path
    findings: list[Finding] = field(default_factory=list)
    articles: int = 0
    claims: int = 0

    @property
    def errors(self) -> list[Finding]:
        """Findings that make the store unclean."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """Findings shown but harmless (unknown labels, leftovers)."""
        return [f for f in self.findings if f.severity == "warning"]


@dataclass
class RepairReport:
    """What `repair_store` did, one line per action."""

    out: Path
    actions: list[str] = field(default_factory=list)
    quarantined: int = 0
    fixed: int = 0
    copied_claims: int = 0
    articles: int = 0


# --- reading without writing -----------------------------------------------------------------


def _read_json(path: Path) -> tuple[Tables | None, str]:
    """(tables, '') or (None, why the file cannot be used); a missing file is (None, 'missing').

    The tables are cleaned as the store cleans them when it reads the file (`clean_tables`), so
    each record is judged as the app will see it."""
    tables, why, _ = _read_json_marked(path)
    return tables, why


def _read_json_marked(path: Path) -> tuple[Tables | None, str, bool]:
    """`_read_json`, and whether the file held strings that had to be cleaned."""
    tables, why, raw = _read_raw(path)
    if tables is None or not needs_cleaning(raw):
        return tables, why, False
    cleaned = clean_tables(tables)
    return cleaned, why, cleaned != tables


def _read_raw(path: Path) -> tuple[Tables | None, str, bytes]:
    try:
        raw = read_regular(path, nofollow=True)  # a FIFO there never blocks
    except FileNotFoundError:
        return None, "the file is missing", b""
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror or exc}", b""
    if not raw.strip():
        return None, "the file is empty (truncated?)", b""
    try:
        data = json.loads(raw.decode("utf-8", "surrogatepass"))
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 (byte {exc.start})", b""
    except (ValueError, RecursionError) as exc:
        reason = shorten(clean_line(str(exc)), 120)
        return None, f"not valid JSON ({reason}); truncated or hand-edited?", b""
    tables, why = _shape(path, data)
    return tables, why, raw


def _shape(path: Path, data: Any) -> tuple[Tables | None, str]:
    """Tables whose records may be anything (each is judged on its own), or why not."""
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        return None, "not a store file (not an object of tables)"
    records = {n: {k: v for k, v in t.items() if isinstance(v, dict)} for n, t in data.items()}
    try:
        check_tables(path, records)
    except StoreFileError as exc:
        return None, exc.message
    return data, ""


def _raw_text(path: Path) -> str:
    try:
        return read_regular(path, nofollow=True).decode("utf-8", "replace")
    except OSError:
        return ""


def _decode_article(record: object) -> tuple[str | None, str]:
    """(text, '') from an article record, or (None, why not)."""
    if not isinstance(record, dict):
        return None, "the article record is not an object"
    if isinstance(record.get("text"), str):
        return str(record["text"]), ""
    if isinstance(record.get("text_z"), str):
        try:
            raw = zlib.decompress(base64.b64decode(record["text_z"], validate=True))
            return raw.decode("utf-8", "surrogatepass"), ""
        except (ValueError, zlib.error) as exc:
            return None, f"compressed text cannot be decoded ({exc})"
    return None, "the article record holds no text"


def _known_labels(root: Path) -> set[str] | None:
    try:
        return set(load_taxonomy(root).names)
    except ConfigError:
        return None


@dataclass
class _Article:
    """An article as the checker sees it."""

    doc_id: str
    doc: dict[str, Any]
    path: Path
    tables: Tables | None = None
    text: str | None = None
    problem: str = ""
    cleaned: bool = False
    """The file held strings with control characters (cleaned when read)."""


def _claim_problems(
    claim: object, text: str, labels: set[str] | None
) -> tuple[list[str], list[str]]:
    """(errors, warnings) of one claim record against its article's text."""
    errors = validate_claim(claim, len(text))
    warnings: list[str] = []
    if not isinstance(claim, dict):
        return errors, warnings
    start, end, quote = claim.get("start"), claim.get("end"), claim.get("quote")
    if (
        not errors
        and claim.get("status") != "orphaned"
        and isinstance(quote, str)
        and text[start:end] != quote
    ):
        errors.append(
            f"quote {shorten(clean_line(quote), 40)!r} does not match the text at {start}-{end} "
            f"({shorten(clean_line(text[start:end]), 40)!r})"
        )
    label = claim.get("label")
    if labels is not None and isinstance(label, str) and label not in labels:
        warnings.append(f"unknown label {shorten(clean_line(label), 60)!r} (kept and shown)")
    return errors, warnings


def check_store(root: Path) -> StoreReport:
    """Every problem in the store at `root`, by file and record; reads only."""
    report = StoreReport(root=root)
    add = report.findings.append
    index_path = root / INDEX_NAME
    if not root.is_dir():
        add(Finding(root, "", "no store folder here"))
        return report
    index, why, cleaned = _read_json_marked(index_path)
    if cleaned:
        add(Finding(index_path, "", CONTROLS_WARNING, "warning"))
    if index is None:
        if why == "the file is missing" and not any((root / ARTICLES_DIR).glob("*.json")):
            add(Finding(index_path, "", "no index: not a store (or an empty one)", "warning"))
        else:
            add(Finding(index_path, "", why))
        return report
    labels = _known_labels(root)
    if labels is None:
        add(Finding(root / "reader.toml", "", "cannot be read: labels are not checked", "warning"))
    seen_ids: dict[str, str] = {}
    referenced: set[str] = set()
    for key, rule in index.get(CORPUS_CORRECTIONS, {}).items():
        for message in _record_problems("corrections", rule):
            add(Finding(index_path, f"{CORPUS_CORRECTIONS}/{key}", message))
    for doc_id, doc in index.get("articles", {}).items():
        record = f"articles/{doc_id}"
        problem = index_problem(doc) if isinstance(doc, dict) else "not a record"
        if problem:
            add(Finding(index_path, record, problem))
            continue
        if doc["id"] in seen_ids:
            add(Finding(index_path, record, f"duplicate article id (also {seen_ids[doc['id']]})"))
            continue
        seen_ids[doc["id"]] = record
        referenced.add(doc["file"])
        report.articles += 1
        article = _load_article(root, doc_id, doc)
        _check_article(article, labels, report)
    for entry in _listing(root / ARTICLES_DIR):
        name = entry.name
        if name.endswith(".tmp"):
            add(Finding(Path(entry.path), "", "temp file left by an interrupted save", "warning"))
        elif name.endswith(".json") and name not in referenced:
            add(Finding(Path(entry.path), "", "article file the index does not name", "warning"))
    return report


def _listing(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return sorted((e for e in entries if e.is_file(follow_symlinks=False)),
                          key=lambda e: e.name)
    except OSError:
        return []


def _load_article(root: Path, doc_id: str, doc: dict[str, Any]) -> _Article:
    path = root / ARTICLES_DIR / doc["file"]
    article = _Article(doc_id, doc, path)
    tables, why, article.cleaned = _read_json_marked(path)
    if tables is None:
        article.problem = why
        return article
    article.tables = tables
    records = list(tables.get("article", {}).values())
    if len(records) != 1:
        article.problem = f"holds {len(records)} article records (one expected)"
        return article
    article.text, article.problem = _decode_article(records[0])
    return article


def _check_article(article: _Article, labels: set[str] | None, report: StoreReport) -> None:
    add = report.findings.append
    path = article.path
    if article.text is None or article.tables is None:
        add(Finding(path, "", article.problem))
        return
    text = article.text
    if text_hash(text) != article.doc.get("text_hash"):
        add(Finding(path, "article", "the text does not match the index's text_hash"))
    seen: set[str] = set()
    for key, claim in article.tables.get("claims", {}).items():
        record = f"claims/{key}" + (
            f" id={clean_line(claim['id'])[:40]}"
            if isinstance(claim, dict) and isinstance(claim.get("id"), str) else ""
        )
        errors, warnings = _claim_problems(claim, text, labels)
        if isinstance(claim, dict) and isinstance(claim.get("id"), str):
            if claim["id"] in seen:
                errors.append("duplicate claim id")
            seen.add(claim["id"])
            if claim.get("article_id") != article.doc["id"] and isinstance(
                claim.get("article_id"), str
            ):
                errors.append("'article_id' names another article")
        for message in errors:
            add(Finding(path, record, message))
        for message in warnings:
            add(Finding(path, record, message, "warning"))
        report.claims += 1
    for table in ("corrections", "rejected", "done", "curation"):
        for key, item in article.tables.get(table, {}).items():
            for message in _record_problems(table, item):
                add(Finding(path, f"{table}/{key}", message))
    if article.cleaned:
        add(Finding(path, "", CONTROLS_WARNING, "warning"))


CONTROLS_WARNING = "holds control characters: shown and kept as visible placeholders"


def _record_problems(table: str, item: object) -> list[str]:
    """Why the store skips a record of a corrections, rejected, done or curation table (the same
    judgement)."""
    if not isinstance(item, dict):
        return ["not a record"]
    if table == "corrections":
        return correction_problems(item)
    if table == "done" and _done_problem(item):
        return [_done_problem(item)]
    if table == "curation":
        return decision_problems(item)
    return []


def _done_problem(item: dict[str, Any]) -> str:
    """Why a done mark cannot be used ('' if it can)."""
    if not all(isinstance(item.get(k), str) for k in ("annotator", "at")):
        return "done mark without string 'annotator' and 'at'"
    return ""


# --- repairing into a copy -------------------------------------------------------------------

_REPAIRED: dict[str, Any] = {"schema": CLAIM_SCHEMA, "annotator": "unknown"}
"""What a repair says where the record class states no default."""
_KNOWN: dict[str, Any] = {**claim_defaults(), **_REPAIRED}
_DEFAULTS: dict[str, Any] = {name: _KNOWN[name] for name in CLAIM_FIELDS if name in _KNOWN}
"""A repaired claim's missing fields, in field order: the record class's defaults, and the
schema and annotator a repair gives."""
_TEXT_FIELDS = ("label", "speaker", "verdict", "note", "annotator")
_OFFSET_RE = re.compile("[0-9]{1,15}")


def _coerce(claim: dict[str, Any], article_id: str, text: str, now: str) -> list[str]:
    """Fix what can be fixed in place; returns what was changed (one phrase each)."""
    done: list[str] = []
    if not isinstance(claim.get("id"), str) or not claim["id"]:
        claim["id"] = str(uuid.uuid4())
        done.append("new id")
    if claim.get("article_id") != article_id:
        claim["article_id"] = article_id
        done.append("article_id set")
    for name in ("start", "end"):
        value = claim.get(name)
        # ASCII digits only ("²" is a digit to `isdigit`, not to `int`), and few of them
        digits = isinstance(value, str) and _OFFSET_RE.fullmatch(value.strip()) is not None
        if digits or (isinstance(value, float) and value.is_integer()):
            claim[name] = int(value)  # type: ignore[arg-type]
            done.append(f"{name} made an integer")
    for name, default in _DEFAULTS.items():
        if name not in claim:
            claim[name] = default if not isinstance(default, list) else []
            done.append(f"missing {name!r} filled")
    for name in ("created", "updated"):
        if not isinstance(claim.get(name), str):
            claim[name] = claim.get("created") if isinstance(claim.get("created"), str) else now
            done.append(f"missing {name!r} filled")
    for name in _TEXT_FIELDS:
        value = claim.get(name)
        if name in claim and not isinstance(value, str) and value is not None:
            if isinstance(value, int | float | bool):
                claim[name] = str(value)
                done.append(f"{name!r} made a string")
        elif value is None and name != "label":
            claim[name] = _DEFAULTS.get(name, "")
            done.append(f"{name!r} filled")
    if isinstance(claim.get("tags"), str):
        claim["tags"] = [t.strip() for t in claim["tags"].split(",") if t.strip()]
        done.append("'tags' made a list")
    elif isinstance(claim.get("tags"), list) and not all(isinstance(t, str) for t in claim["tags"]):
        claim["tags"] = [str(t) for t in claim["tags"] if t is not None]
        done.append("'tags' made strings")
    if isinstance(claim.get("entities"), list) and not all(
        isinstance(e, dict) for e in claim["entities"]
    ):
        claim["entities"] = [e for e in claim["entities"] if isinstance(e, dict)]
        done.append("non-record entities dropped")
    checkworthy = claim.get("checkworthy")
    if not (checkworthy is None or isinstance(checkworthy, bool | int | float)):
        claim["checkworthy"] = None
        done.append("'checkworthy' reset")
    if claim.get("status") not in ("anchored", "orphaned"):
        claim["status"] = "anchored"
        done.append("'status' reset")
    done.extend(_fix_anchor(claim, text))
    return done


def _fix_anchor(claim: dict[str, Any], text: str) -> list[str]:
    """Re-anchor by the quote when the offsets do not hold it; fill missing selectors."""
    start, end, quote = claim.get("start"), claim.get("end"), claim.get("quote")
    ints = isinstance(start, int) and isinstance(end, int)
    if not isinstance(quote, str) or not quote:
        if ints and 0 <= start < end <= len(text):  # type: ignore[operator]
            claim["quote"], claim["prefix"], claim["suffix"] = quote_selectors(text, start, end)  # type: ignore[arg-type]
            return ["missing quote taken from the text at its offsets"]
        return []
    if not ints:
        claim["start"], claim["end"] = 0, 0
    if claim.get("status") == "orphaned":
        return []
    if ints and 0 <= start < end <= len(text) and text[start:end] == quote:  # type: ignore[operator]
        changed = []
        for name in ("prefix", "suffix"):
            if not isinstance(claim.get(name), str):
                changed.append(f"missing {name!r} filled")
        if changed:
            claim["quote"], claim["prefix"], claim["suffix"] = quote_selectors(text, start, end)  # type: ignore[arg-type]
        return changed
    for name in ("prefix", "suffix"):
        if not isinstance(claim.get(name), str):
            claim[name] = ""
    moved = reanchor(claim, text)
    if moved["status"] == "anchored":
        claim.update(moved)
        return [f"re-anchored by its quote at {moved['start']}-{moved['end']}"]
    if not ints or not 0 <= start < end:  # type: ignore[operator]
        return []
    claim.update(moved)
    return ["quote not found in the text: marked orphaned (offsets and quote kept)"]


class _Quarantine:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []

    def add(self, file: Path, record: str, reason: str, content: Any) -> None:
        item = {"file": str(file), "record": record, "reason": reason, "content": content}
        self.lines.append(encode(item).decode("utf-8", "surrogatepass"))

    def write(self) -> None:
        if not self.lines:
            return
        data = ("\n".join(self.lines) + "\n").encode("utf-8", "surrogatepass")
        tmp = self.path.with_name(self.path.name + ".tmp")
        write_new(tmp, data)
        os.replace(tmp, self.path)


def repair_store(root: Path, out: Path) -> RepairReport:
    """Write a repaired copy of the store at `root` into the new folder `out`."""
    report = RepairReport(out=out)
    say = report.actions.append
    out.mkdir(parents=True)
    quarantine = _Quarantine(out / QUARANTINE_NAME)
    now = iso_now()
    labels = _known_labels(root)
    _copy_extras(root, out)
    index, why = _read_json(root / INDEX_NAME)
    if index is None:
        index = _recover_index(root, why, quarantine, say)
    new_articles: dict[str, dict[str, Any]] = {}
    seen_ids: set[str] = set()
    for doc_id, doc in index.get("articles", {}).items():
        record = f"articles/{doc_id}"
        if isinstance(doc, dict):
            doc = _fix_index_fields(doc, record, say)
        problem = index_problem(doc) if isinstance(doc, dict) else "not a record"
        if not problem and doc["id"] in seen_ids:
            problem = "duplicate article id"
        if problem:
            quarantine.add(root / INDEX_NAME, record, problem, doc)
            say(f"quarantined index record {record}: {problem}")
            report.quarantined += 1
            continue
        article = _load_article(root, doc_id, doc)
        if article.text is None or article.tables is None:
            article = _from_backup(root, article, quarantine, say)
            if article.text is None or article.tables is None:
                quarantine.add(root / INDEX_NAME, record, article.problem, doc)
                say(f"quarantined article {clean_line(doc['id'])[:40]}: {article.problem}")
                report.quarantined += 1
                continue
        seen_ids.add(doc["id"])
        tables = _repair_article(article, labels, now, quarantine, report)
        doc = dict(doc)
        if text_hash(article.text) != doc["text_hash"]:
            doc["text_hash"] = text_hash(article.text)
            say(f"{doc['file']}: index text_hash corrected")
        doc["claim_count"] = len(tables["claims"])
        AtomicJSONStorage(out / ARTICLES_DIR / doc["file"], backup=False).write(tables)
        new_articles[doc_id] = doc
        report.articles += 1
    new_index: Tables = {"articles": new_articles}
    session = index.get("session")
    if isinstance(session, dict):
        new_index["session"] = session
    rules: dict[str, Any] = {}
    for key, rule in index.get(CORPUS_CORRECTIONS, {}).items():  # corpus-wide entity rules
        why = "; ".join(_record_problems("corrections", rule))
        if why:
            quarantine.add(root / INDEX_NAME, f"{CORPUS_CORRECTIONS}/{key}", why, rule)
            report.quarantined += 1
            say(f"{INDEX_NAME} {CORPUS_CORRECTIONS}/{key}: {why}; quarantined")
        else:
            rules[key] = rule
    if rules:
        new_index[CORPUS_CORRECTIONS] = rules
    team = index.get(TEAM_RULES)  # colleagues' rules pulled by sync: the watermark is past them
    if isinstance(team, dict):
        new_index[TEAM_RULES] = {k: v for k, v in team.items() if isinstance(v, dict)}
    AtomicJSONStorage(out / INDEX_NAME, backup=False).write(new_index)
    quarantine.write()
    if quarantine.lines:
        say(f"{plural(len(quarantine.lines), 'record')} kept in {out / QUARANTINE_NAME}")
    return report


_INDEX_DEFAULTS: dict[str, Any] = {
    "title": "", "url": "", "date": "", "external_id": "", "added": "", "meta": {},
    "position": 0, "word_count": 0, "claim_count": None, "entity_count": None,
}


def _fix_index_fields(doc: dict[str, Any], record: str, say: Any) -> dict[str, Any]:
    """An index record whose optional fields of the wrong type are reset to their defaults
    (the article itself is kept)."""
    fixed = dict(doc)
    for name, default in _INDEX_DEFAULTS.items():
        if name in fixed and index_field_problem(name, fixed[name]):
            fixed[name] = copy_tree(default)
            say(f"index record {record}: {name!r} of the wrong type reset")
    return fixed


def _copy_extras(root: Path, out: Path) -> None:
    """Copy the configuration, exports, cache and web page snapshots (everything but the index
    and articles)."""
    for entry in _listing(root):
        if entry.name not in _SKIP_COPY and not entry.name.endswith((".tmp", ".bak")):
            shutil.copy2(entry.path, out / entry.name)
    for folder in ("exports", "cache", "snapshots"):
        if (root / folder).is_dir() and not (root / folder).is_symlink():
            shutil.copytree(root / folder, out / folder, symlinks=True,
                            ignore=shutil.ignore_patterns("*.tmp", ".tmp-*"))


def _from_backup(
    root: Path, article: _Article, quarantine: _Quarantine, say: Any
) -> _Article:
    """The article from its `.bak` generation when the live file is unusable."""
    bak_doc = dict(article.doc, file=article.doc["file"] + ".bak")
    backup = _load_article(root, article.doc_id, bak_doc)
    if backup.text is None or backup.tables is None:
        return article
    if text_hash(backup.text) != article.doc.get("text_hash"):
        return article
    quarantine.add(article.path, "", f"unusable ({article.problem}); the .bak was used",
                   _raw_text(article.path))
    say(f"{article.doc['file']}: {article.problem}; restored from its .bak (the last save "
        "may be missing; the damaged file is kept in the quarantine)")
    backup.doc = article.doc
    backup.path = article.path
    return backup


def _recover_index(root: Path, why: str, quarantine: _Quarantine, say: Any) -> Tables:
    """An index from `index.json.bak`, else one rebuilt from the article files."""
    if why != "the file is missing":
        quarantine.add(root / INDEX_NAME, "", why, _raw_text(root / INDEX_NAME))
    backup, _ = _read_json(root / (INDEX_NAME + ".bak"))
    if backup is not None:
        say(f"{INDEX_NAME}: {why}; restored from {INDEX_NAME}.bak")
        return backup
    say(f"{INDEX_NAME}: {why}; rebuilt from the article files")
    articles: dict[str, Any] = {}
    for order, entry in enumerate(e for e in _listing(root / ARTICLES_DIR)
                                  if e.name.endswith(".json")):
        tables, _ = _read_json(Path(entry.path))
        records = list((tables or {}).get("article", {}).values())
        text, _ = _decode_article(records[0]) if len(records) == 1 else (None, "")
        if text is None:
            continue
        article_id = records[0].get("id") if isinstance(records[0].get("id"), str) else None
        digest = text_hash(text)
        first = shorten(clean_line(text.strip().split("\n", 1)[0]), 80)
        articles[str(order + 1)] = {
            "id": article_id or digest, "title": first, "source": f"recovered:{entry.name}",
            "url": "", "date": "", "external_id": "", "meta": {}, "text_hash": digest,
            "file": entry.name, "position": 0, "word_count": len(text.split()),
            "entity_count": 0, "claim_count": 0, "added": iso_now(), "order": order,
        }
    return {"articles": articles}


def _repair_article(
    article: _Article,
    labels: set[str] | None,
    now: str,
    quarantine: _Quarantine,
    report: RepairReport,
) -> Tables:
    assert article.tables is not None and article.text is not None
    say = report.actions.append
    text = article.text
    tables = article.tables
    name = article.doc["file"]
    claims: dict[str, Any] = {}
    ids: dict[str, dict[str, Any]] = {}
    for key, claim in tables.get("claims", {}).items():
        where = f"{name} claims/{key}"
        if not isinstance(claim, dict):
            quarantine.add(article.path, f"claims/{key}", "not a record", claim)
            report.quarantined += 1
            say(f"{where}: not a record; quarantined")
            continue
        fixed = upgrade_claim(claim)  # an older record gets the newer fields' defaults
        changes = _coerce(fixed, article.doc["id"], text, now)
        if fixed["id"] in ids:
            if ids[fixed["id"]] == fixed:
                say(f"{where}: exact duplicate of another claim; kept once")
                continue
            fixed["id"] = str(uuid.uuid4())
            changes.append("duplicate id replaced")
        errors, _ = _claim_problems(fixed, text, labels)
        if errors:
            quarantine.add(article.path, f"claims/{key}", "; ".join(errors), claim)
            report.quarantined += 1
            say(f"{where}: {'; '.join(errors)}; quarantined")
            continue
        ordered = {k: fixed[k] for k in CLAIM_FIELDS}
        ordered.update({k: v for k, v in fixed.items() if k not in ordered})
        ids[ordered["id"]] = ordered
        claims[key] = ordered
        if changes:
            report.fixed += 1
            say(f"{where}: fixed ({', '.join(changes)})")
        else:
            report.copied_claims += 1
    result: Tables = {"article": tables["article"], "claims": claims}
    for table in ("corrections", "rejected", "done", "curation"):
        kept: dict[str, Any] = {}
        for key, item in tables.get(table, {}).items():
            why = "; ".join(_record_problems(table, item))
            if why:
                quarantine.add(article.path, f"{table}/{key}", why, item)
                report.quarantined += 1
                say(f"{name} {table}/{key}: {why}; quarantined")
                continue
            kept[key] = item
        result[table] = kept
    for table, content in tables.items():
        if table not in result:
            result[table] = {k: v for k, v in content.items() if isinstance(v, dict)}
            for key, item in content.items():
                if not isinstance(item, dict):
                    quarantine.add(article.path, f"{table}/{key}", "not a record", item)
                    report.quarantined += 1
    return result
