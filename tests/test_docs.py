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


def _quick_start() -> str:
    return README.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def test_quick_start_says_where_claims_are_kept_and_how_to_choose() -> None:
    quick = _quick_start()
    assert "annotations/" in quick
    assert "--db" in quick and "READER_DB" in quick


def test_quick_start_names_the_pythons_the_makefile_tries() -> None:
    makefile = (Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8")
    line = next(x for x in makefile.splitlines() if x.startswith("PYTHON_CANDIDATES :="))
    quick = " ".join(_quick_start().split())
    for name in line.split(":=", 1)[1].split():
        assert f"`{name}`" in quick, name
    assert "PYTHON=" in quick and "3.11 or newer" in quick
