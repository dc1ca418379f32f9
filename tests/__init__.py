"""The test suite (a package, so `tests.apphelpers` is ours even where an installed
distribution ships a top-level `tests` package of its own)."""
