"""A learned check-worthiness score for one sentence: logistic regression over parse features.

The suggestion rules (`reader.nlp.suggest.RULES`) are features here, beside the sentence's
words, entity labels, part-of-speech tags and shape. The weights (`checkworthy_model.json`)
are trained by `benchmarks/train_checkworthy.py` on labelled transcripts and ship with the
package, with a claim memory (the check-worthy sentences they were trained on); nothing is
learned at run time. Loaded only where spaCy already is (the worker, `reader suggest`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Span

__all__ = ["MODEL_PATH", "ClaimMemory", "Model", "explain", "load_memory", "load_model",
           "memory_before", "sentence_features"]

MODEL_PATH = Path(__file__).with_name("checkworthy_model.json")
MODEL_FORMAT = 1

_LENGTH_BUCKETS = (4, 8, 15, 25, 40)
_KEPT_TAGS = frozenset(
    ["CD", "JJR", "JJS", "RBR", "RBS", "VBD", "VBN", "VBZ", "VBP", "MD", "PRP", "PRP$", "WP",
     "WRB", "UH", "NNP", "NNPS", "EX"])
"""Fine-grained tags whose presence says something about the sentence's kind."""


def _length_bucket(tokens: int) -> str:
    for limit in _LENGTH_BUCKETS:
        if tokens <= limit:
            return f"len<={limit}"
    return f"len>{_LENGTH_BUCKETS[-1]}"


def sentence_features(sent: Span, rules: Iterable[str] = (), *,
                      vector: bool = True) -> dict[str, float]:
    """The features of `sent`: name -> value (1.0 for the binary ones).

    `rules` are the names of suggestion rules that fired on the sentence. With `vector`, the
    mean of the pipeline's token vectors (`doc.tensor`, when it has one) adds "v:0".."v:N".
    """
    words = [t for t in sent if not t.is_punct and not t.is_space]
    lemmas = [_lemma(t) for t in words]
    found: set[str] = {f"w:{lemma}" for lemma in lemmas}
    found.update(f"b:{a}_{b}" for a, b in zip(lemmas, lemmas[1:], strict=False))
    found.update(f"e:{ent.label_}" for ent in sent.ents)
    found.update(f"t:{t.tag_}" for t in sent if t.tag_ in _KEPT_TAGS)
    found.update(f"r:{name}" for name in rules)
    found.add(_length_bucket(len(words)))
    if lemmas:
        found.add(f"first:{lemmas[0]}")
    if sent.text.rstrip("\u201d\"' ").endswith("?"):
        found.add("shape:question")
    if any(t.like_num for t in words):
        found.add("shape:number")
    root = sent.root
    found.add(f"root:{_lemma(root)}")
    for child in root.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            found.add(f"subj:{_lemma(child)}")
    features = dict.fromkeys(sorted(found), 1.0)
    tensor = sent.doc.tensor
    shaped = tensor is not None and len(tensor.shape) == 2 and tensor.shape[1] > 0
    if vector and shaped and tensor.shape[0] == len(sent.doc) and len(sent) > 0:
        mean = tensor[sent.start : sent.end].mean(axis=0)
        features.update({f"v:{i}": round(float(x), 4) for i, x in enumerate(mean)})
    return features


def _lemma(token: Any) -> str:
    if token.like_num:
        return "<num>"
    if token.ent_type_ in ("PERSON", "GPE", "ORG", "NORP") and token.pos_ == "PROPN":
        return f"<{token.ent_type_.lower()}>"
    return str(token.lemma_).lower()


MEMORY_FLOOR = 0.6
"""Below this similarity a remembered claim says nothing about a sentence."""
MIN_MEMORY_WORDS = 4
REPEAT_FLOOR = 0.8
"""Whole-sentence similarity from which a sentence counts as a remembered claim repeated."""


class ClaimMemory:
    """Sentences already judged check-worthy; a new sentence that says nearly the same thing
    is likely worth checking again (politicians repeat their claims)."""

    def __init__(self, claims: Iterable[str]) -> None:
        self.claims = [c for c in dict.fromkeys(claims) if len(c.split()) >= MIN_MEMORY_WORDS]
        self._last: tuple[str, tuple[float, str]] = ("", (0.0, ""))

    def closest(self, text: str) -> tuple[float, str]:
        """(similarity 0..1, the closest remembered claim), (0.0, "") when none is close.
        The last answer is kept: `features` and `repeated` on one sentence search once."""
        if text == self._last[0]:
            return self._last[1]
        answer = (0.0, "")
        if len(text.split()) >= MIN_MEMORY_WORDS and self.claims:
            from rapidfuzz import fuzz, process, utils

            found = process.extractOne(text, self.claims, scorer=fuzz.WRatio,
                                       processor=utils.default_process,
                                       score_cutoff=MEMORY_FLOOR * 100)
            if found is not None:
                answer = (round(float(found[1]) / 100, 3), str(found[0]))
        self._last = (text, answer)
        return answer

    def repeated(self, text: str) -> str:
        """The remembered claim this sentence says again nearly word for word, else ""."""
        similarity, closest = self.closest(text)
        if similarity < REPEAT_FLOOR:
            return ""
        from rapidfuzz import fuzz, utils

        whole = fuzz.token_sort_ratio(text, closest, processor=utils.default_process)
        return closest if whole >= REPEAT_FLOOR * 100 else ""

    def features(self, text: str) -> dict[str, float]:
        """"mem" (the similarity above the floor) and one bin feature, or nothing."""
        similarity, _ = self.closest(text)
        if not similarity:
            return {}
        band = next(f"mem>={floor}" for floor in (0.9, 0.75, 0.6) if similarity >= floor)
        return {"mem": round(similarity - MEMORY_FLOOR, 3), band: 1.0}


