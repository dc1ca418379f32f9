"""`AtomicJSONStorage`: a TinyDB storage that never leaves a half-written file.

Writes go to a temp file in the same folder, are flushed and fsynced, the previous version is
kept as `<name>.bak`, then the temp file atomically replaces the live one and the folder is
fsynced. A file that cannot be read (not JSON, not a store file, newer schema) is never
written afterwards.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import msgspec
from tinydb import Storage

from reader.clean import clean_tables, needs_cleaning
from reader.records import CLAIM_SCHEMA
from reader.safe_io import create_new, read_regular
from reader.store.errors import StoreFileError, StoreReadOnlyError, StoreWriteError
from reader.text.sanitize import clean_line
from reader.text.utf8 import utf8_bytes, utf8_text

Tables = dict[str, dict[str, Any]]


class LowLevelIO:
    """The system calls a write goes through; tests replace these to inject faults."""

    def write(self, fd: int, data: bytes) -> None:
        """Write all of `data` to `fd`."""
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]

    def fsync(self, fd: int) -> None:
        """Flush `fd` to stable storage."""
        os.fsync(fd)

    def replace(self, src: str, dst: str) -> None:
        """Atomically rename `src` over `dst`."""
        os.replace(src, dst)


LOW_LEVEL = LowLevelIO()
"""The one `LowLevelIO` every storage uses (monkeypatch its methods in tests)."""

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EIO: "input/output error",
}


def describe_os_error(exc: OSError) -> str:
    """A short, plain reason for an OSError."""
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    return f"could not save: {reason}"


def fingerprint(body: Any) -> str:
    """A short stable hash of a record as JSON (what the team sync compares, and the id of a
    record that has none, such as a rejected suggestion)."""
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(utf8_bytes(text)).hexdigest()[:24]


def decode_json(raw: bytes) -> Any:
    """A store file's JSON, as `json.loads` reads it: msgspec's decoder (C, 2.3x faster on
    the article files of a 100,000-claim store), and `json` for what msgspec refuses (lone
    surrogates, `NaN`, numbers out of a float's range), so the result is the same whenever
    the fast path succeeds. Raises ValueError or RecursionError."""
    try:
        return msgspec.json.decode(raw)
    except (msgspec.MsgspecError, ValueError, RecursionError):
        return json.loads(utf8_text(raw))


def copy_tree(value: Any) -> Any:
    """A deep copy of JSON data (dicts and lists copied, strings and numbers shared)."""
    if type(value) is dict:
        return {k: copy_tree(v) for k, v in value.items()}
    if type(value) is list:
        return [copy_tree(v) for v in value]
    return value


def encode(data: Any) -> bytes:
    """Compact UTF-8 JSON (lone surrogates kept, so every text round-trips)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return utf8_bytes(text)


def check_tables(path: Path, data: Any) -> Tables:
    """`data` if it has the TinyDB shape and no record newer than this program; else raise.

    A record that is not an object does not make the file unusable: the store reports it,
    skips it, and writes it back unchanged with the rest of its table.
    """
    if not isinstance(data, dict):
        raise StoreFileError(path, "not a store file (the top level is not a JSON object)")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise StoreFileError(path, f"not a store file (table {name!r} is not an object)")
        for doc in table.values():
            if not isinstance(doc, dict):
                continue
            schema = doc.get("schema")
            if isinstance(schema, int) and not isinstance(schema, bool) and schema > CLAIM_SCHEMA:
                raise StoreFileError(
                    path,
                    f"written by a newer version of reader (schema {schema}, this version "
                    f"reads {CLAIM_SCHEMA}); left untouched",
                )
    return data


def fsync_dir(folder: Path) -> None:
    """fsync a folder so a rename in it is durable (best effort where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        LOW_LEVEL.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _new_temp(folder: Path, name: str) -> tuple[Path, int]:
    """A new temp file `.<name>.<pid>.tmp` beside the live file, created with
    `O_EXCL|O_NOFOLLOW` (never through a planted symlink, never over another file): when that
    name is taken, a numbered one."""
    for attempt in range(100):
        suffix = f".{attempt}" if attempt else ""
        tmp = folder / f".{name}.{os.getpid()}{suffix}.tmp"
        try:
            return tmp, create_new(tmp)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temp file name", str(folder))


class AtomicJSONStorage(Storage):
    """TinyDB storage with atomic, durable writes, a `.bak` generation and an in-memory cache."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        readonly: bool = False,
        fsync: bool = True,
        backup: bool = True,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.fsync = fsync
        self.backup = backup
        self.error: StoreFileError | None = None
        self._data: Tables | None = None
        self._loaded = False

    def read(self) -> Tables | None:
        """The file's tables (a copy), `None` for a missing file; raises `StoreFileError`."""
        if self.error is not None:
            raise self.error
        if not self._loaded:
            self._data = self._load()
            self._loaded = True
        return None if self._data is None else copy_tree(self._data)

    def read_uncached(self) -> Tables | None:
        """The file's tables for a caller that keeps them: read now, neither kept nor copied
        (a copy only if this storage already holds the data)."""
        if self.error is not None:
            raise self.error
        if self._loaded:
            return None if self._data is None else copy_tree(self._data)
        return self._load()

    def _load(self) -> Tables | None:
        try:
            raw = read_regular(self.path, nofollow=True)  # a FIFO there never blocks
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.error = StoreFileError(self.path, f"cannot be read: {exc.strerror or exc}")
            raise self.error from exc
        try:
            if not raw:
                raise ValueError("the file is empty")
            data = decode_json(raw)
        except (ValueError, RecursionError) as exc:
            reason = clean_line(str(exc))[:160]
            self.error = StoreFileError(self.path, f"not valid JSON ({reason}); left untouched")
            raise self.error from exc
        try:
            tables = check_tables(self.path, data)
            # the store's one entry point for records: every string cleaned, one for one
            return clean_tables(tables) if needs_cleaning(raw) else tables
        except StoreFileError as exc:
            self.error = exc
            raise

    def write(self, data: Tables, *, cache: bool = True, sync_folder: bool = True) -> None:
        """Replace the file atomically; on error raise `StoreWriteError` and keep the old file.

        `cache=False`: a one-off write; the data is not copied into this storage's cache (it
        is read from the file if this storage is read later). `sync_folder=False`: the caller
        fsyncs the folder once after many writes (a transaction's new article files)."""
        if self.readonly:
            raise StoreReadOnlyError(self.path, "opened read-only")
        if self.error is not None:
            raise StoreReadOnlyError(self.path, f"not written: {self.error.message}")
        payload = encode(data)
        try:
            self._write_bytes(payload, sync_folder=sync_folder)
        except OSError as exc:
            raise StoreWriteError(self.path, describe_os_error(exc)) from exc
        if cache:
            self._data = copy_tree(data)
            self._loaded = True
        else:
            self._data = None
            self._loaded = False

    def _write_bytes(self, payload: bytes, *, sync_folder: bool = True) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        tmp, fd = _new_temp(folder, self.path.name)
        try:
            try:
                LOW_LEVEL.write(fd, payload)
                if self.fsync:
                    LOW_LEVEL.fsync(fd)
            finally:
                os.close(fd)
            if self.backup and self.path.exists():
                self._keep_backup(folder)
            LOW_LEVEL.replace(str(tmp), str(self.path))
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if self.fsync and sync_folder:
            fsync_dir(folder)

    def _keep_backup(self, folder: Path) -> None:
        """Hard-link the live file to `<name>.bak` (the live path never disappears)."""
        bak = self.path.with_name(self.path.name + ".bak")
        bak_tmp = folder / f".{bak.name}.{os.getpid()}.tmp"
        bak_tmp.unlink(missing_ok=True)
        try:
            os.link(self.path, bak_tmp, follow_symlinks=False)
        except OSError as exc:
            if exc.errno in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
                return  # no hard links here: the backup is best effort
            raise
        try:
            LOW_LEVEL.replace(str(bak_tmp), str(bak))
        except BaseException:
            bak_tmp.unlink(missing_ok=True)
            raise

    def close(self) -> None:
        """Drop the cached data."""
        self._data = None
        self._loaded = False
