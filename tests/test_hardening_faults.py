"""Faults: nothing acknowledged is ever lost, and nothing is rewritten behind the user's back.

Write errors injected at the storage layer (in the UI and in `reader import`), SIGKILL at random
moments during imports and exports, corrupt stores, two processes on one store, and an article
file that changes while it is open.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from reader.commands import export_cmd, import_cmd
from reader.records import SourceArticle
from reader.screens import main as main_screen
from reader.store import Store
from reader.store.storage import LOW_LEVEL
from reader.widgets.article_view import ArticleView
from tests.apphelpers import SAMPLE, Heard, make_app, wait_for
from tests.claimhelpers import claim_with

SIZE = (120, 40)
TRIALS = 100


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` and its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}



def status_line(app: Any) -> str:
    """The status line's text."""
    return str(app.screen.query_one("#status").render())


def failing(code: int) -> Any:
    def fail(*_args: Any) -> None:
        raise OSError(code, os.strerror(code))

    return fail


# --- write errors in the UI -------------------------------------------------------------------


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS])
async def test_tag_while_writes_fail_is_kept_and_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    db = tmp_path / "db"
    monkeypatch.setattr(main_screen, "RETRY_SECONDS", 0.2)  # the screen retries failed saves
    app = make_app(db, [SAMPLE])
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        monkeypatch.setattr(LOW_LEVEL, "write", failing(code))
        await pilot.press(")", "s", "1")
        await pilot.pause()
        session = app.session
        article = app.articles[0]
        [claim] = session.claims(article)
        assert claim.id in session.pending
        assert "UNSAVED: 1" in status_line(app)
        await wait_for(pilot, lambda: any("NOT saved" in m for m in heard.messages))
        view = app.screen.query_one(ArticleView)
        assert [(o.start, o.end) for o in view.overlays] == [(claim.start, claim.end)]
        with Store(db, readonly=True) as store:
            assert store.claims(article.id) == []
        monkeypatch.undo()  # the disk has room again: the next retry saves it
        await wait_for(pilot, lambda: session.pending == {})
        assert "UNSAVED" not in status_line(app)
        await wait_for(pilot, lambda: any("Saved 1 claim change" in m for m in heard.messages))
        with Store(db, readonly=True) as store:
            assert [c.id for c in store.claims(article.id)] == [claim.id]
    app.store.close()


# --- imports: all or nothing --------------------------------------------------------------------


def _peer(path: Path, n: int, spans: int) -> Path:
    """A doccano file with one article and `spans` labelled spans."""
    words = [f"w{n}x{i}" for i in range(spans)]
    text = " ".join(words) + "."
    labels, pos = [], 0
    for word in words:
        labels.append([pos, pos + len(word), "factual"])
        pos += len(word) + 1
    path.write_text(json.dumps({"text": text, "label": labels}) + "\n", encoding="utf-8")
    return path


def _import_args(db: Path, paths: list[Path]) -> argparse.Namespace:
    return argparse.Namespace(paths=[str(p) for p in paths], format=None, as_="claims",
                              predictions=False, annotator="t", db=str(db))


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
@pytest.mark.parametrize("nth", [1, 2])
def test_import_fails_whole_on_write_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    step: str, nth: int,
) -> None:
    db = tmp_path / "db"
    with Store(db) as store:
        store.add_article(SourceArticle(title="t", text="Existing text.", source="e.txt"))
    (db / ".lock").unlink()
    before = tree(db)
    calls = {"n": 0}
    real = getattr(LOW_LEVEL, step)

    def flaky(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] >= nth:  # the article file (1) or the index (2) cannot be written
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args)

    monkeypatch.setattr(LOW_LEVEL, step, flaky)
    status = import_cmd.run(_import_args(db, [_peer(tmp_path / "p.jsonl", 0, 5)]))
    err = capsys.readouterr().err
    monkeypatch.undo()
    assert status == 2
    assert "nothing imported" in err and "the disk is full" in err
    (db / ".lock").unlink(missing_ok=True)
    (db / ".lock.pid").unlink(missing_ok=True)
    assert tree(db) == before


