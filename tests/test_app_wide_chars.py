"""Wide characters stay whole in a notification that lies across the side panel's border
(issue 12: "阵营议员" showed as "阵    员")."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region

from tests.apphelpers import make_app, wait_for

# Written for this test (no source): a short Chinese news text with a title line.
CHINESE = (
    "立法会选举结果公布\n\n"
    "本届立法会选举于周日举行，投票率创下新低。建制派阵营赢得多数议席。"
    "民主派阵营议员表示将继续在议会内发声。"
    "分析人士认为，新的选举制度改变了香港的政治生态，反对派的空间进一步收窄。"
    "政府发言人表示，选举公平公正。\n"
)


@pytest.mark.parametrize("width", [110, 111, 112, 113])
async def test_a_notification_over_the_panel_border_keeps_every_character(
    tmp_path: Path, tiny_nlp, width: int
) -> None:
    article = tmp_path / "zh.txt"
    article.write_text(CHINESE, encoding="utf-8")
    app = make_app(tmp_path / "db", [article], tiny_nlp)
    async with app.run_test(size=(width, 30), notifications=True) as pilot:
        await pilot.pause()
        app.clear_notifications()
        await pilot.press(")", ")", ")", "s", "1")
        await wait_for(pilot, lambda: bool(app.screen.query("Toast")))
        await pilot.pause()
        [claim] = app.session.claims(app.articles[0])
        toast = app.screen.query_one("Toast")
        side = app.screen.query_one("#side").region
        region = toast.region
        assert region.x < side.x < region.right  # the toast lies across the border
        # the composed screen, cell for cell: Textual has no public accessor for it (this
        # test checks reader.widgets.wide_cells, a fix of that compositor)
        screen = app.screen._compositor.render_strips()
        own = toast.render_lines(Region(0, 0, region.width, region.height))
        shown = [screen[region.y + row].crop(region.x, region.right).text
                 for row in range(region.height)]
        assert shown == [strip.text for strip in own]  # what the toast drew, cell for cell
        compact = "".join(shown).replace(" ", "").replace("▌", "")
        assert claim.quote in compact, compact
