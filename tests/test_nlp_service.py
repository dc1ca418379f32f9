"""NerService: worker processes, chunked NER with exact offsets, cancel, errors, shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.nlp.service import InlineNerService, NerBackend, NerError, NerService
from reader.records import Entity

ROOT = Path(__file__).parent.parent
SENTENCE = "Josep Borrell visited Seoul."


def long_text() -> str:
    """50 paragraphs, each a few sentences mentioning the same entities."""
    paragraphs = [
        f"Next, {SENTENCE} Then {SENTENCE.replace('Seoul', 'Moscow')} " * 3 for _ in range(50)
    ]
    return "\n\n".join(paragraphs)


def gone(pid: int) -> bool:
    """True when the process no longer runs (absent, or a zombie nobody reaped yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def wait_gone(pids: list[int], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(gone(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def service(tiny_model_path: Path) -> Iterator[NerService]:
    svc = NerService(str(tiny_model_path), processes=2, nice=False)
    yield svc
    svc.close()


def test_chunked_entities_keep_exact_offsets(service: NerService, tiny_nlp) -> None:
    text = long_text()
    job = service.submit(text, chunk_chars=500)
    assert len(job.chunks) > 10
    assert set(job.assigned) == {0, 1}
    updates = list(job.progress())
    assert updates[-1].finished and updates[-1].error is None
    assert updates[-1].done_chars == updates[-1].total_chars == len(text)
    assert sum(len(u.entities) for u in updates) == len(job.entities())
    done = [u.done_chars for u in updates]
    assert done == sorted(done)
    found = job.entities()
    expected = sorted(Entity(e.start_char, e.end_char, e.label_) for e in tiny_nlp(text).ents)
    assert found == expected
    surface = {"PERSON": {"Josep Borrell"}, "GPE": {"Seoul", "Moscow"}}
    for ent in found:
        assert ent.text_in(text) in surface[ent.label]
    assert len(found) == 50 * 3 * 4
    assert service.status == "ready"
    assert service.ready_info() == {"model": service.key_model, "version": "0.0.0"}


def test_inline_service_gives_the_same_entities(service: NerService, tiny_nlp) -> None:
    text = long_text()
    inline = InlineNerService(tiny_nlp)
    try:
        backends: list[NerBackend] = [service, inline]
        results = [b.submit(text, chunk_chars=700).result() for b in backends]
        assert results[0] == results[1] and results[0]
        assert inline.status == "ready"
    finally:
        inline.close()
    assert inline.submit("Seoul").progress().__next__().error == "NER service closed"


def test_submit_many_completes_each_key(service: NerService) -> None:
    items = [("a", SENTENCE), ("b", "Nothing here."), ("c", long_text()), ("d", "")]
    job = service.submit_many(items, chunk_chars=400)
    completed: dict[str, list[Entity]] = {}
    for update in job.progress():
        assert update.error is None
        assert not set(update.completed) & set(completed)
        completed.update(update.completed)
    assert set(completed) == {"a", "b", "c", "d"}
    assert completed["a"] == [Entity(0, 13, "PERSON"), Entity(22, 27, "GPE")]
    assert completed["b"] == completed["d"] == []
    assert len(completed["c"]) == 600
    assert all(e.text_in(items[2][1]) for e in completed["c"])


def test_empty_text_finishes_at_once(service: NerService) -> None:
    updates = list(service.submit("").progress())
    assert len(updates) == 1 and updates[0].finished and updates[0].entities == []


def test_cancel_stops_a_job_and_the_service_keeps_working(service: NerService) -> None:
    text = (long_text() + "\n\n") * 40
    job = service.submit(text, chunk_chars=300)
    updates = job.progress()
    first = next(updates)
    job.cancel()
    rest = list(updates)
    assert job.cancelled and not job.finished
    assert first.done_chars < len(text)
    assert rest == []
    with pytest.raises(NerError, match="cancelled"):
        job.result()
    assert service.submit(SENTENCE).result() == [Entity(0, 13, "PERSON"), Entity(22, 27, "GPE")]


def test_suggest_failure_is_an_error_reply_not_a_dead_worker(service: NerService) -> None:
    # The tiny pipeline has no parser, so the suggestion rules cannot run on it.
    with pytest.raises(NerError) as info:
        service.suggest(SENTENCE, timeout=30)
    assert "\n" not in str(info.value)
    assert service.status == "ready"
    assert service.submit(SENTENCE).result() == [Entity(0, 13, "PERSON"), Entity(22, 27, "GPE")]


def test_bad_model_name_reports_without_hanging() -> None:
    started = time.monotonic()
    svc = NerService("no_such_model_xyz")
    assert svc.status.startswith("no model: ") and "no_such_model_xyz" in svc.status
    assert not svc.wait_ready(1)
    update = next(svc.submit(SENTENCE).progress())
    assert update.finished and update.error and "no_such_model_xyz" in update.error
    with pytest.raises(NerError):
        svc.suggest(SENTENCE)
    svc.close()
    assert time.monotonic() - started < 5


def test_model_that_fails_to_load_in_the_worker(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text('{"lang": "en", "version": "1.0"}', encoding="utf-8")
    svc = NerService(str(tmp_path), nice=False)
    try:
        assert svc.status.startswith("loading ")
        assert not svc.wait_ready(30)
        assert svc.status.startswith("no model: ") and "cannot load model" in svc.status
        assert "\n" not in svc.status
        update = next(svc.submit(SENTENCE).progress())
        assert update.error and "cannot load model" in update.error
    finally:
        svc.close()


def test_a_worker_that_dies_says_its_last_error_line(tmp_path: Path, tiny_model_path: Path
                                                    ) -> None:
    """The worker's standard error is kept (a memory file) and its last line told."""
    interpreter = tmp_path / "python"
    interpreter.write_text("#!/bin/sh\necho 'first line' >&2\n"
                           "echo 'ImportError: no spaCy here' >&2\nexit 3\n", encoding="utf-8")
    interpreter.chmod(0o755)
    svc = NerService(str(tiny_model_path), python=str(interpreter), nice=False)
    try:
        assert not svc.wait_ready(30)
        assert svc.status == ("no model: NER worker exited (status 3): "
                              "ImportError: no spaCy here")
    finally:
        svc.close()


def test_close_ends_the_workers_and_fails_pending_jobs(tiny_model_path: Path) -> None:
    svc = NerService(str(tiny_model_path), processes=2, nice=False)
    pids = svc.pids
    assert len(pids) == 2 and svc.wait_ready(30)
    job = svc.submit((long_text() + "\n\n") * 60, chunk_chars=300)
    svc.close()
    assert wait_gone(pids, timeout=1)
    assert [u.error for u in job.progress()][-1] == "NER service closed"
    with pytest.raises(NerError, match="closed"):
        svc.submit(SENTENCE).result()


def test_workers_die_with_a_killed_parent(tiny_model_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from reader.nlp.service import NerService\n"
        f"svc = NerService({str(tiny_model_path)!r}, processes=2, nice=False)\n"
        "print(*svc.pids, flush=True)\n"
        "svc.wait_ready(30)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert parent.stdout.readline().strip() == "ready"
        assert len(pids) == 2 and not any(gone(pid) for pid in pids)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert wait_gone(pids, timeout=5)
    finally:
        parent.kill()
        parent.wait()


def test_service_made_on_a_short_lived_thread_keeps_its_workers(tiny_model_path: Path) -> None:
    import threading

    made: list[NerService] = []

    def start() -> None:
        made.append(NerService(str(tiny_model_path), nice=False))
        made[0].wait_ready(30)  # the worker is up (a death signal would be armed) ...

    thread = threading.Thread(target=start)
    thread.start()
    thread.join()  # ... and now the thread that started it has ended
    svc = made[0]
    try:
        time.sleep(0.2)
        assert svc.status == "ready"
        assert svc.submit(SENTENCE).result() == [Entity(0, 13, "PERSON"), Entity(22, 27, "GPE")]
    finally:
        svc.close()
    assert wait_gone(svc.pids, timeout=1)
