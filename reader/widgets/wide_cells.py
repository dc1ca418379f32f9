"""Wide characters (Chinese, Japanese, Korean, emoji) kept whole where a pop-up lies across the
edge of a widget underneath it: a fix of Textual's compositor, applied when the app is imported.

The root cause (Textual 8.2.8; upstream issue Textualize/textual#6357, open): the compositor
cuts each screen line at every x where *any* visible widget starts or ends, divides every
widget's rendered line at all of those cuts, and keeps for each cut-to-cut piece the topmost
widget's piece. A notification lies over the article view and the side panel, so its lines are
cut at the side panel's edges as well, although the notification owns both sides of those
cuts; dividing a line inside a double-width character replaces that character with spaces
(`Segment.divide`): "阵营议员" showed as "阵    员" (a cut on each side of the panel's border).

The patched `_render_chops` divides a widget's line only where the owner of the screen changes:
a run of consecutive pieces the widget wins stays one strip, held by the run's first cut; the
run's other cuts get an empty strip, so that no widget below claims them. Where another widget
really covers part of a wide character, it is still split: the terminal could not show half of
it anyway. Nothing in the reader's own widgets is involved: the article view's lines arrive
whole, as the snapshot of the toast's own render shows in the test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import textual
from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

PATCHED_VERSIONS = ("8.2.8",)
"""The Textual versions whose `Compositor._render_chops` this replaces (the pinned one). On
another version the patch is not applied, and the wide-character test says whether the new
version needs it."""

_EMPTY = Strip([], 0)


def _render_chops(
    self: Compositor,
    crop: Region,
    is_rendered_line: Callable[[int], bool],
) -> Sequence[Mapping[int, Strip]]:
    """Textual's `Compositor._render_chops`, dividing a line only where its owner changes."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    intersection = Region.intersection
    # front to back: the first widget to fill a piece of a line owns it
    for region, clip, strips in self._get_renders(crop):
        render_region = intersection(region, clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            line_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            if len(line_cuts) < 2:
                continue
            free = [line.get(cut) is None for cut in line_cuts[:-1]]
            # where a piece starts: the first cut, and each cut where ownership changes
            starts = [0] + [
                index for index in range(1, len(free))
                if not (free[index - 1] and free[index])
            ]
            ends = starts[1:] + [len(line_cuts) - 1]
            pieces = strip.divide([line_cuts[end] - render_x for end in ends])
            for start, end, piece in zip(starts, ends, pieces, strict=False):
                if not free[start]:
                    continue
                line[line_cuts[start]] = piece
                for index in range(start + 1, end):
                    line[line_cuts[index]] = _EMPTY
    return chops  # type: ignore[return-value]


def apply() -> bool:
    """Replace the compositor's method on the Textual versions it was written for; whether it
    was applied."""
    if textual.__version__ not in PATCHED_VERSIONS:
        return False
    target: Any = Compositor
    target._render_chops = _render_chops
    return True
