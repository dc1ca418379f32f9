"""Format modules as pure functions: no store involved."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import msgspec
import pytest

from reader.claims import make_claim
from reader.config import Publisher
from reader.formats import (
    brat,
    claimreview,
    csv_format,
    doccano,
    jsonl,
    labelstudio,
    prodigy,
    spacy_docbin,
    store_dump,
)
from reader.formats.base import (
    ExportSpan,
    FormatError,
    article_file_stem,
    iter_json_objects,
    json_line,
    newline_offset_map,
)
from reader.formats.detect import detect_content, detect_path
from reader.formats.tokens import tokenize
from reader.records import CLAIM_FIELDS, Claim, Entity
from reader.text.sanitize import FORBIDDEN

PEERS = Path(__file__).parent / "fixtures" / "peers"

TEXT = "The minister said: growth hit 5.2% in 2023.\nUnemployment fell to 3%, she added."
ARTICLE = {
    "id": "sha256:" + "ab" * 32,
    "title": "Budget day",
    "source": "x.txt",
    "url": "",
    "date": "",
}


def _claim(start: int, end: int, label: str = "statistic", **extra: Any) -> Claim:
    claim = make_claim(
        article_id=str(ARTICLE["id"]), text=TEXT, start=start, end=end, label=label, annotator="ann"
    )
    return msgspec.structs.replace(claim, **extra)


# -- JSON helpers ---------------------------------------------------------------------------------


def test_json_line_escapes_what_a_terminal_would_obey() -> None:
    line = json_line({"a": "x\x1b[31my\x9bz\u202eq\u2028\x7f", "b": "café"})
    assert not any(ch in FORBIDDEN for ch in line)
    assert "café" in line  # not ASCII-escaped
    assert json.loads(line)["a"] == "x\x1b[31my\x9bz\u202eq\u2028\x7f"


def test_iter_json_objects_reads_jsonl_pretty_json_and_lists() -> None:
    assert [v for _, v in iter_json_objects('{"a": 1}\n\n{"a": 2}\n')] == [{"a": 1}, {"a": 2}]
    pretty = '{\n  "a": 1\n}\n{\n  "a": 2\n}\n'
    assert list(iter_json_objects(pretty)) == [(1, {"a": 1}), (4, {"a": 2})]
    listed = '[\n  {"a": 1},\n  {"a": 2}\n]'
    assert list(iter_json_objects(listed)) == [(2, {"a": 1}), (3, {"a": 2})]


def test_iter_json_objects_names_the_bad_line() -> None:
    with pytest.raises(FormatError) as info:
        list(iter_json_objects('{"a": 1}\n{"a": 2}\n{"a": \n'))
    assert info.value.line == 3
    with pytest.raises(FormatError) as info:
        list(iter_json_objects('{\n  "a": 1,\n  "b": oops\n}'))
    assert info.value.line == 3


def test_newline_offset_map_keeps_spans_on_their_text() -> None:
    original = "ab\r\ncd\r\nef\rgh"
    normalised, mapped = newline_offset_map(original)
    assert normalised == "ab\ncd\nef\ngh"
    for start, end in [(0, 2), (4, 6), (8, 10), (11, 13), (0, 13)]:
        piece = original[start:end].replace("\r\n", "\n").replace("\r", "\n")
        assert normalised[mapped(start) : mapped(end)] == piece


def test_article_file_stem_is_a_safe_name() -> None:
    stem = article_file_stem({"id": "sha256:abcdef0123456789", "title": "../../etc/passwd\x1b x"})
    assert "/" not in stem and "\x1b" not in stem and not stem.startswith(".")
    assert stem.endswith("abcdef012345")


# -- tokens ---------------------------------------------------------------------------------------


def test_tokenize_splits_tokens_at_span_edges_and_covers_everything() -> None:
    text = "Start-Up  Machine fixes"
    pieces = tokenize(text, [(2, 4), (8, 10)])  # inside "Start", and a span on the 2nd space
    assert "".join(text[p.start : p.end] + (" " if p.space else "") for p in pieces) == text
    starts = {p.start for p in pieces}
    ends = {p.end for p in pieces}
    assert {2, 8} <= starts and {4, 10} <= ends


# -- jsonl ----------------------------------------------------------------------------------------


def test_claim_line_has_every_field_in_order_and_validates() -> None:
    claim = _claim(30, 34, tags=["economy"], checkworthy=True)
    line = jsonl.claim_line(ARTICLE, claim)
    assert list(line)[: len(CLAIM_FIELDS)] == list(claim.to_record()) == list(CLAIM_FIELDS)
    assert line["quote"] == TEXT[30:34] == "5.2%"
    assert line["selectors"][0] == {"type": "TextPositionSelector", "start": 30, "end": 34}
    assert line["selectors"][1]["exact"] == "5.2%"
    jsonschema.Draft202012Validator(jsonl.load_schema()).validate(line)
    broken = {**line, "status": "lost"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, jsonl.load_schema())


def test_jsonl_parse_reads_back_what_write_wrote() -> None:
    claims = [_claim(30, 34), _claim(44, 79, label="factual", note="check\nthis")]
    out = io.StringIO()
    assert jsonl.write(((ARTICLE, c) for c in claims), out) == 2
    parsed = jsonl.parse(out.getvalue())
    assert len(parsed.docs) == 1
    records = [s.record for s in parsed.docs[0].spans]
    assert records == [c.to_record() for c in claims]


# -- prodigy --------------------------------------------------------------------------------------


def test_prodigy_task_token_indices_are_exact_even_inside_tokens() -> None:
    spans = [ExportSpan(30, 33, "NUM"), ExportSpan(4, 12, "ROLE"), ExportSpan(44, 56, "X")]
    task = prodigy.task(TEXT, spans, {"source": "x"})
    tokens = task["tokens"]
    for span in task["spans"]:
        first, last = tokens[span["token_start"]], tokens[span["token_end"]]
        assert first["start"] == span["start"] and last["end"] == span["end"]
    assert task["answer"] == "accept"
    assert isinstance(task["_input_hash"], int) and isinstance(task["_task_hash"], int)
    assert prodigy.task(TEXT, spans, {})["_task_hash"] == task["_task_hash"]
    assert prodigy.task(TEXT, spans[:1], {})["_task_hash"] != task["_task_hash"]
    joined = "".join(t["text"] + (" " if t["ws"] else "") for t in tokens)
    assert joined == TEXT


def test_prodigy_peer_file_accepted_spans() -> None:
    content = (PEERS / "prodigy" / "annotated_news_headlines-ner.jsonl").read_text("utf-8")
    raw = [json.loads(line) for line in content.splitlines() if line.strip()]
    accepted = [t for t in raw if t.get("answer") == "accept"]
    expected = sum(len(t.get("spans") or []) for t in accepted)
    assert expected == 303
    parsed = prodigy.parse(content)
    assert len(parsed.docs) == len(accepted) == 372
    assert sum(len(d.spans) for d in parsed.docs) == 303
    assert [s.reason for s in parsed.skipped] == [
        "task not accepted (answer 'ignore'); not imported"
    ]
    first = parsed.docs[0]
    assert first.text is not None
    assert [(first.text[s.start : s.end], s.label) for s in first.spans] == [
        ("Uber", "ORG"),
        ("Silicon Valley", "LOCATION"),
    ]


# -- doccano --------------------------------------------------------------------------------------


def test_doccano_both_shapes_from_peer_files() -> None:
    seq = doccano.parse((PEERS / "doccano" / "sequence_labeling-export.jsonl").read_text("utf-8"))
    got = [(d.text[s.start : s.end], s.label) for d in seq.docs for s in d.spans if d.text]
    assert got == [
        ("EU", "ORG"),
        ("German", "MISC"),
        ("Peter Blackburn", "PERSON"),
        ("Obama", "PERSON"),
    ]
    rel = doccano.parse((PEERS / "doccano" / "relation_extraction-export.json").read_text("utf-8"))
    doc = rel.docs[0]
    assert doc.text is not None
    assert [(doc.text[s.start : s.end], s.label) for s in doc.spans] == [
        ("Google", "ORG"),
        ("September 4, 1998", "DATE"),
        ("Larry Page", "PERSON"),
        ("Sergey Brin", "PERSON"),
    ]
    assert "3 relations" in rel.skipped[0].reason


def test_doccano_lines_round_trip() -> None:
    spans = [ExportSpan(30, 34, "NUM"), ExportSpan(0, 12, "WHO")]
    for make in (doccano.label_line, doccano.entities_line):
        parsed = doccano.parse(json_line(make(TEXT, spans, {"title": "t"})))
        assert sorted((s.start, s.end, s.label) for s in parsed.docs[0].spans) == sorted(
            (s.start, s.end, s.label) for s in spans
        )


# -- label studio ---------------------------------------------------------------------------------


def test_label_studio_annotations_and_predictions() -> None:
    ann = labelstudio.parse(
        (PEERS / "label-studio" / "named_entity-annotation.json").read_text("utf-8")
    )
    span = ann.docs[0].spans[0]
    assert (span.start, span.end, span.label, span.text) == (343, 354, "Date", "February 22")
    tasks = (PEERS / "label-studio" / "named_entity-tasks.json").read_text("utf-8")
    assert labelstudio.parse(tasks).docs[0].spans == []
    predicted = labelstudio.parse(tasks, predictions=True).docs[0].spans
    assert [(s.start, s.end, s.label) for s in predicted] == [(343, 354, "Date")]


def test_label_studio_write_is_a_json_list_that_reads_back() -> None:
    spans = [ExportSpan(30, 34, "NUM", id="c1")]
    out = io.StringIO()
    labelstudio.write([labelstudio.task(TEXT, spans, {"title": "t"})] * 2, out)
    data = json.loads(out.getvalue())
    assert len(data) == 2
    result = data[0]["annotations"][0]["result"][0]
    assert result["value"] == {"start": 30, "end": 34, "text": "5.2%", "labels": ["NUM"]}
    assert (result["from_name"], result["to_name"], result["type"]) == ("label", "text", "labels")
    assert len(labelstudio.parse(out.getvalue()).docs) == 2


# -- brat -----------------------------------------------------------------------------------------


def test_brat_note_on_discworld_and_skipped_lines() -> None:
    folder = PEERS / "brat"
    txt = (folder / "110-note_annotation.txt").read_text("utf-8")
    parsed = brat.parse((folder / "110-note_annotation.ann").read_text("utf-8"), txt)
    spans = parsed.docs[0].spans
    disc = [s for s in spans if txt[s.start : s.end] == "Discworld"]
    assert [s.note for s in disc] == ["Should fictional places be annotated?", ""]
    assert len(spans) == 14
    kinds = sorted(s.reason.split(" ")[0] for s in parsed.skipped)
    assert kinds == ["event", "event", "note", "note", "relation", "relation"]
    assert {s.line for s in parsed.skipped} == {7, 8, 11, 12, 18, 21}


def test_brat_export_fragments_labels_and_notes_read_back() -> None:
    text = "First line ends\nsecond line starts. Other."
    spans = [ExportSpan(6, 27, "cross line", note="a\nnote\twith breaks"), ExportSpan(36, 41, "x")]
    ann = brat.ann_text(text, spans)
    lines = ann.splitlines()
    assert lines[0] == "T1\tcross_line 6 15;16 27\tline ends second line"
    assert lines[1] == "#1\tAnnotatorNotes T1\ta note with breaks"
    parsed = brat.parse(ann, text)
    got = [(s.start, s.end, s.label, s.note) for s in parsed.docs[0].spans]
    assert got == [(6, 27, "cross_line", "a note with breaks"), (36, 41, "x", "")]
    assert parsed.skipped == []


def test_brat_malformed_line_is_an_error_with_its_line() -> None:
    with pytest.raises(FormatError) as info:
        brat.parse("T1\tPerson 0 4\tJohn\nT2\tPerson zero four\tJohn\n", "John")
    assert info.value.line == 2


# -- claimreview, csv -----------------------------------------------------------------------------


def test_claimreview_fields() -> None:
    article = {**ARTICLE, "url": "https://example.org/a"}
    claim = _claim(30, 34, speaker="Finance Ministry", speaker_confirmed=True,
                   verdict="mostly-true")
    options = claimreview.ClaimReviewOptions(
        publisher=Publisher("Desk", "https://desk.example/"),
        organisations_for=lambda a: {"finance ministry"})
    obj = claimreview.review(article, claim, options)
    assert obj["@context"] == "https://schema.org" and obj["@type"] == "ClaimReview"
    assert obj["claimReviewed"] == "5.2%"
    item = obj["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Organization", "name": "Finance Ministry"}
    assert item["appearance"] == {
        "@type": "CreativeWork",
        "url": "https://example.org/a",
        "headline": "Budget day",
    }
    assert obj["reviewRating"] == {"@type": "Rating", "alternateName": "mostly-true"}
    assert obj["datePublished"] == str(claim.updated)[:10]
    assert obj["author"] == {"@type": "Organization", "name": "Desk", "url": "https://desk.example/"}
    assert obj["url"] == f"https://desk.example/#claim-{claim.id}"
    assert claimreview.missing_fields(obj) == []
    person = claimreview.review(article, _claim(0, 3, speaker="Jane Doe", speaker_confirmed=True),
                                options)
    assert person["itemReviewed"]["author"]["@type"] == "Person"
    guessed = claimreview.review(article, _claim(0, 3, speaker="Jane Doe"), options)
    assert "author" not in guessed["itemReviewed"]


def test_csv_guards_formulas_and_terminal_controls() -> None:
    claim = _claim(30, 34, note='=HYPERLINK("x")', speaker="@bob", tags=["a", "b"],
                   quote="-1 \x1b[2J")
    out = io.StringIO()
    csv_format.write([(ARTICLE, claim)], out, terminal=True)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header, row = rows
    cells = dict(zip(header, row, strict=True))
    assert cells["note"].startswith("'=")
    assert cells["speaker"] == "'@bob"
    assert cells["quote"].startswith("'-1") and "\x1b" not in cells["quote"]
    assert cells["tags"] == "a; b"
    assert cells["article_title"] == "Budget day" and cells["start"] == "30"
    plain = io.StringIO()
    csv_format.write([(ARTICLE, claim)], plain, terminal=False)
    assert "\x1b" in plain.getvalue()  # a file keeps the data as it is


# -- store dump -----------------------------------------------------------------------------------


def test_store_dump_reads_back() -> None:
    claims = [_claim(30, 34)]
    corr = {"id": "c1", "action": "add", "start": 0, "end": 3, "label": "X", "text": "The"}
    out = io.StringIO()
    store_dump.write([(ARTICLE, TEXT, claims, [corr], [])], out)
    lines = out.getvalue().splitlines()
    assert json.loads(lines[0]) == {"type": "reader-store", "version": 1}
    parsed = store_dump.parse(out.getvalue())
    doc = parsed.docs[0]
    assert doc.text == TEXT and doc.article_id == ARTICLE["id"]
    assert [s.record for s in doc.spans] == [c.to_record() for c in claims]
    assert doc.corrections == [corr]
    with pytest.raises(FormatError):
        store_dump.parse('{"type": "reader-store", "version": 99}\n')


# -- spaCy ----------------------------------------------------------------------------------------


def test_spacy_doc_keeps_every_span_exactly(tmp_path: Path) -> None:
    from spacy.tokens import DocBin

    from reader.formats.tokens import blank_nlp

    claims = [
        ExportSpan(31, 33, "inside-token", id="c1"),  # ".2" inside "5.2%"
        ExportSpan(18, 44, "across"),  # starts on a space
        ExportSpan(0, 79, "all"),
    ]
    entities = [Entity(4, 12, "ROLE"), Entity(6, 10, "OVERLAP"), Entity(39, 43, "DATE")]
    warnings: list[str] = []
    path = tmp_path / "out.spacy"
    spacy_docbin.write([(ARTICLE, TEXT, claims, entities)], path, warnings.append)
    docs = list(DocBin().from_disk(path).get_docs(blank_nlp().vocab))
    assert docs[0].text == TEXT
    got = sorted((s.start_char, s.end_char, s.label_) for s in docs[0].spans["claims"])
    assert got == sorted((c.start, c.end, c.label) for c in claims)
    ents = [(e.start_char, e.end_char, e.label_) for e in docs[0].ents]
    assert ents == [(4, 12, "ROLE"), (39, 43, "DATE")]
    assert warnings and "1 overlapping" in warnings[0]


# -- detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("prodigy/annotated_news_headlines-ner.jsonl", "prodigy"),
        ("doccano/sequence_labeling-export.jsonl", "doccano"),
        ("doccano/sequence_labeling-overlapping.jsonl", "doccano"),
        ("doccano/relation_extraction-export.json", "doccano"),
        ("label-studio/named_entity-annotation.json", "label-studio"),
        ("label-studio/named_entity-tasks.json", "label-studio"),
        ("brat/040-text_span_annotation.ann", "brat"),
        ("brat/040-text_span_annotation.txt", "brat"),
        ("brat/110-note_annotation.ann", "brat"),
        ("brat/110-note_annotation.txt", "brat"),
        ("brat", "brat"),
    ],
)
def test_detect_every_peer_file(name: str, expected: str) -> None:
    assert detect_path(PEERS / name) == expected


def test_detect_our_own_formats() -> None:
    line = json_line(jsonl.claim_line(ARTICLE, _claim(30, 34)))
    assert detect_content(line + "\n") == "jsonl"
    out = io.StringIO()
    store_dump.write([(ARTICLE, TEXT, [], [], [])], out)
    assert detect_content(out.getvalue()) == "store"
    assert detect_content('{"something": "else"}\n') is None
    assert detect_content("not json at all") is None
