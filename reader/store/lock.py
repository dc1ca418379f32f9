"""One writer per store: an OS file lock on `<root>/.lock`, released when the process dies."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from filelock import FileLock, Timeout

from reader.safe_io import (
    NotRegularFileError,
    UnsafeTargetError,
    check_target,
    read_regular,
    write_new,
)

LOCK_NAME = ".lock"
PID_NAME = ".lock.pid"


class StoreLock:
    """The writer lock of a store folder; the holder's pid is kept in `.lock.pid` (best effort)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / LOCK_NAME
        self.pid_path = self.root / PID_NAME
        self._lock = FileLock(str(self.path), thread_local=False)
        self.error = ""
        """Why the last `try_acquire` failed, when it was not another holder (e.g. EROFS)."""

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._lock.is_locked

    def try_acquire(self, timeout: float = 0) -> bool:
        """Take the lock, waiting at most `timeout` seconds; False if someone else holds it."""
        self.error = ""
        try:
            check_target(self.path)  # the lock file is opened for writing: never a link or FIFO
        except UnsafeTargetError as exc:
            self.error = f"cannot lock the store ({LOCK_NAME} {exc.strerror})"
            return False
        try:
            self._lock.acquire(timeout=max(0.0, timeout))
        except Timeout:
            if not os.path.lexists(self.path):  # not held by anyone: it could not be created
                self.error = f"cannot lock the store (cannot create {LOCK_NAME} in {self.root})"
            return False
        except OSError as exc:
            self.error = f"cannot lock the store ({exc.strerror or exc})"
            return False
        tmp = self.pid_path.with_name(f"{PID_NAME}.{os.getpid()}.tmp")
        try:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()  # our own pid's leftover (a link is removed, never followed)
            write_new(tmp, f"{os.getpid()}\n".encode("ascii"), fsync=False)
            os.replace(tmp, self.pid_path)
        except OSError:
            pass  # the pid is only for the message another process shows
        return True

    def holder_pid(self) -> int | None:
        """The pid the current holder wrote, if any."""
        try:
            return int(read_regular(self.pid_path, limit=64, nofollow=True).strip())
        except (OSError, ValueError, NotRegularFileError):
            return None

    def busy_reason(self) -> str:
        """The message for a store whose lock another process holds."""
        if self.error:
            return f"{self.error}; opened read-only"
        pid = self.holder_pid()
        who = f"another reader (pid {pid})" if pid is not None else "another reader"
        return f"{who} is writing to this store; opened read-only"

    def release(self) -> None:
        """Let go of the lock (and remove the pid file first, while still holding it)."""
        if not self._lock.is_locked:
            return
        with contextlib.suppress(OSError):
            self.pid_path.unlink(missing_ok=True)
        self._lock.release(force=True)
