"""Which language an article is in, and which spaCy pipeline reads it (no spaCy import here).

Detection is py3langid (offline, deterministic, 97 languages; see pyproject.toml for the
measurements). Its packed model takes 1-2 s to load, so the first load keeps an unpacked,
memory-mapped copy in the user cache folder (~70 MB; 0.1-0.3 s to open), and `warm_up()`
loads it on a thread while the launch reads files and the NER worker imports spaCy.
Varieties fold to one code (wuu, yue, cmn -> zh; ary, arz -> ar), so a pipeline is found for
each.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SAMPLE_CHARS = 2_000
"""Characters of the article the detector reads (from the start of the body): enough for a
sure answer on every fixture, and a few milliseconds on the UI thread."""

MIN_LETTERS = 8
"""A text with fewer letters than this is not detected (too little to tell)."""

MIN_CONFIDENCE = 0.5
"""Below this probability (varieties summed), the language is unknown."""

FOLD: dict[str, str] = {
    "wuu": "zh", "yue": "zh", "cmn": "zh", "gan": "zh", "hak": "zh", "nan": "zh",
    "zh-cn": "zh", "zh-tw": "zh", "zh-hans": "zh", "zh-hant": "zh",
    "ary": "ar", "arz": "ar", "arb": "ar",
    "nb": "no", "nn": "no", "uzs": "uz", "gug": "gn",
}  # fmt: skip
"""Varieties and script variants that share a pipeline with their macro-language."""

NAMES: dict[str, str] = {
    "af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "az": "Azerbaijani",
    "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian",
    "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish",
    "gl": "Galician", "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian",
    "is": "Icelandic", "it": "Italian", "ja": "Japanese", "ka": "Georgian", "kk": "Kazakh",
    "km": "Khmer", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish", "la": "Latin",
    "lb": "Luxembourgish", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian",
    "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "mt": "Maltese",
    "my": "Burmese", "ne": "Nepali", "nl": "Dutch", "no": "Norwegian", "pa": "Punjabi",
    "pl": "Polish", "ps": "Pashto", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian", "so": "Somali", "sq": "Albanian",
    "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu",
    "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "uz": "Uzbek", "vi": "Vietnamese", "yo": "Yoruba", "zh": "Chinese", "zu": "Zulu",
}  # fmt: skip
"""English names for the status line ("no pipeline for Chinese (zh)")."""

PIPELINE_SUFFIXES: tuple[str, ...] = (
    "core_news_sm", "core_web_sm", "core_news_md", "core_web_md", "core_news_lg",
    "core_web_lg",
)  # fmt: skip
"""spaCy's package names tried for a language, smallest (fastest) first: `fr_core_news_sm`."""

_lock = threading.Lock()
_identifier: Any = None


def fold(code: str) -> str:
    """The macro-language code for a variety (`wuu` -> `zh`), lower case."""
    code = code.strip().lower().replace("_", "-")
    return FOLD.get(code, code.split("-")[0] if code.startswith("zh-") else code)


def language_name(code: str) -> str:
    """`Chinese` for `zh`; the code itself for a language without a name here."""
    return NAMES.get(code, code)


def describe(code: str) -> str:
    """`Chinese (zh)`, or `an unknown language` for ``."""
    if not code:
        return "an unknown language"
    name = language_name(code)
    return f"{name} ({code})" if name != code else code


_ARRAYS = ("ptc", "pc", "classes", "nextmove", "row", "output")


def _cache_dir() -> Path:
    """Where the detector's model is kept unpacked: the user cache folder, per version."""
    from platformdirs import user_cache_dir
    from py3langid import __version__ as version

    return Path(user_cache_dir("reader", appauthor=False)) / f"py3langid-{version}"


