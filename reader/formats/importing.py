"""Import peer files into a store: read, check every span, then one transaction per file.

Offsets in a peer file refer to its own text. `sanitize` is one character for one, so offsets
stay valid; CRLF normalisation is not, so offsets are mapped through it. A span whose given
text does not match its offsets, or that lies outside the text, is skipped and reported.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import reader.formats.brat as brat
import reader.formats.doccano as doccano
import reader.formats.jsonl as jsonl
import reader.formats.labelstudio as labelstudio
import reader.formats.prodigy as prodigy
import reader.formats.store_dump as store_dump
from reader.claims import claim_of, iso_now, make_claim, quote_selectors
from reader.clean import clean_claim, clean_tree
from reader.formats.base import (
    MAX_BYTES,
    FormatError,
    ImportDoc,
    ImportSpan,
    ParsedFile,
    Skip,
    newline_offset_map,
)
from reader.formats.detect import IMPORT_FORMATS, detect_path
from reader.records import (
    CLAIM_FIELDS,
    CLAIM_SCHEMA,
    Claim,
    Correction,
    SourceArticle,
    StoredArticle,
    claim_defaults,
    claim_schema_of,
    upgrade_claim,
)
from reader.text.sanitize import clean_line, sanitize
from reader.wording import plural, shorten

__all__ = [
    "MAX_BYTES",
    "ImportReport",
    "ImportUnit",
    "import_unit",
    "read_units",
]


MAX_CLAIMS_PER_ARTICLE = 5000
"""An import adds claims to an article up to this many (stored ones included): the app loads
an article's claims when it opens it, and 300,000 claims took 35 s and 1.3 GB to first paint.
An article's text is held to the limit of files the reader opens (`MAX_FILE_BYTES`)."""

FORMAT_ALIASES = {
    "doccano-entities": "doccano",
    "labelstudio": "label-studio",
    "ls": "label-studio",
}


@dataclass
class ImportUnit:
    """One file (or brat pair) read and parsed: imported in one transaction."""

    name: str
    fmt: str
    parsed: ParsedFile
    error: FormatError | None = None
    """Why this unit could not be read (nothing of it is imported)."""


@dataclass
class ImportReport:
    """What importing one unit did."""

    name: str
    fmt: str
    articles: int = 0
    articles_added: int = 0
    added: int = 0
    present: int = 0
    updated: int = 0
    """Claims already stored that this file has a later version of (replaced)."""
    skipped: list[Skip] = field(default_factory=list)
    from_source: int = 0
    """Articles read from the source file a claim file names (they were not in the store)."""
    sources_read: list[str] = field(default_factory=list)
    """Those source files, by path (said in the summary: a claim file chose them)."""
    reanchored: int = 0
    """Claims found at other offsets (by their quote and context): the text had changed."""
    misplaced: int = 0
    """Claims whose offsets did not match their quote in their own, unchanged article text:
    placed by their quote (not a changed text: the offsets were wrong)."""
    done_added: int = 0
    """Done marks added (store dumps)."""
    decisions_added: int = 0
    """Curation decisions added or brought up to date (store dumps)."""

    def summary(self) -> str:
        """One line for the user."""
        extra = ""
        if self.updated:
            extra += f"; {self.updated} updated to a later version"
        if self.from_source:
            extra += f"; {plural(self.from_source, 'article')} read from their source files"
            if self.sources_read:
                extra += f" ({', '.join(clean_line(p) for p in self.sources_read)})"
        if self.reanchored:
            extra += f"; {plural(self.reanchored, 'claim')} re-anchored in changed text"
        if self.misplaced:
            extra += (f"; {plural(self.misplaced, 'claim')} placed by their quote: their "
                      "offsets did not match the unchanged text")
        if self.done_added:
            extra += f"; {plural(self.done_added, 'done mark')} added"
        if self.decisions_added:
            extra += f"; {plural(self.decisions_added, 'curation decision')} added"
        return (
            f"{self.name} ({self.fmt}): {plural(self.articles, 'article')}, "
            f"{self.articles_added} new; "
            f"{self.added} added, {self.present} already present, {len(self.skipped)} skipped"
            f"{extra}"
        )


