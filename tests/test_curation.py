"""The curation core: disagreements found with agreement's matching, automatic merges (every
annotator alike, or the threshold rule), decisions kept in the store across runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.claims import validate_claim
from reader.config import ConfigError
from reader.curation.curate import Curation, NothingToCurate, SameSpan
from reader.curation.items import find_items
from reader.curation.notes import adjudications
from reader.curation.settings import CurationSettings, load_curation_settings
from reader.store.store import Store
from tests.curationhelpers import ANNOTATORS, TEXT, claim, span, three_coders


def _curation(store: Store, aid: str, **kwargs: object) -> Curation:
    return Curation(store, aid, "ed", **kwargs).load()  # type: ignore[arg-type]


def _kinds(cur: Curation) -> dict[str, tuple[str, ...]]:
    return {TEXT[i.start:i.end]: i.kinds for i in cur.open}


def test_each_kind_of_disagreement_is_an_item(tmp_path: Path) -> None:
    aid, made = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid)
        assert cur.annotators == list(ANNOTATORS)
        assert _kinds(cur) == {
            "Unemployment fell to 3%": ("label",),
            "The bridge will be finished by 2030": ("span",),
            "Prices doubled in a decade": ("verdict",),
            "Crime is at its lowest level since 1990": ("overlap",),
            "the best in Europe": ("span",),
            "Exports rose by a third": ("speaker",),  # "officials" and "Officials " are alike
        }
        only = next(i for i in cur.open if i.kinds == ("span",) and len(i.claims) == 1)
        assert only.missing == ("ana", "cy") and only.claim_ids == [made["only_ben"]["id"]]


def test_agreeing_claims_merge_on_their_own_into_gold(tmp_path: Path) -> None:
    aid, made = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid)
        assert cur.auto_merge() == 1
        [gold] = [c for c in store.claims(aid) if c["annotator"] == "gold"]
        assert (gold["start"], gold["end"]) == span("Growth hit 5.2% in 2023")
        assert sorted(gold["derived_from"]) == sorted(made[f"agree_{w}"]["id"]
                                                      for w in ANNOTATORS)
        assert gold["schema"] == 4 and validate_claim(gold, len(TEXT)) == []
        assert cur.merged == 1 and len(cur.open) == 6
        assert cur.auto_merge() == 0  # a second run merges nothing twice


def test_the_threshold_rule_merges_two_of_three(tmp_path: Path) -> None:
    aid, made = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid, settings=CurationSettings(threshold=2))
        # all alike; label, verdict, speaker 2 of 3; the opinion ana and ben marked alike
        assert cur.auto_merge() == 5
        golds = {tuple(c["derived_from"]): c for c in store.claims(aid)
                 if c["annotator"] == "gold"}
        label_ids = tuple(made[f"label_{w}"]["id"] for w in ANNOTATORS)
        assert golds[label_ids]["label"] == "statistic"
        verdict_ids = tuple(made[f"verdict_{w}"]["id"] for w in ANNOTATORS)
        assert golds[verdict_ids]["verdict"] == "true"
        # three different spans, and a span one annotator marked, stay for the adjudicator
        assert set(_kinds(cur)) == {"Crime is at its lowest level since 1990",
                                    "The bridge will be finished by 2030"}
        decisions = {d["action"] for d in store.decisions(aid)}
        assert decisions == {"agreed", "threshold"}


def test_without_a_threshold_two_of_three_is_a_disagreement(tmp_path: Path) -> None:
    aid, _ = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid, settings=CurationSettings(threshold=0))
        cur.auto_merge()
        assert "Unemployment fell to 3%" in _kinds(cur)
        cur = _curation(store, aid, settings=CurationSettings(threshold=3))
        cur.auto_merge()  # 3 of 3 needed: the 2-of-3 label stays open
        assert "Unemployment fell to 3%" in _kinds(cur)


def _item(cur: Curation, text: str):  # type: ignore[no-untyped-def]
    return next(i for i in cur.open if TEXT[i.start:i.end] == text)


def test_decisions_are_kept_when_curation_runs_again(tmp_path: Path) -> None:
    db = tmp_path / "db"
    aid, made = three_coders(db)
    with Store(db) as store:
        cur = _curation(store, aid)
        cur.take(_item(cur, "Unemployment fell to 3%"), made["label_cy"]["id"], note="see p. 4")
        cur.reject(_item(cur, "The bridge will be finished by 2030"), note="a forecast")
        with pytest.raises(SameSpan, match="share span and label"):
            cur.take_all(_item(cur, "Prices doubled in a decade"))
        cur.take(_item(cur, "Prices doubled in a decade"), made["verdict_cy"]["id"])
        cur.merge(_item(cur, "Crime is at its lowest level since 1990"),
                  made["overlap_ana"]["id"])
        cur.edit(_item(cur, "Exports rose by a third"), made["speaker_cy"]["id"],
                 {"speaker": "the trade office", "speaker_confirmed": True})
        assert [TEXT[i.start:i.end] for i in cur.open] == ["the best in Europe"]
    with Store(db) as store:  # again, from the store
        cur = _curation(store, aid)
        assert [TEXT[i.start:i.end] for i in cur.open] == ["the best in Europe"]
        actions = sorted(d.decision["action"] for d in cur.decided)
        assert actions == ["edit", "merge", "reject", "take", "take"]
        gold = [c for c in store.claims(aid) if c["annotator"] == "gold"]
        by_from = {tuple(c["derived_from"]): c for c in gold}
        taken = by_from[tuple(made[f"label_{w}"]["id"] for w in ANNOTATORS)]
        assert taken["label"] == "factual"
        merged = by_from[tuple(made[f"overlap_{w}"]["id"] for w in ANNOTATORS)]
        assert merged["quote"] == "Crime is at its lowest level since 1990"
        edited = by_from[tuple(made[f"speaker_{w}"]["id"] for w in ANNOTATORS)]
        assert edited["speaker"] == "the trade office"
        assert by_from[tuple(made[f"verdict_{w}"]["id"] for w in ANNOTATORS)]["verdict"] == \
            "false"
        assert not any(made["only_ben"]["id"] in c["derived_from"] for c in gold)
        assert all(validate_claim(c, len(TEXT)) == [] for c in gold)
        # a colleague's claim arriving later is a new item; decided ones stay decided
        late = claim(aid, "cy", "The bridge will be finished", label="prediction")
        store.save_claim(late)
        cur = _curation(store, aid)
        assert sorted(TEXT[i.start:i.end] for i in cur.open) == [
            "The bridge will be finished", "the best in Europe"]
        new = _item(cur, "The bridge will be finished")
        assert new.claim_ids == [late["id"]] and new.kinds == ("span",)


def test_a_decision_can_be_reopened_and_noted(tmp_path: Path) -> None:
    aid, made = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid)
        cur.take(_item(cur, "Unemployment fell to 3%"), made["label_ana"]["id"])
        [decided] = cur.decided
        cur.set_note(decided, "checked the release")
        [decided] = cur.decided
        assert decided.decision["note"] == "checked the release"
        assert len([c for c in store.claims(aid) if c["annotator"] == "gold"]) == 1
        cur.reopen(decided)
        assert cur.decided == [] and "Unemployment fell to 3%" in _kinds(cur)
        assert [c for c in store.claims(aid) if c["annotator"] == "gold"] == []


def test_the_adjudicators_note_reads_for_each_annotators_claim(tmp_path: Path) -> None:
    aid, made = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid)
        cur.take(_item(cur, "Unemployment fell to 3%"), made["label_cy"]["id"],
                 note="[b]see[/b] p. 4")
        cur.reject(_item(cur, "The bridge will be finished by 2030"), note="a forecast")
        lines = adjudications(store.decisions(aid))
    assert lines[made["label_cy"]["id"]] == "gold: taken by ed; note: [b]see[/b] p. 4"
    assert lines[made["label_ana"]["id"]] == \
        "gold: another version taken by ed; note: [b]see[/b] p. 4"
    assert lines[made["only_ben"]["id"]] == "gold: rejected by ed; note: a forecast"
    with Store(tmp_path / "db") as store:
        [gold] = [c for c in store.claims(aid) if c["annotator"] == "gold"]
    assert lines[gold["id"]] == "gold claim: taken by ed, from 3 claims; note: [b]see[/b] p. 4"


def test_only_annotators_who_marked_the_article_done_are_compared(tmp_path: Path) -> None:
    aid, _ = three_coders(tmp_path / "db", done=("ana", "ben"))
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid)
        assert cur.annotators == ["ana", "ben"]
        assert cur.notes == ["not marked done, left out: cy"]
        assert _curation(store, aid, every_annotator=True).annotators == list(ANNOTATORS)
    aid2, _ = three_coders(tmp_path / "db2", done=("ana",))
    with Store(tmp_path / "db2") as store, pytest.raises(NothingToCurate, match="fewer than"):
        _curation(store, aid2)


def test_blind_coding_needs_the_adjudicators_done_mark(tmp_path: Path) -> None:
    aid, _ = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        with pytest.raises(NothingToCurate, match="blind coding: ed"):
            _curation(store, aid, blind=True)
        store.set_done(aid, "ed", "2026-12-06T08:00:00Z")
        assert _curation(store, aid, blind=True).annotators == list(ANNOTATORS)


def test_the_gold_name_comes_from_reader_toml(tmp_path: Path) -> None:
    db = tmp_path / "db"
    aid, _ = three_coders(db)
    (db / "reader.toml").write_text('[curation]\ngold = "desk"\nthreshold = 2\n', "utf-8")
    settings = load_curation_settings(db, tmp_path / "none")
    assert settings == CurationSettings(gold="desk", threshold=2)
    with Store(db) as store:
        Curation(store, aid, "ed", settings=settings).load().auto_merge()
        assert {c["annotator"] for c in store.claims(aid)} == {"ana", "ben", "cy", "desk"}
    for bad in ("threshold = -1", "threshold = true", 'gold = ""', "curation = 3"):
        body = bad if bad.startswith("curation") else f"[curation]\n{bad}\n"
        (db / "reader.toml").write_text(body, "utf-8")
        with pytest.raises(ConfigError, match="curation"):
            load_curation_settings(db, tmp_path / "none")


def test_find_items_uses_one_to_one_matching(tmp_path: Path) -> None:
    """One span against its two halves: one half is matched, the other is an item alone."""
    start, end = span("Crime is at its lowest level since 1990")
    middle = TEXT.index(" level")
    whole = claim("a", "ana", "Crime is at its lowest level since 1990")
    first = {**claim("a", "ben", "Crime is at its lowest"), "id": "b1"}
    second = {**claim("a", "ben", " level since 1990"), "id": "b2"}
    assert (first["end"], second["start"]) == (middle, middle)
    items = find_items([whole, first, second], ["ana", "ben"])
    assert sorted(len(i.claims) for i in items) == [1, 2]
    assert all(i.kinds for i in items) and (start, end) == (items[0].start, items[0].end)


def test_a_bad_decision_record_is_skipped_and_its_note_cleaned(tmp_path: Path) -> None:
    aid, made = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid)
        cur.reject(_item(cur, "The bridge will be finished by 2030"), note="bad\x1b[2J")
    path = next((tmp_path / "db" / "articles").glob("*.json"))
    import json

    data = json.loads(path.read_text("utf-8"))
    data["curation"]["2"] = {"id": "x", "action": "explode"}
    path.write_text(json.dumps(data), "utf-8")
    with Store(tmp_path / "db") as store:
        [decision] = store.decisions(aid)
        assert decision["note"] == "bad\u241b[2J"
        assert any("curation #2" in str(p) and "unknown action" in str(p)
                   for p in store.problems)


def test_taking_every_version_makes_one_gold_claim_each(tmp_path: Path) -> None:
    aid, made = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid)
        cur.take_all(_item(cur, "Crime is at its lowest level since 1990"))
        gold = sorted((c["quote"], c["derived_from"]) for c in store.claims(aid)
                      if c["annotator"] == "gold")
    assert gold == sorted([("Crime is at its lowest level", [made["overlap_ana"]["id"]]),
                           ("its lowest level since 1990", [made["overlap_ben"]["id"]]),
                           ("Crime is at its lowest level since 1990",
                            [made["overlap_cy"]["id"]])])


def test_reader_agree_leaves_the_configured_gold_layer_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse
    import json

    from reader.commands import agree_cmd

    db = tmp_path / "db"
    aid, _ = three_coders(db)
    (db / "reader.toml").write_text('[curation]\ngold = "desk"\n', "utf-8")
    with Store(db) as store:
        Curation(store, aid, "ed", settings=load_curation_settings(db)).load().auto_merge()
    parser = argparse.ArgumentParser()
    agree_cmd.add_arguments(parser)
    assert agree_cmd.run(parser.parse_args(["--db", str(db), "--format", "json"])) == 0
    assert json.loads(capsys.readouterr().out)["annotators"] == list(ANNOTATORS)


def test_the_automatic_merges_are_one_write(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    aid, _ = three_coders(tmp_path / "db")
    with Store(tmp_path / "db") as store:
        cur = _curation(store, aid, settings=CurationSettings(threshold=2))
        writes: list[str] = []
        real = store._modify

        def counted(article_id: str, change: object) -> object:
            writes.append(article_id)
            return real(article_id, change)

        monkeypatch.setattr(store, "_modify", counted)
        assert cur.auto_merge() == 5
        assert writes == [aid]
