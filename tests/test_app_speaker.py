"""A guessed speaker is never a pronoun, is marked as guessed in the claim form and the Claims
tab, and is confirmed by saving the form; the record says so (`speaker_confirmed`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reader.claims import make_claim
from reader.formats import csv_format
from reader.records import Entity, Suggestion
from reader.screens.claim_form import ClaimForm
from reader.speakers import PRONOUNS, named_speaker, resolve_speaker, suggest_speaker
from reader.store.store import Store
from reader.widgets.article_view import ArticleView
from tests.apphelpers import SAMPLE, make_app, wait_entities, wait_for

SIZE = (120, 40)
TEXT = SAMPLE.read_text(encoding="utf-8")


def claims_of(app):  # type: ignore[no-untyped-def]
    return app.session.claims(app.articles[app.screen.index])


def speaker_cell(app) -> str:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#claims-table")
    return str(table.get_row_at(0)[3])


def test_a_pronoun_is_never_a_speaker() -> None:
    text = "“Prices will rise,” said he. Nobody else spoke."
    assert suggest_speaker(text, [], 0, 20) == ""
    assert named_speaker("He") == "" and named_speaker(" the  minister ") == "the minister"
    start = TEXT.index("“We are strategic partners")
    end = TEXT.index(".", start) + 1
    assert resolve_speaker("he", TEXT, [], start, end) not in PRONOUNS
    assert resolve_speaker("Jane Doe", TEXT, [], start, end) == "Jane Doe"
    assert resolve_speaker("", TEXT, [], start, end) == ""


async def test_quick_tag_is_guessed_until_the_form_confirms_it(tmp_path: Path, tiny_nlp) -> None:
    db = tmp_path / "db"
    app = make_app(db, [SAMPLE], tiny_nlp)
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        await pilot.press(")", ")", "s", "1")
        [claim] = claims_of(app)
        assert claim.speaker == "the two Ministers" and claim.speaker_confirmed is False
        await pilot.press("f3")
        await pilot.pause()
        assert "guessed" in speaker_cell(app)
        count = str(app.screen.query_one("#claims-count").render())
        assert "1 speaker guessed" in count
        app.screen.query_one(ArticleView).move_to(claim.start)
        app.screen.query_one(ArticleView).focus()
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ClaimForm))
        assert "guessed" in str(app.screen.query_one("#form-speaker-guessed").render())
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ClaimForm))
        [claim] = claims_of(app)
        assert claim.speaker == "the two Ministers" and claim.speaker_confirmed is True
        await pilot.pause()
        assert speaker_cell(app) == "the two Ministers"
        assert "guessed" not in str(app.screen.query_one("#claims-count").render())
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ClaimForm))
        assert not app.screen.query("#form-speaker-guessed")
        await pilot.press("escape")
        await pilot.press("q")
    with Store(db, readonly=True) as store:
        [article] = store.articles()
        [stored] = store.claims(article.id)
    assert stored.speaker_confirmed is True


async def test_accepted_suggestion_speaker_is_resolved_and_guessed(
    tmp_path: Path, tiny_nlp
) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    sentence = "“We are strategic partners"
    start = TEXT.index(sentence)
    end = TEXT.index(".", start) + 1
    async with app.run_test(size=SIZE) as pilot:
        await wait_entities(pilot)
        article = app.articles[0]
        app.workspace.suggestions[article.id] = [Suggestion(
            start=start, end=end, text=TEXT[start:end], label="quote", speaker="he",
            reason="test", score=0.9, rule="test")]
        view = app.screen.query_one(ArticleView)
        await pilot.press("R")
        await wait_for(pilot, lambda: view.review_mode)
        await pilot.press("a")
        await wait_for(pilot, lambda: len(claims_of(app)) == 1)
        [claim] = claims_of(app)
    assert claim.speaker == "Borrell"  # "he" resolved to the name before the quote
    assert claim.speaker_confirmed is False


def test_csv_has_the_speaker_confirmed_column() -> None:
    text = "Growth hit 5.2% in 2023, the minister said."
    article = {"id": "sha256:x", "title": "t"}
    claims = [make_claim(article_id="sha256:x", text=text, start=0, end=15, label="statistic",
                         annotator="a", speaker=speaker, speaker_confirmed=confirmed)
              for speaker, confirmed in (("the minister", True), ("the minister", False))]
    out = io.StringIO()
    csv_format.write([(article, c) for c in claims], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["speaker_confirmed"] for r in rows] == ["true", "false"]


def test_the_writers_own_sentence_is_not_given_the_quoted_speaker() -> None:
    text = ("“Prices will rise,” said Jane Doe. The ministry raised tariffs twice this year, "
            "to 12%.\nNext paragraph.")
    entities = [Entity(text.index("Jane Doe"), text.index("Jane Doe") + 8, "PERSON")]
    own = text.index("The ministry")
    assert suggest_speaker(text, entities, own, text.index("12%") + 3) == ""
    assert suggest_speaker(text, entities, 1, 18) == "Jane Doe"  # the quote itself
    long_quote = "“We will win. We are strong. We stay,” Jane Doe said."
    people = [Entity(long_quote.index("Jane"), long_quote.index("Jane") + 8, "PERSON")]
    middle = long_quote.index("We are strong")
    assert suggest_speaker(long_quote, people, middle, middle + 13) == "Jane Doe"