class TransactionLike(Protocol):
    """What importing needs of a store transaction."""

    def add_article(self, src: SourceArticle) -> Any: ...
    claims_updated: int

    def add_claim(self, claim: Claim, *, replace_older: bool = False) -> bool: ...
    def claim_count(self, article_id: str) -> int: ...
    def add_correction(self, article_id: str, corr: dict[str, Any]) -> bool: ...
    def add_done(self, article_id: str, annotator: str, at: str) -> bool: ...
    def add_decision(self, article_id: str, decision: dict[str, Any]) -> bool: ...


class StoreLike(Protocol):
    """What importing needs of a `Store`."""

    def article(self, article_id: str) -> StoredArticle | None: ...
    def find_by_source(self, source: str) -> StoredArticle | None: ...
    def text(self, article_id: str) -> str: ...


def _read_text(path: Path) -> str:
    """A file's text as UTF-8 (BOM dropped), offsets untouched; FormatError if it is not."""
    if not path.is_file():
        why = "not a regular file" if path.exists() else "not found"
        raise FormatError(why, path=str(path))
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FormatError(f"too large ({size} bytes; the limit is {MAX_BYTES})", path=str(path))
    from reader.safe_io import read_regular

    data = read_regular(path, limit=MAX_BYTES)  # never blocks (a FIFO swapped in meanwhile)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FormatError(f"not UTF-8 text (byte {error.start})", line, str(path)) from None


def read_units(path: Path, fmt: str | None = None, predictions: bool = False) -> list[ImportUnit]:
    """Read and parse `path`; a brat folder gives one unit per `.ann` (a bad pair carries its
    error in `ImportUnit.error`). Raises FormatError for a file that cannot be read."""
    if fmt:
        kind = FORMAT_ALIASES.get(fmt, fmt)
        if kind not in IMPORT_FORMATS:
            raise FormatError(f"unknown import format {fmt!r} (one of {', '.join(IMPORT_FORMATS)})")
    else:
        try:
            kind = detect_path(path)
        except OSError as error:
            raise FormatError(f"cannot read ({error.strerror or error})", path=str(path)) from None
    if kind == "brat":
        return _brat_units(path)
    content = _read_text(path)
    source = str(path.resolve())
    readers: dict[str, Callable[[str, str], ParsedFile]] = {
        "jsonl": jsonl.parse,
        "store": store_dump.parse,
        "prodigy": prodigy.parse,
        "doccano": doccano.parse,
        "label-studio": lambda c, s: labelstudio.parse(c, s, predictions=predictions),
    }
    try:
        parsed = readers[kind](content, source)
    except FormatError as error:
        raise error.at(str(path)) from None
    return [ImportUnit(str(path), kind, parsed)]


def _brat_units(path: Path) -> list[ImportUnit]:
    if not path.exists():
        raise FormatError("not found", path=str(path))
    pairs = brat.find_pairs(path)
    if not pairs:
        raise FormatError("no .ann files (brat)", path=str(path))
    folder = path if path.is_dir() else path.parent
    units = []
    for ann, txt in pairs:
        try:
            for named in (ann, txt):
                _refuse_link_out(named, folder)
            if not ann.is_file():
                raise FormatError(f"no {ann.name} beside it (brat)", path=str(txt))
            if not txt.is_file():
                raise FormatError(f"no {txt.name} beside it (brat)", path=str(ann))
            try:
                parsed = brat.parse(_read_text(ann), _read_text(txt), str(txt.resolve()))
            except FormatError as error:
                raise (error if error.path else error.at(str(ann))) from None
            units.append(ImportUnit(str(ann), "brat", parsed))
        except FormatError as error:
            units.append(ImportUnit(str(ann), "brat", ParsedFile(), error))
    return units


def _refuse_link_out(path: Path, folder: Path) -> None:
    """FormatError for a symlink that leads out of the imported folder: a file an untrusted
    folder names is read only where that folder is."""
    from reader.safe_io import inside

    if path.is_symlink() and not inside(path, folder):
        raise FormatError("a symbolic link out of the imported folder: not read", path=str(path))


