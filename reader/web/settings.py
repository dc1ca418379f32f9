"""The `[web]` table of `reader.toml`: timeout, size limit, redirects. Looked up like the
taxonomy (the store folder, then the user's config folder)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader.config import ConfigError, config_path, read_config

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
    path = config_path(store_root, config_dir)
    return WebSettings() if path is None else _parse(path)


def _parse(path: Path) -> WebSettings:
    table = read_config(path).get("web", {})
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
