"""Shared test set-up: no animations, a tiny fast spaCy pipeline, the sample article."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = Path(__file__).parent.parent / "reader" / "data" / "eu-korea-joint-statement.txt"

SAMPLE_PATTERNS: list[dict[str, str]] = [
    {"label": "PERSON", "pattern": "Josep Borrell"},
    {"label": "PERSON", "pattern": "Borrell"},
    {"label": "PERSON", "pattern": "Cho Tae-yul"},
    {"label": "PERSON", "pattern": "Kim Yong Hyun"},
    {"label": "PERSON", "pattern": "Volodymyr Zelenskyy"},
    {"label": "ORG", "pattern": "the European Union"},
    {"label": "ORG", "pattern": "EU"},
    {"label": "ORG", "pattern": "UNSC"},
    {"label": "GPE", "pattern": "South Korea"},
    {"label": "GPE", "pattern": "North Korea"},
    {"label": "GPE", "pattern": "Seoul"},
    {"label": "GPE", "pattern": "Moscow"},
    {"label": "GPE", "pattern": "Russia"},
    {"label": "GPE", "pattern": "Ukraine"},
    {"label": "NORP", "pattern": "Ukrainian"},
    {"label": "DATE", "pattern": "Monday"},
    {"label": "DATE", "pattern": "Thursday"},
    {"label": "CARDINAL", "pattern": "8,000"},
    {"label": "CARDINAL", "pattern": "15"},
]


def make_tiny_nlp():  # type: ignore[no-untyped-def]
    """A `spacy.blank("en")` pipeline with an `entity_ruler`: fast, deterministic NER for tests."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    patterns = []
    for item in SAMPLE_PATTERNS:
        tokens = [{"ORTH": tok.text} for tok in nlp.make_doc(item["pattern"])]
        patterns.append({"label": item["label"], "pattern": tokens})
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


@pytest.fixture(scope="session")
def tiny_nlp():  # type: ignore[no-untyped-def]
    """The tiny pipeline, loaded once per test session."""
    return make_tiny_nlp()


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny pipeline saved to disk, for code that takes a model name or path."""
    path = tmp_path_factory.mktemp("models") / "tiny_en"
    make_tiny_nlp().to_disk(path)
    return path


@pytest.fixture()
def sample_text() -> str:
    """The bundled sample article, exactly as on disk."""
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pg_admin_url():  # type: ignore[no-untyped-def]
    """A throwaway PostgreSQL 16 (pgserver), started by the tests themselves, in a folder of
    its own outside pytest's (pgserver changes the permissions of its data folder's parent, and
    as root runs the server as its own user, who must reach the folder)."""
    import shutil
    import tempfile

    import pgserver

    home = Path(tempfile.mkdtemp(prefix="reader-pg-"))
    home.chmod(0o755)
    server = pgserver.get_server(home / "data", cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(home, ignore_errors=True)
