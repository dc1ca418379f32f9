"""Corpus figures over the sample article and a second real text."""

from __future__ import annotations

import json
from pathlib import Path

from reader.corpus_stats import (
    ArticleRef,
    corpus_stats,
    search_corpus,
    sparkline,
)
from reader.records import Entity
from tests.claimhelpers import claim_with

FIXTURES = Path(__file__).parent / "fixtures" / "suggest"


def spans_of(text: str, surface: str, label: str) -> list[Entity]:
    """Every occurrence of `surface` as an entity."""
    found, pos = [], text.find(surface)
    while pos != -1:
        found.append(Entity(pos, pos + len(surface), label))
        pos = text.find(surface, pos + 1)
    return found


def cocoa_text() -> str:
    """The Reuters cocoa report (real text) from the suggestion fixtures."""
    with (FIXTURES / "checkworthy.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            if doc["id"] == "reuters-cocoa":
                return str(doc["text"])
    raise AssertionError("fixture missing")


def items(sample_text: str) -> list:
    cocoa = cocoa_text()
    sample_entities = (spans_of(sample_text, "Russia", "GPE")
                       + spans_of(sample_text, "Josep Borrell", "PERSON"))
    cocoa_entities = spans_of(cocoa, "Bahia", "GPE") + spans_of(cocoa, "Comissaria Smith", "ORG")
    sample_claims = [
        claim_with(label="quote", verdict="true", speaker="Borrell", start=1434, end=1460),
        claim_with(label="statistic", verdict="mostly-true", speaker="The U.S. government"),
        claim_with(label="quote", verdict="unverified", speaker="borrell"),
        claim_with(label="statistic", verdict="", speaker=""),
    ]
    cocoa_claims = [claim_with(label="statistic", verdict="false", speaker="Comissaria Smith")]
    return [
        (ArticleRef("a1", title="EU and Korea"), sample_claims, sample_entities, sample_text),
        (ArticleRef("a2", source="cocoa.txt"), cocoa_claims, cocoa_entities, cocoa),
        (ArticleRef("a3", title="Empty"), [], [], ""),
    ]


def test_corpus_stats(sample_text: str) -> None:
    stats = corpus_stats(items(sample_text))
    assert stats.articles == 3
    top = stats.entities[0]
    assert (top.text, top.label, top.count, top.articles) == (
        "Russia", "GPE", sample_text.count("Russia"), 1)
    assert ("Bahia", "GPE") in {(e.text, e.label) for e in stats.entities}
    assert stats.by_label == {"statistic": 3, "quote": 2}
    assert stats.by_verdict["unverified"] == 2 and stats.by_verdict["false"] == 1
    borrell = stats.speakers[0]
    assert borrell.speaker == "Borrell" and borrell.claims == 2
    assert borrell.by_verdict == {"unverified": 1, "true": 1}
    assert [s.speaker for s in stats.speakers] == ["Borrell", "Comissaria Smith",
                                                   "The U.S. government"]
    assert [(a.article_id, a.title, a.claims) for a in stats.per_article] == [
        ("a1", "EU and Korea", 4), ("a2", "cocoa.txt", 1), ("a3", "Empty", 0)]
    assert stats.claims_sparkline == "█▃▁"  # 1/4 of the way: round(7 / 4) = 2


def test_search_corpus_by_sentence(sample_text: str) -> None:
    hits = search_corpus(items(sample_text), "north korean")
    assert hits and all(h.article_id == "a1" for h in hits)
    for hit in hits:
        assert hit.sentence == sample_text[hit.sentence_start : hit.sentence_end]
        for start, end in hit.matches:
            assert sample_text[start:end].lower() == "north korean"
            assert hit.sentence_start <= start < end <= hit.sentence_end
    first = hits[0]
    assert first.sentence.startswith("In a joint statement on Monday")
    assert len(first.matches) == 1
    assert sum(len(h.matches) for h in hits) == sample_text.lower().count("north korean")


def test_search_groups_matches_in_one_sentence(sample_text: str) -> None:
    hits = search_corpus(items(sample_text), "UKRAINE")
    multi = [h for h in hits if len(h.matches) > 1]
    assert multi and "in Ukraine, in Korea and in Ukraine" in multi[0].sentence
    cocoa_hits = search_corpus(items(sample_text), "mln")
    assert {h.article_id for h in cocoa_hits} == {"a2"}
    assert search_corpus(items(sample_text), "   ") == []
    assert len(search_corpus(items(sample_text), "the", limit=3)) == 3


def test_sparkline() -> None:
    assert sparkline([]) == ""
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5]) == "█"
    assert len(sparkline(list(range(100)))) == 100
