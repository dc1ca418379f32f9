"""Starting NER worker processes with as little imported as possible, so the command line can
start them first of all (spaCy's import and model load are the slowest step of a launch).
`NerService` adopts what this started; no spaCy import here."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
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
    root = str(Path(__file__).resolve().parent.parent.parent)
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


@dataclass
class Spawned:
    """A started worker: the process and the file its standard error goes to."""

    popen: subprocess.Popen[str]
    stderr: IO[bytes]


def spawn(argv: list[str]) -> Spawned:
    """Start one worker (a fresh interpreter: never a fork of the UI process)."""
    stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - owned by the service
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


@dataclass
class EarlyWorkers:
    """Workers started before anything else; `NerService(..., adopt=early)` takes them over,
    `close()` ends them when they turn out not to be needed."""

    model: str | None
    """None until `load(model)` names it (started before the language was known)."""
    workers: list[Spawned] = field(default_factory=list)

    def load(self, model: str) -> None:
        """Tell workers started without a model which pipeline to load."""
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
