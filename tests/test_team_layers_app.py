"""A colleague's entity corrections, corpus rules and rejected suggestions, pulled by a real
sync through PostgreSQL, show as their layer in the Entities tab: toggled with their claims in
the Annotators tab, kept back by blind coding, never applied to my entities or my exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.corrections import make_correction
from reader.store import Store
from reader.widgets.entities_panel import LAYERS_TITLE, EntitiesTree, LayerLeaf
from tests.apphelpers import SAMPLE, make_app, wait_entities
from tests.teamhelpers import Team, reader
from tests.test_team_sync import store_with

SIZE = (120, 40)


@pytest.fixture
def synced(pg_admin_url: str, tmp_path: Path) -> tuple[Path, str, dict[str, str]]:
    """Ana's corrections, corpus rule and rejection pulled into ben's store by `reader sync`;
    ben's exports made before and after the pull."""
    team = Team(pg_admin_url)
    assert reader("server", "init", "--server", team.url, cwd=tmp_path).returncode == 0
    for name in ("ana", "ben"):
        assert reader("server", "add-analyst", name, "--server", team.url,
                      cwd=tmp_path).returncode == 0
    a, b = tmp_path / "a", tmp_path / "b"
    article_id = store_with(a, "ana", [])
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("Josep Borrell")
    seoul = text.index("Seoul")
    with Store(a) as store:
        store.save_correction(article_id, make_correction(
            "relabel", start, start + len("Josep Borrell"), text, label="ORG", annotator="ana"))
        store.save_corpus_correction(make_correction(
            "relabel", seoul, seoul + len("Seoul"), text, label="LOC", scope="corpus",
            annotator="ana"))
        store.add_rejected(article_id, {"start": 0, "end": 30, "text": text[:30],
                                        "label": "factual", "rule": "number"})
    assert reader("sync", "--server", team.as_role("ana"), "--db", str(a),
                  cwd=tmp_path).returncode == 0
    store_with(b, "ben", [])

    def exports() -> dict[str, str]:
        out = {}
        for fmt in ("store", "doccano-entities", "spacy"):
            what = [] if fmt == "store" else ["--what", "entities"]
            done = reader("export", "--format", fmt, *what, "--out",
                          str(tmp_path / f"ben.{fmt}"), "--db", str(b), cwd=tmp_path)
            assert done.returncode == 0, done.stderr
            out[fmt] = (tmp_path / f"ben.{fmt}").read_bytes().hex()
        return out

    before = exports()
    pulled = reader("sync", "--server", team.as_role("ben"), "--db", str(b), cwd=tmp_path)
    assert pulled.returncode == 0, pulled.stderr
    assert "3 records" in pulled.stderr
    assert exports() == before  # pulled layers change none of my exports
    with Store(b, readonly=True) as store:
        assert store.corrections(article_id) == [] and store.corpus_corrections() == []
        assert store.rejected(article_id) == []
    return b, article_id, before


def _layer_lines(app) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    tree = app.screen.query_one(EntitiesTree)
    section = [n for n in tree.root.children if str(n.label.plain) == LAYERS_TITLE]
    if not section:
        return {}
    return {node.label.plain.split("  ")[0]: [leaf.label.plain for leaf in node.children]
            for node in section[0].children}


def _labels_at(app, text: str, surface: str) -> set[str]:  # type: ignore[no-untyped-def]
    start = text.index(surface)
    return {e.label for e in app.screen.view.entities
            if e.start == start and e.end == start + len(surface)}


async def test_a_colleagues_layer_shows_toggles_and_is_never_applied(
        synced: tuple[Path, str, dict[str, str]], tiny_nlp) -> None:
    from reader.widgets.annotators_panel import AnnotatorsTable

    db, _article_id, _ = synced
    text = SAMPLE.read_text(encoding="utf-8")
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ben")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.pause()
        assert _layer_lines(app) == {"A ana": [
            "A rejected suggestion “In a joint statement on Monday”",
            "A “Josep Borrell” → ORG",
            "A “Seoul” → LOC (rule: every article)",
        ]}
        # my entities are the model's: her relabels are not applied
        assert _labels_at(app, text, "Josep Borrell") == {"PERSON"}
        assert _labels_at(app, text, "Seoul") == {"GPE"}
        # enter on her correction goes to it in the text
        await pilot.press("f2")
        tree = app.screen.query_one(EntitiesTree)
        tree.focus()
        leaf = next(n for n in tree.root.children[-1].children[0].children
                    if isinstance(n.data, LayerLeaf) and "Borrell" in n.label.plain)
        tree.cursor_line = leaf.line
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.view.cursor == text.index("Josep Borrell")
        # the Annotators tab lists her (no claims) and space hides and shows her layer
        await pilot.press("f6")
        table = app.screen.query_one(AnnotatorsTable)
        table.focus()
        assert [table.get_row_at(i)[1].plain for i in range(2)] == ["ben (you)", "ana"]
        assert table.get_row_at(1)[2].plain == "0"
        await pilot.press("down", "space")
        assert _layer_lines(app) == {}
        assert table.get_row_at(1)[4].plain == "hidden"
        await pilot.press("space")
        assert list(_layer_lines(app)) == ["A ana"]
        assert _labels_at(app, text, "Josep Borrell") == {"PERSON"}
    with Store(db, readonly=True) as store:  # nothing of hers became mine
        assert store.corpus_corrections() == []
        assert store.corrections(_article_id) == []


async def test_blind_coding_keeps_a_colleagues_layer_back_until_done(
        synced: tuple[Path, str, dict[str, str]], tiny_nlp) -> None:
    db, _, _ = synced
    (db / "reader.toml").write_text("blind = true\n", encoding="utf-8")
    app = make_app(db, [SAMPLE], tiny_nlp, annotator="ben")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.pause()
        assert _layer_lines(app) == {}
        await pilot.press("D")
        await pilot.pause()
        assert list(_layer_lines(app)) == ["A ana"]
        await pilot.press("u")
        await pilot.pause()
        assert _layer_lines(app) == {}
