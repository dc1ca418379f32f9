"""Which server: `--server URL`, else `[team] server` in reader.toml (store, then user config).

A URL in reader.toml must not carry a password (reader.toml is a file people share and commit):
libpq's PGPASSWORD or ~/.pgpass hold it instead."""

from __future__ import annotations

from pathlib import Path

from reader.config import ConfigError, config_path, read_config
from reader.paths import resolve_store
from reader.team.connect import has_password


class SettingsError(Exception):
    """No usable server URL; the message says what to do."""


def configured_server(store_root: Path | None) -> tuple[str, float]:
    """(`[team] server`, `[team] interval` minutes or 0) from the first reader.toml found."""
    path = config_path(store_root)
    if path is None:
        return "", 0.0
    try:
        team = read_config(path).get("team")
    except ConfigError as error:
        raise SettingsError(str(error)) from error
    if not isinstance(team, dict):
        return "", 0.0
    url = team.get("server", "")
    interval = team.get("interval", 0)
    if not isinstance(url, str) or not isinstance(interval, int | float) \
            or isinstance(interval, bool):
        raise SettingsError(f"{path}: [team] server must be a string, interval a number")
    if has_password(url):
        raise SettingsError(f"{path}: [team] server holds a password; put it in "
                            "~/.pgpass or PGPASSWORD instead")
    return url, float(interval)


def server_url(given: str | None, db: str | None) -> str:
    """The URL to use, or SettingsError."""
    if given:
        return given
    url, _ = configured_server(resolve_store(db))
    if not url:
        raise SettingsError("no server: give --server URL or set [team] server in reader.toml")
    return url
