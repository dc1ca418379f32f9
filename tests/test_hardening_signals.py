"""SIGTERM, SIGHUP and crashes inside the app: the real program in a pty.

The terminal is restored (the alternate screen left, the cursor shown), claims that could not
be saved go to the rescue file, and the exit status says something went wrong: 128 + the
signal for SIGTERM/SIGHUP, non-zero for a crash.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import select
import shutil
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ARTICLE = ("First sentence here. The minister said taxes rose by 5 percent in 2023.\n\n"
           "Another paragraph says that unemployment fell to 3 percent last year.\n")
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
ENTER_ALT_SCREEN = b"\x1b[?1049h"
HELPER = Path(__file__).parent / "crash_helpers" / "crash_in_app.py"

Step = tuple[bytes, Callable[[int, int], None]]
"""(what must have appeared on the screen, what to do then with (child pid, pty fd))."""


def drive(argv: list[str], steps: list[Step], cwd: Path, timeout: float = 60.0
          ) -> tuple[bytes, int]:
    """Run `argv` in a 120x40 pty, doing each step once its text appeared; every byte written
    and the exit status."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.chdir(cwd)
            env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40",
                       TEXTUAL_ANIMATIONS="none")
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    out = b""
    todo = list(steps)
    mark = 0
    deadline = time.monotonic() + timeout
    status = None
    try:
        while time.monotonic() < deadline:
            try:
                ready, _, _ = select.select([fd], [], [], 0.05)
            except (OSError, ValueError):
                break  # a step hung up the terminal
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break  # the child closed the pty
                if not data:
                    break
                out += data
            if todo and todo[0][0] in out[mark:]:
                mark = out.index(todo[0][0], mark) + len(todo[0][0])
                time.sleep(0.3)
                todo.pop(0)[1](pid, fd)
        done, status = os.waitpid(pid, os.WNOHANG)
        while done == 0 and time.monotonic() < deadline + 10:
            time.sleep(0.02)
            done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            raise AssertionError(f"the program did not finish; it wrote {out[-600:]!r}")
    finally:
        with contextlib.suppress(OSError):  # a step may have hung up the terminal already
            os.close(fd)
    assert not todo, f"{todo[0][0]!r} never appeared: {out[-800:]!r}"
    return out, os.waitstatus_to_exitcode(status)


def keys(data: bytes) -> Callable[[int, int], None]:
    def send(_pid: int, fd: int) -> None:
        for byte in data:
            os.write(fd, bytes([byte]))
            time.sleep(0.15)

    return send


def break_saves(db: Path) -> Callable[[int, int], None]:
    """A fault the program meets as it would in life: the store's article folder is replaced
    by a file, so every save fails and the claims stay in memory, unsaved."""

    def act(_pid: int, _fd: int) -> None:
        shutil.move(db / "articles", db / "articles.moved")
        (db / "articles").write_text("not a folder", encoding="utf-8")

    return act


def send_signal(signum: int) -> Callable[[int, int], None]:
    def act(pid: int, _fd: int) -> None:
        os.kill(pid, signum)

    return act


def hang_up(_pid: int, fd: int) -> None:
    """Close the terminal (the pty's master side): the kernel sends SIGHUP, and the program's
    writes to its terminal fail from then on."""
    os.close(fd)


def rescued(db: Path) -> list[dict[str, object]]:
    """The claims in the store folder's rescue files."""
    lines = []
    for path in sorted(db.glob("unsaved-claims-*.jsonl")):
        lines += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return lines


def assert_terminal_restored(out: bytes) -> None:
    assert ENTER_ALT_SCREEN in out
    assert LEAVE_ALT_SCREEN in out[out.rindex(ENTER_ALT_SCREEN):], (
        f"the terminal was left in the alternate screen: {out[-300:]!r}")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_signal_ends_the_app_like_a_second_q(tmp_path: Path, signum: int) -> None:
    """A claim that could not be saved, then SIGTERM (a shutdown) or SIGHUP (the terminal
    closed): the terminal is restored, the claim is in the rescue file, status 128 + signal."""
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "db"
    argv = [sys.executable, "-m", "reader", "--db", str(db), "--model", "no-such-model",
            "a.txt"]
    out, status = drive(argv, [
        (b"unemployment", break_saves(db)),
        (b"unemployment", keys(b")s1")),
        (b"NOT saved", send_signal(signum)),
    ], cwd=tmp_path)
    assert status == 128 + signum, out[-600:]
    assert_terminal_restored(out)
    [claim] = rescued(db)
    assert "unemployment" in str(claim["quote"])
    assert b"written to" in out and signal.Signals(signum).name.encode() in out


def test_closing_the_terminal_rescues_unsaved_claims(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "db"
    argv = [sys.executable, "-m", "reader", "--db", str(db), "--model", "no-such-model",
            "a.txt"]
    _, status = drive(argv, [
        (b"unemployment", break_saves(db)),
        (b"unemployment", keys(b")s1")),
        (b"NOT saved", hang_up),
    ], cwd=tmp_path)
    assert status != 0
    [claim] = rescued(db)
    assert "unemployment" in str(claim["quote"])


@pytest.mark.parametrize("unsaved", [False, True])
def test_crash_inside_the_app_exits_non_zero_after_restoring(tmp_path: Path,
                                                             unsaved: bool) -> None:
    """An error raised inside the running app (here: the help key, broken on purpose): the
    terminal is restored, unsaved claims are rescued, and the exit status is not 0."""
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "db"
    argv = [sys.executable, str(HELPER), "--db", str(db), "--model", "no-such-model", "a.txt"]
    steps: list[Step] = []
    if unsaved:
        steps += [(b"unemployment", break_saves(db)), (b"unemployment", keys(b")s1")),
                  (b"NOT saved", keys(b"?"))]
    else:
        steps += [(b"unemployment", keys(b"?"))]
    out, status = drive(argv, steps, cwd=tmp_path)
    assert status != 0, out[-600:]
    assert_terminal_restored(out)
    assert b"injected crash inside the app" in out  # the error is shown, after the UI
    if unsaved:
        [claim] = rescued(db)
        assert "unemployment" in str(claim["quote"])
    else:
        assert rescued(db) == []
