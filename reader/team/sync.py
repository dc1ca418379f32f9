"""`reader sync`: push the analyst's own records, pull everyone else's, through the server.

Push: every local article the server lacks (text and fields); each own record (claims whose
annotator is this role, the gold layer for an adjudicator, done marks) whose fingerprint
changed since both sides last agreed; a tombstone for each own record deleted since. The
server keeps the later `updated` of two versions; a version it refuses (row-level security) or
already holds in a later version comes back and the local one goes to the conflicts list.

Pull: every row written since the watermark (`pg_snapshot_xmin` of the last pull's snapshot,
so a row committed out of order is never skipped), for the articles in the local store
(`--all`: the whole corpus), applied in one store transaction; the watermark is saved only
after that transaction is durable. Killed at any moment, the next sync redoes what was lost,
and nothing lands twice (records are keyed).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.claims import claim_of, iso_now
from reader.records import Claim, SourceArticle, StoredArticle
from reader.store import Store
from reader.store.storage import fingerprint
from reader.team.connect import identity, redact
from reader.team.schema import GOLD, require_schema
from reader.team.state import SyncState, record_key
from reader.text.sanitize import sanitize
from reader.wording import plural

BATCH = 500
"""Records pushed per server transaction."""


@dataclass
class Local:
    """One own record as the server will hold it."""

    kind: str
    annotator: str
    id: str
    article_id: str
    updated: str
    body: dict[str, Any] | None

    @property
    def key(self) -> str:
        return record_key(self.kind, self.annotator, self.id)


@dataclass
class SyncReport:
    """What one sync did (or, with dry_run, would do)."""

    role: str = ""
    articles_pushed: int = 0
    pushed: int = 0
    tombstones_pushed: int = 0
    articles_pulled: int = 0
    pulled: int = 0
    deletions_pulled: int = 0
    skipped: list[str] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    not_pushed: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False
    changed_articles: set[str] = field(default_factory=set)
    """Articles whose local records the sync changed (the app reloads their claims)."""

    def lines(self) -> list[str]:
        """What `reader sync` prints, one line each."""
        verb = "would push" if self.dry_run else "pushed"
        pull = "would pull" if self.dry_run else "pulled"
        lines = [
            f"as {self.role}: {verb} {plural(self.articles_pushed, 'article')}, "
            f"{plural(self.pushed, 'record')}, {plural(self.tombstones_pushed, 'deletion')}; "
            f"{pull} {plural(self.articles_pulled, 'article')}, "
            f"{plural(self.pulled, 'record')}, {plural(self.deletions_pulled, 'deletion')}"
        ]
        if self.not_pushed:
            names = ", ".join(f"{name} ({n})" for name, n in sorted(self.not_pushed.items()))
            lines.append(f"not pushed: local claims under other names than {self.role}: {names}")
        lines += [f"skipped: {why}" for why in self.skipped]
        lines += [f"conflict: {describe(c)}" for c in self.conflicts]
        return lines


def describe(conflict: dict[str, Any]) -> str:
    """One line for a conflict."""
    return (f"{conflict.get('kind')} {conflict.get('id')} in {str(conflict.get('article_id'))[:15]}"
            f": {conflict.get('reason')} (the server's version is kept; yours is in the "
            "conflicts list)")


def _encode(body: dict[str, Any] | None) -> str | None:
    """JSON text for the server: ASCII-escaped, so NULs and lone surrogates survive byte for
    byte (PostgreSQL text and jsonb refuse both)."""
    return None if body is None else json.dumps(body, ensure_ascii=True, sort_keys=True)


def _clean(value: Any) -> Any:
    """Pulled rows are untrusted like imports: every string neutralised, one for one."""
    if isinstance(value, str):
        return sanitize(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {sanitize(str(k)): _clean(v) for k, v in value.items()}
    return value


def _own(annotator: str, role: str, adjudicator: bool) -> bool:
    return annotator == role or (adjudicator and annotator == GOLD)


def local_records(store: Store, role: str, adjudicator: bool,
                  report: SyncReport) -> tuple[dict[str, Local], list[dict[str, Any]]]:
    """The store's own records by key, and every article (index record plus text)."""
    records: dict[str, Local] = {}
    articles = []
    ids = [d.id for d in store.articles()]
    for doc, text, claims, done in _iter(store, ids):
        articles.append({**doc.to_record(), "text": text})  # the server's article row
        for claim in claims:
            annotator = claim.annotator
            if not _own(annotator, role, adjudicator):
                report.not_pushed[annotator] += 1
                continue
            item = Local("claim", annotator, claim.id, doc.id, claim.updated,
                         claim.to_record())  # the server's row: the stored JSON object
            records[item.key] = item
        for mark in done:
            if mark["annotator"] == role:
                body = {"article_id": doc.id, "annotator": role, "at": mark["at"]}
                item = Local("done", role, doc.id, doc.id, mark["at"], body)
                records[item.key] = item
        # my entity corrections and rejected suggestions (everything local is mine: others'
        # arrive in the article's `team` table and are never applied)
        for corr in store.correction_records(doc.id):  # verbatim: the server's body
            if isinstance(corr.get("id"), str):
                item = Local("correction", role, corr["id"], doc.id,
                             str(corr.get("updated") or corr.get("created") or ""), dict(corr))
                records[item.key] = item
        for rejected in store.rejected(doc.id):
            item = Local("rejected", role, fingerprint(rejected), doc.id,
                         str(rejected.get("at") or rejected.get("created") or ""),
                         dict(rejected))
            records[item.key] = item
    # my corpus-wide entity rules (others' arrive in the index's team_rules table)
    for rule in store.corpus_correction_records():
        item = Local("rule", role, str(rule["id"]), "",
                     str(rule.get("updated") or rule.get("created") or ""), dict(rule))
        records[item.key] = item
    return records, articles


