"""The NER worker process: `python -m reader.nlp.worker --model NAME`.

Speaks JSON lines (see `reader.nlp.protocol`): one request per line on stdin, replies on
stdout. Runs niced, ignores Ctrl-C (the parent decides), and exits when the parent goes away
(stdin EOF, and on Linux `PR_SET_PDEATHSIG`). Errors are replies, never a silent death.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import importlib
import json
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from typing import IO, Any

from reader.nlp import protocol

PR_SET_PDEATHSIG = 1


def set_parent_death_signal(parent_pid: int | None, enable: bool = True) -> None:
    """Ask Linux to send SIGTERM when the parent dies (best effort), and exit at once if the
    parent is already gone.

    Linux counts the *thread* that started us as the parent, so the service only asks for
    this when it was created on its main thread; otherwise stdin EOF alone ends the worker.
    """
    if enable and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)


class Output:
    """Thread-safe JSON-lines writer; a closed stdout ends the process."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        """Write one message as a line and flush."""
        line = json.dumps(message) + "\n"
        with self._lock:
            try:
                self._stream.write(line)
                self._stream.flush()
            except (BrokenPipeError, ValueError, OSError):
                os._exit(0)


class Inbox:
    """Reads requests on a thread so a `cancel` is seen while a job runs."""

    def __init__(self, stream: IO[str], output: Output) -> None:
        self.requests: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.cancelled: set[Any] = set()
        self.closed = threading.Event()
        self._stream = stream
        self._output = output
        self._thread = threading.Thread(target=self._run, name="worker-inbox", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for line in self._stream:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                if not isinstance(request, dict):
                    raise ValueError("request is not a JSON object")
            except ValueError as exc:
                self._output.send({"error": f"bad request: {exc}"})
                continue
            if request.get("op") == protocol.OP_CANCEL:
                self.cancelled.add(request.get("job"))
            else:
                self.requests.put(request)
        self.closed.set()
        self.requests.put(None)

    def stop_job(self, job: Any) -> bool:
        """True when the job was cancelled or the parent went away."""
        return self.closed.is_set() or job in self.cancelled


class Worker:
    """Handles requests one at a time with a loaded pipeline."""

    def __init__(
        self,
        model: str,
        nlp: Any,
        output: Output,
        inbox: Inbox,
        batch_chars: int = protocol.BATCH_CHARS,
    ) -> None:
        self.model = model
        self.batch_chars = batch_chars
        self.nlp = nlp
        self.output = output
        self.inbox = inbox
        self._parser: Any = None

    def serve(self) -> None:
        """Answer requests until stdin closes."""
        while True:
            request = self.inbox.requests.get()
            if request is None:
                return
            job = request.get("job")
            try:
                self.handle(request)
            except Exception as exc:  # every failure is a reply, the worker stays up
                self.output.send({"job": job, "error": _describe(exc)})
            finally:
                self.inbox.cancelled.discard(job)

    def handle(self, request: dict[str, Any]) -> None:
        """Dispatch one request by its `op`."""
        op = request.get("op")
        if op == protocol.OP_NER:
            self.ner(request)
        elif op == protocol.OP_SUGGEST:
            self.suggest(request)
        elif op == protocol.OP_PING:
            self.output.send({"job": request.get("job"), "pong": True})
        else:
            raise ValueError(f"unknown op {op!r}")

    def ner(self, request: dict[str, Any]) -> None:
        """Entities chunk by chunk, then `done` (or `cancelled`)."""
        from reader.nlp.pipeline import ner_spans

        job = request.get("job")
        chunks = protocol.parse_chunks(request.get("chunks"))
        items = [(offset, text) for offset, text, _key in chunks]
        for index, spans in ner_spans(self.nlp, items, batch_chars=self.batch_chars):
            if self.inbox.stop_job(job):
                self.output.send({"job": job, "done": True, "cancelled": True})
                return
            offset, text, key = chunks[index]
            reply: dict[str, Any] = {
                "job": job,
                "chunk": index,
                "offset": offset,
                "length": len(text),
                "ents": [list(span) for span in spans],
            }
            if key is not None:
                reply["key"] = key
            self.output.send(reply)
        self.output.send({"job": job, "done": True})

    def suggest(self, request: dict[str, Any]) -> None:
        """Suggestions from `reader.nlp.suggest.suggest_text` over the full parse of `text`,
        paragraph by paragraph (bounded memory on long texts)."""
        job = request.get("job")
        text = request.get("text")
        if not isinstance(text, str):
            raise ValueError("suggest needs a text string")
        try:
            suggest_module = importlib.import_module("reader.nlp.suggest")
        except ImportError as exc:
            self.output.send({"job": job, "error": f"suggestions unavailable: {exc}"})
            return
        if self._parser is None:
            from reader.nlp.pipeline import load_parser

            self._parser = load_parser(self.model)
        known = request.get("known")
        article_id = request.get("article_id")
        extra: dict[str, Any] = {}
        if isinstance(known, list) and known:
            extra["known"] = [k for k in known if isinstance(k, dict)]
            extra["article_id"] = article_id if isinstance(article_id, str) else ""
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= protocol.PROGRESS_SECONDS:
                last[0] = now
                self.output.send({"job": job, "progress": [done, total]})

        extra["progress"] = progress
        suggestions = suggest_module.suggest_text(self._parser, text, **extra)
        self.output.send({"job": job, "suggestions": [s.to_record() for s in suggestions]})


def _describe(exc: BaseException) -> str:
    """One line naming the exception."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _await_model(stream: IO[str]) -> str | None:
    """The model named by the first `load` request on stdin; None at EOF."""
    for line in stream:
        with contextlib.suppress(ValueError):
            request = json.loads(line)
            if isinstance(request, dict) and request.get("op") == protocol.OP_LOAD:
                model = request.get("model")
                if isinstance(model, str) and model:
                    return model
    return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m reader.nlp.worker")
    parser.add_argument("--model", default=None,
                        help="package name or pipeline folder; without it the worker imports "
                        "spaCy, then waits for {\"op\": \"load\", \"model\": NAME} on stdin")
    parser.add_argument("--parent-pid", type=int, default=None, help="exit if this parent dies")
    parser.add_argument("--no-nice", action="store_true", help="do not lower the priority")
    parser.add_argument(
        "--no-death-signal", action="store_true", help="do not use PR_SET_PDEATHSIG"
    )
    parser.add_argument(
        "--batch-chars",
        type=int,
        default=protocol.BATCH_CHARS,
        help="characters parsed per nlp.pipe batch (memory grows with it)",
    )
    return parser.parse_args(argv)


