"""The claim record rule: fields added after schema 1 are listed once, with their defaults;
older records load and import with them; a record of a newer schema is refused."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from reader.claims import make_claim, validate_claim
from reader.commands import export_cmd, import_cmd
from reader.formats.jsonl import load_schema
from reader.records import (
    CLAIM_FIELDS,
    CLAIM_FIELDS_ADDED,
    CLAIM_SCHEMA,
    SourceArticle,
    fields_of_schema,
    upgrade_claim,
)
from reader.store.store import Store

ROOT = Path(__file__).parent.parent
TEXT = "Growth hit 5.2% in 2023.\nUnemployment fell to 3%, the minister said.\n\nEnd."
QUOTE = "Unemployment fell to 3%"


def run_cmd(module: Any, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(list(argv))))


def _schema_1_claim(article_id: str) -> dict[str, Any]:
    """A claim exactly as a schema-1 reader wrote it: no `speaker_confirmed`."""
    start = TEXT.index(QUOTE)
    claim = make_claim(article_id=article_id, text=TEXT, start=start, end=start + len(QUOTE),
                       label="statistic", annotator="old", speaker="the minister").to_record()
    claim.pop("speaker_confirmed")
    claim["schema"] = 1
    return claim


def test_the_record_lists_each_added_field_with_its_default_and_schema() -> None:
    added = {f.name: f for f in CLAIM_FIELDS_ADDED}
    assert CLAIM_SCHEMA == 4
    assert added["derived_from"].schema == 4 and added["derived_from"].default == []
    assert added["speaker_confirmed"].schema == 2
    assert added["speaker_confirmed"].default is False
    assert all(f.name in CLAIM_FIELDS and 1 < f.schema <= CLAIM_SCHEMA for f in added.values())
    assert "speaker_confirmed" not in fields_of_schema(1)
    assert set(fields_of_schema(CLAIM_SCHEMA)) == set(CLAIM_FIELDS)


def test_json_schema_and_readme_follow_the_record() -> None:
    schema = load_schema()
    assert schema["required"] == [*CLAIM_FIELDS, "article", "selectors"]
    assert schema["properties"]["schema"]["maximum"] == CLAIM_SCHEMA
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split("## The claim record", 1)[1].split("\n## ", 1)[0]
    for name in CLAIM_FIELDS:
        assert f"`{name}`" in table, name
    assert f"| `schema` | {CLAIM_SCHEMA}" in table
    for added in CLAIM_FIELDS_ADDED:
        assert schema["properties"][added.name]["default"] == added.default
        row = next(line for line in table.splitlines() if line.startswith(f"| `{added.name}`"))
        assert f"added in schema {added.schema}" in row
        assert f"default `{json.dumps(added.default)}`" in row


def test_old_records_upgrade_and_validate() -> None:
    old = _schema_1_claim("sha256:x")
    assert validate_claim(old, len(TEXT)) == []  # valid as what it is
    new = upgrade_claim(old)
    assert new["speaker_confirmed"] is False and new["schema"] == CLAIM_SCHEMA
    assert validate_claim(new, len(TEXT)) == []
    assert "speaker_confirmed" not in old  # a copy
    broken = {**new}
    broken.pop("speaker_confirmed")
    assert validate_claim(broken, len(TEXT)) == ["missing field 'speaker_confirmed'"]
    assert validate_claim({**new, "speaker_confirmed": "yes"}, len(TEXT)) == [
        "'speaker_confirmed' is not true or false"]
    newer = {**new, "schema": CLAIM_SCHEMA + 1}  # no store path writes it (save, put, import)
    assert validate_claim(newer, len(TEXT)) == [
        f"schema {CLAIM_SCHEMA + 1} is newer than this reader's ({CLAIM_SCHEMA})"]


def test_a_store_of_schema_1_loads_with_the_default(tmp_path: Path) -> None:
    root = tmp_path / "db"
    with Store(root) as store:
        aid = store.add_article(SourceArticle(title="B", text=TEXT, source="b.txt")).article.id
    path = next((root / "articles").glob("*.json"))
    data = json.loads(path.read_text("utf-8"))
    data["claims"] = {"1": _schema_1_claim(aid)}
    path.write_text(json.dumps(data), encoding="utf-8")
    with Store(root) as store:
        [claim] = store.claims(aid)
        assert claim.speaker_confirmed is False and store.problems == []
        assert claim.schema == CLAIM_SCHEMA
        assert not store.readonly and aid not in store.unreadable


def test_jsonl_lines_of_schema_1_import_as_unconfirmed_and_newer_ones_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    root = tmp_path / "db"
    with Store(root) as store:
        aid = store.add_article(
            SourceArticle(title="B", text=TEXT, source=str(tmp_path / "b.txt"))).article.id
    old = _schema_1_claim(aid)
    old["article"] = {"id": aid, "title": "B", "source": str(tmp_path / "b.txt"), "url": "",
                      "date": ""}
    future = {**old, "id": "from-the-future", "schema": CLAIM_SCHEMA + 1, "label": "factual",
              "colour_of_sky": "blue"}
    lines = tmp_path / "claims.jsonl"
    lines.write_text(json.dumps(old) + "\n" + json.dumps(future) + "\n", encoding="utf-8")
    new = tmp_path / "new"
    assert run_cmd(import_cmd, str(lines), "--db", str(new)) == 0
    err = capsys.readouterr().err
    assert "1 added" in err
    assert "from-the-future" in err and f"newer version of reader (schema {CLAIM_SCHEMA + 1}" in err
    with Store(new) as store:  # the store stays writable: no record of a newer schema in it
        assert not store.readonly and store.problems == [] and store.unreadable == set()
        [claim] = store.claims(aid)
    assert claim.id == old["id"] and claim.speaker_confirmed is False
    assert claim.schema == CLAIM_SCHEMA
    assert run_cmd(export_cmd, "--db", str(new)) == 0
    [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["speaker_confirmed"] is False


def test_the_shipped_json_schema_is_the_one_generated_from_the_record_class() -> None:
    from reader.formats.claim_schema import SCHEMA_PATH, claim_line_schema, schema_text

    assert load_schema() == claim_line_schema()
    assert SCHEMA_PATH.read_text("utf-8") == schema_text()  # `python -m` it after a change


def test_a_new_field_is_one_entry_and_the_class_list_checks_and_schema_follow() -> None:
    import msgspec

    from reader.claims import field_checks
    from reader.records import AddedField, Claim, claim_class

    assert tuple(f.name for f in msgspec.structs.fields(Claim)) == CLAIM_FIELDS
    nxt = AddedField("next_field", CLAIM_SCHEMA + 1, [], "what the next schema adds")
    record = claim_class((*CLAIM_FIELDS_ADDED, nxt))
    names = tuple(f.name for f in msgspec.structs.fields(record))
    assert names == (*CLAIM_FIELDS, "next_field")  # appended: export order is unchanged
    checks = field_checks(record)
    assert checks.problems({"next_field": []}) == []
    assert checks.problems({"next_field": "x"}) == ["'next_field' is not a list"]
    prop = msgspec.json.schema(record)["$defs"]["Claim"]["properties"]["next_field"]
    assert prop["default"] == [] and prop["description"].startswith(
        f"Added in schema {CLAIM_SCHEMA + 1}: ")
    old = make_claim(article_id="sha256:x", text=TEXT, start=0, end=6, label="factual",
                     annotator="a")
    typed = msgspec.convert(old.to_record(), record)  # this schema's record: the default
    assert typed.next_field == []  # type: ignore[attr-defined]


def test_every_field_is_checked_against_its_type_in_the_class() -> None:
    good = make_claim(article_id="sha256:x", text=TEXT, start=0, end=6, label="factual",
                      annotator="a").to_record()
    assert validate_claim(good, len(TEXT)) == []
    assert validate_claim({**good, "verdict": 3}, len(TEXT)) == ["'verdict' is not a string"]
    assert validate_claim({**good, "article_id": ""}, len(TEXT)) == ["empty 'article_id'"]
    assert validate_claim({**good, "status": "lost"}, len(TEXT)) == ["unknown status 'lost'"]
    assert validate_claim({**good, "sources": [{"url": 1}]}, len(TEXT)) == [
        "source 1: url, article_id, title, role, stance, snapshot, fetched, note missing or "
        "not text"]


def test_the_defaults_an_import_fills_in_are_the_classs() -> None:
    from reader.formats import jsonl
    from reader.records import claim_defaults

    defaults = claim_defaults()
    assert defaults == {"speaker": "", "verdict": "unverified", "checkworthy": None, "note": "",
                        "tags": [], "entities": [], "status": "anchored",
                        **{added.name: added.default for added in CLAIM_FIELDS_ADDED}}
    assert claim_defaults()["tags"] is not defaults["tags"]  # a fresh copy each time
    assert load_schema()["properties"]["verdict"]["default"] == "unverified"
    import msgspec

    from reader.records import Claim

    bare = {"id": "c", "article_id": "sha256:x", "schema": 1, "start": 0, "end": 3,
            "quote": "abc", "prefix": "", "suffix": "", "label": "x", "annotator": "a",
            "created": "", "updated": ""}  # a record that states no field it may lack
    line = jsonl.claim_line({"id": "sha256:x"}, msgspec.convert(bare, Claim))
    assert {k: line[k] for k in defaults} == defaults


def test_what_a_type_checker_knows_of_the_claim_is_the_record_class() -> None:
    """`ClaimAsTyped` (what mypy sees) declares the fields `claim_class` adds, with the same
    names, order and types (constraints aside)."""
    from typing import Annotated, get_args, get_origin

    import msgspec

    from reader.records import Claim, ClaimAsTyped

    def bare(kind: Any) -> Any:
        if get_origin(kind) is Annotated:
            return bare(get_args(kind)[0])
        if get_origin(kind) is list:
            return list[bare(get_args(kind)[0])]  # type: ignore[misc]
        return kind

    def shape(cls: Any) -> list[tuple[str, Any, Any]]:
        return [(f.name, bare(f.type), f.default if f.default_factory is msgspec.NODEFAULT
                 else f.default_factory()) for f in msgspec.structs.fields(cls)]

    assert shape(ClaimAsTyped) == shape(Claim)
    assert Claim.__struct_config__.frozen and ClaimAsTyped.__struct_config__.frozen