def _iter(store: Store, ids: list[str]) -> Iterator[tuple[StoredArticle, str,
                                                        list[Claim],
                                                        list[dict[str, Any]]]]:
    for doc, text, claims, annotators in store.iter_texts_and_claims(ids):
        marks = store.done_marks(doc.id) if annotators else []
        yield doc, text, claims, marks


def sync(store: Store, conn: Any, url: str, *, pull_all: bool = False, dry_run: bool = False,
         say: Callable[[str], None] = lambda _: None) -> SyncReport:
    """Push, then pull; the report. The store must be writable (one writer)."""
    require_schema(conn)
    role, adjudicator = identity(conn)
    report = SyncReport(role=role, dry_run=dry_run)
    root = Path(store.root)
    state = SyncState.load(root)
    state.reset_for(redact(url), role)
    records, articles = local_records(store, role, adjudicator, report)
    say(f"{plural(len(records), 'own record')} in {plural(len(articles), 'article')}")
    _push(conn, store, state, records, articles, role, adjudicator, report, dry_run, say)
    if not dry_run:
        state.save(root)  # what was pushed is durable on the server: remember it
    _pull(conn, store, state, role, adjudicator, pull_all, report, dry_run, say)
    if not dry_run:
        state.conflicts.extend(report.conflicts)
        state.last_sync = iso_now()
        state.save(root)
    return report


# -- push --------------------------------------------------------------------------------------


def _push(conn: Any, store: Store, state: SyncState, records: dict[str, Local],
          articles: list[dict[str, Any]], role: str, adjudicator: bool, report: SyncReport,
          dry_run: bool, say: Callable[[str], None]) -> None:
    known_articles = set(state.articles)
    new_articles = [a for a in articles if a["id"] not in known_articles]
    changed = [r for r in records.values() if state.known.get(r.key) != fingerprint(r.body)]
    gone = []
    for key in state.known:
        kind, annotator, record_id = json.loads(key)
        if key not in records and _own(annotator, role, adjudicator):
            gone.append(Local(kind, annotator, record_id, "", iso_now(), None))
    report.articles_pushed = len(new_articles)
    report.pushed = len(changed)
    report.tombstones_pushed = len(gone)
    if dry_run:
        return
    for first in range(0, len(new_articles), BATCH):
        with conn.transaction():
            for article in new_articles[first : first + BATCH]:
                body = {k: article.get(k) for k in ("title", "source", "url", "date",
                                                    "external_id", "meta", "text_hash")}
                conn.execute(
                    "INSERT INTO reader_articles (id, body, text) VALUES (%s, %s, %s) "
                    "ON CONFLICT (id) DO NOTHING",
                    (article["id"], _encode(body), json.dumps(article["text"])))
        state.articles.extend(a["id"] for a in new_articles[first : first + BATCH])
    if new_articles:
        say(f"pushed {plural(len(new_articles), 'article')}")
    back: list[tuple[Local, dict[str, Any]]] = []
    rules = [r for r in changed + gone if r.kind == "rule"]
    todo = [r for r in changed + gone if r.kind != "rule"]
    for item in rules:
        outcome = _push_rule(conn, item)
        if outcome is not None:
            back.append((item, outcome))
        elif item.body is None:
            state.known.pop(item.key, None)
        else:
            state.known[item.key] = fingerprint(item.body)
    for first in range(0, len(todo), BATCH):
        batch = todo[first : first + BATCH]
        with conn.transaction():
            for item, outcome in _push_batch(conn, batch):
                back.append((item, outcome))
        for item in batch:
            if item.body is None:
                state.known.pop(item.key, None)
            elif not any(b[0] is item for b in back):
                state.known[item.key] = fingerprint(item.body)
        say(f"pushed {min(first + BATCH, len(todo))}/{plural(len(todo), 'record')}")
    if back:
        _take_back(store, state, back, report)


