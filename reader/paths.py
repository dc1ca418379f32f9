"""Where the reader keeps its data and looks for its configuration."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "reader"
STORE_ENV = "READER_DB"


def resolve_store(db: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The store folder: `--db`, else `READER_DB`, else `./annotations` when it exists, else the
    platform's user data folder."""
    if db:
        return Path(db).expanduser()
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    local = (cwd or Path.cwd()) / "annotations"
    if local.is_dir():
        return local
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    """The user's config folder (for `reader.toml`)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def sample_article() -> Path:
    """The sample article shipped inside the package."""
    return Path(__file__).parent / "data" / "eu-korea-joint-statement.txt"


def styles_dir() -> Path:
    """The `.tcss` folder: inside the package when installed, else the checkout's `styles/`."""
    packaged = Path(__file__).parent / "styles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "styles"