@dataclass
class _Context:
    store: StoreLike
    tx: TransactionLike
    report: ImportReport
    as_entities: bool
    annotator: str
    now: str
    folder: Path | None = None
    """The imported file's folder: a relative article source is looked for there too."""
    loaded: dict[Path, list[SourceArticle]] = field(default_factory=dict)
    """Source files read so far (a JSONL corpus is read once for all its articles)."""


def import_unit(
    store: StoreLike,
    tx: TransactionLike,
    unit: ImportUnit,
    *,
    as_entities: bool = False,
    annotator: str = "unknown",
) -> ImportReport:
    """Add everything of `unit` through `tx` (the caller commits); return what happened."""
    report = ImportReport(unit.name, unit.fmt, skipped=list(unit.parsed.skipped))
    ctx = _Context(store, tx, report, as_entities, clean_line(annotator), iso_now(),
                   Path(unit.name).parent)
    for doc in unit.parsed.docs:
        _import_doc(ctx, doc)
    report.skipped.sort(key=lambda s: s.line)
    return report


def _import_doc(ctx: _Context, doc: ImportDoc) -> None:
    report = ctx.report
    mapped: Callable[[int], int] = _same
    if doc.text is None:
        found = _named_article(ctx, doc)
        if found is None:
            why = (
                f"article {clean_line(doc.article_id)[:80]} is not in the store and its "
                f"source {_tail(clean_line(doc.source), 80)!r} cannot be read"
                + (" (no line of it has the article's text)" if "#" in doc.source else "")
            )
            report.skipped.append(
                Skip(
                    doc.line,
                    f"{why}: {plural(len(doc.spans), 'claim')} not imported (import the "
                    "article's text first, e.g. with a `reader export --format store` dump)",
                )
            )
            for span in doc.spans:  # each claim left out is named, never lost silently
                report.skipped.append(Skip(span.line, f"claim {_claim_name(span)} not imported"))
            return
        if found is _NOTHING:
            return
        article_id, text = found
        original = text
    else:
        original = doc.text
        refused = _too_large(doc)
        if refused:
            report.skipped.append(Skip(doc.line, refused))
            return
        if report.fmt == "brat" and doc.spans and all(_check(s, original) for s in doc.spans):
            # the text is another file's: kept only for the spans that import into it
            report.skipped.append(Skip(doc.line, (
                f"{shorten(clean_line(doc.source), 120)}: none of its "
                f"{plural(len(doc.spans), 'span')} matches its text: nothing of it stored")))
            report.skipped.extend(Skip(s.line, _check(s, original)) for s in doc.spans)
            return
        normalised, mapped = newline_offset_map(original)
        text = sanitize(normalised)
        src = SourceArticle(
            title=clean_line(doc.title).strip() or prodigy.title_from_text(text),
            text=text,
            source=doc.source,
            url=clean_line(doc.url),
            date=clean_line(doc.date),
            external_id=clean_line(doc.external_id),
            meta=clean_tree(dict(doc.meta)),
        )
        existing = ctx.store.find_by_source(src.source) if src.source else None
        if existing is not None and existing.text_hash != src.text_hash:
            src.source = f"{src.source}@{src.text_hash.split(':')[-1][:12]}"  # never rewrite it
        result = ctx.tx.add_article(src)
        article_id = result.article.id
        report.articles += 1
        report.articles_added += int(bool(result.created))
    counted = bool(doc.spans) and not ctx.as_entities
    room = MAX_CLAIMS_PER_ARTICLE - ctx.tx.claim_count(article_id) if counted else 0
    over = 0
    for span in doc.spans:
        if counted and room <= 0:
            over += 1
            continue
        newer = _newer_schema(span)
        if newer:
            report.skipped.append(Skip(span.line, newer))
            continue
        reason = _check(span, original)
        anchored = _reanchored(span, original) if reason and doc.text is None else None
        if anchored is not None:  # the text changed since the export: found by its quote
            reason = _check(anchored, original)  # and then checked like any other span
            span = anchored
            if not reason and article_id == doc.article_id:  # ids are text hashes: the text
                report.misplaced += 1  # is the claim's own, so the offsets were wrong
            else:
                report.reanchored += int(not reason)
        if reason:
            report.skipped.append(Skip(span.line, reason))
            continue
        start, end = mapped(span.start), mapped(span.end)
        if end <= start:
            report.skipped.append(Skip(span.line, f"span {span.start}-{span.end} is a line break"))
            continue
        before = report.added
        _import_span(ctx, span, article_id, text, start, end)
        room -= report.added - before
    if over:
        report.skipped.append(Skip(doc.line, (
            f"article {clean_line(doc.title or doc.source or article_id)[:80]!r}: {over} "
            f"claim(s) not imported: the limit is {MAX_CLAIMS_PER_ARTICLE} claims per article")))
    for corr in doc.corrections:
        moved = dict(corr)
        for name in ("start", "end", "new_start", "new_end"):
            if isinstance(moved.get(name), int):
                moved[name] = mapped(moved[name])
        try:
            added = ctx.tx.add_correction(article_id, moved)
        except ValueError as error:
            report.skipped.append(Skip(doc.line, f"correction not imported: {error}"))
            continue
        report.added += int(added)
        report.present += int(not added)
    for mark in doc.done:
        report.done_added += int(ctx.tx.add_done(article_id, mark["annotator"], mark["at"]))
    for decision in doc.decisions:
        report.decisions_added += int(ctx.tx.add_decision(article_id, {
            **decision, "article_id": article_id}))


