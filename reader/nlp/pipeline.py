"""Loading spaCy pipelines and running NER over text chunks (imports spaCy: worker side only)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from reader.nlp.models import (
    NER_EXCLUDE,
    ModelError,
    is_model_path,
    model_meta,
    normalise_label,
)
from reader.nlp.protocol import BATCH_CHARS

DEFAULT_BATCH_CHARS = BATCH_CHARS
"""Characters of text parsed in one `nlp.pipe` batch: bounds the worker's scratch memory."""

MAX_BATCH_DOCS = 64
"""At most this many texts in one batch (many small articles)."""

Span = tuple[int, int, str] | tuple[int, int, str, str]
"""An entity as `(start, end, label)`, absolute character offsets, end exclusive; with the
pipeline's own label fourth when `label` is its normalised name (`PER` -> `PERSON`)."""


def _load_target(name: str) -> str | Path:
    """What to give `spacy.load`: the package name, or the folder for a path."""
    return Path(name).expanduser() if is_model_path(name) else name


def _components(name: str) -> list[str]:
    """Every component the model declares (enabled or not), from its meta.json."""
    meta = model_meta(name)
    names: list[str] = []
    for key in ("components", "pipeline", "disabled"):
        value = meta.get(key)
        if isinstance(value, list):
            names.extend(str(item) for item in value)
    return names


def ner_exclude(name: str) -> list[str]:
    """The `NER_EXCLUDE` components the model actually has, keeping a `tok2vec` that `ner`
    listens to (pipelines whose `ner` shares an embedding layer)."""
    present = set(_components(name))
    exclude = [c for c in NER_EXCLUDE if c in present]
    if "tok2vec" in exclude and _ner_listens(name):
        exclude.remove("tok2vec")
    return exclude


def _ner_listens(name: str) -> bool:
    """True when the model's `ner` gets its embeddings from a shared (listened-to) layer."""
    target = _load_target(name)
    if isinstance(target, Path):
        config_path = target / "config.cfg"
    else:
        config_path = spacy.util.get_package_path(target) / "config.cfg"
        if not config_path.is_file():
            meta = model_meta(name)
            config_path = (
                spacy.util.get_package_path(target)
                / f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"
                / "config.cfg"
            )
    if not config_path.is_file():
        return False
    config = spacy.util.load_config(config_path, interpolate=False)
    ner = config.get("components", {}).get("ner", {})
    tok2vec = ner.get("model", {}).get("tok2vec", {}) if isinstance(ner, dict) else {}
    arch = tok2vec.get("@architectures", "") if isinstance(tok2vec, dict) else ""
    return "Listener" in str(arch)


def load_ner(name: str) -> Language:
    """The model with only what entities need (see `NER_EXCLUDE`)."""
    try:
        return spacy.load(_load_target(name), exclude=ner_exclude(name))
    except ModelError:
        raise
    except Exception as exc:  # spaCy raises OSError, ValueError, catalogue errors, ...
        raise ModelError(f"cannot load model {name!r}: {exc}") from exc


def load_parser(name: str) -> Language:
    """The full pipeline (tagger, parser, ...) for suggestion rules."""
    try:
        return spacy.load(_load_target(name))
    except Exception as exc:
        raise ModelError(f"cannot load model {name!r}: {exc}") from exc


def batches(
    items: Sequence[tuple[int, str]], batch_chars: int = DEFAULT_BATCH_CHARS
) -> Iterator[list[int]]:
    """Indices of `items` grouped so each group holds about `batch_chars` characters."""
    group: list[int] = []
    size = 0
    for index, (_offset, text) in enumerate(items):
        if group and (size + len(text) > batch_chars or len(group) >= MAX_BATCH_DOCS):
            yield group
            group, size = [], 0
        group.append(index)
        size += len(text)
    if group:
        yield group


def doc_spans(doc: Any, offset: int) -> list[Span]:
    """The doc's entities shifted by `offset`, labels normalised (see `Span`)."""
    spans: list[Span] = []
    for ent in doc.ents:
        start, end, label = offset + ent.start_char, offset + ent.end_char, ent.label_
        name = normalise_label(label)
        spans.append((start, end, name) if name == label else (start, end, name, label))
    return spans


def ner_spans(
    nlp: Language,
    texts_with_offsets: Iterable[tuple[int, str]],
    batch_chars: int = DEFAULT_BATCH_CHARS,
) -> Iterator[tuple[int, list[Span]]]:
    """`(index, entities)` for each `(offset, text)` in order, offsets mapped back to the
    whole text (chunk offset + `ent.start_char`). Results come batch by batch, so a caller
    can stop between batches."""
    items = list(texts_with_offsets)
    for group in batches(items, batch_chars):
        texts = [items[i][1] for i in group]
        docs = nlp.pipe(texts, batch_size=len(texts))
        for index, doc in zip(group, docs, strict=True):
            yield index, doc_spans(doc, items[index][0])
