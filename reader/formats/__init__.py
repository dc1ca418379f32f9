"""Export and import formats: one module per format, pure functions over plain records.

`export_article` is what the app's ctrl+e runs (in a child process, `export_child`, with the
session's unsaved claims laid over the store's); `reader export` / `reader import` live in
`reader.commands.export_cmd` / `import_cmd`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.formats.base import EXPORT_FORMATS
from reader.formats.detect import IMPORT_FORMATS
from reader.formats.export_worker import export_folder
from reader.wording import plural

# the exporters (`reader.formats.exporting` and every format) load when an export runs, not
# with the package: the UI process imports `reader.formats.base` to list the formats
__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "export_article",
    "export_folder",
    "export_name",
]


def export_name(article: dict[str, Any], fmt: str, now: datetime | None = None) -> str:
    """`<title-slug>-<short id>-<UTC timestamp><extension>` for an export file or folder."""
    from reader.formats.base import article_file_stem
    from reader.formats.exporting import EXTENSIONS

    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{article_file_stem(article)}-{moment:%Y%m%d-%H%M%S}{EXTENSIONS[fmt]}"


def export_article(
    store: Any,
    article_id: str | None,
    fmt: str,
    out_dir: Path | None = None,
    *,
    include_unverified: bool = False,
    notes: list[str] | None = None,
) -> Path:
    """Export one article's claims (every article's when `article_id` is None) in `fmt` into
    `out_dir` (default `<store>/exports/`).

    ClaimReview leaves out unverified claims unless `include_unverified`; what it left out or
    wrote incomplete is added to `notes` (one line each). Returns the path written (a folder
    for brat). Raises `KeyError` for an unknown article, `ValueError` for an unknown format or
    a bad `[publisher]` in reader.toml, `OSError` when the file cannot be written.
    """
    from reader.config import ConfigError, load_publisher
    from reader.formats.claimreview import ClaimReviewOptions
    from reader.formats.exporting import (
        EXTENSIONS,
        ClaimFilter,
        export_file,
        organisations,
        store_entities,
    )

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if article_id is None:
        article: dict[str, Any] = {"id": "sha256:all", "title": "all-articles"}
        flt = ClaimFilter()
    else:
        found = store.article(article_id)
        if found is None:
            raise KeyError(article_id)
        article = found.to_record()  # what the file is named after
        flt = ClaimFilter(article_ids=(article_id,))
    folder = Path(out_dir) if out_dir is not None else export_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder / export_name(article, fmt), EXTENSIONS[fmt])
    entities = store_entities(store) if fmt == "spacy" else None
    review = None
    if fmt == "claimreview":
        try:
            publisher = load_publisher(Path(store.root))
        except ConfigError as error:
            raise ValueError(str(error)) from None
        review = ClaimReviewOptions(publisher, include_unverified,
                                    organisations(store, store_entities(store)))
    export_file(store, fmt, target, flt=flt, entities_for=entities, review=review)
    if review is not None and notes is not None:
        if review.left_out:
            notes.append(f"{plural(review.left_out, 'claim')} left out as unverified "
                         "(choose all claims)")
        notes.extend(f"incomplete: {line}" for line in review.incomplete)
        notes.extend(f"warning: {line}" for line in review.long)
    return target


def _free_name(target: Path, suffix: str) -> Path:
    """`target`, or `<stem>-2<suffix>`... when a file of that name exists (two exports in one
    second): an earlier export is never replaced."""
    import os

    stem = target.name.removesuffix(suffix) if suffix else target.name
    number = 1
    while os.path.lexists(target):
        number += 1
        target = target.with_name(f"{stem}-{number}{suffix}")
    return target
