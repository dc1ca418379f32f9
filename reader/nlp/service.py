"""NER off the UI thread: `NerService` runs worker processes and streams their entities.

No spaCy here (a test checks `sys.modules`): the workers are fresh interpreters started with
`python -m reader.nlp.worker` (never a fork of the UI process), niced, dying with their parent.
`InlineNerService` has the same interface over an in-process pipeline, for fast tests.

Threads: the caller's thread submits and cancels; one writer and one reader thread per worker
move JSON lines; `NerJob.progress()` blocks and is meant for a thread worker of the UI.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import json
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

import msgspec

from reader.nlp import protocol
from reader.nlp.models import ModelError, model_key
from reader.nlp.spawn import (  # noqa: F401 - processes_for is re-exported
    LONG_TEXT_CHARS,
    EarlyWorkers,
    Spawned,
    processes_for,
    spawn,
    worker_argv,
)
from reader.records import Entity, Suggestion, entity_from
from reader.text.chunking import chunk_spans

DEFAULT_CHUNK_CHARS = 20_000
"""Characters per chunk sent to a worker (spaCy's scratch memory grows with a doc's length)."""

STOP_WAIT = 2.0
"""Seconds `close()` waits after SIGTERM before SIGKILL."""


class NerError(Exception):
    """NER or suggestions failed; the message is one line for the user."""


@dataclass(frozen=True)
class NerProgress:
    """One update of a job: chunks finished since the last update.

    `entities` are the entities of the chunks finished in this update (offsets into the
    submitted text); `NerJob.entities()` has all of them so far. `completed` maps each key of
    `submit_many` whose text is now fully processed to all its entities.
    """

    done_chars: int
    total_chars: int
    entities: list[Entity]
    finished: bool = False
    error: str | None = None
    completed: dict[str, list[Entity]] = field(default_factory=dict)


class NerBackend(Protocol):
    """What the app needs from an NER service (`NerService` and `InlineNerService`)."""

    @property
    def status(self) -> str:
        """One line for the status bar: loading, ready, or no model and why."""
        ...

    def ready_info(self) -> dict[str, Any] | None:
        """`{"model": ..., "version": ...}` once the model is loaded, else None."""
        ...

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until loaded (True) or failed / timed out (False)."""
        ...

    def submit(self, text: str, chunk_chars: int = DEFAULT_CHUNK_CHARS) -> NerJob:
        """Start NER on `text`."""
        ...

    def submit_many(
        self, items: Sequence[tuple[str, str]], chunk_chars: int = DEFAULT_CHUNK_CHARS
    ) -> NerJob:
        """Start NER on several `(key, text)` at once."""
        ...

    def suggest(self, text: str, known: Sequence[Mapping[str, Any]] = (),
                article_id: str = "",
                progress: Callable[[int, int], None] | None = None) -> list[Suggestion]:
        """Suggestions for `text` (blocking); `known`: the analyst's stored claims, to flag
        sentences that resemble one (`reader.nlp.known_claims`); `progress(done, total)`:
        characters parsed so far."""
        ...

    def close(self) -> None:
        """Stop everything."""
        ...


_job_ids = itertools.count(1)


