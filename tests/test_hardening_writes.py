"""Files the reader did not make: never blocked on, never written through, never overwritten.

Every instance runs the real program (`python -m reader ...`) with a timeout, so a hang fails
the test instead of stopping the suite. Store files that are FIFOs, links to devices or
folders; export targets that are symlinks, devices, FIFOs, planted part files or paths inside
the store; store temp files and lock files planted as symlinks; brat folders holding links;
label colours the screen cannot draw; a read-only store and ctrl+e.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.claims import make_claim
from reader.records import SourceArticle
from reader.store import Store
from tests.apphelpers import SAMPLE, Heard, make_app, wait_for

TEXT = "The minister said taxes rose by 5 percent in 2023. Unemployment fell to 3 percent."
VICTIM_TEXT = "precious data that must never change\n"


def run(*args: str, cwd: Path | None = None, timeout: float = 30,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real program; a hang is a failure (TimeoutExpired)."""
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, stdin=subprocess.DEVNULL,
                          env=env)


def make_store(root: Path) -> tuple[str, Path]:
    """A store with one article and one claim: (article id, its article file)."""
    with Store(root) as store:
        aid = store.add_article(SourceArticle(title="Taxes", text=TEXT, source="t.txt")
                                ).article.id
        store.save_claim(make_claim(article_id=aid, text=TEXT, start=0, end=50,
                                    label="factual", annotator="t"))
    [article_file] = sorted((root / "articles").glob("*.json"))
    return aid, article_file


def tree(root: Path) -> dict[str, Any]:
    """Every entry under `root`: bytes for files, the kind for the rest (links not followed)."""
    found: dict[str, Any] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        rel = str(path.relative_to(root))
        if stat.S_ISREG(info.st_mode):
            found[rel] = path.read_bytes()
        elif stat.S_ISLNK(info.st_mode):
            found[rel] = ("link", os.readlink(path))
        else:
            found[rel] = ("kind", stat.S_IFMT(info.st_mode))
    return found


def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_text(VICTIM_TEXT, encoding="utf-8")
    return path


# --- store files that are not regular files: refused at once, everywhere --------------------


def plant(path: Path, kind: str) -> None:
    """Put a non-regular file at `path` (replacing what was there)."""
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link-to-device":
        path.symlink_to("/dev/zero")  # endless: a plain read never returns
    elif kind == "folder":
        path.mkdir()
    else:  # pragma: no cover
        raise ValueError(kind)


@pytest.mark.parametrize("kind", ["fifo", "link-to-device", "folder"])
@pytest.mark.parametrize("where", ["index", "article"])
def test_store_files_that_are_not_regular_never_hang(tmp_path: Path, kind: str,
                                                     where: str) -> None:
    db = tmp_path / "db"
    aid, article_file = make_store(db)
    plant(db / "index.json" if where == "index" else article_file, kind)
    peer = tmp_path / "peer.jsonl"
    peer.write_text(json.dumps({"text": "Some other text.", "label": [[0, 4, "factual"]]})
                    + "\n", encoding="utf-8")
    check = run("db", "check", "--db", str(db))
    assert check.returncode != 0 and "not a regular file" in check.stdout + check.stderr, check
    repair = run("db", "repair", "--db", str(db), "--out", str(tmp_path / "fixed"))
    assert "Traceback" not in repair.stderr, repair.stderr
    exported = run("export", "--db", str(db), "--format", "jsonl")
    assert "Traceback" not in exported.stderr, exported.stderr
    assert exported.returncode == 2 and "not a regular file" in exported.stderr, exported
    imported = run("import", "--db", str(db), str(peer))
    assert "Traceback" not in imported.stderr, imported.stderr
    if where == "index":
        assert imported.returncode == 2 and "not a regular file" in imported.stderr
    with Store(db, readonly=True) as store:  # what the app opens
        if where == "article":
            assert store.claims(aid) == []
        assert any("not a regular file" in p.message for p in store.problems), store.problems