_INSERT = ("INSERT INTO reader_records (kind, annotator, id, article_id, updated, deleted, body) "
           "VALUES (%s, %s, %s, %s, %s, false, %s) ON CONFLICT DO NOTHING")


_INSERT_MANY = (
    "INSERT INTO reader_records (kind, annotator, id, article_id, updated, deleted, body) "
    "SELECT k, a, i, ar, u, false, b FROM unnest(%b::text[], %b::text[], %b::text[], "
    "%b::text[], %b::text[], %b::text[]) AS v(k, a, i, ar, u, b) "
    "ON CONFLICT DO NOTHING RETURNING kind, annotator, id")
_UPDATE = ("UPDATE reader_records SET body = %s, updated = %s, deleted = %s "
           "WHERE kind = %s AND annotator = %s AND id = %s AND updated <= %s")


def _push_batch(conn: Any, batch: list[Local]) -> list[tuple[Local, dict[str, Any]]]:
    """Write a batch: the new records in one statement (parsed and planned once for the
    batch, conflicts checked on the keys' indexes), then updates of the rest in one pipelined
    round trip; the few records neither took are looked at one by one. Returns what the
    server kept."""
    import psycopg

    inserts = [i for i in batch if i.body is not None]
    taken: set[tuple[str, str, str]] = set()
    if inserts:
        try:
            with conn.transaction():
                rows = conn.execute(_INSERT_MANY, (
                    [i.kind for i in inserts], [i.annotator for i in inserts],
                    [i.id for i in inserts], [i.article_id for i in inserts],
                    [i.updated for i in inserts], [_encode(i.body) for i in inserts],
                )).fetchall()
            taken = {(r[0], r[1], r[2]) for r in rows}
        except psycopg.errors.InsufficientPrivilege:
            taken = set()  # one was refused: the updates and one-by-one look decide
    rest = [i for i in batch if (i.kind, i.annotator, i.id) not in taken]
    updated = _many(conn, _UPDATE, [(_encode(i.body), i.updated, i.body is None, i.kind,
                                     i.annotator, i.id, i.updated) for i in rest])
    kept = []
    for item, count in zip(rest, updated, strict=True):
        if count == 1:
            continue
        outcome = _push_one(conn, item)
        if outcome is not None:
            kept.append((item, outcome))
    return kept


def _many(conn: Any, query: str, params: list[tuple[Any, ...]]) -> list[int]:
    """Run one statement for each parameter tuple in a single pipelined round trip; how many
    rows each touched."""
    if not params:
        return []
    cursor = conn.cursor()
    cursor.executemany(query + " RETURNING 1", params, returning=True)
    counts = []
    while True:
        counts.append(len(cursor.fetchall()))
        if not cursor.nextset():
            break
    return counts


def _push_one(conn: Any, item: Local) -> dict[str, Any] | None:
    """Write one record; None when the server took it, else the server's row (kept)."""
    import psycopg

    body = _encode(item.body)
    if item.body is not None:
        try:
            with conn.transaction():
                cursor = conn.execute(_INSERT, (item.kind, item.annotator, item.id,
                                                item.article_id, item.updated, body))
            if cursor.rowcount == 1:
                return None
        except psycopg.errors.InsufficientPrivilege:
            return {"refused": True, "row": None}
    row = conn.execute(
        "SELECT updated, deleted, body, owner, reader_may_write(owner, annotator), annotator "
        "FROM reader_records WHERE kind = %s AND id = %s AND (annotator = %s OR kind = 'claim')",
        (item.kind, item.id, item.annotator)).fetchone()
    if row is None:
        return None  # a tombstone for a record the server never had: nothing to do
    # a claim id held under another annotator is theirs, whatever this store says
    return {"refused": not row[4] or row[5] != item.annotator, "row": row}


_RULE_UPDATE = ("UPDATE reader_rules SET body = %s, updated = %s, deleted = %s "
                "WHERE annotator = %s AND id = %s AND updated <= %s RETURNING 1")
_RULE_INSERT = ("INSERT INTO reader_rules (annotator, id, updated, deleted, body) "
                "VALUES (%s, %s, %s, false, %s) ON CONFLICT DO NOTHING RETURNING 1")


