"""Property and fuzz tests: round trips keep every claim; edits never move a claim to other
words; every importer and the corpus loader accept or reject any input with a message."""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.claims import make_claim
from reader.commands import export_cmd, import_cmd
from reader.formats.base import FormatError
from reader.formats.importing import import_unit, read_units
from reader.records import SourceArticle
from reader.store import Store
from reader.text.decode import normalize_newlines
from reader.text.loading import load_paths
from reader.text.sanitize import sanitize

PEERS = Path(__file__).parent / "fixtures" / "peers"
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""Derandomized so `make test` gives the same answer every run. A random run once found a case
the re-anchoring bound does not hold for: a text of one word repeated, edited inside the quote,
where an earlier place fitted the changed quote as well; fixed by ranking fuzzy places by their
surroundings (tests/test_anchoring.py::test_a_changed_quote_stays_where_its_surroundings_are)."""

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300
).map(lambda t: sanitize(normalize_newlines(t))).filter(lambda t: t.strip() != "")


@st.composite
def text_and_spans(draw: Any) -> tuple[str, list[tuple[int, int, str]]]:
    text = draw(texts)
    spans = []
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        label = draw(st.sampled_from(["factual", "[bold]x[/]", "statistic", "ünïcode label"]))
        spans.append((start, end, label))
    return text, spans


def _quiet(run: Any, args: argparse.Namespace) -> int:
    with contextlib.redirect_stderr(io.StringIO()):
        return int(run(args))


@SETTINGS
@given(text_and_spans(), st.text(max_size=40), st.lists(st.text(max_size=10), max_size=3))
def test_save_load_export_import_round_trip(
    case: tuple[str, list[tuple[int, int, str]]], note: str, tags: list[str]
) -> None:
    text, spans = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        saved = []
        with Store(root / "a") as store:
            aid = store.add_article(SourceArticle(title="t", text=text, source="s.txt"))
            aid_str = aid.article.id
            for start, end, label in spans:
                claim = make_claim(article_id=aid_str, text=text, start=start, end=end,
                                   label=label, annotator="p", note=sanitize(note),
                                   tags=[sanitize(t) for t in tags])
                store.save_claim(claim)
                saved.append(claim)
        with Store(root / "a", readonly=True) as store:
            loaded = {c.id: c for c in store.claims(aid_str)}
        assert loaded == {c.id: c for c in saved}
        dump = root / "dump.jsonl"
        args = argparse.Namespace(format="store", out=str(dump), article=[], label=[],
                                  verdict=[], annotator=[], since=None, what="claims",
                                  model=None, db=str(root / "a"))
        assert _quiet(export_cmd.run, args) == 0
        back = argparse.Namespace(paths=[str(dump)], format=None, as_="claims",
                                  predictions=False, annotator="q", db=str(root / "b"))
        assert _quiet(import_cmd.run, back) == 0
        with Store(root / "b", readonly=True) as store:
            [doc] = store.articles()
            assert store.text(doc.id) == text
            imported = {c.id: c for c in store.claims(doc.id)}
    # a span equal to another one (same offsets and label) is a duplicate, imported once
    unique = {(c.start, c.end, c.label): c for c in reversed(saved)}
    assert len(imported) == len(unique)
    for claim in imported.values():
        original = loaded[claim.id]
        assert {k: v for k, v in claim.to_record().items() if k != "article_id"} == {
            k: v for k, v in original.to_record().items() if k != "article_id"}


WORDS = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "zeta", "theta", "iota"]


@st.composite
def edited_article(draw: Any) -> tuple[str, str, list[tuple[int, int]], int, int, int]:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=8, max_size=60))
    text = " ".join(words) + "."
    bounds, pos = [], 0
    for word in words:
        bounds.append((pos, pos + len(word)))
        pos += len(word) + 1
    spans = []
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(words) - 1))
        j = draw(st.integers(i, min(len(words) - 1, i + 4)))
        spans.append((bounds[i][0], bounds[j][1]))
    at = draw(st.integers(0, len(text)))
    cut = draw(st.integers(0, min(12, len(text) - at)))
    insert = draw(st.text(alphabet="xyz ,.", max_size=12))
    new = text[:at] + insert + text[at + cut:]
    return text, new, spans, at, cut, len(insert)


@SETTINGS
@given(edited_article())
def test_edits_reanchor_to_the_exact_quote_or_orphan(
    case: tuple[str, str, list[tuple[int, int]], int, int, int]
) -> None:
    text, new, spans, at, cut, inserted = case
    if new.strip() == "" or new == text:
        return
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp)) as store:
        aid = store.add_article(SourceArticle(title="t", text=text, source="s.txt"))
        article_id = aid.article.id
        claims = []
        for start, end in spans:
            claim = make_claim(article_id=article_id, text=text, start=start, end=end,
                               label="factual", annotator="p")
            store.save_claim(claim)
            claims.append(claim)
        result = store.add_article(SourceArticle(title="t", text=new, source="s.txt"))
        assert result.text_changed
        moved = {c.id: c for c in store.claims(article_id)}
    delta = inserted - cut
    for claim in claims:
        after = moved[claim.id]
        untouched = claim.end <= at or claim.start >= at + cut
        if after.status == "orphaned":
            assert not untouched or new.count(claim.quote) == 0 or at == claim.end \
                or at == claim.start, (claim.quote, new)
            continue
        got = new[after.start:after.end]
        assert after.quote == got
        if got != claim.quote:  # a fuzzy match only where the edit changed the quote
            assert not untouched or inserted and at in (claim.start, claim.end)
            mapped_start = claim.start if claim.start < at else claim.start + delta
            assert after.start <= max(mapped_start, at) + len(claim.quote) + inserted
            assert after.end >= min(mapped_start, at) - inserted
        elif untouched and not (inserted and at in (claim.start, claim.end)):
            expected = claim.start if claim.end <= at else claim.start + delta
            occurrences = [i for i in range(len(new)) if new.startswith(claim.quote, i)]
            assert after.start == expected or len(occurrences) > 1


def _mutations(data: bytes, rng: random.Random) -> list[bytes]:
    out = [data[: rng.randrange(len(data) + 1)]]  # truncated
    flipped = bytearray(data)
    for _ in range(8):
        if flipped:
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    out.append(bytes(flipped))
    chars = list(data.decode("utf-8", "replace"))
    for _ in range(6):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice('{}[]",:0-9\\\x1b\x00 "label" 1e999')
    out.append("".join(chars).encode("utf-8", "surrogatepass"))
    out.append(data.replace(b'"', b"", 1))
    out.append(data.replace(b"0", b"-1").replace(b"5", b"99999"))
    return out


def _import_everything(path: Path, root: Path, fmt: str | None = None) -> None:
    """Import `path` into the store at `root`: accepted, or rejected with a message."""
    try:
        units = read_units(path, fmt)
    except FormatError as error:
        assert str(error)
        return
    with Store(root) as store:
        for unit in units:
            if unit.error is not None:
                assert str(unit.error)
                continue
            with store.transaction() as tx:
                report = import_unit(store, tx, unit, annotator="fuzz")
            assert report.summary()
        assert store.problems == []


def test_fuzz_importers_with_mutated_peer_files(tmp_path: Path) -> None:
    rng = random.Random(6)
    seeds = sorted(p for p in PEERS.rglob("*") if p.is_file() and p.suffix != ".txt")
    assert len(seeds) >= 7
    count = 0
    for seed in seeds:
        data = seed.read_bytes()
        for n, mutated in enumerate(_mutations(data, rng)):
            folder = tmp_path / f"{seed.stem}-{n}"
            folder.mkdir()
            target = folder / seed.name
            target.write_bytes(mutated)
            if seed.suffix == ".ann":
                shutil.copy(seed.with_suffix(".txt"), folder / seed.with_suffix(".txt").name)
            _import_everything(target, tmp_path / "store")
            count += 1
            for fmt in ("jsonl", "doccano", "prodigy", "label-studio"):
                _import_everything(target, tmp_path / "store", fmt)
            args = argparse.Namespace(paths=[str(target)], format=None, as_="entities",
                                      predictions=False, annotator="f", db=str(tmp_path / "s2"))
            assert _quiet(import_cmd.run, args) in (0, 2)
    assert count >= 35


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from([".jsonl", ".json", ".txt", ".md", ".html"]))
def test_fuzz_random_bytes_import_and_load(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / f"input{suffix}"
        path.write_bytes(data)
        if suffix != ".json":
            result = load_paths([path])
            assert len(result.articles) + len(result.errors) >= 1
            assert all("\n" not in e and "\x1b" not in e for e in result.errors)
            for article in result.articles:
                assert article.text.strip() and sanitize(article.text) == article.text
        _import_everything(path, root / "store")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.fixed_dictionaries({"text": st.one_of(st.text(max_size=50), st.integers(), st.none(),
                                              st.lists(st.text(max_size=5), max_size=2))},
                          optional={"id": st.one_of(st.integers(0, 3), st.text(max_size=3)),
                                    "title": st.one_of(st.text(max_size=20), st.integers()),
                                    "meta": st.one_of(st.dictionaries(st.text(max_size=3),
                                                                      st.integers()),
                                                      st.text(max_size=3))}),
    st.text(max_size=30)), max_size=8))
def test_fuzz_jsonl_corpora(records: list[Any]) -> None:
    import json

    lines = [json.dumps(r) if isinstance(r, dict) else r.replace("\n", " ") for r in records]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8")
        result = load_paths([path])
    good = [r for r in records if isinstance(r, dict) and isinstance(r["text"], str)
            and r["text"].strip()]
    assert len(result.articles) <= len(good)
    assert len(result.articles) + len(result.errors) >= min(1, len(records))
    for article in result.articles:
        assert article.text.strip()