class NerJob:
    """A submitted text (or texts): chunks spread over workers, results streamed per chunk."""

    def __init__(
        self,
        chunks: list[protocol.Chunk],
        on_cancel: Callable[[NerJob], None] | None = None,
        closing: Callable[[], bool] | None = None,
    ) -> None:
        self.id = next(_job_ids)
        self.chunks = chunks
        self.total_chars = sum(len(text) for _offset, text, _key in chunks)
        self.assigned: dict[int, list[int]] = {}
        """Worker index -> indices into `chunks` sent to it."""
        self.workers_done = 0
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._on_cancel = on_cancel
        self._closing = closing or (lambda: False)
        self._lock = threading.Lock()
        self._entities: list[Entity] = []
        self._key_left: dict[str | None, int] = {}
        self._key_entities: dict[str | None, list[Entity]] = {}
        for _offset, _text, key in chunks:
            self._key_left[key] = self._key_left.get(key, 0) + 1
        self._chunks_left = len(chunks)
        self._done_chars = 0
        self.finished = False
        self.cancelled = False
        self.error: str | None = None

    # --- called by reader threads -------------------------------------------------------
    def deliver(self, worker: int, message: dict[str, Any]) -> None:
        """A reply for this job from a worker."""
        self._events.put(("message", (worker, message)))

    def fail(self, reason: str) -> None:
        """The job cannot finish (worker died, service closed)."""
        self._events.put(("error", reason))

    # --- called by the consumer ----------------------------------------------------------
    def cancel(self) -> None:
        """Stop the job: workers skip its remaining chunks; `progress()` ends."""
        with self._lock:
            if self.finished or self.cancelled:
                return
            self.cancelled = True
        if self._on_cancel is not None:
            self._on_cancel(self)
        self._events.put(("cancel", None))

    def entities(self) -> list[Entity]:
        """All entities found so far, sorted by offset."""
        with self._lock:
            return sorted(self._entities)

    def progress(self) -> Iterator[NerProgress]:
        """Updates as chunks finish (blocking); the last has `finished` or `error` set.

        Ends without a final update when the job is cancelled.
        """
        if not self.chunks and not self.cancelled:
            self.finished = True
            yield NerProgress(0, 0, [], finished=True)
            return
        while not (self.finished or self.error or self.cancelled):
            kind, payload = self._events.get()
            if kind == "cancel":
                return
            if kind == "error":
                yield self._failed(str(payload))
                return
            worker, message = payload
            update = self._handle(worker, message)
            if update is not None:
                yield update

    def result(self) -> list[Entity]:
        """Wait for the end; all entities, or NerError."""
        for update in self.progress():
            if update.error:
                raise NerError(update.error)
        if self.cancelled:
            raise NerError("cancelled")
        return self.entities()

    def _failed(self, reason: str) -> NerProgress:
        with self._lock:
            self.error = reason
        if self._on_cancel is not None:
            self._on_cancel(self)
        return NerProgress(self._done_chars, self.total_chars, [], finished=True, error=reason)

    def _handle(self, worker: int, message: dict[str, Any]) -> NerProgress | None:
        if "error" in message:
            return self._failed(str(message["error"]))
        if message.get("cancelled"):
            return self._failed("NER service closed" if self._closing() else "NER job stopped")
        if "chunk" not in message:
            return None  # `done` bookkeeping
        index = message["chunk"]
        indices = self.assigned.get(worker)
        if not isinstance(index, int) or indices is None or not 0 <= index < len(indices):
            return self._failed(f"worker sent an unknown chunk {index!r}")
        offset, text, key = self.chunks[indices[index]]
        found = [entity_from(item) for item in message.get("ents", [])]
        completed: dict[str, list[Entity]] = {}
        with self._lock:
            self._entities.extend(found)
            self._key_entities.setdefault(key, []).extend(found)
            self._key_left[key] -= 1
            if self._key_left[key] == 0 and key is not None:
                completed[key] = sorted(self._key_entities.pop(key))
            self._done_chars += len(text)
            self._chunks_left -= 1
            self.finished = self._chunks_left == 0
        return NerProgress(
            self._done_chars, self.total_chars, found, finished=self.finished, completed=completed
        )


def split_text(text: str, chunk_chars: int, key: str | None = None) -> list[protocol.Chunk]:
    """`(offset, chunk text, key)` for each span of `chunk_spans`."""
    if not text:
        return []
    return [(start, text[start:end], key) for start, end in chunk_spans(text, chunk_chars)]


def split_many(items: Sequence[tuple[str, str]], chunk_chars: int) -> list[protocol.Chunk]:
    """Chunks of several keyed texts (offsets relative to each text); empty texts get one
    empty chunk so their key completes."""
    chunks: list[protocol.Chunk] = []
    for key, text in items:
        chunks.extend(split_text(text, chunk_chars, key) or [(0, "", key)])
    return chunks


