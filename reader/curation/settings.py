"""`[curation]` in reader.toml: the gold layer's name and the threshold rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader.config import ConfigError, config_path, read_config
from reader.text.sanitize import clean_line

GOLD = "gold"
"""The gold layer's default annotator name (the team server's adjudicator role writes it)."""


@dataclass(frozen=True)
class CurationSettings:
    """Who the gold layer is, and when claims merge into it on their own."""

    gold: str = GOLD
    threshold: int = 0
    """At least this many of the compared annotators marked the same version (span, label,
    verdict, speaker) and no other version did as often: it merges on its own. 0: only what
    every compared annotator marked the same."""


def load_curation_settings(store_root: Path | None,
                           config_dir: Path | None = None) -> CurationSettings:
    """The `[curation]` table of the reader.toml in force; ConfigError (one line) when bad."""
    path = config_path(store_root, config_dir)
    if path is None:
        return CurationSettings()
    table = read_config(path).get("curation", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [curation] must be a table")
    gold = table.get("gold", GOLD)
    if not isinstance(gold, str) or not clean_line(gold).strip():
        raise ConfigError(f"{path}: [curation] gold must be a non-empty string")
    threshold = table.get("threshold", 0)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or \
            not 0 <= threshold <= 1000:
        raise ConfigError(f"{path}: [curation] threshold must be a whole number from 0 "
                          "(only unanimous claims merge on their own) to 1000")
    return CurationSettings(gold=clean_line(gold).strip(), threshold=threshold)
