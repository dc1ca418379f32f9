"""The worker process and its JSON-lines protocol, driven directly over pipes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.nlp import protocol

ROOT = Path(__file__).parent.parent


class Pipe:
    """A worker subprocess with line helpers."""

    def __init__(self, model: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reader.nlp.worker", "--model", model, "--no-nice"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()

    def recv(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "worker closed its stdout"
        return json.loads(line)


@pytest.fixture()
def worker(tiny_model_path: Path) -> Iterator[Pipe]:
    pipe = Pipe(str(tiny_model_path))
    yield pipe
    pipe.proc.kill()
    pipe.proc.wait()


def test_ready_then_chunks_with_absolute_offsets_and_keys(worker: Pipe, tiny_model_path) -> None:
    ready = worker.recv()
    assert ready == {
        "ready": True,
        "model": str(tiny_model_path.resolve()),
        "version": "0.0.0",
        "pipes": ["entity_ruler"],
    }
    text = "Josep Borrell visited Seoul."
    worker.send({"op": "ner", "job": 7, "chunks": [[100, text], [0, "In Moscow.", "a"]]})
    first, second, done = worker.recv(), worker.recv(), worker.recv()
    assert first == {
        "job": 7, "chunk": 0, "offset": 100, "length": len(text),
        "ents": [[100, 113, "PERSON"], [122, 127, "GPE"]],
    }
    assert second["key"] == "a" and second["ents"] == [[3, 9, "GPE"]]
    assert done == {"job": 7, "done": True}


def test_errors_are_replies_and_the_worker_keeps_serving(worker: Pipe) -> None:
    assert worker.recv()["ready"]
    worker.send({"op": "ner", "job": 1, "chunks": [[-1, "x"]]})
    error = "ValueError: chunk offset must be a non-negative integer"
    assert worker.recv() == {"job": 1, "error": error}
    worker.send({"op": "explode", "job": 2})
    assert worker.recv()["error"].startswith("ValueError: unknown op")
    assert worker.proc.stdin is not None
    worker.proc.stdin.write("not json\n")
    worker.proc.stdin.flush()
    assert worker.recv()["error"].startswith("bad request")
    worker.send({"op": "suggest", "job": 3, "text": 5})
    assert "error" in worker.recv()
    worker.send({"op": "ping", "job": 4})
    assert worker.recv() == {"job": 4, "pong": True}


def test_cancel_stops_between_chunks(worker: Pipe) -> None:
    assert worker.recv()["ready"]
    chunk = "Josep Borrell visited Seoul. " * 40
    count = 3000
    worker.send(protocol.ner_request(9, [(i * len(chunk), chunk, None) for i in range(count)]))
    assert worker.recv()["chunk"] == 0
    worker.send({"op": "cancel", "job": 9})
    replies = []
    while True:
        reply = worker.recv()
        replies.append(reply)
        if reply.get("done"):
            break
    assert replies[-1] == {"job": 9, "done": True, "cancelled": True}
    assert len(replies) < count
    worker.send({"op": "ping", "job": 10})
    assert worker.recv() == {"job": 10, "pong": True}


def test_stdin_eof_ends_the_worker(worker: Pipe) -> None:
    assert worker.recv()["ready"]
    assert worker.proc.stdin is not None
    worker.proc.stdin.close()
    assert worker.proc.wait(timeout=10) == 0


def test_bad_model_reports_one_error_line_and_exits() -> None:
    pipe = Pipe("no_such_model_xyz")
    try:
        reply = pipe.recv()
        assert set(reply) == {"error"}
        assert "no_such_model_xyz" in reply["error"]
        assert pipe.proc.wait(timeout=10) == 1
    finally:
        pipe.proc.kill()
        pipe.proc.wait()


def test_broken_pipeline_folder_reports_error(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text('{"lang": "en", "version": "1.0"}', encoding="utf-8")
    (tmp_path / "config.cfg").write_text("[nlp]\nlang = \"xx_nope\"\n", encoding="utf-8")
    pipe = Pipe(str(tmp_path))
    try:
        reply = pipe.recv()
        assert set(reply) == {"error"} and "cannot load model" in reply["error"]
    finally:
        pipe.proc.kill()
        pipe.proc.wait()


def test_no_collection_while_loading_then_what_was_loaded_is_frozen() -> None:
    """spaCy's import and the model load make objects that live as long as the worker: the
    collector stays off meanwhile (even when srsly enables it again, as it does while reading
    a model), then they are frozen, and the thresholds come back."""
    import gc

    from reader.nlp.worker import no_collection_while_loading

    before = gc.get_threshold()
    collections: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    frozen = gc.get_freeze_count()
    gc.callbacks.append(seen)
    try:
        with no_collection_while_loading():
            gc.disable()
            gc.enable()  # what srsly does around msgpack reads
            kept = []
            for _ in range(20_000):  # far over the usual 700-object threshold
                node: list[Any] = []
                node.append(node)
                kept.append(node)
            assert gc.get_threshold()[0] == 0
        assert collections == []
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        gc.callbacks.remove(seen)
        gc.unfreeze()


def test_the_worker_loads_without_collections_and_serves_with_the_model_frozen(
    tiny_model_path: Path,
) -> None:
    code = (
        "import gc, sys\n"
        "from reader.nlp import worker\n"
        "status = worker.main(sys.argv[1:])\n"
        "print(gc.get_freeze_count() > 1000, gc.get_threshold() == (700, 10, 10), status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "--model", str(tiny_model_path), "--no-nice",
         "--no-death-signal"],
        input=json.dumps({"op": protocol.OP_PING, "job": 1}) + "\n",
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert json.loads(lines[1]) == {"job": 1, "pong": True}
    assert lines[-1] == "True True 0"
