"""An `argparse.ArgumentParser` whose every message (usage, errors, help) is drawn cleaned.

argparse repeats what the user typed ("unrecognized arguments: …", "invalid choice: …"), and
a shell glob can pass a file name holding an escape sequence: the message would carry it raw to
the terminal. Exit status 2 for bad arguments is argparse's own.
"""

from __future__ import annotations

import argparse
from typing import Any

from reader.text.sanitize import sanitize

__all__ = ["SafeArgumentParser"]


class SafeArgumentParser(argparse.ArgumentParser):
    """`ArgumentParser` that neutralises control characters in everything it prints (its
    sub-parsers are of the same class)."""

    def _print_message(self, message: str, file: Any = None) -> None:
        super()._print_message(sanitize(message) if message else message, file)