def _too_large(doc: ImportDoc) -> str:
    """Why an article's text is refused ('' if it is not): larger than the files the reader
    opens (a 100 MB article took 10.7 s and 1.5 GB to first paint)."""
    from reader.text.loading import MAX_FILE_BYTES

    text = doc.text or ""
    if len(text) * 4 <= MAX_FILE_BYTES:  # surely under the limit, without encoding it
        return ""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_FILE_BYTES:
        return ""
    what = clean_line(doc.title or doc.source or doc.article_id or "")[:80]
    return (f"article {what!r} not imported: its text is {size / 2**20:.1f} MiB; the limit "
            f"is {MAX_FILE_BYTES // 2**20} MiB (nor its {len(doc.spans)} claim(s))")


def _same(offset: int) -> int:
    return offset


def _tail(text: str, size: int) -> str:
    """The end of a long path (its file name and line number are what tell)."""
    return text if len(text) <= size else "…" + text[-(size - 1):]


def _claim_name(span: ImportSpan) -> str:
    """A claim as the user can find it again: its id and the start of its quote."""
    record = span.record or {}
    ident = clean_line(str(record.get("id") or f"at {span.start}-{span.end}"))[:40]
    quote = clean_line(str(record.get("quote") or span.text or ""))
    short = quote if len(quote) <= 40 else quote[:39] + "…"
    return f"{ident} ({short!r})" if short else ident


def _newer_schema(span: ImportSpan) -> str:
    """Why a record of a newer claim schema is refused ('' when it is not one): its fields
    would be lost or misread, as a store file of a newer schema is never written."""
    if span.record is None or "schema" not in span.record:
        return ""
    schema = claim_schema_of(span.record)
    if schema <= CLAIM_SCHEMA:
        return ""
    return (
        f"claim {_claim_name(span)} written by a newer version of reader (schema {schema}, "
        f"this version reads {CLAIM_SCHEMA}); not imported"
    )


def _named_article(ctx: _Context, doc: ImportDoc) -> tuple[str, str] | None:
    """(id, text) of the article a claim file names: the store's by id, else the store's by
    source (its claims are re-anchored in the text it has), else read from the source file
    and added. A stored article's text is never rewritten by a claim file."""
    article = ctx.store.article(doc.article_id)
    if article is None and doc.source:
        article = ctx.store.find_by_source(doc.source)
    if article is None:
        src = _from_source(doc, ctx.folder, ctx.loaded)
        if src is None:
            return None
        article = ctx.store.find_by_source(src.source)
        if article is None and not any(_anchors(span, src.text) for span in doc.spans):
            ctx.report.skipped.append(Skip(doc.line, (
                f"article {clean_line(doc.article_id)[:80]}: "
                f"{shorten(clean_line(src.source), 120)} was read, but none of its "
                f"{plural(len(doc.spans), 'claim')} anchors in it: nothing of it stored")))
            return _NOTHING
        if article is None:
            ctx.report.sources_read.append(src.source)
            result = ctx.tx.add_article(src)  # a text already stored under another source
            ctx.report.articles += 1  # is found by its hash, not changed
            ctx.report.articles_added += int(bool(result.created))
            ctx.report.from_source += 1
            return result.article.id, src.text
    article_id = article.id
    return article_id, ctx.store.text(article_id)


