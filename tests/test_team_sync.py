"""Two analysts' stores sync through a real PostgreSQL; the server enforces who owns what."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import psycopg
import pytest

from reader.claims import make_claim, touch
from reader.store import Store
from reader.text.loading import load_paths
from tests.teamhelpers import Team, reader

SAMPLE = Path(__file__).parent.parent / "reader" / "data" / "eu-korea-joint-statement.txt"


@pytest.fixture
def team(pg_admin_url: str, tmp_path: Path) -> Team:
    team = Team(pg_admin_url)
    assert reader("server", "init", "--server", team.url, cwd=tmp_path).returncode == 0
    for name in ("ana", "ben"):
        done = reader("server", "add-analyst", name, "--password-stdin", "--server", team.url,
                      cwd=tmp_path, stdin="s3cret-" + name + "\n")
        assert done.returncode == 0, done.stderr
    done = reader("server", "add-analyst", "eve", "--adjudicator", "--server", team.url,
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return team


def store_with(db: Path, annotator: str, spans: list[tuple[int, int]], **fields: str) -> str:
    article = load_paths([SAMPLE]).articles[0]
    with Store(db) as store:
        doc = store.add_article(article).article
        for start, end in spans:
            store.save_claim(make_claim(article_id=doc.id, text=article.text, start=start,
                                        end=end, label="factual", annotator=annotator, **fields))
    return str(doc.id)


def claims(db: Path) -> list[dict]:
    with Store(db, readonly=True) as store:
        return sorted((c for _, c in store.iter_claims()), key=lambda c: c.id)


def test_b_sees_as_claim_and_cannot_change_it(team: Team, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    article_id = store_with(a, "ana", [(100, 150)])
    pushed = reader("sync", "--server", team.as_role("ana"), "--db", str(a), cwd=tmp_path)
    assert pushed.returncode == 0, pushed.stderr
    assert "pushed 1 article, 1 record" in pushed.stderr
    store_with(b, "ben", [])
    pulled = reader("sync", "--server", team.as_role("ben"), "--db", str(b), cwd=tmp_path)
    assert pulled.returncode == 0, pulled.stderr
    [theirs] = claims(b)
    assert theirs == claims(a)[0] and theirs.annotator == "ana"
    # through the reader: ben edits ana's claim in his store; the server refuses, and the
    # server's version comes back, the local edit listed as a conflict
    with Store(b) as store:
        store.save_claim(touch(msgspec.structs.replace(theirs, annotator="ben", note="mine now")))
    refused = reader("sync", "--server", team.as_role("ben"), "--db", str(b), cwd=tmp_path)
    assert refused.returncode == 1
    assert "refused by the server: not yours to change" in refused.stderr
    assert claims(b) == claims(a) and claims(a)[0].note == ""
    # a claim of ana's changed in ben's store is not pushed, and sync says so
    with Store(b) as store:
        store.save_claim(touch(msgspec.structs.replace(theirs, verdict="false")))
    named = reader("sync", "--server", team.as_role("ben"), "--db", str(b), cwd=tmp_path)
    assert "not pushed: local claims under other names than ben: ana (1)" in named.stderr
    reader("sync", "--server", team.as_role("ana"), "--db", str(a), cwd=tmp_path)
    assert claims(a)[0].verdict == "unverified"
    # through raw SQL as role ben: 0 rows changed, inserts and deletes refused
    with psycopg.connect(team.as_role("ben"), autocommit=True) as conn:
        changed = conn.execute("UPDATE reader_records SET body = 'x', updated = '9999' "
                               "WHERE annotator = 'ana'")
        assert changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO reader_records (kind, annotator, id, article_id, updated, "
                         "body) VALUES ('claim', 'ana', 'forged', %s, '9999', '{}')",
                         (article_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM reader_records")
        assert conn.execute("UPDATE reader_records SET owner = 'ben', annotator = 'ben' "
                            "WHERE annotator = 'ana'").rowcount == 0
    with team.admin() as conn:
        [(body, owner)] = conn.execute("SELECT body, owner FROM reader_records").fetchall()
    assert owner == "ana" and json.loads(body) == claims(a)[0].to_record()


def test_sync_is_incremental_and_idempotent(team: Team, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    store_with(a, "ana", [(100, 150), (200, 260)])
    store_with(b, "ben", [(300, 350)])
    for db, who in ((a, "ana"), (b, "ben"), (a, "ana")):
        assert reader("sync", "--server", team.as_role(who), "--db", str(db),
                      cwd=tmp_path).returncode == 0
    assert claims(a) == claims(b) and len(claims(a)) == 3
    again = reader("sync", "--server", team.as_role("ana"), "--db", str(a), cwd=tmp_path)
    assert "pushed 0 articles, 0 records, 0 deletions; pulled 0 articles, 0 records" \
        in again.stderr
    # a deletion travels as a tombstone
    mine = next(c for c in claims(a) if c.annotator == "ana")
    with Store(a) as store:
        store.delete_claim(mine.article_id, mine.id)
    gone = reader("sync", "--server", team.as_role("ana"), "--db", str(a), cwd=tmp_path)
    assert "1 deletion" in gone.stderr
    reader("sync", "--server", team.as_role("ben"), "--db", str(b), cwd=tmp_path)
    assert claims(a) == claims(b) and len(claims(b)) == 2


def test_the_same_claim_edited_on_two_machines_later_wins(team: Team, tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    store_with(laptop, "ana", [(100, 150)])
    url = team.as_role("ana")
    reader("sync", "--server", url, "--db", str(laptop), cwd=tmp_path)
    store_with(desktop, "ana", [])
    reader("sync", "--server", url, "--db", str(desktop), cwd=tmp_path)
    [claim] = claims(desktop)
    from datetime import UTC, datetime, timedelta

    with Store(laptop) as store:
        store.save_claim(touch(msgspec.structs.replace(claim, verdict="true"), datetime.now(UTC)))
    with Store(desktop) as store:
        store.save_claim(touch(msgspec.structs.replace(claim, verdict="false"),
                               datetime.now(UTC) + timedelta(minutes=5)))
    assert reader("sync", "--server", url, "--db", str(desktop), cwd=tmp_path).returncode == 0
    late = reader("sync", "--server", url, "--db", str(laptop), cwd=tmp_path)
    assert late.returncode == 1 and "conflict: claim" in late.stderr
    assert claims(laptop)[0].verdict == "false" == claims(desktop)[0].verdict
    state = json.loads((laptop / "sync.json").read_text(encoding="utf-8"))
    [conflict] = state["state"]["1"]["conflicts"]
    assert conflict["local"]["verdict"] == "true"


def test_hostile_values_round_trip_byte_for_byte(team: Team, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    hostile = "'); DROP TABLE reader_records; -- \" \\ $$ %s %(x)s ␀ é 阵 \U0001f600"
    store_with(a, "ana", [(100, 150)], note=hostile + "x" * 1_000_000, speaker=hostile)
    with Store(a) as store:
        doc = store.articles()[0]
        store.update_article(doc.id, title=hostile)
    assert reader("sync", "--server", team.as_role("ana"), "--db", str(a),
                  cwd=tmp_path).returncode == 0
    b.mkdir()
    Store(b).close()
    pulled = reader("sync", "--all", "--server", team.as_role("ben"), "--db", str(b),
                    cwd=tmp_path)
    assert pulled.returncode == 0, pulled.stderr
    assert claims(b) == claims(a)
    with Store(b, readonly=True) as store:
        [doc] = store.articles()
        assert doc.title == hostile
        assert store.text(doc.id) == SAMPLE.read_text(encoding="utf-8")


def test_passwords_are_never_written_and_offline_is_one_line(team: Team, tmp_path: Path) -> None:
    a = tmp_path / "a"
    store_with(a, "ana", [(100, 150)])
    url = team.as_role("ana").replace("ana@", "ana:s3cret-ana@")
    done = reader("sync", "--server", url, "--db", str(a), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "s3cret" not in done.stderr
    for path in a.rglob("*"):
        if path.is_file():
            assert b"s3cret" not in path.read_bytes(), path
    (a / "reader.toml").write_text(f'[team]\nserver = "{url}"\n', encoding="utf-8")
    refused = reader("sync", "--db", str(a), cwd=tmp_path)
    assert refused.returncode == 2 and "holds a password" in refused.stderr
    assert "s3cret" not in refused.stderr
    offline = reader("sync", "--server", "postgresql://ana@127.0.0.1:1/none", "--db", str(a),
                     cwd=tmp_path)
    assert offline.returncode == 2 and offline.stderr.count("\n") == 1
    assert "offline" in offline.stderr and "Traceback" not in offline.stderr


def test_a_newer_server_schema_is_refused(team: Team, tmp_path: Path) -> None:
    with team.admin() as conn:
        conn.execute("INSERT INTO reader_schema (version) VALUES (99)")
    result = reader("server", "init", "--server", team.url, cwd=tmp_path)
    assert result.returncode == 2 and "newer than this reader knows" in result.stderr
    a = tmp_path / "a"
    store_with(a, "ana", [])
    result = reader("sync", "--server", team.as_role("ana"), "--db", str(a), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_corrections_and_rejections_sync_as_layers_never_applied(team: Team,
                                                                 tmp_path: Path) -> None:
    from reader.corrections import make_correction

    a, b = tmp_path / "a", tmp_path / "b"
    article_id = store_with(a, "ana", [])
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("Josep Borrell")
    corr = make_correction("relabel", start, start + len("Josep Borrell"), text, label="ORG",
                           annotator="ana")
    with Store(a) as store:
        store.save_correction(article_id, corr)
        store.add_rejected(article_id, {"start": 0, "end": 40, "text": "x", "label": "factual",
                                        "rule": "number"})
    assert reader("sync", "--server", team.as_role("ana"), "--db", str(a),
                  cwd=tmp_path).returncode == 0
    store_with(b, "ben", [])
    assert reader("sync", "--server", team.as_role("ben"), "--db", str(b),
                  cwd=tmp_path).returncode == 0

    def team_table(db: Path) -> list[dict]:
        with Store(db, readonly=True) as store:
            name = store.article(article_id).file  # type: ignore[union-attr]
        tables = json.loads((db / "articles" / name).read_text(encoding="utf-8"))
        return sorted(tables.get("team", {}).values(), key=lambda r: r["kind"])

    with Store(b, readonly=True) as store:
        assert store.corrections(article_id) == [] and store.rejected(article_id) == []
    layer = team_table(b)
    assert [(r["kind"], r["annotator"]) for r in layer] == [("correction", "ana"),
                                                            ("rejected", "ana")]
    assert layer[0]["body"] == corr.to_record()
    # ana takes the correction back: a tombstone removes it from ben's layer
    with Store(a) as store:
        store.delete_correction(article_id, corr.id)
    gone = reader("sync", "--server", team.as_role("ana"), "--db", str(a), cwd=tmp_path)
    assert "1 deletion" in gone.stderr
    reader("sync", "--server", team.as_role("ben"), "--db", str(b), cwd=tmp_path)
    assert [r["kind"] for r in team_table(b)] == ["rejected"]
