"""Figures for the corpus view across all articles: entities, speakers, claims, search.

Pure functions over `(ArticleRef, claims list, entities list, text)` items; no store, no
spaCy, no Textual.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from reader.records import VERDICTS, Claim, Entity
from reader.text.segment import Sentences

__all__ = [
    "ArticleCount",
    "ArticleRef",
    "CorpusItem",
    "CorpusStats",
    "EntityCount",
    "SearchHit",
    "SpeakerCount",
    "corpus_stats",
    "search_corpus",
    "sparkline",
]

@dataclass(frozen=True)
class ArticleRef:
    """What the figures name an article by: its id, and its title or else its source."""

    id: str
    title: str = ""
    source: str = ""

    @property
    def name(self) -> str:
        """The title, else the source, else the id."""
        return self.title or self.source or self.id


CorpusItem = tuple[ArticleRef, Sequence[Claim], Sequence[Entity], str]
"""One article: who it is, its claims, its (corrected) entities, its text."""

BLOCKS = "▁▂▃▄▅▆▇█"
"""Sparkline characters, lowest to highest."""


@dataclass(frozen=True)
class EntityCount:
    """An entity string with one label: mentions in all, and in how many articles."""

    text: str
    label: str
    count: int
    articles: int


@dataclass(frozen=True)
class SpeakerCount:
    """A speaker's claims: in all and by verdict."""

    speaker: str
    claims: int
    by_verdict: dict[str, int]


@dataclass(frozen=True)
class ArticleCount:
    """Claims in one article (in corpus order, for the sparkline)."""

    article_id: str
    title: str
    claims: int


@dataclass
class CorpusStats:
    """Everything the corpus view shows."""

    articles: int = 0
    entities: list[EntityCount] = field(default_factory=list)
    speakers: list[SpeakerCount] = field(default_factory=list)
    by_label: Counter[str] = field(default_factory=Counter)
    by_verdict: Counter[str] = field(default_factory=Counter)
    per_article: list[ArticleCount] = field(default_factory=list)

    @property
    def claims_sparkline(self) -> str:
        """Claims per article as block characters."""
        return sparkline([a.claims for a in self.per_article])


@dataclass(frozen=True)
class SearchHit:
    """Sentences of one article that contain the query; `matches` are offsets into the text."""

    article_id: str
    title: str
    sentence_start: int
    sentence_end: int
    sentence: str
    matches: tuple[tuple[int, int], ...]


def _normal(text: str) -> str:
    """Whitespace collapsed, for counting the same string across line breaks."""
    return " ".join(text.split())


def corpus_stats(items: Iterable[CorpusItem], top: int = 50) -> CorpusStats:
    """The corpus figures; entities and speakers most frequent first (ties by name)."""
    stats = CorpusStats()
    mentions: Counter[tuple[str, str]] = Counter()
    in_articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    speakers: dict[str, Counter[str]] = defaultdict(Counter)
    speaker_names: dict[str, str] = {}
    for article, claims, entities, text in items:
        stats.articles += 1
        article_id = article.id
        for entity in entities:
            key = (_normal(entity.text_in(text)), entity.label)
            if not key[0]:
                continue
            mentions[key] += 1
            in_articles[key].add(article_id)
        for claim in claims:
            label = claim.label or "other"
            verdict = claim.verdict or "unverified"
            stats.by_label[label] += 1
            stats.by_verdict[verdict] += 1
            speaker = _normal(claim.speaker)
            if speaker:
                folded = speaker.casefold()
                speaker_names.setdefault(folded, speaker)
                speakers[folded][verdict] += 1
        stats.per_article.append(ArticleCount(article_id, article.name, len(claims)))
    ranked = sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    stats.entities = [
        EntityCount(text, label, count, len(in_articles[(text, label)]))
        for (text, label), count in ranked
    ]
    stats.speakers = sorted(
        (
            SpeakerCount(speaker_names[key], sum(counts.values()), _verdict_order(counts))
            for key, counts in speakers.items()
        ),
        key=lambda s: (-s.claims, s.speaker.casefold()),
    )[:top]
    return stats


def _verdict_order(counts: Counter[str]) -> dict[str, int]:
    """Counts in the verdict scale's order, unknown verdicts after, by name."""
    known = [v for v in VERDICTS if counts.get(v)]
    extra = sorted(v for v in counts if v not in VERDICTS)
    return {v: counts[v] for v in known + extra}


def search_corpus(items: Iterable[CorpusItem], query: str, limit: int = 1000) -> list[SearchHit]:
    """Case-insensitive search: one hit per article sentence containing `query`, in corpus
    and text order, at most `limit` hits."""
    needle = query.strip()
    if not needle:
        return []
    pattern = re.compile(re.escape(needle), re.IGNORECASE)
    hits: list[SearchHit] = []
    for article, _claims, _entities, text in items:
        span_at = Sentences(text).span_at
        grouped: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for m in pattern.finditer(text):
            start, end = span_at(m.start())
            if not start <= m.start() < max(end, start + 1):
                start, end = m.start(), m.end()
            grouped.setdefault((start, end), []).append((m.start(), m.end()))
        for (start, end), matches in grouped.items():
            end = max(end, matches[-1][1])
            hits.append(SearchHit(article.id, article.name, start, end,
                                  text[start:end], tuple(matches)))
            if len(hits) >= limit:
                return hits
    return hits


def sparkline(values: Sequence[float]) -> str:
    """Block characters ▁…█ scaled from 0 to the largest value (all ▁ when all are 0)."""
    if not values:
        return ""
    top = max(values)
    low = min(0.0, min(values))
    if top <= low:
        return BLOCKS[0] * len(values)
    steps = len(BLOCKS) - 1
    return "".join(BLOCKS[round((v - low) / (top - low) * steps)] for v in values)