_NOTHING: tuple[str, str] = ("", "")
"""`_named_article`'s answer when it said itself why nothing of the article is imported."""


def _anchors(span: ImportSpan, text: str) -> bool:
    """Whether `span` would import into `text` (at its offsets, or found again by its quote)."""
    if not _check(span, text):
        return True
    moved = _reanchored(span, text)
    return moved is not None and not _check(moved, text)


def _from_source(
    doc: ImportDoc, folder: Path | None, cache: dict[Path, list[SourceArticle]]
) -> SourceArticle | None:
    """The article a claim file names, read from its source file (as given, else beside the
    claim file), or None when there is no such readable file."""
    from reader.text.loading import load_paths

    if not doc.source:
        return None
    file_part, mark, line_part = doc.source.rpartition("#")
    corpus_line = bool(mark) and line_part.isdigit() and Path(file_part).suffix.lower() == ".jsonl"
    if "#" in doc.source and not corpus_line:
        return None  # not a file of its own (an import)
    given = Path(file_part if corpus_line else doc.source)
    recorded = doc.meta.get("path")
    candidates = [(Path(recorded), False)] if isinstance(recorded, str) and recorded else []
    candidates.append((given, False))
    if not given.is_absolute() and folder is not None:
        candidates += [(folder / given, True), (folder / given.name, True)]
    for path, within in candidates:
        if not path.is_file() or _leads_out(path, folder, within):
            continue
        if path not in cache:
            cache[path] = load_paths([path]).articles
        loaded = [replace(a) for a in cache[path]]
        if corpus_line:
            src = _corpus_article(loaded, doc.article_id, int(line_part), file_part)
        else:
            src = loaded[0] if len(loaded) == 1 else None
        if src is not None:
            src.title = clean_line(doc.title).strip() or src.title
            src.url, src.date = clean_line(doc.url), clean_line(doc.date)
            return src
    return None


def _leads_out(path: Path, folder: Path | None, within: bool) -> bool:
    """Whether reading `path` would leave the imported file's folder where it must not: a
    symlink leading out of it (never followed), or, for a name taken relative to the folder
    (`within`), a path that climbs out of it."""
    from reader.safe_io import inside

    if folder is None:
        return path.is_symlink()
    if path.is_symlink() and not inside(path, folder):
        return True
    return within and not inside(path, folder)


def _corpus_article(
    loaded: list[SourceArticle], article_id: str, line: int, file_part: str
) -> SourceArticle | None:
    """The JSONL corpus line whose text hash is `article_id`: the line the source names when
    its hash is right, else the first line whose hash is (lines move when a corpus is
    edited); None when no line has it. The hash decides, never the line number alone."""
    matching = [a for a in loaded if a.text_hash == article_id]
    if not matching:
        return None
    numbered = [(int(a.source.rpartition("#")[2]), a) for a in matching]
    chosen_line, chosen = next(((n, a) for n, a in numbered if n == line), numbered[0])
    chosen.source = f"{file_part}#{chosen_line}"  # the name the export gave the file
    return chosen


def _reanchored(span: ImportSpan, text: str) -> ImportSpan | None:
    """`span` found again in a text that changed since it was exported (by its quote, prefix
    and suffix), or None."""
    from reader.store.anchoring import reanchor

    record = span.record
    if record is None or not isinstance(record.get("quote"), str):
        return None
    moved = reanchor({**record, "start": span.start, "end": span.end}, text)
    if moved.get("status") != "anchored":
        return None
    keep = ("start", "end", "quote", "prefix", "suffix", "entities", "status")
    return replace(span, start=moved["start"], end=moved["end"], text=moved["quote"],
                   record={**record, **{k: moved[k] for k in keep}})


