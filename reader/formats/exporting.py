"""Export a store in any format: filtering, grouping by article, writing as it goes.

Used by `reader export` and by the app's ctrl+e (`export_article`). Claims stream from
`Store.iter_claims` one article file at a time; line formats write each claim as it comes.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

import reader.formats.brat as brat
import reader.formats.claimreview as claimreview
import reader.formats.csv_format as csv_format
import reader.formats.doccano as doccano
import reader.formats.jsonl as jsonl
import reader.formats.labelstudio as labelstudio
import reader.formats.prodigy as prodigy
import reader.formats.spacy_docbin as spacy_docbin
import reader.formats.store_dump as store_dump
from reader.formats.base import EXPORT_FORMATS, ExportSpan, article_file_stem, json_line
from reader.records import Claim, Correction, Entity, StoredArticle
from reader.safe_io import atomic_write, check_target, replace_folder, write_new

__all__ = [
    "EXPORT_FORMATS",
    "EXTENSIONS",
    "NEEDS_OUT",
    "ClaimFilter",
    "EntitySource",
    "StoreLike",
    "export",
    "export_file",
    "organisations",
    "store_entities",
]


NEEDS_OUT: frozenset[str] = frozenset({"brat", "spacy"})
"""Formats that are a folder or binary: they need `--out`."""

EXTENSIONS: dict[str, str] = {
    "jsonl": ".jsonl",
    "csv": ".csv",
    "claimreview": ".jsonl",
    "prodigy": ".jsonl",
    "doccano": ".jsonl",
    "doccano-entities": ".jsonl",
    "label-studio": ".json",
    "brat": "",
    "spacy": ".spacy",
    "store": ".jsonl",
}
"""The file name ending each format is written with (brat is a folder)."""

Warn = Callable[[str], None]
Pair = tuple[StoredArticle, Claim]
RecordPair = tuple[dict[str, Any], Claim]
"""(article, claim) as the claim formats take them: the article as its index record."""


class StoreLike(Protocol):
    """What exporting needs of a `Store`."""

    def articles(self) -> list[StoredArticle]: ...
    def text(self, article_id: str) -> str: ...
    def claims(self, article_id: str) -> list[Claim]: ...
    def corrections(self, article_id: str) -> list[Correction]: ...
    def correction_records(self, article_id: str) -> list[dict[str, Any]]: ...
    def done_marks(self, article_id: str) -> list[dict[str, Any]]: ...
    def decisions(self, article_id: str) -> list[dict[str, Any]]: ...
    def corpus_corrections(self) -> list[Correction]: ...
    def iter_claims(self, article_ids: Iterable[str] | None = None) -> Iterator[Pair]: ...
    def cached_entities(self, digest: str, model: str, version: str) -> list[Entity] | None: ...


EntitySource = Callable[[StoredArticle], list[Entity]]
"""The final (corrected) entities of an article."""


@dataclass(frozen=True)
class ClaimFilter:
    """`--article`, `--label`, `--verdict`, `--annotator`, `--since` (all optional)."""

    article_ids: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    since: str = ""
    """ISO date or time: claims updated on or after it."""

    def match(self, claim: Claim) -> bool:
        """Whether a claim passes every filter given."""
        if self.labels and claim.label not in self.labels:
            return False
        if self.verdicts and claim.verdict not in self.verdicts:
            return False
        if self.annotators and claim.annotator not in self.annotators:
            return False
        return not (self.since and claim.updated[: len(self.since)] < self.since)

    def selected_ids(self, store: StoreLike) -> list[str] | None:
        """The article ids to read (None: all), resolving short id prefixes."""
        if not self.article_ids:
            return None
        ids = [a.id for a in store.articles()]
        chosen: list[str] = []
        for wanted in self.article_ids:
            for ident in ids:
                bare = ident.split(":", 1)[-1]
                if (ident == wanted or bare.startswith(wanted) or ident.startswith(wanted)) and (
                    ident not in chosen
                ):
                    chosen.append(ident)
        return chosen


def store_entities(
    store: StoreLike, model: str | None = None, warn: Warn | None = None
) -> EntitySource:
    """Entities for gold exports: the model's cached entities with the analyst's corrections.

    Never runs a model: an article without cached entities gets its corrections only.
    """
    from reader.corrections import apply_corrections
    from reader.nlp.models import ModelError, default_model, model_key

    key: tuple[str, str] | None = None
    name = model or default_model()
    if name:
        try:
            key = model_key(name)
        except ModelError:
            key = None

    corpus_rules: list[Correction] = list(store.corpus_corrections())

    def entities_for(article: StoredArticle) -> list[Entity]:
        ident = article.id
        text = store.text(ident)
        base: list[Entity] | None = None
        if key is not None:
            base = store.cached_entities(article.text_hash, key[0], key[1])
        if base is None:
            base = []
            if warn is not None:
                warn(f"{ident}: no cached model entities; exporting corrected entities only")
        return apply_corrections(base, [*corpus_rules, *store.corrections(ident)], text)

    return entities_for


def organisations(store: StoreLike, entities_for: EntitySource) -> Callable[
        [Mapping[str, Any]], set[str]]:
    """Case-folded names labelled ORG in an article's final entities (the last article's
    names are kept: claims come grouped by article). ClaimReview asks it with the article's
    index record (the format's side)."""
    last: dict[str, set[str]] = {}

    def names(article: Mapping[str, Any]) -> set[str]:
        ident = str(article.get("id") or "")
        if ident not in last:
            last.clear()
            text = store.text(ident)
            found = entities_for(StoredArticle.from_record(article))
            last[ident] = {e.text_in(text).strip().casefold() for e in found if e.label == "ORG"}
        return last[ident]

    return names


def _claims(store: StoreLike, flt: ClaimFilter) -> Iterator[Pair]:
    ids = flt.selected_ids(store)
    for article, claim in store.iter_claims(ids):
        if flt.match(claim):
            yield article, claim


def _records(pairs: Iterable[Pair]) -> Iterator[RecordPair]:
    """The format edge of the claim formats: each article as its index record, converted
    once per article (its claims come together)."""
    last: tuple[StoredArticle | None, dict[str, Any]] = (None, {})
    for article, claim in pairs:
        if last[0] is not article:
            last = (article, article.to_record())
        yield last[1], claim


def _claim_spans(claims: Iterable[Claim]) -> list[ExportSpan]:
    return [
        ExportSpan(c.start, c.end, c.label, c.note, c.id, c.annotator)
        for c in claims
        if c.status == "anchored"
    ]


def _entity_spans(entities: Iterable[Entity]) -> list[ExportSpan]:
    return [ExportSpan(e.start, e.end, e.label) for e in entities]


def _per_article(
    store: StoreLike,
    flt: ClaimFilter,
    what: str,
    entities_for: EntitySource | None,
) -> Iterator[tuple[StoredArticle, str, list[ExportSpan]]]:
    """(article, text, spans) per article: its filtered claims, or its entities."""
    if what == "entities":
        if entities_for is None:
            raise ValueError("entity export needs an entity source")
        ids = flt.selected_ids(store)
        for article in store.articles():
            if ids is not None and article.id not in ids:
                continue
            yield article, store.text(article.id), _entity_spans(entities_for(article))
        return
    for _, group in itertools.groupby(_claims(store, flt), key=lambda pair: pair[0].id):
        pairs = list(group)
        article = pairs[0][0]
        yield article, store.text(article.id), _claim_spans(c for _, c in pairs)


def _meta(article: StoredArticle) -> dict[str, Any]:
    """The per-article formats' `meta`: title, source, url and date when set, and the id."""
    record = article.to_record()
    meta: dict[str, Any] = {
        k: record.get(k) for k in ("title", "source", "url", "date") if record.get(k)
    }
    meta["article_id"] = article.id
    return meta


def export(
    store: StoreLike,
    fmt: str,
    *,
    stream: TextIO | None = None,
    path: Path | None = None,
    flt: ClaimFilter | None = None,
    what: str = "claims",
    entities_for: EntitySource | None = None,
    terminal: bool = False,
    warn: Warn | None = None,
    review: claimreview.ClaimReviewOptions | None = None,
) -> int:
    """Write `fmt` to `stream` (line formats) or `path` (brat folder, spaCy file).

    Returns how many records (claims, or articles for per-article formats) were written.
    `review` gives the ClaimReview publisher and choice, and gathers what it left out.
    """
    flt = flt or ClaimFilter()
    if fmt in NEEDS_OUT and path is None:
        raise ValueError(f"the {fmt} format needs an output path")
    if fmt == "brat":
        assert path is not None
        return _export_brat(path, _per_article(store, flt, what, entities_for))
    if fmt == "spacy":
        assert path is not None
        return _export_spacy(store, flt, path, what, entities_for, warn)
    if stream is None:
        raise ValueError("no output stream")
    if fmt == "jsonl":
        return jsonl.write(_records(_claims(store, flt)), stream)
    if fmt == "claimreview":
        return claimreview.write(_records(_claims(store, flt)), stream, review)
    if fmt == "csv":
        return csv_format.write(_records(_claims(store, flt)), stream, terminal=terminal)
    if fmt == "store":
        return store_dump.write(_dump_items(store, flt), stream)
    items = _per_article(store, flt, what, entities_for)
    if fmt == "label-studio":
        return labelstudio.write(
            (labelstudio.task(text, spans, _meta(a)) for a, text, spans in items), stream
        )
    makers: dict[str, Callable[[str, Sequence[ExportSpan], Mapping[str, Any]], dict[str, Any]]] = {
        "prodigy": prodigy.task,
        "doccano": doccano.label_line,
        "doccano-entities": doccano.entities_line,
    }
    if fmt not in makers:
        raise ValueError(f"unknown export format {fmt!r}")
    make = makers[fmt]
    count = 0
    for article, text, spans in items:
        stream.write(json_line(make(text, spans, _meta(article))) + "\n")
        count += 1
    return count


def export_file(store: StoreLike, fmt: str, target: Path, **options: Any) -> int:
    """`export` to a file or folder at `target` that appears whole or not at all, never
    written through a symlink nor onto a device or FIFO (see `reader.safe_io`); `options`
    are `export`'s. Raises `OSError` (an `UnsafeTargetError` for a refused target)."""
    check_target(target, folder=fmt == "brat")  # refused before any work (spaCy loads slowly)
    if fmt in NEEDS_OUT:
        return export(store, fmt, path=target, **options)
    with atomic_write(target, fsync=False) as raw:  # derived data: whole or nothing is enough
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False)
        count = export(store, fmt, stream=out, **options)
        out.flush()
        out.detach()
    return count


