"""Opening web pages (issue 17, done-means 1): a local HTTP server on 127.0.0.1 serves a normal
article, a redirect chain, a 404, a response slower than the timeout, a 30 MB body, a non-HTML
type and a charset given only in the page. Each opens, or fails with one line and exit status 2
from the real command line with nothing stored; a snapshot is stored once; reopening needs no
network; --refresh keeps the old snapshot and re-anchors claims."""

from __future__ import annotations

import argparse
import gzip
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.claims import make_claim
from reader.launch import build_app
from reader.store.store import Store
from reader.web.fetch import USER_AGENT
from reader.web.page import WebError, find_web_article, open_url, snapshot_entries
from reader.web.settings import WebSettings, load_web_settings
from tests.webserver import ARTICLE, Served, serve

ROOT = Path(__file__).parent.parent
FIRST = "In a joint statement on Monday, the European Union (EU) and South Korea condemned"


@pytest.fixture()
def server() -> Served:
    with serve() as served:
        yield served


def reader(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), READER_ANNOTATOR="tester")
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT, check=False)


def args_for(db: Path, *paths: str, refresh: bool = False) -> argparse.Namespace:
    return argparse.Namespace(paths=list(paths), db=str(db), model="tiny-test-model",
                              annotator="tester", read_only=False, refresh=refresh)


def open_in_app(db: Path, *paths: str, refresh: bool = False) -> list:
    app = build_app(args_for(db, *paths, refresh=refresh), ner_factory=lambda: None)
    try:
        return list(app.articles)
    finally:
        app.store.close()


def snapshot_files(db: Path) -> list[Path]:
    folder = db / "snapshots"
    return sorted(folder.glob("*.gz")) if folder.exists() else []


def assert_nothing_stored(db: Path) -> None:
    assert snapshot_files(db) == []
    if (db / "index.json").exists():
        with Store(db, readonly=True) as store:
            assert store.articles() == []


def fails_with_one_line(db: Path, url: str, expected: str) -> None:
    done = reader(url, "--db", str(db))
    assert done.returncode == 2, done.stderr
    progress = ("reader: fetching ", "reader: received ", "reader: redirected ")
    lines = [line for line in done.stderr.splitlines() if not line.startswith(progress)]
    assert lines == [f"reader: {url}: {expected}"], done.stderr
    assert "Traceback" not in done.stderr
    assert_nothing_stored(db)


# --- opens ---------------------------------------------------------------------------------


def test_normal_article_opens_and_is_stored_once(tmp_path: Path, server: Served) -> None:
    db = tmp_path / "db"
    url = server.url("/article")
    (article,) = open_in_app(db, url)
    assert article.title == "EU and South Korea condemn North Korea’s arms supply"
    assert article.text.startswith(FIRST)
    assert "Newsletters" not in article.text
    assert server.hits["/article"] == 1
    web = article.meta["web"]
    assert (web["url"], web["final_url"], web["status"]) == (url, url, 200)
    assert web["content_hash"].startswith("sha256:") and web["retrieved"].endswith("+00:00")
    assert article.meta["author"] == "Jane Roe" and article.meta["declared_language"] == "en"
    (snapshot,) = snapshot_files(db)
    assert snapshot.name == web["content_hash"][7:] + ".gz"
    assert gzip.decompress(snapshot.read_bytes()) == ARTICLE
    # the article's own file does not hold the raw page
    assert all(b"nav-item" not in p.read_bytes() for p in (db / "articles").glob("*.json"))
    # reopening uses the snapshot: no network, same article, still one snapshot
    (again,) = open_in_app(db, url + "#comments")
    assert again.id == article.id and server.hits["/article"] == 1
    assert len(snapshot_files(db)) == 1


def test_fetch_sends_an_honest_user_agent(server: Served) -> None:
    from reader.web.fetch import fetch

    seen: list[str] = []
    page = fetch(server.url("/article"), WebSettings(), progress=seen.append)
    assert page.status == 200 and page.body == ARTICLE
    assert seen == [f"fetching {server.url('/article')}"]
    assert server.agents == [USER_AGENT]
    assert USER_AGENT.startswith("reader/") and "Mozilla" not in USER_AGENT


def test_redirect_chain_is_recorded_and_both_urls_find_the_article(
    tmp_path: Path, server: Served
) -> None:
    db = tmp_path / "db"
    given = server.url("/r1")
    (article,) = open_in_app(db, given)
    web = article.meta["web"]
    assert web["final_url"] == server.url("/article")
    assert [(hop["status"], hop["to"]) for hop in web["redirects"]] == [
        (301, server.url("/r2")), (302, server.url("/r3")), (307, server.url("/article")),
    ]
    assert article.url == server.url("/article")
    with Store(db, readonly=True) as store:
        assert find_web_article(store, given).id == article.id
        assert find_web_article(store, server.url("/article#top")).id == article.id
    (by_final,) = open_in_app(db, server.url("/article"))
    assert by_final.id == article.id
    assert server.hits["/article"] == 1 and len(snapshot_files(db)) == 1