def _check(span: ImportSpan, text: str) -> str:
    """Why a span cannot be imported ('' when it can)."""
    orphaned = span.record is not None and span.record.get("status") == "orphaned"
    if span.start < 0 or span.end <= span.start:
        return f"span {span.start}-{span.end} is empty or negative"
    if not orphaned and span.end > len(text):
        size = plural(len(text), "character")
        return f"span {span.start}-{span.end} is outside the text ({size})"
    if span.text is not None and text[span.start : span.end] != span.text:
        found = shorten(clean_line(text[span.start : span.end]), 40)
        given = shorten(clean_line(span.text), 40)
        return f"span text {given!r} does not match the text at {span.start}-{span.end} ({found!r})"
    if not clean_line(span.label).strip():
        return f"span {span.start}-{span.end} has no label"
    return ""


def _import_span(
    ctx: _Context, span: ImportSpan, article_id: str, text: str, start: int, end: int
) -> None:
    report = ctx.report
    label = clean_line(span.label).strip()
    try:
        if ctx.as_entities:
            corr = _entity_correction(article_id, text, start, end, label, ctx)
            added = ctx.tx.add_correction(article_id, corr)
        else:
            if span.record is not None:
                claim = _whole_claim(span.record, article_id, text, start, end, ctx)
            else:
                claim = make_claim(
                    article_id=article_id,
                    text=text,
                    start=start,
                    end=end,
                    label=label,
                    annotator=clean_line(span.annotator).strip() or ctx.annotator,
                    note=sanitize(span.note),
                )
            # a record of our own that says when it was updated may replace an older version
            dated = span.record is not None and isinstance(span.record.get("updated"), str)
            before = ctx.tx.claims_updated
            added = ctx.tx.add_claim(claim, replace_older=dated)
            if ctx.tx.claims_updated > before:
                report.updated += 1
                return
    except ValueError as error:
        what = "entity" if ctx.as_entities else "claim"
        report.skipped.append(Skip(span.line, f"{what} not imported: {clean_line(str(error))}"))
        return
    report.added += int(added)
    report.present += int(not added)


def _whole_claim(
    record: Mapping[str, Any], article_id: str, text: str, start: int, end: int, ctx: _Context
) -> Claim:
    """A claim from a record of our own formats, kept as it was; missing fields get
    defaults. The format edge: the record is cleaned, then typed (ValueError saying what is
    wrong with it)."""
    claim: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "schema": 1,  # a record that names no schema is of the first one
        **claim_defaults(),  # the record class's defaults (speaker, verdict, tags, ...)
        "annotator": ctx.annotator,
        "created": ctx.now,
        "updated": ctx.now,
    }
    claim.update({k: v for k, v in record.items() if k in CLAIM_FIELDS})
    claim = upgrade_claim(claim)  # fields added since its schema get their defaults
    claim.update({"article_id": article_id, "start": start, "end": end})
    if claim["status"] == "anchored" or not isinstance(claim.get("quote"), str):
        claim["quote"], claim["prefix"], claim["suffix"] = quote_selectors(text, start, end)
    for name in ("prefix", "suffix"):
        claim.setdefault(name, "")
    # every string of the record (id, tags, entities too) cleaned where it enters
    return claim_of(clean_claim({name: claim[name] for name in CLAIM_FIELDS}))


def _entity_correction(
    article_id: str, text: str, start: int, end: int, label: str, ctx: _Context
) -> dict[str, Any]:
    """A gold entity: an `add` correction whose id is derived from the span (imports dedup)."""
    key = f"{article_id}\0{start}\0{end}\0{label}".encode("utf-8", "surrogatepass")
    return Correction(
        id="import-" + hashlib.sha256(key).hexdigest()[:24],
        action="add",
        start=start,
        end=end,
        label=label,
        text=text[start:end],
        scope="mention",
        created=ctx.now,
        annotator=ctx.annotator,
        source="import",
    ).to_record()
