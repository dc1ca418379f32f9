"""The test suite: a regular package, so `tests.apphelpers` is never shadowed by a dependency
that ships a top-level `tests` package (label-studio-converter does)."""