@contextlib.contextmanager
def no_collection_while_loading() -> Iterator[None]:
    """No automatic garbage collection while spaCy is imported and the model loaded, then all
    that is frozen (`gc.freeze`): those objects live as long as the worker, and the collector
    walked them again and again during the load (50-150 ms, about a tenth of a bare import and
    load), and again at every full collection after. Threshold 0 rather than `gc.disable()`:
    srsly enables the collector again while it reads the model. The few objects that became
    garbage during the load stay (about a megabyte)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(0)
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)


def _load(model: str | None, output: Output) -> tuple[str, Any, str, str, Inbox] | int:
    """spaCy imported, the model loaded (waiting for its name on stdin when `model` is None),
    and the inbox reading requests; else the exit status: 0 when the launch did not need us,
    1 when the load failed (said on `output`)."""
    if model is None:  # started before the article's language was known: spaCy loads now
        import reader.nlp.pipeline  # noqa: F401 - imports spaCy while the launch goes on

        model = _await_model(sys.stdin)
        if model is None:
            return 0  # the launch did not need us
    inbox = Inbox(sys.stdin, output)
    try:
        from reader.nlp.models import model_key
        from reader.nlp.pipeline import load_ner

        name, version = model_key(model)
        nlp = load_ner(model)
    except Exception as exc:
        output.send({"error": _describe(exc)})
        traceback.print_exc(file=sys.stderr)
        return 1
    return model, nlp, name, version, inbox


def main(argv: list[str] | None = None) -> int:
    """Load the model, say ready (or why not), then serve requests until stdin closes."""
    args = parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_parent_death_signal(args.parent_pid, enable=not args.no_death_signal)
    if not args.no_nice:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(10)
    output = Output(sys.stdout)
    with no_collection_while_loading():
        loaded = _load(args.model, output)
    if isinstance(loaded, int):
        return loaded
    model, nlp, name, version, inbox = loaded
    output.send({"ready": True, "model": name, "version": version, "pipes": nlp.pipe_names})
    Worker(model, nlp, output, inbox, max(1, args.batch_chars)).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