def _dump_items(store: StoreLike, flt: ClaimFilter) -> Iterator[store_dump.DumpItem]:
    ids = flt.selected_ids(store)
    filtered = flt.labels or flt.verdicts or flt.annotators or flt.since
    for article in store.articles():
        if ids is not None and article.id not in ids:
            continue
        claims = [c for c in store.claims(article.id) if flt.match(c)]
        if filtered and not claims:
            continue
        # the dump is a backup: each correction verbatim, as the store holds it
        yield (article.to_record(), store.text(article.id), claims,
               store.correction_records(article.id), store.done_marks(article.id),
               store.decisions(article.id))


def _export_brat(
    target: Path, items: Iterable[tuple[StoredArticle, str, list[ExportSpan]]]
) -> int:
    """The brat folder is built beside `target` and renamed into place whole: an existing
    non-empty folder, a symlink or a file at `target` is refused, never written into."""

    def build(folder: Path) -> int:
        count = 0
        used: set[str] = set()
        for article, text, spans in items:
            stem = article_file_stem(article.to_record())
            while stem in used:
                stem += "_"
            used.add(stem)
            write_new(folder / f"{stem}.txt", text.encode("utf-8"))
            write_new(folder / f"{stem}.ann", brat.ann_text(text, spans).encode("utf-8"))
            count += 1
        return count

    target.parent.mkdir(parents=True, exist_ok=True)
    return replace_folder(build, target)


def _export_spacy(
    store: StoreLike,
    flt: ClaimFilter,
    path: Path,
    what: str,
    entities_for: EntitySource | None,
    warn: Warn | None,
) -> int:
    def items() -> Iterator[spacy_docbin.DocItem]:
        if what == "entities":  # every chosen article, with its claims as well
            ids = flt.selected_ids(store)
            for article in store.articles():
                if ids is not None and article.id not in ids:
                    continue
                claims = [c for c in store.claims(article.id) if flt.match(c)]
                entities = entities_for(article) if entities_for is not None else []
                yield (article.to_record(), store.text(article.id), _claim_spans(claims),
                       entities)
            return
        for article, text, spans in _per_article(store, flt, "claims", None):
            entities = entities_for(article) if entities_for is not None else []
            yield article.to_record(), text, spans, entities

    return spacy_docbin.write(items(), path, warn)
