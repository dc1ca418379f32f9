"""One writer per store: an OS file lock on `<root>/.lock`, released when the process dies."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from filelock import FileLock, Timeout

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
            self._lock.acquire(timeout=max(0.0, timeout))
        except Timeout:
            return False
        except OSError as exc:
            self.error = f"cannot lock the store ({exc.strerror or exc})"
            return False
        try:
            tmp = self.pid_path.with_name(f"{PID_NAME}.{os.getpid()}.tmp")
            tmp.write_text(f"{os.getpid()}\n", encoding="ascii")
            os.replace(tmp, self.pid_path)
        except OSError:
            pass  # the pid is only for the message another process shows
        return True

    def holder_pid(self) -> int | None:
        """The pid the current holder wrote, if any."""
        try:
            return int(self.pid_path.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
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
