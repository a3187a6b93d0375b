"""Language identification (py3langid, the identifier trafilatura uses), so non-English text is flagged."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: Below this many letters the identifier is guessing; the text is assumed to be English.
MIN_LETTERS = 40
MIN_CONFIDENCE = 0.80


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language; "en" when the text is too short or the guess is unsure."""
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return "en"
    lang, confidence = _identifier().classify(sample)
    if lang != "en" and confidence < MIN_CONFIDENCE:
        return "en"
    return str(lang)
