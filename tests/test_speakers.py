"""The speaker suggested for a new claim, on the sample article's real sentences."""

from __future__ import annotations

import pytest

from reader.records import Entity
from reader.speakers import suggest_speaker
from tests.conftest import SAMPLE, make_tiny_nlp

TEXT = SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def entities() -> list[Entity]:
    doc = make_tiny_nlp()(TEXT)
    return [Entity(e.start_char, e.end_char, e.label_) for e in doc.ents]


def span_of(sentence_start: str) -> tuple[int, int]:
    start = TEXT.index(sentence_start)
    end = TEXT.index(".", start) + 1
    return start, end


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("“This constitutes a serious breach", "the two Ministers"),
        ("“We are strategic partners", "Borrell"),
        ("“The Indo-Pacific is at the heart", "Borrell"),
        ("“The developments in this peninsula", "Borrell"),
        ("“I met Defence Minister Kim", "Borrell"),
    ],
)
def test_speaker_of_quotes(entities: list[Entity], sentence: str, speaker: str) -> None:
    start, end = span_of(sentence)
    assert suggest_speaker(TEXT, entities, start, end) == speaker


def test_no_speaker_without_entities() -> None:
    assert suggest_speaker("It rained. Nobody said anything.", [], 0, 10) == ""