async def test_app_opens_a_store_with_a_fifo_article_file(tmp_path: Path) -> None:
    db = tmp_path / "db"
    aid, article_file = make_store(db)
    plant(article_file, "fifo")
    app = make_app(db, [])
    heard = Heard()
    async with app.run_test(size=(120, 40), notifications=True, message_hook=heard) as pilot:
        await wait_for(pilot, lambda: any("cannot be used" in str(n.message)
                                          for n in heard.notifications))
        assert aid in app.store.unreadable
        assert any("not a regular file (a FIFO)" in p.message for p in app.store.problems)
    app.store.close()


# --- export --out: no write through a symlink or onto a non-regular file ---------------------


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "store", "spacy"])
def test_export_out_never_writes_through_links_or_onto_devices(tmp_path: Path,
                                                               fmt: str) -> None:
    db = tmp_path / "db"
    make_store(db)
    target = victim(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    # a symlink at OUT, a symlink at OUT.part, a FIFO at OUT, a device like /dev/full at OUT
    (out / "linked").symlink_to(target)
    (out / "planted.part").symlink_to(target)
    os.mkfifo(out / "fifo")
    os.mknod(out / "full", stat.S_IFCHR | 0o666, os.makedev(1, 7))
    before = tree(out)
    for name in ("linked", "planted", "fifo", "full"):
        result = run("export", "--db", str(db), "--format", fmt, "--out", str(out / name))
        assert result.returncode == 2, (name, result)
        assert "refused" in result.stderr or "exists" in result.stderr, (name, result.stderr)
        assert "written to" not in result.stderr
    assert tree(out) == before
    assert target.read_text(encoding="utf-8") == VICTIM_TEXT


def test_export_to_a_full_device_on_standard_output_fails(tmp_path: Path) -> None:
    db = tmp_path / "db"
    make_store(db)
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "reader", "export", "--db", str(db)],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip() == ("reader export: cannot write standard output: No space "
                                     "left on device")


def test_export_keeps_an_existing_part_file_and_writes_a_fresh_target(tmp_path: Path) -> None:
    db = tmp_path / "db"
    make_store(db)
    part = tmp_path / "claims.jsonl.part"
    part.write_text("someone's half-written file\n", encoding="utf-8")
    result = run("export", "--db", str(db), "--out", str(tmp_path / "claims.jsonl"))
    assert result.returncode == 2 and "already exists" in result.stderr, result
    assert part.read_text(encoding="utf-8") == "someone's half-written file\n"
    assert not (tmp_path / "claims.jsonl").exists()
    part.unlink()
    (tmp_path / "claims.jsonl").write_text("old\n", encoding="utf-8")  # a regular file: replaced
    result = run("export", "--db", str(db), "--out", str(tmp_path / "claims.jsonl"))
    assert result.returncode == 0, result
    assert json.loads((tmp_path / "claims.jsonl").read_text(encoding="utf-8"))["label"]
    assert not part.exists()


@pytest.mark.parametrize("fmt", ["jsonl", "store", "brat"])
def test_export_out_inside_the_store_is_refused(tmp_path: Path, fmt: str) -> None:
    db = tmp_path / "db"
    _, article_file = make_store(db)
    before = tree(db)
    inside = [db / "index.json", article_file, db / "new-file.jsonl", db / "articles" / "x",
              db / "exports"]
    for out in inside:
        result = run("export", "--db", str(db), "--format", fmt, "--out", str(out))
        assert result.returncode == 2 and "inside the store" in result.stderr, (out, result)
    assert tree(db) == before
    (db / "exports").symlink_to(".")  # exports/ as a link back into the store: no way in
    result = run("export", "--db", str(db), "--format", fmt, "--out",
                 str(db / "exports" / "index.json"))
    assert result.returncode == 2 and "inside the store" in result.stderr, result
    (db / "exports").unlink()
    assert tree(db) == before
    (db / "exports").mkdir()
    allowed = db / "exports" / f"mine{'' if fmt == 'brat' else '.jsonl'}"
    result = run("export", "--db", str(db), "--format", fmt, "--out", str(allowed))
    assert result.returncode == 0, result
    assert allowed.exists()