def _load() -> Any:
    """The detector: from the unpacked copy (memory-mapped, about 0.1 s), else from the
    package's xz model (about 1.5 s: the unpacked copy is written then, ~70 MB)."""
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import LanguageIdentifier

            try:
                parts = _read_unpacked(_cache_dir())
            except Exception:  # noqa: BLE001 - a missing or broken copy: unpack again
                parts = _unpack()
            ptc, pc, classes, nextmove, row, output = parts
            _identifier = LanguageIdentifier(ptc, pc, classes, nextmove, output,
                                             norm_probs=True, tk_row=row)
        return _identifier


def _read_unpacked(folder: Path) -> tuple[Any, ...]:
    import numpy as np

    loaded = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    return (loaded["ptc"], np.asarray(loaded["pc"]), loaded["classes"].tolist(),
            loaded["nextmove"], loaded["row"].tolist(), loaded["output"])


def _unpack() -> tuple[Any, ...]:
    """The model from the package's xz file; an unpacked copy is written for next time
    (best effort: a read-only cache folder only costs the slow load again)."""
    import os
    import shutil
    import tempfile

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    arrays = {"ptc": np.asarray(ptc), "pc": np.asarray(pc), "classes": np.array(classes),
              "nextmove": np.frombuffer(nextmove, dtype=nextmove.typecode),
              "row": np.frombuffer(row, dtype=row.typecode),
              "output": np.asarray(output, dtype=np.int32)}
    scratch: Path | None = None
    try:
        folder = _cache_dir()
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".py3langid-", dir=folder.parent))
        for name, array in arrays.items():
            np.save(scratch / f"{name}.npy", array)
        os.replace(scratch, folder)  # all or nothing; a copy already there stays
    except Exception:  # noqa: BLE001 - the copy is an optimisation only
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return np.asarray(ptc), np.asarray(pc), classes, nextmove, row, output


def warm_up() -> threading.Thread:
    """Load the detector on a daemon thread (lzma and numpy release the GIL); `detect`
    waits for it."""
    thread = threading.Thread(target=_load, name="language-warm-up", daemon=True)
    thread.start()
    return thread


def detect(text: str) -> str:
    """The ISO 639-1 code (folded) of `text`'s language, or `` when it cannot tell: too few
    letters, no language content, or no language above `MIN_CONFIDENCE`. Deterministic."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return ""
    scores: dict[str, float] = {}
    for code, probability in _load().rank(sample):
        folded = fold(str(code))
        scores[folded] = scores.get(folded, 0.0) + float(probability)
    best = max(scores, key=lambda code: scores[code])
    if best == "zxx" or scores[best] < MIN_CONFIDENCE:
        return ""
    return best


def article_language(meta: Mapping[str, Any], text: str, body_start: int = 0) -> str:
    """The language recorded in the article's `meta["language"]`, else detected now."""
    known = meta.get("language")
    if isinstance(known, str):
        return known
    return detect(text[body_start:] if 0 < body_start < len(text) else text)


def load_language_table(store_root: Path | None, config_dir: Path | None = None
                        ) -> tuple[dict[str, str], str]:
    """The `[languages]` table of the first `reader.toml` found (store, then user config):
    language code -> pipeline; and a one-line problem, or ``."""
    from reader.config import ConfigError, config_path, read_config

    path = config_path(store_root, config_dir)
    if path is None:
        return {}, ""
    try:
        table = read_config(path).get("languages", {})
    except ConfigError as error:
        return {}, str(error)
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        return {}, f"{path}: [languages] must map language codes to pipeline names"
    return {fold(k): v.strip() for k, v in table.items() if v.strip()}, ""


def pipeline_for(code: str, table: Mapping[str, str] | None = None) -> str | None:
    """The installed pipeline for a language: the `[languages]` table's entry, else
    `<code>_core_news_sm`, `<code>_core_web_sm`, ... (English: `default_model()`); an unknown
    language (``) gets the default model. None when nothing installed reads it."""
    from reader.nlp.models import default_model, model_installed

    named = (table or {}).get(code)
    if named:
        return named if model_installed(named) else None
    if not code or code == "en":
        return default_model()
    for suffix in PIPELINE_SUFFIXES:
        name = f"{code}_{suffix}"
        if model_installed(name):
            return name
    return None
