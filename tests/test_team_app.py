"""The app syncs itself: on open (a colleague's claim arrives), on quit (mine leaves), never
blocking a key; offline it works, says so, and a later sync sends everything."""

from __future__ import annotations

from pathlib import Path

from reader.claims import make_claim
from reader.store import Store
from reader.text.loading import load_paths
from tests.apphelpers import SAMPLE, make_app, wait_entities, wait_for
from tests.teamhelpers import Team, reader


def _status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#status").render())


def _team(pg_admin_url: str, tmp_path: Path) -> Team:
    team = Team(pg_admin_url)
    assert reader("server", "init", "--server", team.url, cwd=tmp_path).returncode == 0
    for name in ("ana", "ben"):
        assert reader("server", "add-analyst", name, "--server", team.url,
                      cwd=tmp_path).returncode == 0
    return team


async def test_the_app_syncs_on_open_and_on_quit(pg_admin_url: str, tmp_path: Path,
                                                 tiny_nlp) -> None:
    team = _team(pg_admin_url, tmp_path)
    article = load_paths([SAMPLE]).articles[0]
    ben = tmp_path / "ben"
    with Store(ben) as store:
        doc = store.add_article(article).article
        theirs = make_claim(article_id=doc.id, text=article.text, start=100, end=150,
                            label="factual", annotator="ben")
        store.save_claim(theirs)
    assert reader("sync", "--server", team.as_role("ben"), "--db", str(ben),
                  cwd=tmp_path).returncode == 0
    ana = tmp_path / "ana"
    with Store(ana) as store:
        store.add_article(article)
    (ana / "reader.toml").write_text(f'[team]\nserver = "{team.as_role("ana")}"\n',
                                     encoding="utf-8")
    app = make_app(ana, [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_entities(pilot)
        await wait_for(pilot, lambda: "synced" in _status(app), timeout=30)
        claims = app.session.claims(app.articles[0])
        assert [c.id for c in claims] == [theirs.id]
        await pilot.press(")", ")", "s", "1")
        assert "1 change pending" in _status(app)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, timeout=30)
    assert reader("sync", "--server", team.as_role("ben"), "--db", str(ben),
                  cwd=tmp_path).returncode == 0
    with Store(ben, readonly=True) as store:
        assert sorted(c.annotator for _, c in store.iter_claims()) == ["ana", "ben"]


async def test_offline_the_app_works_and_a_later_sync_sends_everything(
        pg_admin_url: str, tmp_path: Path, tiny_nlp) -> None:
    team = _team(pg_admin_url, tmp_path)
    ana = tmp_path / "ana"
    Store(ana).close()
    (ana / "reader.toml").write_text('[team]\nserver = "postgresql://ana@127.0.0.1:1/none"\n',
                                     encoding="utf-8")
    app = make_app(ana, [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_entities(pilot)
        await wait_for(pilot, lambda: "sync: offline" in _status(app), timeout=30)
        await pilot.press(")", "s", "1", ")", "s", "2")
        assert len(app.session.claims(app.articles[0])) == 2
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, timeout=30)
    app.store.close()  # as the real program does when it ends
    later = reader("sync", "--server", team.as_role("ana"), "--db", str(ana), cwd=tmp_path)
    assert later.returncode == 0, later.stderr
    assert "pushed 1 article, 2 records" in later.stderr


async def test_the_conflicts_list(tmp_path: Path, tiny_nlp) -> None:
    from reader.screens.conflicts import ConflictsScreen
    from reader.team.state import SyncState

    db = tmp_path / "db"
    article = load_paths([SAMPLE]).articles[0]
    with Store(db) as store:
        doc = store.add_article(article).article
    claim = make_claim(article_id=doc.id, text=article.text, start=300, end=340,
                       label="factual", annotator="ana", note="my [b]version[/b]")
    state = SyncState(server="postgresql://ana@db/x", role="ana", conflicts=[
        {"kind": "claim", "id": claim.id, "article_id": doc.id,
         "reason": "changed later elsewhere", "local": claim.to_record(),
         "at": "2026-12-06T06:00:00Z"}])
    state.save(db)
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_entities(pilot)
        await pilot.press("S")
        assert isinstance(app.screen, ConflictsScreen)
        table = app.screen.query_one("#conflicts-table")
        assert table.row_count == 1
        assert "my [b]version[/b]" in table.get_row_at(0)[3].plain
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConflictsScreen))
        assert app.screen.view.cursor == 300
        await pilot.press("S", "x", "escape")
    assert SyncState.load(db).conflicts == []


def test_psycopg_stays_off_the_first_paint(tmp_path: Path) -> None:
    """The app syncs on open, but only after the first paint: psycopg is not imported while
    the article is first drawn (checked in `sys.modules` at the first line drawn), and is once
    the sync has run (offline here)."""
    import os
    import subprocess
    import sys
    import textwrap

    db = tmp_path / "db"
    Store(db).close()
    (db / "reader.toml").write_text('[team]\nserver = "postgresql://ana@127.0.0.1:1/none"\n',
                                    encoding="utf-8")
    code = textwrap.dedent(
        f"""
        import argparse, asyncio, sys
        from reader.launch import build_app
        from reader.widgets.article_view import ArticleView

        seen = []
        original = ArticleView.render_line

        def render_line(self, y):
            if not seen:
                seen.append("psycopg" in sys.modules)
            return original(self, y)

        ArticleView.render_line = render_line

        async def main():
            args = argparse.Namespace(paths=[{str(SAMPLE)!r}], db={str(db)!r}, model=None,
                                      annotator="ana", read_only=False)
            app = build_app(args)
            async with app.run_test(size=(100, 30)) as pilot:
                for _ in range(200):
                    await pilot.pause(0.05)
                    if "offline" in str(app.screen.query_one("#status").render()):
                        break
                print(seen[0], "psycopg" in sys.modules)
                await pilot.press("q")

        asyncio.run(main())
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "TEXTUAL_ANIMATIONS": "none"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
