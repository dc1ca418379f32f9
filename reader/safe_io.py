"""The one way the reader opens files it did not just create: regular files only, never
blocking, never writing through a symlink.

Reads (`read_regular`) open with `O_NONBLOCK|O_NOCTTY`, so a FIFO or a device planted where a
store file should be is refused at once instead of hanging; `nofollow=True` refuses a symlink
too. Writes (`create_new`, `write_new`, `atomic_write`) create their file with
`O_CREAT|O_EXCL|O_NOFOLLOW`: never over an existing file, never through a planted link. The
final step is a rename, which replaces a name and never writes through what it pointed at;
`check_target` refuses a target that is a symlink, a device, a FIFO or a folder beforehand, so
`reader export --out /dev/full` fails instead of turning the device into a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "NotRegularFileError",
    "UnsafeTargetError",
    "atomic_write",
    "check_target",
    "create_new",
    "inside",
    "make_new_folder",
    "read_regular",
    "replace_folder",
    "write_new",
]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | _CLOEXEC


class NotRegularFileError(OSError):
    """A path that should be a regular file is a FIFO, a device, a socket, a folder or (when
    links are refused) a symlink. An `OSError`, so callers that report `strerror` say why."""

    def __init__(self, path: str | os.PathLike[str], what: str = "not a regular file") -> None:
        super().__init__(errno.EINVAL, what, str(path))


class UnsafeTargetError(OSError):
    """A write target that is refused (a symlink, a device, a FIFO, an existing part file)."""

    def __init__(self, path: str | os.PathLike[str], what: str) -> None:
        super().__init__(errno.EEXIST, what, str(path))


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _not_regular(path: str | os.PathLike[str], mode: int) -> NotRegularFileError:
    kind = _kind(mode)
    text = kind if kind == "not a regular file" else f"not a regular file ({kind})"
    return NotRegularFileError(path, text)


def read_regular(
    path: str | os.PathLike[str], *, limit: int | None = None, nofollow: bool = False
) -> bytes:
    """The bytes of a regular file. Raises `FileNotFoundError`, `NotRegularFileError` (a FIFO,
    device, folder, or a symlink when `nofollow`) without ever blocking, other `OSError`s as
    they come; with `limit`, reads at most `limit + 1` bytes (the caller compares)."""
    first = os.lstat(path) if nofollow else os.stat(path)
    if not stat.S_ISREG(first.st_mode):  # refused before it is even opened
        raise _not_regular(path, first.st_mode)
    try:
        fd = os.open(path, _READ_FLAGS | (_NOFOLLOW if nofollow else 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP and nofollow:
            raise NotRegularFileError(path, "not a regular file (a symbolic link)") from None
        if exc.errno in (errno.ENXIO, errno.EISDIR):  # a socket, a FIFO with no writer; a folder
            info = os.stat(path)
            raise _not_regular(path, info.st_mode) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as handle:  # sized by fstat
            if limit is None or info.st_size <= limit:  # never a buffer larger than needed
                data = handle.read()
            else:
                data = handle.read(limit + 1)
        return data or b""
    finally:
        os.close(fd)


def check_target(path: str | os.PathLike[str], *, folder: bool = False) -> bool:
    """Whether `path` exists; raises `UnsafeTargetError` when something there must not be
    replaced: a symlink, a device, a FIFO, a socket (and a folder where a file is wanted, or
    a file where a folder is wanted)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    mode = info.st_mode
    if folder and stat.S_ISDIR(mode):
        return True
    if not folder and stat.S_ISREG(mode):
        return True
    kind = _kind(mode) if not stat.S_ISREG(mode) else "a file"
    raise UnsafeTargetError(path, f"is {kind}: refused (nothing written there)")


def create_new(path: str | os.PathLike[str], mode: int = 0o644) -> int:
    """A file descriptor for a new file at `path`, opened for writing: `O_EXCL|O_NOFOLLOW`, so
    an existing file or a planted symlink there raises `FileExistsError` and is left alone."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)


def write_new(path: str | os.PathLike[str], data: bytes, *, fsync: bool = True) -> None:
    """Write `data` to a new file at `path` (see `create_new`); on error nothing is left."""
    fd = create_new(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if fsync:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(fd)


@contextlib.contextmanager
def atomic_write(target: str | os.PathLike[str], *, part: str | None = None,
                 fsync: bool = True) -> Iterator[BinaryIO]:
    """Write a file that appears at `target` whole or not at all.

    The data goes to `<target>.part` (or `part`), created new (`O_EXCL|O_NOFOLLOW`): an
    existing part file is never overwritten or deleted, and a symlink there is never followed.
    On success the part file is flushed, fsynced and renamed over `target`; on any error it is
    removed. `target` itself is checked first (`check_target`): only a regular file there is
    replaced."""
    target = Path(target)
    check_target(target)
    partial = Path(part) if part is not None else target.with_name(target.name + ".part")
    try:
        fd = create_new(partial)
    except FileExistsError:
        raise UnsafeTargetError(
            partial, "already exists (an earlier export?): left as it is; remove it or choose "
            "another name") from None
    handle = os.fdopen(fd, "wb")
    try:
        with handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        check_target(target)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def make_new_folder(path: str | os.PathLike[str]) -> None:
    """Create a folder that did not exist (`FileExistsError` otherwise; a symlink there counts
    as existing and is not followed)."""
    os.mkdir(path, 0o755)


def inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether `path` (resolved, symlinks followed) is `folder` or lies under it."""
    try:
        resolved = Path(path).resolve()
        root = Path(folder).resolve()
    except (OSError, RuntimeError):
        return False
    return resolved == root or root in resolved.parents


def replace_folder(build: Callable[[Path], int], target: str | os.PathLike[str]) -> int:
    """Build a folder's files in a new hidden sibling folder and rename it to `target`, which
    must not exist or be an empty folder (never a symlink): the folder appears whole or not at
    all, and no existing file is overwritten. `build(folder)` writes into the new folder (with
    `write_new`) and returns a count, which is returned."""
    target = Path(target)
    if check_target(target, folder=True) and not _empty(target):
        raise UnsafeTargetError(target, "is a folder that is not empty: refused (nothing "
                                "written there); choose a new folder")
    staging = target.with_name(f".{target.name}.{os.getpid()}.part")
    make_new_folder(staging)
    try:
        count = build(staging)
        if check_target(target, folder=True):
            os.rmdir(target)  # empty (checked above); a file put there since makes this fail
        os.rename(staging, target)
    except BaseException:
        with contextlib.suppress(OSError), os.scandir(staging) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        with contextlib.suppress(OSError):
            os.rmdir(staging)
        raise
    return count


def _empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None
