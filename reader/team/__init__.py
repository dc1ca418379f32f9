"""The team server: analysts' stores sync through PostgreSQL (psycopg, imported lazily, never on
the first paint). The server enforces who may change what with row-level security."""
