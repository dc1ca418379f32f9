"""Corpus-wide entity rules are per annotator and synced through a real PostgreSQL: mine are
pushed, a colleague's are kept apart as their layer and never applied to my entities; the
server's row-level security keeps each analyst's rules their own."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import psycopg
import pytest

from reader.corrections import make_correction
from reader.records import Correction, TeamRecord
from reader.store import Store
from reader.team.schema import MIGRATIONS
from tests.teamhelpers import Team, reader
from tests.test_team_sync import SAMPLE, store_with


@pytest.fixture
def team(pg_admin_url: str, tmp_path: Path) -> Team:
    team = Team(pg_admin_url)
    assert reader("server", "init", "--server", team.url, cwd=tmp_path).returncode == 0
    for name in ("ana", "ben"):
        done = reader("server", "add-analyst", name, "--server", team.url, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    return team


def _rule(label: str = "ORG") -> Correction:
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("Josep Borrell")
    return make_correction("relabel", start, start + len("Josep Borrell"), text, label=label,
                           scope="corpus", annotator="ana")


def _sync(team: Team, role: str, db: Path, cwd: Path) -> str:
    done = reader("sync", "--server", team.as_role(role), "--db", str(db), cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_corpus_rules_sync_per_annotator_and_stay_apart(team: Team, tmp_path: Path) -> None:
    a, a2, b = tmp_path / "a", tmp_path / "a2", tmp_path / "b"
    store_with(a, "ana", [])
    rule = _rule()
    with Store(a) as store:
        store.save_corpus_correction(rule)
    assert "1 record" in _sync(team, "ana", a, tmp_path)
    with team.admin() as conn:
        [(annotator, owner, body)] = conn.execute(
            "SELECT annotator, owner, body FROM reader_rules").fetchall()
    assert (annotator, owner, json.loads(body)) == ("ana", "ana", rule.to_record())
    # ben: ana's rule is her layer, never one of his rules
    store_with(b, "ben", [])
    _sync(team, "ben", b, tmp_path)
    with Store(b, readonly=True) as store:
        assert store.corpus_corrections() == []
        assert store.team_rules() == [TeamRecord(kind="rule", annotator="ana", id=rule.id,
                                                 body=rule.to_record())]
    # ana's other machine (the same role): her own rule, applied there
    store_with(a2, "ana", [])
    _sync(team, "ana", a2, tmp_path)
    with Store(a2, readonly=True) as store:
        assert store.corpus_corrections() == [rule] and store.team_rules() == []
    # ana changes the rule on one machine, later deletes it: both reach ben's layer
    changed = msgspec.structs.replace(_rule("PERSON"), id=rule.id, created=rule.created)
    with Store(a) as store:
        store.save_corpus_correction(changed)
    _sync(team, "ana", a, tmp_path)
    _sync(team, "ben", b, tmp_path)
    _sync(team, "ana", a2, tmp_path)
    with Store(b, readonly=True) as store:
        assert [r.body["label"] for r in store.team_rules()] == ["PERSON"]
    with Store(a2, readonly=True) as store:
        assert store.corpus_corrections() == [changed]
    with Store(a) as store:
        store.delete_corpus_correction(rule.id)
    assert "1 deletion" in _sync(team, "ana", a, tmp_path)
    _sync(team, "ben", b, tmp_path)
    _sync(team, "ana", a2, tmp_path)
    with Store(b, readonly=True) as store:
        assert store.team_rules() == [] and store.corpus_corrections() == []
    with Store(a2, readonly=True) as store:
        assert store.corpus_corrections() == []


def test_b_cannot_change_as_rule_through_raw_sql(team: Team, tmp_path: Path) -> None:
    a = tmp_path / "a"
    store_with(a, "ana", [])
    rule = _rule()
    with Store(a) as store:
        store.save_corpus_correction(rule)
    _sync(team, "ana", a, tmp_path)
    with psycopg.connect(team.as_role("ben"), autocommit=True) as conn:
        assert len(conn.execute("SELECT * FROM reader_rules").fetchall()) == 1  # reads all
        changed = conn.execute("UPDATE reader_rules SET body = 'x', updated = '9999' "
                               "WHERE annotator = 'ana'")
        assert changed.rowcount == 0
        assert conn.execute("UPDATE reader_rules SET owner = 'ben', annotator = 'ben' "
                            "WHERE annotator = 'ana'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO reader_rules (annotator, id, updated, body) "
                         "VALUES ('ana', 'forged', '9999', '{}')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM reader_rules")
        # his own rule he may write, and only as himself
        conn.execute("INSERT INTO reader_rules (annotator, id, updated, body) "
                     "VALUES ('ben', 'his', '1', '{}')")
    with team.admin() as conn:
        rows = conn.execute("SELECT annotator, owner, body FROM reader_rules "
                            "ORDER BY annotator").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("ana", "ana"), ("ben", "ben")]
    assert json.loads(rows[0][2]) == rule.to_record()


def test_a_version_1_server_is_migrated(pg_admin_url: str, tmp_path: Path) -> None:
    team = Team(pg_admin_url)
    with team.admin() as conn, conn.transaction():
        conn.execute("CREATE TABLE reader_schema (version integer NOT NULL)")
        conn.execute(MIGRATIONS[1])
        conn.execute("INSERT INTO reader_schema (version) VALUES (1)")
    assert reader("server", "add-analyst", "ana", "--server", team.url,
                  cwd=tmp_path).returncode == 0
    a = tmp_path / "a"
    store_with(a, "ana", [])
    old = reader("sync", "--server", team.as_role("ana"), "--db", str(a), cwd=tmp_path)
    assert old.returncode == 2 and "run `reader server init`" in old.stderr
    done = reader("server", "init", "--server", team.url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with Store(a) as store:
        store.save_corpus_correction(_rule())
    _sync(team, "ana", a, tmp_path)
    with team.admin() as conn:
        assert conn.execute("SELECT count(*) FROM reader_rules").fetchone()[0] == 1


def test_db_repair_keeps_colleagues_rules(tmp_path: Path) -> None:
    """`reader db repair` keeps the colleagues' rules sync pulled: the sync's watermark is past
    them, so a repaired copy without them would never get them back."""
    db = tmp_path / "db"
    store_with(db, "ben", [])
    rule = _rule()
    with Store(db) as store:
        assert store.put_team_rules([("ana", rule.id, rule.to_record())]) == 1
    done = reader("db", "repair", "--db", str(db), "--out", str(tmp_path / "fixed"),
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with Store(tmp_path / "fixed", readonly=True) as store:
        assert store.team_rules() == [TeamRecord(kind="rule", annotator="ana", id=rule.id,
                                                 body=rule.to_record())]
        assert store.corpus_corrections() == []
