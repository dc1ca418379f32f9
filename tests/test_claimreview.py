"""ClaimReview export: the publisher's fact-check page as `url`, the article as the item's
appearance, confirmed speakers only (an ORG one as an Organization), reviewed claims only
unless `--all`, and every record checked for the fields fact-check consumers require."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import jsonschema
import msgspec
import pytest

from reader.claims import make_claim
from reader.commands import export_cmd
from reader.config import ConfigError, Publisher, parse_publisher
from reader.records import Entity, SourceArticle
from reader.store.store import Store

TEXT = (
    "The European Union said exports rose 4% in March.\n"
    "Borrell said the bridge will open in 2027.\n"
    "The UNSC noted that inflation fell to 2.1% in May, the lowest level recorded in the "
    "country since the statistics office began to publish monthly figures in 1998.\n"
)
SECOND = "Rainfall was 30% above average this spring, the weather office said.\n"
PUBLISHER = """
[publisher]
name = "Check Desk"
url = "https://checkdesk.example/"
type = "NewsMediaOrganization"
"""

# The fields fact-check databases require of a ClaimReview (schema.org and the ClaimReview
# markup guidelines): checked on every record written.
REQUIRED = {
    "type": "object",
    "required": ["@context", "@type", "claimReviewed", "reviewRating", "url", "author",
                 "itemReviewed"],
    "properties": {
        "@type": {"const": "ClaimReview"},
        "claimReviewed": {"type": "string", "minLength": 1},
        "url": {"type": "string", "pattern": "^https?://"},
        "reviewRating": {"type": "object", "required": ["alternateName"],
                         "properties": {"alternateName": {"type": "string", "minLength": 1}}},
        "author": {"type": "object", "required": ["@type", "name"],
                   "properties": {"name": {"type": "string", "minLength": 1}}},
        "itemReviewed": {
            "type": "object",
            "required": ["@type", "appearance"],
            "properties": {
                "@type": {"const": "Claim"},
                "author": {"type": "object", "required": ["@type", "name"],
                           "properties": {"@type": {"enum": ["Person", "Organization"]}}},
            },
        },
    },
}


def run_cmd(module: Any, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(list(argv))))


def _claim(aid: str, text: str, quote: str, **fields: Any) -> dict[str, Any]:
    start = text.index(quote)
    return make_claim(article_id=aid, text=text, start=start, end=start + len(quote),
                      label="factual", annotator="root", **fields)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    root = tmp_path / "db"
    with Store(root) as store, store.transaction() as tx:
        aid = tx.add_article(SourceArticle(title="Desk", text=TEXT, source="a.txt",
                                           url="https://news.example/a")).article.id
        bid = tx.add_article(SourceArticle(title="Rain", text=SECOND, source="b.txt")
                             ).article.id
        eu = TEXT.index("The European Union")
        tx.add_claim(_claim(aid, TEXT, "The European Union said exports rose 4% in March",
                            entities=[Entity(eu, eu + 18, "ORG")], speaker="The European Union",
                            speaker_confirmed=True, verdict="false"))
        tx.add_claim(_claim(aid, TEXT, "the bridge will open in 2027", speaker="Borrell",
                            verdict="mostly-true"))  # a guessed speaker
        tx.add_claim(_claim(aid, TEXT, TEXT.splitlines()[2], speaker="UNSC",
                            speaker_confirmed=True, verdict="true"))
        tx.add_claim(_claim(bid, SECOND, "Rainfall was 30% above average", verdict="unverified"))
        unsc = TEXT.index("UNSC")
        tx.add_correction(aid, {"id": "org-1", "action": "add", "start": unsc, "end": unsc + 4,
                                "label": "ORG", "new_start": None, "new_end": None,
                                "text": "UNSC", "scope": "mention", "created": "2026-01-01",
                                "annotator": "t", "source": "test"})
    return root


def _export(db: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list, str]:
    status = run_cmd(export_cmd, "--db", str(db), "--format", "claimreview", *argv)
    out, err = capsys.readouterr()
    return status, [json.loads(line) for line in out.splitlines()], err


def test_publisher_page_appearance_confirmed_speakers_and_reviewed_only(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (db / "reader.toml").write_text(PUBLISHER, encoding="utf-8")
    status, records, err = _export(db, capsys)
    assert status == 0
    assert "1 claim left out as unverified (use --all)" in err
    assert "incomplete" not in err
    validator = jsonschema.Draft202012Validator(REQUIRED)
    for record in records:
        validator.validate(record)
        assert record["url"] == f"https://checkdesk.example/#claim-{record['identifier']}"
        assert record["author"] == {"@type": "NewsMediaOrganization", "name": "Check Desk",
                                    "url": "https://checkdesk.example/"}
        assert record["itemReviewed"]["appearance"]["url"] == "https://news.example/a"
    by_rating = {r["reviewRating"]["alternateName"]: r for r in records}
    assert set(by_rating) == {"false", "mostly-true", "true"}
    assert by_rating["false"]["itemReviewed"]["author"] == {
        "@type": "Organization", "name": "The European Union"}  # ORG in the claim's entities
    assert by_rating["true"]["itemReviewed"]["author"] == {
        "@type": "Organization", "name": "UNSC"}  # ORG among the article's entities
    assert "author" not in by_rating["mostly-true"]["itemReviewed"]  # guessed: not written
    long_id = by_rating["true"]["identifier"]
    assert f"warning: claim {long_id}: claimReviewed is" in err and "(over 75)" in err

    status, records, err = _export(db, capsys, "--all")
    assert status == 0 and len(records) == 4 and "left out" not in err
    rain = next(r for r in records if r["claimReviewed"].startswith("Rainfall"))
    assert "url" not in rain["itemReviewed"]["appearance"]  # the article has no URL
    validator.validate(rain)  # the review's own url is the fact-check page all the same


def test_only_unverified_claims_says_how_many_were_left_out(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, records, err = _export(db, capsys, "--verdict", "unverified")
    assert status == 0 and records == []
    assert "1 claim left out as unverified (use --all)" in err
    with Store(db) as store:
        for article in store.articles():
            for claim in store.claims(article.id):
                store.save_claim(msgspec.structs.replace(claim, verdict="unverified"))
    status, records, err = _export(db, capsys)
    assert records == [] and "4 claims left out as unverified (use --all)" in err


def test_url_template(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (db / "reader.toml").write_text(
        PUBLISHER + 'url_template = "https://checkdesk.example/checks/{id}"\n', encoding="utf-8")
    _, records, _ = _export(db, capsys)
    assert records and all(
        r["url"] == f"https://checkdesk.example/checks/{r['identifier']}" for r in records)


def test_records_missing_fields_are_written_and_named_strict_exits_2(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, records, err = _export(db, capsys)  # no [publisher]: no url, no author
    assert status == 0 and len(records) == 3
    for record in records:
        assert "root" not in json.dumps(record)  # never the login name as the reviewer
        assert (f"incomplete: claim {record['identifier']}: missing url, author "
                "(set [publisher] in reader.toml)") in err
    status, again, err = _export(db, capsys, "--strict")
    assert status == 2 and len(again) == 3 and err.count("incomplete:") == 3


def test_bad_publisher_is_one_line_and_exit_2(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (db / "reader.toml").write_text('[publisher]\nname = "X"\nurl = "ftp://x"\n', "utf-8")
    status, records, err = _export(db, capsys)
    assert status == 2 and records == []
    assert len(err.strip().splitlines()) == 1 and "publisher.url" in err
    bad = tmp_path / "bad.toml"
    for body in ('[publisher]\nurl = "https://x"\n',
                 '[publisher]\nname = "X"\nurl = "https://x"\nurl_template = "https://x/"\n',
                 '[publisher]\nname = "X"\nurl = "https://x"\ntype = "Robot"\n',
                 'publisher = "X"\n'):
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(ConfigError):
            parse_publisher(bad)
    bad.write_text(PUBLISHER, encoding="utf-8")
    assert parse_publisher(bad) == Publisher("Check Desk", "https://checkdesk.example/",
                                             "NewsMediaOrganization")


def test_readme_does_not_promise_google_display() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    section = readme.split("### claimreview", 1)[1].split("\n### ", 1)[0]
    assert "June 2025" in section and "retired" in section
    assert "rich result" not in readme.replace(section, "")


async def test_export_dialog_has_the_same_choice(tmp_path: Path, tiny_nlp: Any) -> None:
    from textual.widgets import Select

    from reader.screens.export_dialog import ExportDialog
    from tests.apphelpers import SAMPLE, Heard, make_app, wait_for

    db = tmp_path / "db"
    app = make_app(db, [SAMPLE], tiny_nlp)

    def notes() -> str:
        return "\n".join(str(m.message) for m in heard.notifications)

    heard = Heard()
    async with app.run_test(size=(120, 40), message_hook=heard) as pilot:
        await pilot.press("s", "1", "ctrl+e")  # one claim, unverified
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#export-format", Select).value = "claimreview"
        assert app.screen.query_one("#export-reviewed", Select).value == "reviewed"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "left out as unverified" in notes())
        assert "1 claim left out as unverified (choose all claims)" in notes()
        [first] = list((db / "exports").glob("*.jsonl"))
        assert first.read_text("utf-8") == ""
        first.unlink()
        heard.clear()
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#export-format", Select).value = "claimreview"
        app.screen.query_one("#export-reviewed", Select).value = "all"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Exported claimreview" in notes())
        await wait_for(pilot, lambda: "missing url, author" in notes())  # no [publisher]
    [second] = list((db / "exports").glob("*.jsonl"))
    [record] = [json.loads(line) for line in second.read_text("utf-8").splitlines()]
    assert record["reviewRating"]["alternateName"] == "unverified"
