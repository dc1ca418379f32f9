"""Colours of entity labels and claim labels, readable on dark and light themes alike."""

from __future__ import annotations

from rich.style import Style

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
"""Mid-tone colours: enough contrast on a black and on a white background."""

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


class ViewStyles:
    """The rich styles of the article view for one theme (dark or light)."""

    def __init__(self, dark: bool) -> None:
        self.dark = dark
        self.sentence = Style(bgcolor="#262a33" if dark else "#eef1f6")
        self.claim = Style(underline=True, bgcolor="#3a3320" if dark else "#fff4cc")
        self.suggestion = Style(dim=False, italic=True)
        self.selection = Style(bgcolor="#2f4f7f" if dark else "#b5d0ff")
        self.match = Style(bgcolor="#806000" if dark else "#ffd75f", color="#000000" if not dark
                           else "#ffffff")
        self.cursor = Style(reverse=True, bold=True)
        self.tag = Style(dim=True, italic=True)
        self.margin = Style(dim=True)
        self.title = Style(bold=True)
        self._entities: dict[str, Style] = {}

    def entity(self, label: str) -> Style:
        """Bold text in the label's colour."""
        style = self._entities.get(label)
        if style is None:
            style = Style(color=entity_colour(label), bold=True)
            self._entities[label] = style
        return style