def _push_rule(conn: Any, item: Local) -> dict[str, Any] | None:
    """Write one corpus-wide rule (they are few); None when the server took it, else what it
    kept, as `_push_one` says."""
    import psycopg

    body = _encode(item.body)
    with conn.transaction():
        if conn.execute(_RULE_UPDATE, (body, item.updated, item.body is None, item.annotator,
                                       item.id, item.updated)).fetchall():
            return None
    if item.body is not None:
        try:
            with conn.transaction():
                if conn.execute(_RULE_INSERT, (item.annotator, item.id, item.updated,
                                               body)).fetchall():
                    return None
        except psycopg.errors.InsufficientPrivilege:
            return {"refused": True, "row": None}
    row = conn.execute(
        "SELECT updated, deleted, body, owner, reader_may_write(owner, annotator), annotator "
        "FROM reader_rules WHERE annotator = %s AND id = %s",
        (item.annotator, item.id)).fetchone()
    if row is None:
        return None
    return {"refused": not row[4], "row": row}


def _apply_rules(store: Store, state: SyncState, rows: list[tuple[str, str, bool, Any]],
                 role: str, adjudicator: bool, report: SyncReport) -> int:
    """Apply pulled corpus-wide rules, (annotator, id, deleted, body JSON) each: mine to my
    rules, a colleague's to their layer (never applied to my entities). How many changed."""
    from reader.clean import correction_problems

    theirs: list[tuple[str, str, dict[str, Any] | None]] = []
    applied = 0
    for annotator, rule_id, deleted, body in rows:
        key = record_key("rule", annotator, rule_id)
        server_body = None if deleted or body is None else _clean(json.loads(body))
        if server_body is not None and state.known.get(key) == fingerprint(server_body):
            continue
        if server_body is None and key not in state.known:
            continue
        problems = correction_problems(server_body) if server_body is not None else []
        if problems:
            report.skipped.append(f"rule {rule_id}: {'; '.join(problems)}")
            continue
        if _own(annotator, role, adjudicator):
            if server_body is None:
                store.delete_corpus_correction(rule_id)
            else:
                store.save_corpus_correction(server_body)
        else:
            theirs.append((annotator, rule_id, server_body))
        _remember_pulled(state, report, key, server_body)
        applied += 1
    if theirs:
        store.put_team_rules(theirs)
    return applied


def _take_back(store: Store, state: SyncState, back: list[tuple[Local, dict[str, Any]]],
               report: SyncReport) -> None:
    """Put the server's version back locally; the local one goes to the conflicts list."""
    rules = [(item, outcome) for item, outcome in back if item.kind == "rule"]
    back = [(item, outcome) for item, outcome in back if item.kind != "rule"]
    for item, outcome in rules:
        report.conflicts.append({"kind": item.kind, "id": item.id, "article_id": "",
                                 "reason": "refused by the server: not yours to change"
                                 if outcome["refused"] else "changed later elsewhere",
                                 "local": item.body, "at": iso_now()})
        row = outcome["row"]
        if row is not None:  # my rule, changed later on another of my machines: theirs wins
            server_body = None if row[1] or row[2] is None else _clean(json.loads(row[2]))
            if server_body is None:
                store.delete_corpus_correction(item.id)
            else:
                store.save_corpus_correction(server_body)
            state.known[item.key] = fingerprint(server_body) if server_body else ""
    if not back:
        return
    with store.transaction() as tx:
        for item, outcome in back:
            row = outcome["row"]
            reason = ("refused by the server: not yours to change" if outcome["refused"]
                      else "changed later elsewhere")
            report.conflicts.append({"kind": item.kind, "id": item.id,
                                     "article_id": item.article_id, "reason": reason,
                                     "local": item.body, "at": iso_now()})
            if row is None:
                continue
            server_body = None if row[1] or row[2] is None else _clean(json.loads(row[2]))
            report.changed_articles.add(item.article_id)
            _apply(tx, item.kind, item.id, item.article_id or (server_body or {}).get(
                "article_id", ""), item.annotator, server_body, report)
            state.known[item.key] = fingerprint(server_body) if server_body else ""


def _apply(tx: Any, kind: str, record_id: str, article_id: str, annotator: str,
           body: dict[str, Any] | None, report: SyncReport, mine: bool = True) -> None:
    try:
        if kind == "claim":
            if body is None:
                tx.remove_claim(article_id, record_id)
            else:
                tx.put_claim(claim_of(body))  # a server row: typed here
        elif kind == "done":
            if body is None:
                tx.remove_done(article_id, annotator)
            else:
                tx.add_done(article_id, annotator, str(body.get("at", "")))
        elif kind in ("correction", "rejected"):
            if mine:
                tx.put_own_record(article_id, "corrections" if kind == "correction"
                                  else "rejected", record_id, body)
            else:
                tx.put_team_record(article_id, kind, annotator, record_id, body)
    except (ValueError, KeyError) as error:
        report.skipped.append(f"{kind} {record_id}: {error}")


