"""The server's schema as versioned migrations, and the rules row-level security enforces.

Every analyst is a login role in `reader_analyst` (adjudicators also in `reader_adjudicator`).
A row of `reader_records` (a claim, a done mark, ...) belongs to the role that inserted it
(`owner`, kept by a trigger) and to an `annotator`: a role inserts and changes only rows whose
annotator is itself, an adjudicator also the `gold` layer; everyone reads everything. Nothing is
ever deleted: a deletion is a tombstone (`deleted`), so it syncs like any change. Each row
carries the id of the transaction that last wrote it (`xid`, xid8), which pulls read with a
snapshot watermark that cannot skip rows committed out of order.

Version 2 adds `reader_rules`: each analyst's corpus-wide entity rules (a rule belongs to no
article), under the same ownership rules.
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 2
"""The newest schema this reader knows."""

GOLD = "gold"

MIGRATIONS: dict[int, str] = {
    1: """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'reader_analyst') THEN
    CREATE ROLE reader_analyst NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'reader_adjudicator') THEN
    CREATE ROLE reader_adjudicator NOLOGIN IN ROLE reader_analyst;
  END IF;
END $$;

CREATE TABLE reader_articles (
  id text PRIMARY KEY,
  body text NOT NULL,
  text text NOT NULL,
  added_by text NOT NULL DEFAULT current_user,
  xid xid8 NOT NULL DEFAULT pg_current_xact_id()
);

CREATE TABLE reader_records (
  kind text NOT NULL CHECK (kind IN ('claim', 'correction', 'rejected', 'done')),
  annotator text NOT NULL,
  id text NOT NULL,
  article_id text NOT NULL REFERENCES reader_articles (id),
  owner text NOT NULL DEFAULT current_user,
  updated text NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  body text,
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (kind, annotator, id)
);
CREATE UNIQUE INDEX reader_claim_ids ON reader_records (id) WHERE kind = 'claim';
CREATE INDEX reader_records_xid ON reader_records (xid);
CREATE INDEX reader_records_article ON reader_records (article_id);
CREATE INDEX reader_articles_xid ON reader_articles (xid);

CREATE FUNCTION reader_touch() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  NEW.xid := pg_current_xact_id();
  NEW.owner := OLD.owner;
  RETURN NEW;
END $f$;
CREATE TRIGGER reader_records_touch BEFORE UPDATE ON reader_records
  FOR EACH ROW EXECUTE FUNCTION reader_touch();

CREATE FUNCTION reader_may_write(row_owner text, row_annotator text) RETURNS boolean
LANGUAGE sql STABLE AS $f$
  SELECT (row_annotator = current_user AND row_owner = current_user)
      OR (row_annotator = 'gold' AND pg_has_role(current_user, 'reader_adjudicator', 'MEMBER'))
$f$;

ALTER TABLE reader_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE reader_articles ENABLE ROW LEVEL SECURITY;
CREATE POLICY records_read ON reader_records FOR SELECT TO reader_analyst USING (true);
CREATE POLICY records_insert ON reader_records FOR INSERT TO reader_analyst
  WITH CHECK (owner = current_user AND reader_may_write(owner, annotator));
CREATE POLICY records_update ON reader_records FOR UPDATE TO reader_analyst
  USING (reader_may_write(owner, annotator)) WITH CHECK (reader_may_write(owner, annotator));
CREATE POLICY articles_read ON reader_articles FOR SELECT TO reader_analyst USING (true);
CREATE POLICY articles_insert ON reader_articles FOR INSERT TO reader_analyst
  WITH CHECK (added_by = current_user);

GRANT SELECT, INSERT, UPDATE ON reader_records, reader_articles TO reader_analyst;
GRANT SELECT ON reader_schema TO reader_analyst;
""",
    2: """
CREATE TABLE reader_rules (
  annotator text NOT NULL,
  id text NOT NULL,
  owner text NOT NULL DEFAULT current_user,
  updated text NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  body text,
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (annotator, id)
);
CREATE INDEX reader_rules_xid ON reader_rules (xid);
CREATE TRIGGER reader_rules_touch BEFORE UPDATE ON reader_rules
  FOR EACH ROW EXECUTE FUNCTION reader_touch();
ALTER TABLE reader_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY rules_read ON reader_rules FOR SELECT TO reader_analyst USING (true);
CREATE POLICY rules_insert ON reader_rules FOR INSERT TO reader_analyst
  WITH CHECK (owner = current_user AND reader_may_write(owner, annotator));
CREATE POLICY rules_update ON reader_rules FOR UPDATE TO reader_analyst
  USING (reader_may_write(owner, annotator)) WITH CHECK (reader_may_write(owner, annotator));
GRANT SELECT, INSERT, UPDATE ON reader_rules TO reader_analyst;
""",
}


class SchemaError(Exception):
    """The server's schema cannot be used by this reader; the message says why."""


def server_version(conn: Any) -> int:
    """The server's schema version; 0 before `reader server init`."""
    exists = conn.execute("SELECT to_regclass('public.reader_schema') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    row = conn.execute("SELECT max(version) FROM reader_schema").fetchone()
    return int(row[0] or 0)


def require_schema(conn: Any) -> None:
    """Raise SchemaError unless the server has exactly the schema this reader knows."""
    version = server_version(conn)
    if version == 0:
        raise SchemaError("the server has no reader schema (run `reader server init`)")
    if version > SCHEMA_VERSION:
        raise SchemaError(f"the server's schema is version {version}, newer than this reader "
                          f"knows ({SCHEMA_VERSION}): update the reader")
    if version < SCHEMA_VERSION:
        raise SchemaError(f"the server's schema is version {version}; run `reader server init` "
                          "to migrate it")


def migrate(conn: Any) -> tuple[int, int]:
    """Create or migrate the schema in one transaction; (version before, after)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('reader_schema'))")
        conn.execute("CREATE TABLE IF NOT EXISTS reader_schema (version integer NOT NULL)")
        before = server_version(conn)
        if before > SCHEMA_VERSION:
            raise SchemaError(f"the server's schema is version {before}, newer than this "
                              f"reader knows ({SCHEMA_VERSION}): update the reader")
        for version in range(before + 1, SCHEMA_VERSION + 1):
            conn.execute(MIGRATIONS[version])
            conn.execute("INSERT INTO reader_schema (version) VALUES (%s)", (version,))
    return before, SCHEMA_VERSION