def test_charset_given_only_in_the_page(tmp_path: Path, server: Served) -> None:
    (article,) = open_in_app(tmp_path / "db", server.url("/latin1"))
    assert "Le café de la gare a rouvert ses portes lundi à Genève." in article.text
    assert article.meta["web"]["charset"] == "iso8859-1"


def test_gzip_body_sent_anyway(tmp_path: Path, server: Served) -> None:
    (article,) = open_in_app(tmp_path / "db", server.url("/gzipped"))
    assert article.text.startswith(FIRST)
    (snapshot,) = snapshot_files(tmp_path / "db")
    assert gzip.decompress(snapshot.read_bytes()) == ARTICLE  # the page, not its transfer form


def test_web_settings_from_reader_toml(tmp_path: Path) -> None:
    (tmp_path / "reader.toml").write_text("[web]\ntimeout = 2.5\nmax_mb = 1\nmax_redirects = 2\n")
    assert load_web_settings(tmp_path, config_dir=tmp_path / "none") == WebSettings(
        timeout=2.5, max_bytes=1024 * 1024, max_redirects=2)


# --- fails with one line, nothing stored ---------------------------------------------------


def test_404(tmp_path: Path, server: Served) -> None:
    fails_with_one_line(tmp_path / "db", server.url("/missing"), "HTTP 404 Not Found")


def test_slower_than_the_timeout(tmp_path: Path, server: Served) -> None:
    db = tmp_path / "db"
    db.mkdir()
    (db / "reader.toml").write_text("[web]\ntimeout = 0.5\n")
    started = time.monotonic()
    fails_with_one_line(db, server.url("/slow"), "timed out after 0.5 s")
    assert time.monotonic() - started < server.slow_seconds + 20


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/huge", "page too large (30.0 MB; the limit is 20 MB, [web] max_mb in reader.toml)"),
        ("/huge-unannounced",
         "page too large (more than 20.0 MB; the limit is 20 MB, [web] max_mb in reader.toml)"),
    ],
)
def test_body_over_the_limit(tmp_path: Path, server: Served, path: str, expected: str) -> None:
    fails_with_one_line(tmp_path / "db", server.url(path), expected)


def test_not_html(tmp_path: Path, server: Served) -> None:
    fails_with_one_line(tmp_path / "db", server.url("/report.pdf"),
                        "not a web page (content type application/pdf)")


def test_too_many_redirects(tmp_path: Path, server: Served) -> None:
    fails_with_one_line(tmp_path / "db", server.url("/loop"), "more than 5 redirects")