# --- brat folders: built aside, renamed whole, never through a link --------------------------


def test_brat_export_never_follows_links_or_overwrites(tmp_path: Path) -> None:
    db = tmp_path / "db"
    make_store(db)
    target = victim(tmp_path)
    first = tmp_path / "first"
    assert run("export", "--db", str(db), "--format", "brat", "--out", str(first)).returncode == 0
    names = sorted(p.name for p in first.iterdir())
    assert len(names) == 2 and names[0].endswith(".ann") and names[1].endswith(".txt")
    # a folder holding a symlink named like the file brat writes
    planted = tmp_path / "planted"
    planted.mkdir()
    for name in names:
        (planted / name).symlink_to(target)
    # a symlink to a folder; a folder with someone's file; a regular file at OUT
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("mine\n", encoding="utf-8")
    before = tree(tmp_path)
    for name in ("first", "planted", "linked", "full", "a-file"):
        result = run("export", "--db", str(db), "--format", "brat", "--out",
                     str(tmp_path / name))
        assert result.returncode == 2 and "refused" in result.stderr, (name, result)
    assert tree(tmp_path) == before
    assert target.read_text(encoding="utf-8") == VICTIM_TEXT
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("export", "--db", str(db), "--format", "brat", "--out", str(empty)
               ).returncode == 0
    assert sorted(p.name for p in empty.iterdir()) == names


