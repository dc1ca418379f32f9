"""The README's worked example of `reader agree` is true: its commands, run on the three
analysts' codings of the sample (as tests/test_agree_cmd.py codes it), print what it shows."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from reader.claims import make_claim
from reader.store import Store
from reader.text.loading import load_paths
from tests.test_agree_cmd import CODINGS, SAMPLE

README = Path(__file__).parent.parent / "README.md"


def worked_example() -> list[tuple[list[str], list[str]]]:
    """(command words, the lines it prints) from the README's worked example."""
    text = README.read_text(encoding="utf-8")
    start = text.index("A worked example, the sample article coded by three analysts")
    block = text[text.index("```\n", start) + 4:]
    block = block[:block.index("```")]
    steps: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((shlex.split(line[2:]), []))
        else:
            steps[-1][1].append(line)
    return steps


def test_the_readmes_agree_example_is_what_the_commands_print(tmp_path: Path) -> None:
    article = load_paths([SAMPLE]).articles[0]
    for name, spans in CODINGS.items():
        with Store(tmp_path / f"{name}-store") as store:
            doc = store.add_article(article).article
            for start, end, label, verdict in spans:
                store.save_claim(make_claim(article_id=doc.id, text=article.text,
                                            start=start, end=end, label=label, verdict=verdict,
                                            annotator=name))
            store.set_done(doc.id, name, "2026-12-06T05:00:00Z")
    steps = worked_example()
    assert [words[:2] for words, _ in steps][-1] == ["reader", "agree"]
    for words, shown in steps:
        assert words[0] == "reader"
        done = subprocess.run([sys.executable, "-m", "reader", *words[1:]], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert (done.stdout + done.stderr).splitlines() == shown, words
