"""Raw page snapshots in the store: `snapshots/<sha256>.gz`, content-addressed, written once
(atomically) and never changed, outside the article's file so saving a claim stays small."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import tempfile
from pathlib import Path

__all__ = ["SNAPSHOTS_DIR", "SnapshotError", "content_hash", "read_snapshot", "remove_snapshot",
           "snapshot_path", "write_snapshot"]

SNAPSHOTS_DIR = "snapshots"
_HEX = re.compile(r"[0-9a-f]{64}")


class SnapshotError(Exception):
    """A snapshot is missing, damaged or cannot be written; the message is one line."""


def content_hash(data: bytes) -> str:
    """`sha256:<hex>` of the raw bytes, as the article record keeps it."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def snapshot_path(store_root: Path, digest: str) -> Path:
    """Where the snapshot of `digest` (`sha256:<hex>` or `<hex>`) lives."""
    hexdigest = digest.removeprefix("sha256:")
    if not _HEX.fullmatch(hexdigest):
        raise SnapshotError(f"not a snapshot hash: {digest[:80]}")
    return store_root / SNAPSHOTS_DIR / f"{hexdigest}.gz"


def write_snapshot(store_root: Path, data: bytes) -> tuple[str, bool]:
    """Store `data`; (its hash, whether the file is new). Durable on return."""
    digest = content_hash(data)
    path = snapshot_path(store_root, digest)
    if path.exists():
        return digest, False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".gz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write(data)
            gz.flush()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return digest, True


def read_snapshot(store_root: Path, digest: str) -> bytes:
    """The raw bytes of a snapshot, checked against its hash."""
    path = snapshot_path(store_root, digest)
    from reader.safe_io import read_regular

    try:
        data = gzip.decompress(read_regular(path, nofollow=True))  # a FIFO never blocks
    except FileNotFoundError:
        raise SnapshotError(f"no snapshot {digest} in {path.parent}") from None
    except (OSError, EOFError) as error:
        raise SnapshotError(f"{path}: damaged ({error})") from None
    if content_hash(data) != "sha256:" + digest.removeprefix("sha256:"):
        raise SnapshotError(f"{path}: damaged (its content does not match its name)")
    return data


def remove_snapshot(store_root: Path, digest: str) -> None:
    """Remove a snapshot this process has just written and cannot use."""
    with contextlib.suppress(OSError, SnapshotError):
        snapshot_path(store_root, digest).unlink(missing_ok=True)
