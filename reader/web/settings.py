"""The `[web]` table of `reader.toml`: timeout, size limit, redirects. Looked up like the
taxonomy (the store folder, then the user's config folder)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from reader.config import CONFIG_NAME, ConfigError
from reader.paths import user_config_dir

__all__ = ["WebSettings", "load_web_settings"]


@dataclass(frozen=True)
class WebSettings:
    """Limits of one fetch."""

    timeout: float = 20.0
    """Seconds for the whole fetch (connection, redirects and body)."""
    max_bytes: int = 20 * 1024 * 1024
    """A body larger than this is refused (`max_mb` in reader.toml)."""
    max_redirects: int = 5


def load_web_settings(store_root: Path | None, config_dir: Path | None = None) -> WebSettings:
    """The `[web]` table of the first reader.toml found, else the defaults.

    Raises ConfigError for a value of the wrong type or out of range."""
    candidates = []
    if store_root is not None:
        candidates.append(store_root / CONFIG_NAME)
    candidates.append((config_dir or user_config_dir()) / CONFIG_NAME)
    for path in candidates:
        if path.is_file():
            return _parse(path)
    return WebSettings()


def _parse(path: Path) -> WebSettings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as error:
        raise ConfigError(f"{path}: {error}") from error
    table = data.get("web", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: 'web' must be a table")
    defaults = WebSettings()
    timeout = _number(path, table, "timeout", defaults.timeout, 0.01, 3600)
    max_mb = _number(path, table, "max_mb", defaults.max_bytes / 2**20, 0.001, 1024)
    redirects = _number(path, table, "max_redirects", defaults.max_redirects, 0, 20)
    if isinstance(table.get("max_redirects"), float):
        raise ConfigError(f"{path}: web.max_redirects must be a whole number")
    return WebSettings(timeout=float(timeout), max_bytes=int(max_mb * 2**20),
                       max_redirects=int(redirects))


def _number(path: Path, table: dict[str, object], name: str, default: float, low: float,
            high: float) -> float:
    value = table.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{path}: web.{name} must be a number")
    if not low <= value <= high:
        raise ConfigError(f"{path}: web.{name} must be between {low:g} and {high:g}")
    return value