class _Process:
    """One worker subprocess with its writer and reader threads."""

    def __init__(
        self, index: int, service: NerService, argv: list[str], adopt: Spawned | None = None
    ) -> None:
        self.index = index
        self.service = service
        self.ready = threading.Event()
        self.exited = threading.Event()
        self.info: dict[str, Any] | None = None
        self.error: str | None = None
        self._outbox: queue.Queue[tuple[NerJob | None, dict[str, Any]] | None] = queue.Queue()
        spawned = adopt if adopt is not None else spawn(argv)
        self._stderr: IO[bytes] = spawned.stderr
        self.popen = spawned.popen
        self._writer = threading.Thread(target=self._write, name=f"ner-writer-{index}", daemon=True)
        self._reader = threading.Thread(target=self._read, name=f"ner-reader-{index}", daemon=True)
        self._writer.start()
        self._reader.start()

    @property
    def alive(self) -> bool:
        """Neither exited nor failed to load."""
        return not self.exited.is_set() and self.error is None

    def send(self, message: dict[str, Any], job: NerJob | None = None) -> None:
        """Queue a request (skipped if `job` is cancelled before it is written)."""
        self._outbox.put((job, message))

    def _write(self) -> None:
        stdin = self.popen.stdin
        assert stdin is not None
        while True:
            item = self._outbox.get()
            if item is None:
                break
            job, message = item
            if job is not None and (job.cancelled or job.error):
                continue
            try:
                stdin.write(json.dumps(message) + "\n")
                stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                break
        with contextlib.suppress(OSError, ValueError, BrokenPipeError):
            stdin.close()

    def _read(self) -> None:
        stdout = self.popen.stdout
        assert stdout is not None
        for line in stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if not isinstance(message, dict):
                continue
            if "job" in message:
                self.service._route(self.index, message)
            elif message.get("ready"):
                self.info = {"model": message.get("model"), "version": message.get("version")}
                self.ready.set()
            elif "error" in message and not self.ready.is_set():
                self.error = str(message["error"])
        self.popen.wait()
        if self.error is None and not self.service.closing:
            self.error = f"NER worker exited (status {self.popen.returncode}){self._stderr_tail()}"
        self.exited.set()
        self.ready.set()
        self.service._worker_gone(self.index, self.error or "NER service closed")

    def _stderr_tail(self) -> str:
        """The worker's last stderr line, for the message."""
        try:
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        except (OSError, ValueError):
            return ""
        return f": {lines[-1]}" if lines else ""

    def stop(self) -> None:
        """Close stdin and SIGTERM (a worker has nothing to save), then SIGKILL if need be."""
        self._outbox.put(None)
        for action in (self.popen.terminate, self.popen.kill):
            with contextlib.suppress(OSError):
                action()
            try:
                self.popen.wait(timeout=STOP_WAIT)
                break
            except subprocess.TimeoutExpired:
                continue
        self._reader.join(timeout=STOP_WAIT)
        with contextlib.suppress(OSError):
            self._stderr.close()


class _Submitting:
    """`submit`/`submit_many` over a backend's `_start(chunks)`: both backends chunk alike."""

    def _start(self, chunks: list[protocol.Chunk]) -> NerJob:
        raise NotImplementedError

    def submit(self, text: str, chunk_chars: int = DEFAULT_CHUNK_CHARS) -> NerJob:
        """Start NER on `text` split by `chunk_spans` (chunks spread over the workers)."""
        return self._start(split_text(text, chunk_chars))

    def submit_many(
        self, items: Sequence[tuple[str, str]], chunk_chars: int = DEFAULT_CHUNK_CHARS
    ) -> NerJob:
        """Start NER on several `(key, text)`; offsets are per text, results come by key."""
        return self._start(split_many(items, chunk_chars))


