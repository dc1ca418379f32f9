"""Messages say "1 claim", not "1 claims", and cut quotes at a word boundary with "…"."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.commands import db_cmd
from reader.widgets.claims_panel import quote_start
from tests.apphelpers import SAMPLE, Heard, make_app, wait_entities, wait_for


def status_of(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#status").render())


def _assert_word_cut(shown: str, full: str) -> None:
    assert shown.endswith("…"), shown
    kept = shown[:-1]
    assert full.startswith(kept) and len(kept) < len(full)
    assert full[len(kept)] in " ,;:", (kept, full[len(kept):][:10])  # never mid-word


async def test_tagging_says_1_claim_and_cuts_the_quote_at_a_word(tmp_path: Path,
                                                                 tiny_nlp) -> None:
    app = make_app(tmp_path / "db", [SAMPLE], tiny_nlp)
    heard = Heard()
    async with app.run_test(size=(120, 40), message_hook=heard) as pilot:
        await wait_entities(pilot)
        assert " 0 claims · " in status_of(app)
        await pilot.press(")", "s", "1")
        await wait_for(pilot, lambda: any("tagged" in n.message for n in heard.notifications))
        assert " 1 claim · " in status_of(app), status_of(app)
        [claim] = app.session.claims(app.articles[0])
        message = next(n.message for n in heard.notifications if "tagged" in n.message)
        shown = message.split("“", 1)[1].split("”", 1)[0]
        assert len(claim.quote) > 50
        _assert_word_cut(shown, " ".join(claim.quote.split()))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("Copied" in n.message for n in heard.notifications))
        copied = next(n.message for n in heard.notifications if "Copied" in n.message)
        _assert_word_cut(copied.split("“", 1)[1].split("”", 1)[0], " ".join(claim.quote.split()))


def test_claims_table_quote_is_cut_at_a_word() -> None:
    quote = "North Korea sent thousands of troops to Russia, the ministers said on Monday"
    _assert_word_cut(quote_start(quote, 28), quote)


def test_db_check_says_1_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.store.store import Store
    from reader.text.loading import load_paths

    root = tmp_path / "db"
    store = Store(root)
    store.add_article(load_paths([str(SAMPLE)]).articles[0])
    store.close()
    assert db_cmd.run(db_cmd_args(root)) == 0
    out = capsys.readouterr().out
    assert "1 article, 0 claim records; 0 problems, 0 warnings" in out, out


def db_cmd_args(root: Path):  # type: ignore[no-untyped-def]
    import argparse

    parser = argparse.ArgumentParser()
    db_cmd.add_arguments(parser)
    return parser.parse_args(["check", "--db", str(root)])
