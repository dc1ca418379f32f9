"""The annotation store: atomic TinyDB files, one writer per folder, re-anchoring of claims."""

from reader.store.errors import (
    StoreError,
    StoreFileError,
    StoreProblem,
    StoreReadOnlyError,
    StoreWriteError,
)
from reader.store.store import AddResult, Store, Transaction

__all__ = [
    "AddResult",
    "Store",
    "StoreError",
    "StoreFileError",
    "StoreProblem",
    "StoreReadOnlyError",
    "StoreWriteError",
    "Transaction",
]
