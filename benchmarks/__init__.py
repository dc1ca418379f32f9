"""Measured performance of the reader (issue "Scale and speed"): run `make bench`.

Each `pNN_*.py` module is one row of the table and runs on its own
(`.venv/bin/python -m benchmarks.p01_launch`); `run_all` runs them all and prints the table.
Benchmarks build their own inputs under `benchmarks/_work/` (git-ignored) and are not tests.
"""
