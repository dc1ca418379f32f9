"""Starting NER worker processes with as little imported as possible, so the command line can
start them first of all (spaCy's import and model load are the slowest step of a launch).
`NerService` adopts what this started; no spaCy import here.

Everything imported before the spawn delays the whole NER path, so this module stays off
`dataclasses`, `pathlib`, `json` and `tempfile` (14 ms of imports before the spawn, against
10 ms for `subprocess`, which it needs); `tests/test_launch_early.py` checks."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from typing import IO

from reader.nlp import protocol

LONG_TEXT_CHARS = 200_000
"""Above this, NER runs in two worker processes (on two or more cores)."""


def processes_for(text_length: int) -> int:
    """Worker processes for a text: two for long texts on two or more cores, else one.

    A 1 MB book takes half the time with two workers, for a second model in memory.
    """
    return 2 if text_length > LONG_TEXT_CHARS and (os.cpu_count() or 1) >= 2 else 1


def worker_env() -> dict[str, str]:
    """The environment for a worker: ours, with this checkout importable."""
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    current = env.get("PYTHONPATH")
    env["PYTHONPATH"] = root if not current else root + os.pathsep + current
    return env


def worker_argv(
    model: str | None,
    *,
    python: str = sys.executable,
    nice: bool = True,
    batch_chars: int = protocol.BATCH_CHARS,
) -> list[str]:
    """The command line of one worker process (`model` None: it waits for a `load` line)."""
    argv = [python, "-m", "reader.nlp.worker"]
    if model is not None:
        argv += ["--model", model]
    argv += ["--parent-pid"]
    argv += [str(os.getpid()), "--batch-chars", str(batch_chars)]
    if not nice:
        argv.append("--no-nice")
    if threading.current_thread() is not threading.main_thread():
        argv.append("--no-death-signal")  # it would fire when this thread ends
    return argv


class Spawned:
    """A started worker: the process and the file its standard error goes to."""

    def __init__(self, popen: subprocess.Popen[str], stderr: IO[bytes]) -> None:
        self.popen = popen
        self.stderr = stderr


def stderr_file() -> IO[bytes]:
    """An anonymous file for a worker's standard error (read back for the last line of an
    error): a memory file where the system has them, else a temporary file."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return open(os.memfd_create("reader-ner-stderr"), "w+b")  # noqa: SIM115
    import tempfile

    return tempfile.TemporaryFile()  # noqa: SIM115 - owned by the service


def spawn(argv: list[str]) -> Spawned:
    """Start one worker (a fresh interpreter: never a fork of the UI process)."""
    stderr = stderr_file()
    try:
        popen = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            close_fds=True,
            start_new_session=False,
            env=worker_env(),
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
    except OSError:
        stderr.close()
        raise
    return Spawned(popen, stderr)


class EarlyWorkers:
    """Workers started before anything else; `NerService(..., adopt=early)` takes them over,
    `close()` ends them when they turn out not to be needed."""

    def __init__(self, model: str | None, workers: list[Spawned] | None = None) -> None:
        self.model = model
        """None until `load(model)` names it (started before the language was known)."""
        self.workers: list[Spawned] = workers if workers is not None else []

    def load(self, model: str) -> None:
        """Tell workers started without a model which pipeline to load."""
        import json

        if self.model is not None:
            return
        self.model = model
        line = json.dumps({"op": protocol.OP_LOAD, "model": model}) + "\n"
        for worker in self.workers:
            with contextlib.suppress(OSError, ValueError):
                if worker.popen.stdin is not None:
                    worker.popen.stdin.write(line)
                    worker.popen.stdin.flush()

    def close(self) -> None:
        """End the workers (they may be loading spaCy: SIGTERM ends that at once)."""
        for worker in self.workers:
            if worker.popen.stdin is not None:
                worker.popen.stdin.close()
            worker.popen.terminate()
        for worker in self.workers:
            try:
                worker.popen.wait(timeout=2)
            except subprocess.TimeoutExpired:
                worker.popen.kill()
                worker.popen.wait()
            if worker.popen.stdout is not None:
                worker.popen.stdout.close()
            worker.stderr.close()
        self.workers.clear()


def start_early(model: str | None, processes: int) -> EarlyWorkers:
    """Start `processes` workers for `model` now (None: they import spaCy and wait for
    `EarlyWorkers.load`)."""
    early = EarlyWorkers(model)
    argv = worker_argv(model)
    for _ in range(max(1, processes)):
        try:
            early.workers.append(spawn(argv))
        except OSError:
            break
    return early
