"""Three annotators' claims on one article, with every kind of disagreement, for the curation
tests (core and app)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.claims import iso_now, make_claim
from reader.records import Claim, SourceArticle
from reader.store.store import Store

TEXT = (
    "Growth hit 5.2% in 2023, the minister said.\n\n"
    "Unemployment fell to 3% last year.\n\n"
    "The bridge will be finished by 2030.\n\n"
    "Prices doubled in a decade.\n\n"
    "Crime is at its lowest level since 1990.\n\n"
    "The new plan is the best in Europe.\n\n"
    "Exports rose by a third, officials in Seoul said."
)
ANNOTATORS = ("ana", "ben", "cy")


def span(text: str) -> tuple[int, int]:
    """The offsets of `text` in TEXT."""
    start = TEXT.index(text)
    return start, start + len(text)


def claim(article_id: str, who: str, text: str, label: str = "statistic",
          **fields: Any) -> Claim:
    """A claim of `who` over `text`."""
    start, end = span(text)
    return make_claim(article_id=article_id, text=TEXT, start=start, end=end, label=label,
                      annotator=who, **fields)


def three_coders(db: Path, *, done: tuple[str, ...] = ANNOTATORS,
                 path: Path | None = None) -> tuple[str, dict[str, Any]]:
    """The article and the claims by name: `agree_*` every annotator coded the same, the rest
    are one disagreement each (`only`: one annotator; `label`, `verdict`, `speaker`; `overlap`:
    partial spans; `opinion_*`: ana and ben alike, cy marked nothing). With `path`, the text is
    written there too, for the app to open."""
    made: dict[str, Any] = {}
    if path is not None:  # the file the app opens
        path.write_text(TEXT, encoding="utf-8")
    with Store(db) as store:
        aid = store.add_article(SourceArticle(title="Three coders", text=TEXT,
                                              source=str(path or "three.txt"))).article.id
        growth = "Growth hit 5.2% in 2023"
        for who in ANNOTATORS:
            made[f"agree_{who}"] = claim(aid, who, growth, speaker="the minister")
        made["only_ben"] = claim(aid, "ben", "The bridge will be finished by 2030",
                                 label="prediction")
        for who, label in zip(ANNOTATORS, ("statistic", "statistic", "factual"), strict=True):
            made[f"label_{who}"] = claim(aid, who, "Unemployment fell to 3%", label=label)
        for who, verdict in zip(ANNOTATORS, ("true", "true", "false"), strict=True):
            made[f"verdict_{who}"] = claim(aid, who, "Prices doubled in a decade",
                                           verdict=verdict)
        for who, speaker in zip(ANNOTATORS, ("officials", "Officials ", "the minister"),
                                strict=True):
            made[f"speaker_{who}"] = claim(aid, who, "Exports rose by a third",
                                           speaker=speaker)
        made["overlap_ana"] = claim(aid, "ana", "Crime is at its lowest level",
                                    label="factual")
        made["overlap_ben"] = claim(aid, "ben", "its lowest level since 1990",
                                    label="factual")
        made["overlap_cy"] = claim(aid, "cy", "Crime is at its lowest level since 1990",
                                   label="factual")
        made["opinion_ana"] = claim(aid, "ana", "the best in Europe", label="opinion")
        made["opinion_ben"] = claim(aid, "ben", "the best in Europe", label="opinion")
        for record in made.values():
            store.save_claim(record)
        for who in done:
            store.set_done(aid, who, iso_now())
    return aid, made