def test_offline(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fails_with_one_line(tmp_path / "db", f"http://127.0.0.1:{port}/a",
                        f"cannot connect to 127.0.0.1:{port} (connection refused)")


def test_only_http_and_https(tmp_path: Path) -> None:
    fails_with_one_line(tmp_path / "db", "ftp://127.0.0.1/a.html",
                        "only http and https URLs are fetched, not ftp:")


# --- refresh, snapshots, read-only ---------------------------------------------------------


def _page(*paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Changing story</title></head><body><article>{body}"
            "</article></body></html>").encode()


PARAS = [
    "Josep Borrell met South Korean Foreign Minister Cho Tae-yul in Seoul on Monday to "
    "discuss the growing military cooperation between Moscow and Pyongyang.",
    "They agreed a security and defence partnership that covers fifteen areas, including "
    "cybersecurity, maritime security and disarmament initiatives.",
    "Borrell also visited the demilitarised zone between North and South Korea, where he "
    "paid tribute to the soldiers buried in the cemetery near the border.",
]


def test_refresh_keeps_the_old_snapshot_and_reanchors_claims(
    tmp_path: Path, server: Served
) -> None:
    db = tmp_path / "db"
    url = server.url("/story")
    server.pages["/story"] = _page(*PARAS)
    with Store(db) as store:
        first = open_url(store, url, WebSettings())
        text = store.text(first.record.id)
        start = text.index("They agreed")
        claim = make_claim(article_id=first.record.id, text=text, start=start,
                           end=start + len("They agreed a security and defence partnership"),
                           label="factual", annotator="tester")
        store.save_claim(claim)
        old_hash = first.record.meta["web"]["content_hash"]
        # unchanged page
        same = open_url(store, url, WebSettings(), refresh=True)
        assert same.messages[0].startswith("the page has not changed since ")
        # the page changes: a paragraph is added before the claim
        server.pages["/story"] = _page("UPDATE: a correction was added.", *PARAS)
        changed = open_url(store, url, WebSettings(), refresh=True)
        assert changed.messages[0].startswith("the page changed since ")
        assert "1 claim re-anchored, 0 orphaned" in changed.messages[0]
        new_text = store.text(changed.record.id)
        (moved,) = store.claims(changed.record.id)
        assert new_text[moved.start:moved.end] == claim.quote
        assert moved.start > claim.start
        entries = snapshot_entries(changed.record)
        assert [e["content_hash"] for e in entries][0] == old_hash
        assert len(entries) == 2
    assert server.hits["/story"] == 3
    assert len(snapshot_files(db)) == 2
    # the old snapshot is listed and exported byte for byte
    listing = reader("snapshot", "list", url, "--db", str(db))
    assert listing.returncode == 0, listing.stderr
    assert [line.split("\t")[0] for line in listing.stdout.splitlines()] == [
        e["content_hash"] for e in entries]
    out = tmp_path / "old.html"
    exported = reader("snapshot", "export", old_hash[:19], "--db", str(db), "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert out.read_bytes() == _page(*PARAS)


def test_refresh_from_the_command_line_says_whether_it_changed(
    tmp_path: Path, server: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    url = server.url("/story")
    server.pages["/story"] = _page(*PARAS)
    open_in_app(db, url)
    capsys.readouterr()
    open_in_app(db, url, refresh=True)
    assert f"reader: {url}: the page has not changed since " in capsys.readouterr().err
    assert server.hits["/story"] == 2


def test_read_only_second_process_fetches_nothing(tmp_path: Path, server: Served) -> None:
    db = tmp_path / "db"
    with Store(db):  # the first process holds the writer lock
        done = reader(server.url("/article"), "--db", str(db))
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"reader: {server.url('/article')}: not fetched: ")
    assert line.endswith("a page that cannot be stored is not opened")
    assert "/article" not in server.hits
    assert_nothing_stored(db)


def test_open_url_raises_one_line_for_a_bad_page(tmp_path: Path, server: Served) -> None:
    server.pages["/empty"] = b"<html><body><script>x()</script></body></html>"
    with Store(tmp_path / "db") as store, pytest.raises(WebError, match="no text found"):
        open_url(store, server.url("/empty"), WebSettings())
    assert_nothing_stored(tmp_path / "db")


def test_db_repair_keeps_the_snapshots(tmp_path: Path, server: Served) -> None:
    db = tmp_path / "db"
    open_in_app(db, server.url("/article"))
    (snapshot,) = snapshot_files(db)
    out = tmp_path / "copy"
    done = reader("db", "repair", "--db", str(db), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "snapshots" / snapshot.name).read_bytes() == snapshot.read_bytes()


def test_read_only_opens_a_stored_page_without_network(tmp_path: Path, server: Served) -> None:
    db = tmp_path / "db"
    (stored,) = open_in_app(db, server.url("/article"))
    server.hits.clear()
    args = args_for(db, server.url("/article"), refresh=True)
    args.read_only = True
    app = build_app(args, ner_factory=lambda: None)
    try:
        (article,) = app.articles
        assert article.id == stored.id
        assert article.text.startswith(FIRST)
        assert any("not fetched again" in line for line in app.workspace.notices)
    finally:
        app.store.close()
    assert server.hits == {}


def test_bad_web_settings_are_one_line(tmp_path: Path, server: Served) -> None:
    db = tmp_path / "db"
    db.mkdir()
    (db / "reader.toml").write_text('[web]\ntimeout = "soon"\n')
    done = reader(server.url("/article"), "--db", str(db))
    assert done.returncode == 2
    bad = f"{db / 'reader.toml'}: web.timeout must be a number"
    assert done.stderr.splitlines() == [f"reader: {bad}"]
    assert "/article" not in server.hits


def test_refresh_of_a_vanished_page_keeps_what_was_stored(tmp_path: Path, server: Served) -> None:
    db = tmp_path / "db"
    url = server.url("/story")
    server.pages["/story"] = _page(*PARAS)
    (stored,) = open_in_app(db, url)
    del server.pages["/story"]  # now a 404
    done = reader(url, "--refresh", "--db", str(db))
    assert done.returncode == 2
    progress = ("reader: fetching ",)
    assert [ln for ln in done.stderr.splitlines() if not ln.startswith(progress)] == [
        f"reader: {url}: HTTP 404 Not Found"]
    with Store(db, readonly=True) as store:
        record = find_web_article(store, url)
        assert record is not None and record.id == stored.id
        assert len(snapshot_entries(record)) == 1
        assert store.text(stored.id).startswith(PARAS[0])
    assert len(snapshot_files(db)) == 1


def test_a_second_url_with_the_same_text_keeps_both_snapshots(
    tmp_path: Path, server: Served
) -> None:
    db = tmp_path / "db"
    server.pages["/a"] = _page(*PARAS)
    server.pages["/b"] = _page(*PARAS).replace(b"Changing story", b"Same story, other page")
    (first,) = open_in_app(db, server.url("/a"))
    (second,) = open_in_app(db, server.url("/b"))
    assert second.id == first.id  # the same text is one article
    with Store(db, readonly=True) as store:
        record = find_web_article(store, server.url("/a"))
        assert record is not None and find_web_article(store, server.url("/b")) == record
        assert [e["url"] for e in snapshot_entries(record)] == [server.url("/a"),
                                                                server.url("/b")]
    assert len(snapshot_files(db)) == 2