def test_brat_export_that_fails_leaves_nothing(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder appears whole or not at all: a write failing on the second file leaves
    neither the target nor the folder it was built in."""
    import errno

    import reader.formats.exporting as exporting
    from reader.formats.exporting import export

    db = tmp_path / "db"
    make_store(db)
    real = exporting.write_new
    calls = []

    def failing(path: Any, data: bytes, **kw: Any) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, **kw)

    monkeypatch.setattr(exporting, "write_new", failing)
    out = tmp_path / "out"
    with Store(db, readonly=True) as store, pytest.raises(OSError):
        export(store, "brat", path=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db"]


# --- store writes: temp, backup and lock files never followed --------------------------------


def test_store_writes_never_follow_planted_links(tmp_path: Path) -> None:
    db = tmp_path / "db"
    aid, article_file = make_store(db)
    targets = {name: victim(tmp_path / name) for name in ("a", "b", "c", "d")
               if (tmp_path / name).mkdir() is None}
    with Store(db) as store:
        pid = os.getpid()
        # what an attacker plants after the store opened (opening removes stale temp files)
        (db / f".index.json.{pid}.tmp").symlink_to(targets["a"])
        (db / "articles" / f".{article_file.name}.{pid}.tmp").symlink_to(targets["b"])
        (db / "articles" / f".{article_file.name}.bak.{pid}.tmp").symlink_to(targets["c"])
        store.save_claim(make_claim(article_id=aid, text=TEXT, start=51, end=len(TEXT),
                                    label="factual", annotator="t"))
        store.update_article(aid, position=3)
    for path in (db / "index.json", article_file):
        assert stat.S_ISREG(path.lstat().st_mode), path
    with Store(db, readonly=True) as store:
        assert len(store.claims(aid)) == 2 and store.problems == []
    for path in targets.values():
        assert path.read_text(encoding="utf-8") == VICTIM_TEXT


def test_lock_file_planted_as_a_link_is_not_truncated(tmp_path: Path) -> None:
    db = tmp_path / "db"
    make_store(db)
    target = victim(tmp_path)
    (db / ".lock").unlink(missing_ok=True)
    (db / ".lock").symlink_to(target)
    with Store(db) as store:
        assert store.readonly and ".lock" in store.readonly_reason
    assert target.read_text(encoding="utf-8") == VICTIM_TEXT


@pytest.mark.parametrize("folder", ["/proc/self", "/proc/self/fd"])
def test_a_folder_where_no_lock_can_be_made_is_not_blamed_on_another_reader(
        tmp_path: Path, folder: str) -> None:
    store = Store(Path(folder))
    try:
        assert store.readonly
        assert "another reader" not in store.readonly_reason, store.readonly_reason
        assert "cannot" in store.readonly_reason
    finally:
        store.close()


# --- label colours: one line and exit status 2, never a frozen screen ------------------------


@pytest.mark.parametrize("colour", ["orange", "grey", "pink", "#f00", " ", 5])
def test_label_colour_the_screen_cannot_draw_is_one_line(tmp_path: Path, colour: object) -> None:
    db = tmp_path / "db"
    make_store(db)
    value = json.dumps(colour)
    (db / "reader.toml").write_text(f'[[labels]]\nname = "factual"\nkey = "1"\ncolour = {value}\n',
                                    encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    result = run("--db", str(db), "--model", "no-such-model", str(tmp_path / "a.txt"),
                 timeout=20)
    assert result.returncode == 2, result
    [line] = result.stderr.strip().splitlines()
    assert "reader.toml" in line and "labels[0] colour" in line and "not a colour" in line


@pytest.mark.parametrize("colour", ["dark_orange", "grey50", "#ff8800", "rgb(255,136,0)", ""])
def test_label_colours_the_screen_can_draw_load(tmp_path: Path, colour: str) -> None:
    from reader.config import parse_taxonomy

    path = tmp_path / "reader.toml"
    path.write_text(f'[[labels]]\nname = "factual"\ncolour = "{colour}"\n', encoding="utf-8")
    assert parse_taxonomy(path).colours == ({"factual": colour} if colour else {})


# --- a read-only store gets no write, ctrl+e included -----------------------------------------


async def test_read_only_ctrl_e_writes_nothing_into_the_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    db = tmp_path / "db"
    make_store(db)
    make_app(db, [SAMPLE]).store.close()  # the sample in the store too
    (db / ".lock").unlink(missing_ok=True)
    before = tree(db)
    app = make_app(db, [], read_only=True)
    heard = Heard()
    async with app.run_test(size=(120, 40), notifications=True, message_hook=heard) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "read-only" in shown and str(tmp_path / "data") in shown.replace("\n", "")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("Exported" in str(n.message)
                                          for n in heard.notifications))
        [message] = [str(n.message) for n in heard.notifications if "Exported" in str(n.message)]
    app.store.close()
    assert tree(db) == before
    written = Path(message.split(": ", 1)[1])
    assert written.is_file() and (tmp_path / "data") in written.parents


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "brat"])
def test_two_ctrl_e_exports_in_one_second_keep_both(tmp_path: Path, fmt: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    import reader.formats as formats
    from reader.formats.exporting import EXTENSIONS

    db = tmp_path / "db"
    aid, _ = make_store(db)
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    real = formats.export_name
    monkeypatch.setattr(formats, "export_name", lambda a, f, now=None: real(a, f, moment))
    with Store(db) as store:
        first = formats.export_article(store, aid, fmt)
        second = formats.export_article(store, aid, fmt)
    assert first != second and first.exists() and second.exists()
    assert second.name.endswith(f"-2{EXTENSIONS[fmt]}")


@pytest.mark.parametrize("kind", ["fifo", "link-to-device"])
def test_a_web_snapshot_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path,
                                                                      kind: str) -> None:
    import threading

    from reader.web.snapshots import SnapshotError, read_snapshot, snapshot_path, write_snapshot

    digest, _ = write_snapshot(tmp_path, b"<html>page</html>")
    plant(snapshot_path(tmp_path, digest), kind)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_snapshot(tmp_path, digest)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome.append(error)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "reading the snapshot blocked"
    [error] = outcome
    assert isinstance(error, SnapshotError) and "not a regular file" in str(error)