def _child_import_loop(db: Path, files: list[Path], ack: int) -> None:
    """In a forked child: import each file in turn, write its index once committed."""
    from reader.formats.importing import import_unit, read_units

    store = Store(db, wait=10)
    for index, path in enumerate(files):
        [unit] = read_units(path)
        with store.transaction() as tx:
            import_unit(store, tx, unit, annotator="t")
        os.write(ack, f"{index}\n".encode())
    os._exit(0)


def _fork(target: Any, *args: Any) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read)
            target(*args, write)
        finally:
            os._exit(1)
    os.close(write)
    return pid, read


def _kill_after(pid: int, read: int, delay: float) -> bytes:
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    chunks = []
    while True:
        data = os.read(read, 65536)
        if not data:
            break
        chunks.append(data)
    os.close(read)
    return b"".join(chunks)


def test_sigkill_during_imports_is_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db"
    rng = random.Random(61)
    files = [_peer(tmp_path / f"peer{n}.jsonl", n, 3 + n % 7) for n in range(40)]
    expected = {f"w{n}x0": 3 + n % 7 for n in range(40)}
    acked: set[int] = set()
    partial_kills = 0
    for trial in range(TRIALS):
        pid, read = _fork(_child_import_loop, db, files)
        out = _kill_after(pid, read, rng.uniform(0.0, 0.06))
        acked |= {int(x) for x in out.split()}
        with Store(db) as store:
            assert store.problems == [] and not store.readonly, store.readonly_reason
            counts = {}
            for doc in store.articles():
                text = store.text(doc.id)
                counts[text.split()[0]] = len(store.claims(doc.id))
        for first_word, count in counts.items():
            assert count == expected[first_word], f"trial {trial}: {first_word} has {count}"
        for index in acked:
            assert counts.get(f"w{index}x0") == expected[f"w{index}x0"], f"lost import {index}"
        partial_kills += 0 < len(counts) < len(files)
        if len(counts) == len(files):
            for path in (db / "index.json", *sorted((db / "articles").glob("*.json"))):
                path.unlink()
            acked.clear()
    assert partial_kills > TRIALS // 4  # the kills did land in the middle of imports


def _child_export_loop(db: Path, out: Path, ack: int) -> None:
    args = argparse.Namespace(format="jsonl", out=str(out), article=[], label=[], verdict=[],
                              annotator=[], since=None, what="claims", model=None, db=str(db))
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the child dies by SIGKILL
    while True:
        export_cmd.run(args)
        os.write(ack, b"x\n")


def test_sigkill_during_exports_never_touches_the_store(tmp_path: Path) -> None:
    db = tmp_path / "db"
    files = [_peer(tmp_path / f"peer{n}.jsonl", n, 20) for n in range(10)]
    assert import_cmd.run(_import_args(db, files)) == 0
    (db / ".lock").unlink()
    (db / ".lock.pid").unlink(missing_ok=True)
    before = tree(db)
    rng = random.Random(62)
    out = tmp_path / "out" / "claims.jsonl"
    out.parent.mkdir()
    finished = 0
    for _ in range(TRIALS):
        pid, read = _fork(_child_export_loop, db, out)
        finished += len(_kill_after(pid, read, rng.uniform(0.0, 0.03)).split())
        assert tree(db) == before
        # a part file a killed export left is never reused or removed by the next export
        # (it refuses and says so): the user removes it, as here
        out.with_name(out.name + ".part").unlink(missing_ok=True)
        if out.exists():  # an export is there whole, or not at all
            lines = out.read_text(encoding="utf-8").splitlines()
            assert len(lines) == 200 and all(json.loads(line)["label"] for line in lines)
    assert finished > 0


# --- corrupt stores and two processes ------------------------------------------------------------