@dataclass(frozen=True)
class Model:
    """Weights of a trained scorer and the logit at which a sentence is suggested."""

    weights: dict[str, float]
    bias: float
    cutoff: float
    """The logit that maps to score 0.5 (the default suggestion cut-off)."""
    trained_on: tuple[str, ...] = ()
    memory: tuple[tuple[str, str], ...] = ()
    """(date YYYYMMDD, sentence): check-worthy sentences of the training transcripts."""
    pipelines: tuple[str, ...] = ()
    """Names of the spaCy pipelines whose token vectors ("v:" features) the weights fit."""

    def fits(self, pipeline_name: str) -> bool:
        """Whether the "v:" weights apply to a pipeline of this name (`nlp.meta["name"]`)."""
        return pipeline_name in self.pipelines

    def logit(self, features: Mapping[str, float]) -> float:
        """The raw log-odds for a sentence with these features."""
        return self.bias + sum(self.weights.get(f, 0.0) * v for f, v in features.items())

    def score(self, features: Mapping[str, float]) -> float:
        """A score in 0..1, 0.5 at the trained cut-off."""
        z = self.logit(features) - self.cutoff
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def to_json(self) -> dict[str, Any]:
        """The model as a JSON object (see `load_model`)."""
        return {
            "format": MODEL_FORMAT,
            "bias": self.bias,
            "cutoff": self.cutoff,
            "trained_on": list(self.trained_on),
            "memory": [list(pair) for pair in self.memory],
            "pipelines": list(self.pipelines),
            "weights": dict(sorted(self.weights.items())),
        }


def model_from_json(data: dict[str, Any]) -> Model:
    """A `Model` from its JSON object; ValueError when it is not one."""
    if data.get("format") != MODEL_FORMAT:
        raise ValueError(f"unknown check-worthiness model format {data.get('format')!r}")
    weights = {str(k): float(v) for k, v in dict(data["weights"]).items()}
    return Model(weights, float(data["bias"]), float(data["cutoff"]),
                 tuple(data.get("trained_on", ())),
                 tuple((str(d), str(t)) for d, t in data.get("memory", ())),
                 tuple(str(n) for n in data.get("pipelines", ())))


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> Model:
    """The shipped (or given) model, read once."""
    return model_from_json(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=4)
def load_memory(path: Path = MODEL_PATH) -> ClaimMemory:
    """The claim memory of the shipped (or given) model, built once."""
    return ClaimMemory(text for _, text in load_model(path).memory)


def memory_before(model: Model, date: str) -> ClaimMemory:
    """The model's claim memory limited to claims dated before `date` (YYYYMMDD), for
    measuring on a transcript without remembering what was checked after it."""
    return ClaimMemory(text for when, text in model.memory if when < date)


def _telling(name: str, stop: frozenset[str] | set[str]) -> str:
    """A readable name for a feature an analyst can recognise in the sentence, else ""."""
    prefix, _, rest = name.partition(":")
    if prefix == "e":
        return f"entity {rest}"
    if prefix == "shape" and rest == "number":
        return "a number"
    if prefix in ("w", "b"):
        words = rest.split("_")
        if any(w.startswith("<") for w in words) or all(w in stop or not w.isalpha()
                                                         for w in words):
            return ""
        return " ".join(words)
    return ""


def explain(model: Model, features: Mapping[str, float], limit: int = 3) -> list[str]:
    """The features an analyst can see in the sentence that raised its score most ("tax",
    "entity MONEY", "a number"): words (not stop words), entity labels, numbers. Rules are
    reasons of their own; tags and vector dimensions explain nothing to a reader."""
    from spacy.lang.en.stop_words import STOP_WORDS

    ranked = sorted(((model.weights.get(f, 0.0) * v, f) for f, v in features.items()),
                    reverse=True)
    out: list[str] = []
    for weight, name in ranked:
        if weight <= 0 or len(out) >= limit:
            break
        readable = _telling(name, STOP_WORDS)
        if readable and readable not in out:
            out.append(readable)
    return out
