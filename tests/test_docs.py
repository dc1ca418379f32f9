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


def format_sections() -> dict[str, tuple[str, str]]:
    """Each format named in a `###` heading of "Export and import formats": (what the heading
    says in brackets, the section's text)."""
    import re

    part = README.split("\n## Export and import formats\n", 1)[1].split("\n## ", 1)[0]
    sections: dict[str, tuple[str, str]] = {}
    for block in part.split("\n### ")[1:]:
        heading, _, body = block.partition("\n")
        names, _, said = heading.partition(" (")
        for name in re.split(r",\s*|\s+and\s+", names.strip()):
            sections[name.strip("`")] = (said.rstrip(")"), body.strip())
    return sections


def test_every_format_has_its_own_section_that_says_what_it_does() -> None:
    from reader.formats import EXPORT_FORMATS, IMPORT_FORMATS
    from reader.formats.exporting import NEEDS_OUT

    sections = format_sections()
    for fmt in EXPORT_FORMATS:
        assert fmt in sections, f"no ### section names the {fmt} format"
        said, body = sections[fmt]
        assert len(body.split()) >= 20, f"the {fmt} section says too little"
        importable = fmt.removesuffix("-entities") in IMPORT_FORMATS  # doccano: both shapes
        assert ("import: yes" in said) == importable, f"{fmt}: heading says ({said})"
        assert ("export only" in said) == (not importable), f"{fmt}: ({said})"
        assert ("needs --out" in said) == (fmt in NEEDS_OUT), f"{fmt}: ({said})"


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