def _stored_sample(db: Path) -> Path:
    """A store holding the sample article; returns its article file."""
    with Store(db) as store:
        store.add_article(SourceArticle(title="t", text=SAMPLE.read_text(encoding="utf-8"),
                                        source=str(SAMPLE)))
    index = json.loads((db / "index.json").read_text(encoding="utf-8"))
    [doc] = index["articles"].values()
    return db / "articles" / doc["file"]


async def _tag_attempts(app: Any, db: Path, before: dict[str, bytes], needle: str) -> None:
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        assert app.store.readonly
        assert any(needle in m for m in heard.messages), heard.messages
        await pilot.press(")", "s", "1", "u", "s", "2")
        await pilot.pause()
        assert "READ-ONLY" in status_line(app)
        assert app.is_running
    app.store.close()
    (db / ".lock").unlink(missing_ok=True)
    assert tree(db) == before


async def test_corrupt_index_opens_read_only_and_stays_untouched(tmp_path: Path) -> None:
    db = tmp_path / "db"
    _stored_sample(db)
    raw = (db / "index.json").read_bytes()
    (db / "index.json").write_bytes(raw[: len(raw) // 2])  # truncated
    (db / ".lock").unlink()
    before = tree(db)
    app = make_app(db, [SAMPLE])
    await _tag_attempts(app, db, before, "index.json")


async def test_corrupt_article_file_is_read_only_alone_and_stays_untouched(
    tmp_path: Path, tiny_nlp: Any
) -> None:
    """A truncated article file: that article is read-only (said in a notice and the status
    line) and its file is never written; the other articles go on being annotated."""
    db = tmp_path / "db"
    article_file = _stored_sample(db)
    with Store(db) as store:
        store.add_article(SourceArticle(title="second", text="Exports rose 12 percent in 2023.\n",
                                        source=str(tmp_path / "second.txt")))
    with Store(db) as store:  # where the reader was, and the entities counted
        damaged_id = next(a.id for a in store.articles() if a.title == "t")
        store.update_article(damaged_id, position=231, entity_count=109)
    raw = article_file.read_bytes()
    article_file.write_bytes(raw[: len(raw) - 40])  # truncated by a crash or a bad copy
    (db / ".lock").unlink()
    damaged = article_file.read_bytes()
    app = make_app(db, nlp=tiny_nlp)
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        assert not app.store.readonly
        assert any(article_file.name in m for m in heard.messages), heard.messages
        assert app.screen.article.title == "t"
        await pilot.press(")", "s", "1", "u", "s", "2")  # nothing to tag: the text is unreadable
        await pilot.pause()
        assert "FILE UNREADABLE" in status_line(app)
        await pilot.press("right_square_bracket", "s", "1")  # the other article: a claim
        second = app.screen.article
        await wait_for(pilot, lambda: len(app.store.claims(second.id)) == 1)
        assert "UNREADABLE" not in status_line(app)
        await pilot.press("ctrl+f")  # the corpus view says what it could not count
        await wait_for(pilot, lambda: "1 article file unreadable" in str(
            app.screen.query_one("#corpus-summary").render()))
        assert app.is_running
    app.store.close()
    assert article_file.read_bytes() == damaged
    with Store(db, readonly=True) as store:  # its index record is not overwritten either
        record = store.article(damaged_id)
        assert record is not None
        assert (record.position, record.entity_count) == (231, 109)


async def test_import_while_the_ui_is_open_refuses(tmp_path: Path) -> None:
    db = tmp_path / "db"
    app = make_app(db, [SAMPLE])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = tree(db)
        peer = _peer(tmp_path / "p.jsonl", 1, 4)
        result = subprocess.run([sys.executable, "-m", "reader", "import", "--db", str(db),
                                 str(peer)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 2
        assert f"another reader (pid {os.getpid()}) is writing" in result.stderr
        assert "Traceback" not in result.stderr
        assert tree(db) == before
        second = make_app(db)  # a second reader on the same store: read-only, says so
        assert second.store.readonly and "read-only" in " ".join(second.workspace.notices)
        second.store.close()
        await pilot.press(")", "s", "1")
        await pilot.pause()
        assert app.session.pending == {}
    app.store.close()
    with Store(db, readonly=True) as store:
        [doc] = store.articles()
        assert len(store.claims(doc.id)) == 1


# --- the source file changes while it is open ---------------------------------------------------


async def test_source_deleted_while_open_keeps_the_loaded_text(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    original = "The text as it was loaded.\n\nA second paragraph."
    article.write_text(original, encoding="utf-8")
    app = make_app(tmp_path / "db", [article])
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        article.unlink()
        app.screen.check_source()
        await pilot.press("j", "w", "G")
        assert any("a.txt was deleted; showing the text as loaded" in m
                   for m in heard.messages)
        view = app.screen.query_one(ArticleView)
        assert view.text == original and app.articles[0].text == original
        await pilot.press("s", "1")
        [claim] = app.session.claims(app.articles[0])
        assert claim.quote == "A second paragraph."
    app.store.close()


async def test_source_changed_on_disk_is_announced(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The text as it was loaded.", encoding="utf-8")
    app = make_app(tmp_path / "db", [article])
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        article.write_text("Somebody rewrote the file meanwhile, longer.", encoding="utf-8")
        app.screen.check_source()  # what the periodic timer calls
        await wait_for(pilot, lambda: any("changed on disk" in m and "as loaded" in m
                                          for m in heard.messages), timeout=4)
        assert app.screen.query_one(ArticleView).text == "The text as it was loaded."
        app.screen.check_source()
        await pilot.pause()
        assert sum("changed on disk" in m for m in heard.messages) == 1  # said once
    app.store.close()


async def test_records_that_are_not_objects_are_skipped_and_kept(tmp_path: Path) -> None:
    """A hand-edited file with a stray non-object record stays usable: the bad record is
    reported, skipped, and written back unchanged; the store stays writable."""
    db = tmp_path / "db"
    article_file = _stored_sample(db)
    data = json.loads(article_file.read_text(encoding="utf-8"))
    strays = {"claims": "a stray string", "corrections": 7, "rejected": ["x"]}
    for table, value in strays.items():
        data.setdefault(table, {})["50"] = value
    article_file.write_text(json.dumps(data), encoding="utf-8")
    index = json.loads((db / "index.json").read_text(encoding="utf-8"))
    index["articles"]["50"] = None
    index.setdefault("session", {})["50"] = "stray"
    (db / "index.json").write_text(json.dumps(index), encoding="utf-8")
    (db / ".lock").unlink(missing_ok=True)

    app = make_app(db)
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        assert not app.store.readonly, app.store.readonly_reason
        aid = app.store.articles()[0].id
        assert app.store.rejected(aid) == []
        problems = " | ".join(f"{p.path.name}: {p.message}" for p in app.store.problems)
        for table in ("claim '#50'", "corrections #50", "rejected #50", "article '#50'"):
            assert f"{table}: not a record; skipped" in problems, problems
        assert any(article_file.name in m for m in heard.messages), heard.messages
        await pilot.press(")", "s", "1")  # select the first sentence, tag it as a claim
        await pilot.pause()
        await wait_for(pilot, lambda: len(app.store.claims(aid)) == 1)
    app.store.close()
    after = json.loads(article_file.read_text(encoding="utf-8"))
    for table, value in strays.items():
        assert after[table]["50"] == value
    assert len([c for c in after["claims"].values() if isinstance(c, dict)]) == 1
    index_after = json.loads((db / "index.json").read_text(encoding="utf-8"))
    assert index_after["articles"]["50"] is None


async def test_quitting_with_unsaved_claims_asks_twice_and_rescues_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Writes fail (a full disk) after one claim was saved: an edit of it and a new claim stay
    unsaved. `q` warns first; the second `q` quits, and both go to a rescue file that
    `reader import` brings back: the new claim added, the edit applied over the saved one."""
    from reader.launch import rescue_unsaved

    db = tmp_path / "db"
    app = make_app(db, [SAMPLE])
    heard = Heard()
    async with app.run_test(size=SIZE, notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        article = app.articles[0]
        await pilot.press(")", "s", "1")  # saved
        await pilot.pause()
        [saved] = app.session.claims(article)
        monkeypatch.setattr(LOW_LEVEL, "write", failing(errno.ENOSPC))
        app.session.update(article, saved.id, verdict="false", note="checked")
        await pilot.press(")", ")", "s", "2")  # a new claim, not saved
        await pilot.pause()
        new = next(c for c in app.session.claims(article) if c.id != saved.id)
        await pilot.press("ctrl+q")  # Textual's own quit key asks as well
        await pilot.pause()
        assert app.is_running
        assert any("NOT saved" in m and "q again" in m for m in heard.messages)
        heard.clear()
        monkeypatch.setattr(main_screen, "QUIT_CONFIRM_SECONDS", 0.0)  # the warning's time
        await pilot.pause(0.01)                                         # is up: a q asks again
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        await wait_for(pilot, lambda: any("NOT saved" in m and "q again" in m
                                          for m in heard.messages))
        monkeypatch.setattr(main_screen, "QUIT_CONFIRM_SECONDS", 10.0)
        await pilot.press("q")
        await pilot.pause()
    unsaved = dict(app.session.pending)
    app.store.close()
    assert set(unsaved) == {saved.id, new.id}
    path = rescue_unsaved(app, unsaved)  # what `reader` does after the UI ends
    monkeypatch.undo()
    assert path is not None and path.parent == db  # the store's folder took it
    assert f"reader import {path}" in capsys.readouterr().err
    with Store(db, readonly=True) as store:
        [(stored)] = store.claims(article.id)
        assert stored.verdict == "unverified"
    (db / ".lock").unlink(missing_ok=True)
    assert import_cmd.run(_import_args(db, [path])) == 0
    assert "1 added" in (err := capsys.readouterr().err) and "1 updated" in err, err
    with Store(db, readonly=True) as store:
        back = {c.id: c for c in store.claims(article.id)}
    assert back[saved.id].verdict == "false" and back[saved.id].note == "checked"
    assert back[new.id].quote == new.quote
    assert import_cmd.run(_import_args(db, [path])) == 0  # again: nothing changes
    assert "2 already present" in capsys.readouterr().err


def test_rescue_goes_to_the_first_folder_that_takes_it(tmp_path: Path) -> None:
    from reader.rescue import write_rescue

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    claim = claim_with(id="c1", article_id="a1", start=0, end=4, quote="Text",
                       label="factual")
    articles = {"a1": {"id": "a1", "title": "T", "source": "t.txt"}}
    path = write_rescue([claim], articles, [blocked, tmp_path / "second"])
    assert path is not None and path.parent == tmp_path / "second"
    [line] = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["id"] == "c1" and record["article"]["source"] == "t.txt"
    assert write_rescue([claim], articles, [blocked]) is None
    assert write_rescue([], articles, [tmp_path]) is None


def test_rescue_with_no_writable_folder_prints_the_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No folder takes the rescue file (a full disk everywhere): the claims are printed as
    JSON lines on standard error, for the user to save and import, never silently lost."""
    from types import SimpleNamespace

    import reader.rescue
    from reader.launch import rescue_unsaved

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(reader.rescue, "rescue_folders", lambda root: [blocked, blocked])
    claim = claim_with(id="c1", article_id="a1", start=0, end=4, quote="Text",
                       label="factual", updated="2026-11-28T08:00:00Z")
    article = SimpleNamespace(id="a1", title="T", source="t.txt", url="", date="")
    app = SimpleNamespace(articles=[article], store=SimpleNamespace(root=blocked, readonly=False))
    assert rescue_unsaved(app, {"c1": ("a1", claim), "gone": ("a1", None)}) is None
    err = capsys.readouterr().err
    lines = [json.loads(x) for x in err.splitlines() if x.startswith("{")]
    assert [r["id"] for r in lines] == ["c1"] and lines[0]["article"]["source"] == "t.txt"
    assert "1 deletion not saved" in err
