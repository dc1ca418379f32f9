"""The Entities tab: entities grouped under spaCy's label names with mention counts, label
filters, and a jump to each mention in turn; below them, each colleague's layer shown (their
corrections, corpus rules and rejected suggestions pulled by sync, never applied to mine)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader.keys import bindings_for
from reader.layers import LayerItem
from reader.records import Entity
from reader.text.sanitize import clean_line
from reader.widgets.styles import entity_colour, label_style


@dataclass
class EntityGroup:
    """One entity string under one label, with the offsets of its mentions."""

    label: str
    text: str
    mentions: list[int] = field(default_factory=list)
    turn: int = 0


@dataclass
class LayerLeaf:
    """A colleague's record in the tree; enter jumps to where it applies, in turn."""

    item: LayerItem
    turn: int = 0


Layer = tuple[str, str, list[LayerItem]]
"""A colleague's layer: (annotator, their mark, their items)."""

LAYERS_TITLE = "Colleagues' corrections"


def group_entities(entities: list[Entity], text: str) -> dict[str, list[EntityGroup]]:
    """Entities by label, then by surface text; most mentioned first."""
    groups: dict[tuple[str, str], EntityGroup] = {}
    for entity in entities:
        surface = entity.text_in(text)
        key = (entity.label, surface)
        group = groups.get(key)
        if group is None:
            group = groups[key] = EntityGroup(entity.label, surface)
        group.mentions.append(entity.start)
    by_label: dict[str, list[EntityGroup]] = defaultdict(list)
    for group in groups.values():
        by_label[group.label].append(group)
    for items in by_label.values():
        items.sort(key=lambda g: (-len(g.mentions), g.mentions[0]))
    return dict(sorted(by_label.items(), key=lambda kv: -sum(len(g.mentions) for g in kv[1])))


def inconsistent(entities: list[Entity], text: str) -> dict[str, Counter[str]]:
    """Strings the model labels in more than one way."""
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for entity in entities:
        labels[entity.text_in(text)][entity.label] += 1
    return {surface: counts for surface, counts in labels.items() if len(counts) > 1}


class EntitiesTree(Tree[object]):
    """The tree of entities; `space` on a label hides or shows its highlights."""

    BINDINGS = bindings_for("entities")

    class Jump(Message):
        """Go to this offset in the article."""

        def __init__(self, offset: int, length: int) -> None:
            super().__init__()
            self.offset = offset
            self.length = length

    class LabelsChanged(Message):
        """The set of hidden labels changed."""

        def __init__(self, hidden: set[str]) -> None:
            super().__init__()
            self.hidden = hidden

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(Text("Entities"), id=id)
        self.show_root = False
        self.hidden: set[str] = set()
        self._groups: dict[str, list[EntityGroup]] = {}
        self._flags: dict[str, Counter[str]] = {}
        self._layers: list[Layer] = []
        self._layer_node: TreeNode[object] | None = None
        self._warning = Style()

    def on_mount(self) -> None:
        """Label colours follow the theme."""
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self.call_after_refresh(self._restyle)

    def _restyle(self) -> None:
        """Draw the labels again in colours made for the theme now on."""
        self._warning = self._warning_style()
        for node in self.root.children:
            if isinstance(node.data, str):
                node.set_label(self._label_text(node.data, self._groups.get(node.data, [])))
            for leaf in node.children:
                if isinstance(leaf.data, EntityGroup):
                    leaf.set_label(self._entity_text(leaf.data))

    def _warning_style(self) -> Style:
        """The theme's warning colour, readable on the panel (a name labelled differently)."""
        warning = self.app.get_css_variables().get("warning", "#d7875f")
        return label_style(warning, self.rich_style) + Style(bold=False)

    def show(self, entities: list[Entity], text: str, status: str = "") -> None:
        """Rebuild the tree from the article's entities."""
        self._groups = group_entities(entities, text)
        self._flags = inconsistent(entities, text)
        self._warning = self._warning_style() if self._flags else Style()
        self.clear()
        self._layer_node = None
        if not entities:
            self.root.add_leaf(Text(status or "No entities yet.", style="dim"))
            self._draw_layers()
            return
        for label, groups in self._groups.items():
            node = self.root.add(self._label_text(label, groups), data=label, expand=True)
            for group in groups:
                node.add_leaf(self._entity_text(group), data=group)
        self._draw_layers()
        self.cursor_line = 0

    def show_layers(self, layers: list[Layer]) -> None:
        """Show these colleagues' layers below the entities (the shown ones only: the screen
        leaves out those hidden in the Annotators tab or kept back by blind coding)."""
        if layers == self._layers:
            return
        self._layers = layers
        self._draw_layers()

    def _draw_layers(self) -> None:
        if self._layer_node is not None:
            self._layer_node.remove()
            self._layer_node = None
        layers = [layer for layer in self._layers if layer[2]]
        if not layers:
            return
        self._layer_node = self.root.add(Text(LAYERS_TITLE, style="bold italic"), expand=True)
        for name, mark, items in layers:
            head = Text(f"{mark} ", style="bold")
            head.append(clean_line(name))
            head.append(f"  {len(items)}", "dim")
            node = self._layer_node.add(head, expand=True)
            for item in items:
                line = Text(f"{mark} ", style="bold")
                line.append(item.description, "italic")
                if len(item.spans) > 1:
                    line.append(f" ×{len(item.spans)}", "dim")
                elif not item.spans:
                    line.append("  (not found in the text)", "dim")
                node.add_leaf(line, data=LayerLeaf(item))

    def _label_text(self, label: str, groups: list[EntityGroup]) -> Text:
        count = sum(len(g.mentions) for g in groups)
        mark = "☐ " if label in self.hidden else "☑ "
        text = Text(mark)
        text.append(clean_line(label), label_style(entity_colour(label), self.rich_style))
        text.append(f"  {count}", "dim")
        return text

    def _entity_text(self, group: EntityGroup) -> Text:
        text = Text(clean_line(group.text))
        text.append(f" ×{len(group.mentions)}", "dim")
        flags = self._flags.get(group.text)
        if flags:
            detail = ", ".join(f"{label} {n}" for label, n in flags.most_common())
            text.append(f"  ⚠ {detail}", self._warning)
        return text

    def action_entity_toggle_label(self) -> None:
        """Hide or show the highlights of the label under the cursor."""
        node = self.cursor_node
        if node is None:
            return
        if isinstance(node.data, EntityGroup):
            node = node.parent or node
        label = node.data
        if not isinstance(label, str):
            return
        if label in self.hidden:
            self.hidden.discard(label)
        else:
            self.hidden.add(label)
        node.set_label(self._label_text(label, self._groups.get(label, [])))
        self.post_message(self.LabelsChanged(set(self.hidden)))

    def on_tree_node_selected(self, event: Tree.NodeSelected[object]) -> None:
        """Enter on an entity jumps to its mentions in turn."""
        node: TreeNode[object] = event.node
        group = node.data
        if isinstance(group, LayerLeaf) and group.item.spans:
            event.stop()
            start, end = group.item.spans[group.turn % len(group.item.spans)]
            group.turn += 1
            self.post_message(self.Jump(start, end - start))
        if isinstance(group, EntityGroup):
            event.stop()
            offset = group.mentions[group.turn % len(group.mentions)]
            group.turn += 1
            self.post_message(self.Jump(offset, len(group.text)))
