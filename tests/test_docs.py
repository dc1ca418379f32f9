"""The README documents what the one table of keys defines, and the quick start."""

from __future__ import annotations

from pathlib import Path

from reader.keys import ACTIONS, key_label

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_action_and_key_is_in_the_readme() -> None:
    for action in ACTIONS:
        if action.name.startswith("tag("):
            continue
        assert action.description in README, action.description
        for key in action.keys:
            assert f"`{key_label(key)}`" in README, key


def test_quick_start_is_two_make_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.splitlines()
                if line.startswith("make ")]
    assert commands == ["make run", "make test"]


def test_every_format_is_documented() -> None:
    from reader.formats import EXPORT_FORMATS

    for fmt in EXPORT_FORMATS:
        assert f"### {fmt}" in README or f" {fmt} " in README, fmt