# -- pull --------------------------------------------------------------------------------------


def _pull(conn: Any, store: Store, state: SyncState, role: str, adjudicator: bool,
          pull_all: bool, report: SyncReport, dry_run: bool,
          say: Callable[[str], None]) -> None:
    import psycopg

    local_ids = {d.id for d in store.articles()}
    fresh = sorted(local_ids - set(state.articles))
    watermark = state.watermark or "0"
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    try:
        with conn.transaction():
            new_watermark = str(conn.execute(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())").fetchone()[0])
            article_rows = []
            if pull_all:
                article_rows = conn.execute(
                    "SELECT id, body, text FROM reader_articles WHERE NOT (id = ANY(%s))",
                    (sorted(local_ids),)).fetchall()
            scope = None if pull_all else sorted(local_ids)
            rows = conn.execute(
                "SELECT kind, annotator, id, article_id, updated, deleted, body FROM "
                "reader_records WHERE (xid >= %s::xid8 OR article_id = ANY(%s)) "
                "AND (%s::text[] IS NULL OR article_id = ANY(%s)) ORDER BY xid",
                (watermark, fresh + [a[0] for a in article_rows], scope, scope)).fetchall()
            rule_rows = conn.execute(
                "SELECT annotator, id, deleted, body FROM reader_rules WHERE xid >= %s::xid8 "
                "ORDER BY xid", (watermark,)).fetchall()
    finally:
        conn.isolation_level = None
    report.articles_pulled = len(article_rows)
    report.changed_articles.update(a[0] for a in article_rows)
    if dry_run:
        report.pulled = sum(1 for r in rows if not r[5] and state.known.get(
            record_key(r[0], r[1], r[2])) != fingerprint(_clean(json.loads(r[6]))))
        report.deletions_pulled = sum(1 for r in rows if r[5] and record_key(r[0], r[1], r[2])
                                      in state.known)
        report.pulled += sum(1 for r in rule_rows if not r[2] and state.known.get(
            record_key("rule", r[0], r[1])) != fingerprint(_clean(json.loads(r[3]))))
        report.deletions_pulled += sum(1 for r in rule_rows if r[2] and record_key(
            "rule", r[0], r[1]) in state.known)
        return
    applied = 0
    with store.transaction() as tx:
        for article_id, body, text in article_rows:
            fields = _clean(json.loads(body))
            tx.add_article(SourceArticle(
                title=str(fields.get("title") or ""), text=sanitize(json.loads(text)),
                source=str(fields.get("source") or article_id),
                url=str(fields.get("url") or ""), date=str(fields.get("date") or ""),
                external_id=str(fields.get("external_id") or ""),
                meta=fields.get("meta") if isinstance(fields.get("meta"), dict) else {}))
        for kind, annotator, record_id, article_id, _updated, deleted, body in rows:
            key = record_key(kind, annotator, record_id)
            known = state.known.get(key)
            raw = None if deleted or body is None else json.loads(body)
            if raw is not None and known is not None and known == fingerprint(raw):
                continue  # the version both sides agreed on (our own push coming back)
            server_body = None if raw is None else _clean(raw)
            if server_body is not None and known == fingerprint(server_body):
                continue  # already the same on both sides
            if server_body is None and key not in state.known and deleted:
                continue  # a deletion of something this store never had
            _apply(tx, kind, record_id, article_id, annotator, server_body, report,
                   mine=_own(annotator, role, adjudicator))
            report.changed_articles.add(article_id)
            _remember_pulled(state, report, key, server_body)
            applied += 1
    applied += _apply_rules(store, state, rule_rows, role, adjudicator, report)
    state.articles.extend(local_ids | {a[0] for a in article_rows})
    state.watermark = new_watermark
    say(f"pulled {plural(applied, 'change')}")


def _remember_pulled(state: SyncState, report: SyncReport, key: str,
                     body: dict[str, Any] | None) -> None:
    """A pulled row is now what both sides hold: its fingerprint (or its deletion) is kept
    so it is not pulled or pushed again, and it is counted."""
    if body is None:
        state.known.pop(key, None)
        report.deletions_pulled += 1
    else:
        state.known[key] = fingerprint(body)
        report.pulled += 1
