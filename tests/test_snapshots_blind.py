"""SVG snapshot of blind coding: the Annotators tab of an article I have not marked done, the
colleagues' layers kept back ("blind") and nothing of theirs drawn in the text. Update with
--snapshot-update after looking at the new picture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.apphelpers import SAMPLE, make_app
from tests.test_app_agreement import three_coders
from tests.test_snapshots_team import SIZE, _settle, in_tmp  # noqa: F401 - the fixture


def test_annotators_tab_with_blind_coding(snap_compare: Any, in_tmp: Path,  # noqa: F811
                                          tiny_nlp: Any) -> None:
    from reader.store import Store

    three_coders(in_tmp / "store")
    with Store(in_tmp / "store") as store:
        store.set_done(store.articles()[0].id, "ana", None)  # not done by me yet
    (in_tmp / "store" / "reader.toml").write_text("blind = true\n", encoding="utf-8")
    app = make_app("store", [SAMPLE], tiny_nlp, annotator="ana")

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("f6")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
