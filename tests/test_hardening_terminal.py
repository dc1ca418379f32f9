"""Hostile input never reaches the terminal: the real `reader` program run in a pty, bytes checked.

Each test runs the installed program (`python -m reader`) in a pseudo-terminal of 100x30 with
TERM=xterm-256color, feeds it text, file names and store paths full of terminal control
sequences, and asserts that none of the injected sequences appears in what it wrote, while
their visible placeholders (U+241B for ESC...) do.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

from reader.claims import make_claim
from reader.records import SourceArticle
from reader.store import Store

OSC_TITLE = "\x1b]0;PWNED\x07"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b31m"
DCS = "\x1bPdcs-payload\x1b\\"
RLO = "\u202e"
OSC8 = "\x1b]8;;http://evil.example\x07link\x1b]8;;\x07"
OSC52 = "\x1b]52;c;cHduZWQ=\x07"
HOSTILE = f"title {OSC_TITLE} clear {CLEAR} c1 {C1_CSI} dcs {DCS} rtl {RLO} {OSC8} {OSC52} bel\x07"
INJECTED = ["\x1b]0;PWNED", "\x1b[2J", "\x9b", "\x1bP", "\u202e", "\x1b]8;;http://evil",
            "\x1b]52;c;cHduZWQ", "\x07bel"]


def run_in_pty(argv: list[str], *, wait_for: bytes = b"", send: bytes = b"q",
               timeout: float = 30.0, cwd: Path | None = None) -> tuple[bytes, int]:
    """Run `argv` in a 100x30 pty; once `wait_for` appeared, type `send`; every byte written."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            if cwd is not None:
                os.chdir(cwd)
            env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30",
                       TEXTUAL_ANIMATIONS="none")
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    out = b""
    sent = not wait_for
    deadline = time.monotonic() + timeout
    status = None
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break  # the child closed the pty
                if not data:
                    break
                out += data
            if not sent and wait_for in out:
                time.sleep(0.3)
                os.write(fd, send)
                sent = True
        done, status = os.waitpid(pid, os.WNOHANG)
        while done == 0 and time.monotonic() < deadline + 10:  # output closed; let it exit
            time.sleep(0.02)
            done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            raise AssertionError(f"the program did not finish; it wrote {out[-400:]!r}")
    finally:
        os.close(fd)
    assert sent, f"{wait_for!r} never appeared: {out[-600:]!r}"
    return out, os.waitstatus_to_exitcode(status)


def reader_argv(*args: str) -> list[str]:
    """The real program: `python -m reader ARGS`."""
    return [sys.executable, "-m", "reader", *args]


def assert_nothing_injected(out: bytes) -> str:
    """No injected sequence in the bytes; returns them decoded."""
    text = out.decode("utf-8", "replace")
    for payload in INJECTED:
        assert payload not in text, f"{payload!r} reached the terminal"
    assert "\x9b".encode("latin-1") not in out.replace("\u241b".encode(), b"").replace(
        "\ufffd".encode(), b"")  # no raw 8-bit CSI byte outside UTF-8 placeholders
    return text


def test_app_never_writes_injected_sequences(tmp_path: Path) -> None:
    name = f"article{OSC_TITLE}[red].txt"
    (tmp_path / name).write_text(f"{HOSTILE}\n\nThe body says hello {HOSTILE} goodbye.\n",
                                 encoding="utf-8")
    missing = f"gone{OSC_TITLE}.txt"
    out, status = run_in_pty(
        reader_argv("--db", str(tmp_path / f"db{CLEAR}"), "--model", "no-such-model", name,
                    missing),
        wait_for=b"goodbye", cwd=tmp_path,
    )
    text = assert_nothing_injected(out)
    assert status == 0
    assert "\u241b]0;PWNED\u2407" in text  # ESC and BEL shown as Control Pictures
    assert "hello" in text and "goodbye" in text


def test_cli_error_line_has_no_control_sequences(tmp_path: Path) -> None:
    out, status = run_in_pty(reader_argv("--db", str(tmp_path / "db"), f"missing{CLEAR}.txt",
                                         f"x{OSC_TITLE}.txt"))
    text = assert_nothing_injected(out)
    assert status == 2
    lines = [line for line in text.replace("\r", "").split("\n") if line]
    assert lines == [
        "reader: missing\u241b[2J.txt: no such file",
        "reader: x\u241b]0;PWNED\u2407.txt: no such file",
        "reader: nothing to open",
    ]
    assert "Traceback" not in text


def test_exports_to_a_terminal_are_clean(tmp_path: Path) -> None:
    root = tmp_path / "db"
    text = f"Intro. {HOSTILE} end."
    with Store(root) as store:
        src = SourceArticle(title=f"T {OSC_TITLE}", text=text, source=f"x{CLEAR}.txt")
        aid = store.add_article(src).article.id
        claim = make_claim(article_id=aid, text=text, start=7, end=7 + len(HOSTILE),
                           label=f"lab{CLEAR}", annotator=f"a{OSC_TITLE}", note=f"n {OSC8}",
                           speaker=f"s{C1_CSI}", tags=[f"t{OSC52}"], speaker_confirmed=True,
                           verdict="false")  # reviewed, so ClaimReview writes it too
        store.save_claim(claim)
    for fmt in ("csv", "jsonl", "claimreview", "doccano", "label-studio", "prodigy"):
        out, status = run_in_pty(reader_argv("export", "--db", str(root), "--format", fmt))
        shown = assert_nothing_injected(out)
        assert status == 0, shown
        assert "PWNED" in shown, fmt  # the record is there, made harmless


def test_import_report_to_a_terminal_is_clean(tmp_path: Path) -> None:
    peer = tmp_path / f"peer{OSC_TITLE}.jsonl"
    record = ('{"text": "Some text here.", "label": [[0, 4, "L\\u001b]0;PWNED\\u0007"], '
              '[40, 50, "X\\u001b[2J"]]}\n')
    peer.write_text(record, encoding="utf-8")
    out, status = run_in_pty(reader_argv("import", "--db", str(tmp_path / "db"), str(peer)))
    text = assert_nothing_injected(out)
    assert status == 0, text
    assert "1 added" in text and "outside the text" in text
