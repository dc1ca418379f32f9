"""Errors and problem reports of the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class StoreError(Exception):
    """Base class of every store error."""


class StoreFileError(StoreError):
    """A store file that cannot be used: not JSON, not a store file, or a newer schema."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message


class StoreWriteError(StoreError):
    """A write did not happen; the previous version of the file is intact."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message


class StoreReadOnlyError(StoreWriteError):
    """A write was asked of a store (or file) opened read-only."""


@dataclass(frozen=True)
class StoreProblem:
    """Something wrong with a store file or a record in it, for the user to see."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
