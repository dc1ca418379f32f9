"""The one table of actions and keys: bindings, the footer, the help screen and the command
palette all read from it, so they can never disagree."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Action:
    """One user action: its keys, where it applies, and how it is described."""

    name: str
    """The Textual action name (without the `action_` prefix)."""
    keys: tuple[str, ...]
    description: str
    scope: str
    """Where the keys work: `screen` (everywhere on the main screen), `article` (the text),
    `claims` (the Claims panel), `entities`, `suggestions`, `review` (review mode), `form`."""
    footer: bool = False
    """Shown in the footer when its scope has focus."""
    palette: bool = True
    """Offered in the command palette."""
    key_display: str | None = None
    short: str = ""
    """The footer's word for it (the description when empty)."""


ACTIONS: tuple[Action, ...] = (
    # -- everywhere on the main screen --------------------------------------------------------
    Action(
        "help",
        ("question_mark",),
        "Help: every key",
        "screen",
        footer=True,
        key_display="?",
        short="help",
    ),
    Action("quit", ("q",), "Quit", "screen", footer=True, short="quit"),
    Action("toggle_focus", ("tab",), "Switch article / side panel", "screen", palette=False),
    Action("next_article", ("right_square_bracket",), "Next article", "screen", key_display="]"),
    Action("prev_article", ("left_square_bracket",), "Previous article", "screen", key_display="["),
    Action("export", ("ctrl+e",), "Export claims…", "screen", footer=True, short="export"),
    Action("open_url", ("O",), "Open a web page (URL)…", "screen"),
    Action(
        "corpus",
        ("ctrl+f",),
        "Corpus view and search across articles",
        "screen",
        footer=True,
        short="corpus",
    ),
    Action(
        "undo", ("u",), "Undo the last claim change or entity correction", "screen", footer=True,
        short="undo"
    ),
    Action("redo", ("ctrl+r",), "Redo", "screen"),
    Action("show_tab('entities')", ("f2",), "Show the Entities tab", "screen", palette=False),
    Action("show_tab('claims')", ("f3",), "Show the Claims tab", "screen", palette=False),
    Action("show_tab('suggestions')", ("f4",), "Show the Suggestions tab", "screen", palette=False),
    Action("show_tab('articles')", ("f5",), "Show the Articles tab", "screen", palette=False),
    Action("show_tab('annotators')", ("f6",), "Show the Annotators tab", "screen",
           palette=False),
    # -- the article text ---------------------------------------------------------------------
    Action("cursor_down", ("j", "down"), "Cursor down a line", "article", palette=False),
    Action("cursor_up", ("k", "up"), "Cursor up a line", "article", palette=False),
    Action("word_right", ("w", "right"), "Next word", "article", palette=False),
    Action("word_left", ("b", "left"), "Previous word", "article", palette=False),
    Action(
        "sentence_next",
        ("right_parenthesis",),
        "Next sentence",
        "article",
        palette=False,
        key_display=")",
    ),
    Action(
        "sentence_prev",
        ("left_parenthesis",),
        "Previous sentence",
        "article",
        palette=False,
        key_display="(",
    ),
    Action("page_down", ("pagedown", "space"), "Page down", "article", palette=False),
    Action("page_up", ("pageup",), "Page up", "article", palette=False),
    Action("top", ("g", "home"), "Top of the article", "article"),
    Action("bottom", ("G", "end"), "Bottom of the article", "article"),
    Action("next_entity", ("e",), "Next entity", "article"),
    Action("prev_entity", ("E",), "Previous entity", "article"),
    Action(
        "search",
        ("slash",),
        "Search in the article",
        "article",
        footer=True,
        key_display="/",
        short="search",
    ),
    Action("search_next", ("n",), "Next search match", "article"),
    Action("search_prev", ("N",), "Previous search match", "article"),
    Action(
        "select_sentence",
        ("s",),
        "Select the sentence at the cursor",
        "article",
        footer=True,
        short="sentence",
    ),
    Action(
        "start_selection",
        ("v",),
        "Start a selection at the cursor",
        "article",
        footer=True,
        short="select",
    ),
    Action("swap_selection", ("o",), "Swap the selection's ends", "article", palette=False),
    Action("clear_selection", ("escape",), "Clear the selection", "article", palette=False),
    Action(
        "tag(1)",
        ("1",),
        "Tag the selection with label 1",
        "article",
        footer=True,
        palette=False,
        short="tag",
        key_display="1-9",
    ),
    *(
        Action(f"tag({n})", (str(n),), f"Tag the selection with label {n}", "article",
               palette=False)
        for n in range(2, 10)
    ),
    Action(
        "claim_form",
        ("c",),
        "Claim form on the selection or the claim here",
        "article",
        footer=True,
        short="claim",
    ),
    Action("jump_claim", ("enter",), "Jump to the claim here", "article", palette=False),
    Action("delete_claim", ("d",), "Delete the claim here", "article"),
    Action("copy_claim", ("y",), "Copy the claim here as a citation", "article"),
    Action("next_claim", ("full_stop",), "Next claim", "article", key_display="."),
    Action("prev_claim", ("comma",), "Previous claim", "article", key_display=","),
    Action("toggle_labels", ("t",), "Show/hide entity labels in the text", "article"),
    Action("entity_form", ("m",), "Correct the entity here (or add the selection)", "article"),
    Action("review", ("R",), "Review suggested claims", "article"),
    Action("mark_done", ("D",), "Mark this article done for me (again: not done)", "screen"),
    Action("agreement", ("A",), "Agreement between annotators…", "screen"),
    Action("curate", ("C",), "Curation: adjudicate this article's disagreements into gold…",
           "screen"),
    Action("sync_conflicts", ("S",), "Sync conflicts…", "screen"),
    # -- the Claims panel ---------------------------------------------------------------------
    Action(
        "panel_jump",
        ("enter",),
        "Jump to the claim",
        "claims",
        footer=True,
        palette=False,
        short="jump",
    ),
    Action(
        "panel_edit", ("c",), "Edit the claim", "claims", footer=True, palette=False, short="edit"
    ),
    Action(
        "panel_delete",
        ("d",),
        "Delete the claim",
        "claims",
        footer=True,
        palette=False,
        short="delete",
    ),
    Action(
        "panel_copy", ("y",), "Copy the claim", "claims", footer=True, palette=False, short="copy"
    ),
    # -- the Entities panel -------------------------------------------------------------------
    Action(
        "entity_toggle_label",
        ("space",),
        "Hide/show this label's highlights",
        "entities",
        footer=True,
        palette=False,
        short="hide/show label",
    ),
    # -- the Annotators panel -----------------------------------------------------------------
    Action(
        "toggle_layer",
        ("space",),
        "Show/hide this annotator's claims",
        "annotators",
        footer=True,
        palette=False,
        short="show/hide",
    ),
    # -- the Suggestions panel ----------------------------------------------------------------
    Action(
        "suggestion_review",
        ("enter",),
        "Review the suggestions from this one",
        "suggestions",
        footer=True,
        palette=False,
        short="review from here",
    ),
    # -- review mode (suggested claims) -------------------------------------------------------
    Action(
        "review_accept",
        ("a",),
        "Accept the suggestion as a claim",
        "review",
        footer=True,
        palette=False,
        short="accept",
    ),
    Action(
        "review_reject",
        ("x",),
        "Reject the suggestion",
        "review",
        footer=True,
        palette=False,
        short="reject",
    ),
    Action("review_skip", ("space",), "Skip", "review", footer=True, palette=False, short="skip"),
    Action(
        "review_back",
        ("backspace",),
        "Back to the previous suggestion",
        "review",
        footer=True,
        palette=False,
        short="back",
    ),
    Action(
        "review_exit",
        ("escape",),
        "Leave review mode",
        "review",
        footer=True,
        palette=False,
        short="stop",
    ),
    # -- curation mode (adjudication into the gold layer) --------------------------------------
    Action("curation_down", ("j",), "Next item (or down)", "curation", palette=False),
    Action("curation_up", ("k",), "Previous item (or up)", "curation", palette=False),
    Action("curation_next_version", ("l", "right"), "Next annotator's version", "curation",
           palette=False),
    Action("curation_prev_version", ("h", "left"), "Previous annotator's version", "curation",
           palette=False),
    Action("curation_take", ("t",), "Take this version into the gold layer", "curation",
           footer=True, palette=False, short="take"),
    Action("curation_both", ("b",), "Take every version (each its own gold claim)", "curation",
           footer=True, palette=False, short="both"),
    Action("curation_merge", ("m",), "Merge the spans into one gold claim coded as this version",
           "curation", footer=True, palette=False, short="merge"),
    Action("curation_edit", ("e",), "Edit this version in the claim form, then take it",
           "curation", footer=True, palette=False, short="edit"),
    Action("curation_reject", ("x",), "Reject: nothing of this item goes into gold", "curation",
           footer=True, palette=False, short="reject"),
    Action("curation_note", ("n",), "The adjudicator's note on this item", "curation",
           footer=True, palette=False, short="note"),
    Action("curation_reopen", ("r",), "Reopen a decided item (its gold claims go)", "curation",
           palette=False),
    Action("curation_every", ("a",), "Compare every annotator, not only those done",
           "curation", palette=False),
    Action("curation_close", ("escape", "q"), "Leave curation mode", "curation", footer=True,
           palette=False, short="close"),
    # -- the help screen ----------------------------------------------------------------------
    Action("close", ("escape", "q", "question_mark"), "Close the help", "help", footer=True,
           palette=False, short="close"),
    Action("help_down", ("j", "down"), "Scroll down", "help", footer=True, palette=False,
           short="down"),
    Action("help_up", ("k", "up"), "Scroll up", "help", footer=True, palette=False, short="up"),
    Action("help_page_down", ("pagedown", "space"), "Scroll a page down", "help", footer=True,
           palette=False, short="page"),
    Action("help_page_up", ("pageup",), "Scroll a page up", "help", palette=False),
    Action("help_top", ("g", "home"), "Top of the help", "help", palette=False),
    Action("help_bottom", ("G", "end"), "Bottom of the help", "help", palette=False),
)


def bindings_for(scope: str) -> list[BindingType]:
    """Textual bindings for every action of one scope, in table order."""
    result: list[BindingType] = []
    for action in ACTIONS:
        if action.scope != scope:
            continue
        for index, key in enumerate(action.keys):
            result.append(
                Binding(
                    key,
                    action.name,
                    action.short or action.description,
                    tooltip=action.description,
                    show=action.footer and index == 0,
                    key_display=action.key_display if index == 0 else None,
                    id=f"{scope}.{action.name}.{index}",
                )
            )
    return result


def key_label(key: str) -> str:
    """How a key is written in help and documentation."""
    names = {
        "question_mark": "?",
        "right_square_bracket": "]",
        "left_square_bracket": "[",
        "right_parenthesis": ")",
        "left_parenthesis": "(",
        "slash": "/",
        "full_stop": ".",
        "comma": ",",
    }
    return names.get(key, key)


SCOPE_TITLES: dict[str, str] = {
    "screen": "Everywhere",
    "article": "Article text",
    "claims": "Claims panel",
    "entities": "Entities panel",
    "annotators": "Annotators panel",
    "review": "Review mode",
    "curation": "Curation mode",
    "help": "Help screen",
}
