"""A folder of articles for the corpus-view tests: the sample, the brat tutorial texts, the
Label Studio task text and a short note of our own; and a way to run NER over all of them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.apphelpers import SAMPLE, wait_for

PEERS = Path(__file__).parent / "fixtures" / "peers"
NOTE = "Borrell met Cho Tae-yul in Seoul on Thursday.\n\nGoogle was not there.\n"
"""A short article of our own: entities the sample also has, and a word the brat texts have."""


def corpus_folder(root: Path) -> Path:
    """`root/corpus` with five articles; the sample sorts first so it opens first."""
    folder = root / "corpus"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "00-eu-korea-joint-statement.txt")
    for path in sorted((PEERS / "brat").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    [task] = json.loads((PEERS / "label-studio" / "named_entity-tasks.json").read_text("utf-8"))
    (folder / "label-studio-cocoa.txt").write_text(task["data"]["text"], encoding="utf-8")
    (folder / "zz-note.txt").write_text(NOTE, encoding="utf-8")
    return folder


async def visit_all(pilot: Any) -> None:
    """Open every article in turn until NER has run on it, then come back to the first."""
    app = pilot.app
    for _ in app.articles:
        article = app.articles[app.screen.index]
        await wait_for(pilot, lambda a=article: a.id in app.workspace.entities)
        await pilot.press("right_square_bracket")
    await wait_for(pilot, lambda: app.screen.index == 0)
    await wait_for(pilot, lambda: "found by" in app.screen.ner_note
                   or app.articles[0].id in app.workspace.entities)
