"""Colours of entity labels and claim labels, and the article view's styles under the current
theme. Everything that is not a label colour comes from component classes styled with theme
variables in `styles/reader.tcss`; label colours (defaults below, or the analyst's from
`reader.toml`) keep their hue and are lightened or darkened until they read on the theme."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from textual.color import Color

ENTITY_COLOURS: dict[str, str] = {
    "PERSON": "#d7875f",
    "ORG": "#5f87d7",
    "GPE": "#5faf5f",
    "LOC": "#00afaf",
    "NORP": "#af87d7",
    "FAC": "#87af00",
    "EVENT": "#d7af00",
    "PRODUCT": "#d75f5f",
    "WORK_OF_ART": "#af5faf",
    "LAW": "#8787af",
    "LANGUAGE": "#5fafaf",
    "DATE": "#d75f87",
    "TIME": "#d75f87",
    "PERCENT": "#af8700",
    "MONEY": "#af8700",
    "QUANTITY": "#af8700",
    "ORDINAL": "#af8700",
    "CARDINAL": "#af8700",
}
"""Mid-tone hues; `readable` adjusts them to the theme's background."""

FALLBACK_COLOURS = ("#87afaf", "#af87af", "#afaf87", "#87af87", "#8787d7", "#d78787")

CLAIM_COLOURS: dict[str, str] = {
    "factual": "#5f87d7",
    "statistic": "#af8700",
    "quote": "#af5faf",
    "prediction": "#00afaf",
    "opinion": "#d7875f",
    "other": "#878787",
}


def entity_colour(label: str) -> str:
    """The colour of an entity label (unknown labels get a stable fallback)."""
    colour = ENTITY_COLOURS.get(label)
    if colour:
        return colour
    return FALLBACK_COLOURS[sum(map(ord, label)) % len(FALLBACK_COLOURS)]


def claim_colour(label: str, configured: dict[str, str] | None = None) -> str:
    """The colour of a claim label: from `reader.toml`, else the default, else a fallback."""
    if configured and label in configured:
        return configured[label]
    colour = CLAIM_COLOURS.get(label)
    if colour:
        return colour
    return FALLBACK_COLOURS[sum(map(ord, label)) % len(FALLBACK_COLOURS)]


def parse_colour(name: str) -> Color | None:
    """A colour as `reader.toml` or the tables above give it (Rich's names such as
    `dark_orange`, `#rrggbb`, `rgb(r,g,b)`), or None when it is not one."""
    from rich.color import Color as RichColor
    from rich.color import ColorParseError

    try:
        return Color(*RichColor.parse(name).get_truecolor())  # `color(3)` too, as RGB
    except ColorParseError:
        return None


def luminance(colour: Color) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(one: Color, other: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 to 21)."""
    a, b = sorted((luminance(one), luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


TEXT_CONTRAST = 4.5
"""WCAG AA for body text: coloured text (entities, label names) gets at least this."""

MARK_CONTRAST = 3.0
"""WCAG AA for graphics (the margin bar of a claim)."""


def readable(colour: Color, backgrounds: Sequence[Color], ratio: float = TEXT_CONTRAST) -> Color:
    """`colour` (its hue kept), lightened on dark backgrounds or darkened on light ones just
    enough to reach `ratio` against every one of `backgrounds`: a label colour the analyst
    chose, or a default, reads on whatever theme is on."""
    if not backgrounds or min(contrast(colour, bg) for bg in backgrounds) >= ratio:
        return colour
    light = sum(luminance(bg) for bg in backgrounds) / len(backgrounds) > 0.18
    shifted = colour
    for step in range(1, 21):
        shifted = colour.darken(step * 0.05) if light else colour.lighten(step * 0.05)
        if min(contrast(shifted, bg) for bg in backgrounds) >= ratio:
            return shifted
    return shifted


def label_style(colour_name: str, ground: Style) -> Style:
    """Bold text in a label's colour, readable on a widget whose style is `ground` (the
    panels' label names)."""
    colour = parse_colour(colour_name) or Color(135, 135, 135)
    if ground.bgcolor is not None:
        colour = readable(colour, [Color(*ground.bgcolor.get_truecolor())])
    return Style(color=colour.rich_color, bold=True)


VIEW_PARTS = ("title", "sentence", "claim", "suggestion", "selection", "match", "cursor",
              "tag", "margin")
"""The article view's component classes (`article-view--<part>` in styles/reader.tcss)."""


class ViewStyles:
    """The Rich styles of the article view under the current theme: the parts styled in
    `styles/reader.tcss` (theme variables), and label colours made readable on the view's
    background and highlights."""

    def __init__(self, base: Style, parts: dict[str, Style]) -> None:
        self.base = base
        self.title = parts["title"]
        self.sentence = parts["sentence"]
        self.claim = parts["claim"]
        self.suggestion = parts["suggestion"]
        self.selection = parts["selection"]
        self.match = parts["match"]
        self.cursor = parts["cursor"]
        self.tag = parts["tag"]
        self.margin = parts["margin"]
        grounds = [base.bgcolor] + [parts[p].bgcolor for p in ("sentence", "claim", "selection")]
        self._backgrounds = [Color.from_rich_color(c) for c in grounds if c is not None]
        self._plain = self._backgrounds[:1]
        self._entities: dict[str, Style] = {}
        self._marks: dict[str, Style] = {}

    def entity(self, label: str) -> Style:
        """Bold text in the label's colour, readable on the view and its highlights."""
        style = self._entities.get(label)
        if style is None:
            colour = parse_colour(entity_colour(label)) or Color(135, 135, 135)
            style = Style(color=readable(colour, self._backgrounds).rich_color, bold=True)
            self._entities[label] = style
        return style

    def mark(self, colour_name: str) -> Style:
        """The margin bar of a claim in its label's colour (as configured, made visible)."""
        style = self._marks.get(colour_name)
        if style is None:
            colour = parse_colour(colour_name) or Color(135, 135, 135)
            style = Style(color=readable(colour, self._plain, MARK_CONTRAST).rich_color,
                          bold=True)
            self._marks[colour_name] = style
        return style
