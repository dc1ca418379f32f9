"""reader: a keyboard-driven terminal reader for analysts."""

__version__ = "0.1.0"
