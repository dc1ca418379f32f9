"""Evidence: a source added by URL from the claim form is fetched from a local server on
127.0.0.1 in a worker, stored with its snapshot, opened with enter, and exported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import msgspec
from textual.widgets import Input, ListView

from reader.records import CLAIM_SCHEMA
from reader.screens.claim_form import ClaimForm
from reader.sources import source_problems
from reader.store import Store
from tests.apphelpers import SAMPLE, Heard, make_app, wait_entities, wait_for
from tests.webserver import serve

FIRST = "In a joint statement on Monday, the European Union (EU) and South Korea condemned"


def sources_of(app) -> list[dict]:  # type: ignore[no-untyped-def]
    claims = app.session.claims(app.articles[0])
    # as the stored record has them (the source's fields in order)
    return [msgspec.structs.asdict(s) for s in claims[0].sources] if claims else []


async def test_add_a_source_by_url_open_it_and_export_it(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    with serve() as server:
        url = server.url("/article")
        app = make_app(db, [SAMPLE], tiny_nlp)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_entities(pilot)
            await pilot.press(")", "s", "c")
            assert isinstance(app.screen, ClaimForm)
            form = app.screen
            form.query_one("#form-source-ref", Input).focus()
            await pilot.press(*url)
            await pilot.press("enter")
            assert len(form.query_one("#form-sources", ListView).children) == 1
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not isinstance(app.screen, ClaimForm))
            # fetched in a worker: the source gets its article, snapshot and time
            await wait_for(pilot, lambda: bool(sources_of(app) and sources_of(app)[0]["fetched"]),
                           timeout=20)
            [source] = sources_of(app)
            assert source["url"] == url and source["role"] == "primary"
            assert source["stance"] == "supports" and source["snapshot"].startswith("sha256:")
            assert source["article_id"].startswith("sha256:") and not source_problems([source])
            assert server.hits["/article"] == 1
            # enter on the source in the form opens it as an article (no second fetch)
            await pilot.press("c")
            assert isinstance(app.screen, ClaimForm)
            app.screen.query_one("#form-sources", ListView).focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: len(app.articles) == 2)
            await pilot.pause()
            assert app.screen.query_one("#article").text.startswith(FIRST)
            assert server.hits["/article"] == 1
    out = tmp_path / "claims.jsonl"
    done = subprocess.run([sys.executable, "-m", "reader", "export", "--db", str(db), "--out",
                           str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [line] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line["schema"] == CLAIM_SCHEMA and line["sources"] == [source]
    review = subprocess.run([sys.executable, "-m", "reader", "export", "--db", str(db),
                             "--format", "claimreview", "--all"], capture_output=True,
                            text=True, timeout=120)
    assert json.loads(review.stdout)["citation"] == [
        {"@type": "CreativeWork", "url": url, "name": source["title"]}]
    # a jsonl import reads the sources back
    done = subprocess.run([sys.executable, "-m", "reader", "import", str(out), "--db",
                           str(tmp_path / "copy")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with Store(tmp_path / "copy", readonly=True) as store:
        [(_, claim)] = list(store.iter_claims())
    assert [msgspec.structs.asdict(s) for s in claim.sources] == [source]


async def test_offline_a_source_is_kept_and_fetched_on_the_next_save(tmp_path: Path,
                                                                      tiny_nlp) -> None:
    db = tmp_path / "db"
    with serve() as server:
        url = server.url("/article")
        dead = url.replace(server.base, "http://127.0.0.1:1")
        app = make_app(db, [SAMPLE], tiny_nlp)
        heard = Heard()
        async with app.run_test(size=(120, 40), message_hook=heard) as pilot:
            await wait_entities(pilot)
            await pilot.press(")", "s", "c")
            app.screen.query_one("#form-source-ref", Input).focus()
            await pilot.press(*dead, "enter", "ctrl+s")
            await wait_for(pilot, lambda: any("source not fetched" in str(n.message)
                                              for n in heard.notifications), timeout=20)
            [source] = sources_of(app)
            assert source["url"] == dead and source["fetched"] == ""
            # the analyst corrects nothing; the next save fetches what is still missing
            await pilot.press("c")
            app.screen.query_one("#form-source-ref", Input).focus()
            await pilot.press(*url, "enter", "ctrl+s")
            await wait_for(pilot, lambda: len(sources_of(app)) == 2 and bool(
                sources_of(app)[1]["fetched"]), timeout=20)
            assert sources_of(app)[0]["fetched"] == ""
