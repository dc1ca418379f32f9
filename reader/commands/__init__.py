"""Sub-commands of `reader`: each module has `add_arguments(parser)` and `run(args) -> int`.

Messages go to standard error; standard output carries data only. Exit status 2 means bad
input or an unreadable store.
"""

SUBCOMMANDS: tuple[str, ...] = (
    "export", "import", "ingest", "suggest", "agree", "sync", "server", "snapshot", "db",
)
"""Names that `reader NAME ...` dispatches to `reader.commands.<module>`; a file with one of
these names is opened as `./NAME`."""

MODULES: dict[str, str] = {
    "export": "reader.commands.export_cmd",
    "import": "reader.commands.import_cmd",
    "ingest": "reader.commands.ingest_cmd",
    "suggest": "reader.commands.suggest_cmd",
    "agree": "reader.commands.agree_cmd",
    "sync": "reader.commands.sync_cmd",
    "server": "reader.commands.server_cmd",
    "db": "reader.commands.db_cmd",
    "snapshot": "reader.commands.snapshot_cmd",
}