class NerService(_Submitting):
    """NER in `processes` worker subprocesses, started at once so spaCy loads while the UI
    starts.

    Workers end when this process dies: stdin EOF always, and on Linux `PR_SET_PDEATHSIG`
    too when the service is created on the main thread (the signal follows the creating
    thread, so from another thread only EOF is used).
    """

    def __init__(
        self,
        model: str,
        processes: int = 1,
        python: str = sys.executable,
        nice: bool = True,
        batch_chars: int = protocol.BATCH_CHARS,
        adopt: EarlyWorkers | None = None,
    ) -> None:
        self.model = model
        self.closing = False
        self._lock = threading.Lock()
        self._jobs: dict[int, NerJob] = {}
        self._procs: list[_Process] = []
        self._pending: dict[int, tuple[int, queue.Queue[dict[str, Any]]]] = {}
        """Suggestion job id -> (worker index, reply box)."""
        self.error: str | None = None
        try:
            self.key_model, self.version = model_key(model)
        except ModelError as exc:
            self.key_model, self.version = model, ""
            self.error = str(exc)
            if adopt is not None:
                adopt.close()
            return
        argv = worker_argv(model, python=python, nice=nice, batch_chars=batch_chars)
        if adopt is not None and adopt.model is None:
            adopt.load(model)  # started before the language was known
        if adopt is not None and adopt.model != model:
            adopt.close()
        adopted = list(adopt.workers) if adopt is not None else []
        if adopt is not None:
            adopt.workers = []  # this service owns them now
        for index in range(max(1, processes, len(adopted))):
            try:
                taken = adopted[index] if index < len(adopted) else None
                self._procs.append(_Process(index, self, argv, taken))
            except OSError as exc:
                self.error = f"cannot start the NER worker: {exc}"
                break

    # --- status ---------------------------------------------------------------------------
    @property
    def pids(self) -> list[int]:
        """Process ids of the workers."""
        return [proc.popen.pid for proc in self._procs]

    @property
    def status(self) -> str:
        """`loading NAME VERSION…`, `ready`, or `no model: <why>`."""
        why = self._failure()
        if why is not None:
            return f"no model: {why}"
        if self._procs and all(proc.ready.is_set() for proc in self._procs):
            return "ready"
        return f"loading {self.model} {self.version}…".replace("  ", " ")

    def _failure(self) -> str | None:
        """Why no worker can serve, or None while one can (or may)."""
        if self.error is not None:
            return self.error
        if not self._procs:
            return "no NER worker"
        if all(not proc.alive for proc in self._procs):
            return next((proc.error for proc in self._procs if proc.error), "NER workers exited")
        return None

    def ready_info(self) -> dict[str, Any] | None:
        """`{"model": ..., "version": ...}` once a worker has loaded the model, else None."""
        for proc in self._procs:
            if proc.info is not None and proc.alive:
                return dict(proc.info)
        return None

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until every worker has loaded or failed; True if one can serve."""
        for proc in self._procs:
            if not proc.ready.wait(timeout):
                return False
        return self.ready_info() is not None

    # --- jobs -----------------------------------------------------------------------------
    def _start(self, chunks: list[protocol.Chunk]) -> NerJob:
        job = NerJob(chunks, on_cancel=self._cancel, closing=lambda: self.closing)
        if not chunks:
            return job
        live = [proc for proc in self._procs if proc.alive]
        why = self._failure() if not live or self.closing else None
        if self.closing:
            why = "NER service closed"
        if why is not None:
            job.fail(why)
            return job
        loads = {proc.index: 0 for proc in live}
        for index, (_offset, text, _key) in enumerate(chunks):
            target = min(loads, key=lambda i: loads[i])
            loads[target] += len(text) + 1
            job.assigned.setdefault(target, []).append(index)
        with self._lock:
            self._jobs[job.id] = job
        if any(self._procs[i].exited.is_set() for i in job.assigned):
            self._worker_gone(-1, self._failure() or "NER worker exited")
        for proc in live:
            indices = job.assigned.get(proc.index)
            if indices:
                proc.send(protocol.ner_request(job.id, [chunks[i] for i in indices]), job)
        return job

    def _cancel(self, job: NerJob) -> None:
        with self._lock:
            self._jobs.pop(job.id, None)
        for index in job.assigned:
            proc = self._procs[index]
            if proc.alive:
                proc.send({"op": protocol.OP_CANCEL, "job": job.id})

    def _route(self, worker: int, message: dict[str, Any]) -> None:
        """A reader thread hands over a reply for a job."""
        with self._lock:
            job = self._jobs.get(message.get("job", -1))
            if job is not None and message.get("done"):
                job.workers_done += 1
                if job.workers_done >= len(job.assigned):
                    self._jobs.pop(job.id, None)
        if job is not None:
            job.deliver(worker, message)
        else:
            self._answer(message)

    def _worker_gone(self, worker: int, reason: str) -> None:
        """Fail every job and suggestion still waiting on a worker that ended."""
        with self._lock:
            waiting = [
                job
                for job in self._jobs.values()
                if worker in job.assigned
                or any(self._procs[i].exited.is_set() for i in job.assigned)
            ]
            for job in waiting:
                self._jobs.pop(job.id, None)
            gone = [k for k, (i, _box) in self._pending.items() if self._procs[i].exited.is_set()]
            boxes = [self._pending.pop(k)[1] for k in gone]
        for job in waiting:
            job.fail(reason)
        for box in boxes:
            box.put({"error": reason})

    # --- suggestions ------------------------------------------------------------------------
    def _answer(self, message: dict[str, Any]) -> None:
        """A reply to a suggestion request; a progress report leaves the request waiting."""
        with self._lock:
            job = message.get("job", -1)
            entry = (self._pending.get(job) if "progress" in message
                     else self._pending.pop(job, None))
        if entry is not None:
            entry[1].put(message)

    def suggest(self, text: str, known: Sequence[Mapping[str, Any]] = (), article_id: str = "",
                timeout: float | None = None,
                progress: Callable[[int, int], None] | None = None) -> list[Suggestion]:
        """Suggestions from the worker's full parse of `text` (blocking); NerError on failure.
        `known` and `article_id` are sent along for `suggest_text`; `progress(done, total)`
        hears the characters parsed so far (on this thread). `timeout` is per reply."""
        live = [proc for proc in self._procs if proc.alive]
        if self.closing or not live:
            raise NerError(self._failure() or "NER service closed")
        with self._lock:
            busy = {proc.index: 0 for proc in live}
            for job in self._jobs.values():
                for index in job.assigned:
                    if index in busy:
                        busy[index] += 1
            proc = min(live, key=lambda p: busy[p.index])
            job_id = next(_job_ids)
            box: queue.Queue[dict[str, Any]] = queue.Queue()
            self._pending[job_id] = (proc.index, box)
        request: dict[str, Any] = {"op": protocol.OP_SUGGEST, "job": job_id, "text": text}
        if known:
            request.update(known=[dict(k) for k in known], article_id=article_id)
        proc.send(request)
        if proc.exited.is_set():
            self._worker_gone(proc.index, self._failure() or "NER worker exited")
        while True:
            try:
                reply = box.get(timeout=timeout)
            except queue.Empty as exc:
                with self._lock:
                    self._pending.pop(job_id, None)
                raise NerError("suggestions timed out") from exc
            done = reply.get("progress")
            if done is None:
                break
            if progress is not None and isinstance(done, list) and len(done) == 2:
                progress(int(done[0]), int(done[1]))
        if "error" in reply:
            raise NerError(str(reply["error"]))
        suggestions = reply.get("suggestions")
        if not isinstance(suggestions, list):
            raise NerError("worker sent no suggestions")
        try:  # the pipe's edge: JSON objects become typed suggestions here
            return [Suggestion.from_record(item) for item in suggestions]
        except msgspec.ValidationError as exc:
            raise NerError(f"worker sent a bad suggestion: {exc}") from exc

    # --- shutdown ---------------------------------------------------------------------------
    def close(self) -> None:
        """End the workers (stdin closed and terminate, wait, kill); pending jobs fail."""
        if self.closing:
            return
        self.closing = True
        threads = [
            threading.Thread(target=proc.stop, name=f"ner-stop-{proc.index}", daemon=True)
            for proc in self._procs
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with self._lock:
            jobs = list(self._jobs.values())
            self._jobs.clear()
        for job in jobs:
            job.fail("NER service closed")

    def __enter__(self) -> NerService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InlineNerService(_Submitting):
    """The `NerService` interface over an in-process spaCy pipeline, run on one thread.

    For tests and tools that already hold a pipeline; spaCy is only touched through `nlp`.
    """

    def __init__(self, nlp: Any, parser: Any = None, model: str = "inline") -> None:
        self.nlp = nlp
        self.parser = parser if parser is not None else nlp
        self.model = model
        self.key_model = model
        meta = getattr(nlp, "meta", {}) or {}
        self.version = str(meta.get("version", "")) if isinstance(meta, dict) else ""
        self.closing = False
        self._queue: queue.Queue[NerJob | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="ner-inline", daemon=True)
        self._thread.start()

    @property
    def status(self) -> str:
        """Always `ready` (the pipeline is already loaded), unless closed."""
        return "no model: NER service closed" if self.closing else "ready"

    def ready_info(self) -> dict[str, Any] | None:
        """The pipeline's name and version."""
        return None if self.closing else {"model": self.model, "version": self.version}

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True unless closed."""
        return not self.closing

    def _start(self, chunks: list[protocol.Chunk]) -> NerJob:
        job = NerJob(chunks)
        job.assigned[0] = list(range(len(chunks)))
        if self.closing:
            job.fail("NER service closed")
        elif chunks:
            self._queue.put(job)
        return job

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                from reader.nlp.pipeline import ner_spans

                items = [(offset, text) for offset, text, _key in job.chunks]
                for index, spans in ner_spans(self.nlp, items):
                    if job.cancelled or self.closing:
                        break
                    message = {"job": job.id, "chunk": index, "ents": [list(s) for s in spans]}
                    job.deliver(0, message)
            except Exception as exc:
                job.fail(f"{type(exc).__name__}: {exc}")

    def suggest(self, text: str, known: Sequence[Mapping[str, Any]] = (),
                article_id: str = "",
                progress: Callable[[int, int], None] | None = None) -> list[Suggestion]:
        """Suggestions from `reader.nlp.suggest` over `parser(text)` (blocking)."""
        try:
            suggest_module = importlib.import_module("reader.nlp.suggest")
        except ImportError as exc:
            raise NerError(f"suggestions unavailable: {exc}") from exc
        extra: dict[str, Any] = {"known": known, "article_id": article_id} if known else {}
        if progress is not None:
            extra["progress"] = progress
        return list(suggest_module.suggest_text(self.parser, text, **extra))

    def close(self) -> None:
        """Stop the thread after the current chunk."""
        self.closing = True
        self._queue.put(None)
        self._thread.join(timeout=STOP_WAIT)
