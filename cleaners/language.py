"""Language identification with langdetect, seeded and on a bounded sample of the text."""

from __future__ import annotations

import threading

from pydantic import Field

from cleaners.options import Options

UNKNOWN = "und"

_lock = threading.Lock()
_factory_ready = False


class LanguageOptions(Options):
    seed: int  # langdetect is randomised; a fixed seed makes tags deterministic
    sample_chars: int = Field(gt=0)  # langdetect looks at this many characters at most
    min_letters: int = Field(ge=0)  # fewer letters than this: language "und"
    min_probability: float = Field(ge=0, le=1)  # below this: language "und"


def _ensure_factory() -> None:
    global _factory_ready
    if _factory_ready:
        return
    with _lock:
        if not _factory_ready:
            from langdetect import detector_factory

            detector_factory.init_factory()
            _factory_ready = True


def sample(text: str, limit: int) -> str:
    """A bounded, representative sample: the start, middle and end of long texts."""
    if len(text) <= limit:
        return text
    third = limit // 3
    mid = len(text) // 2
    return " ".join((text[:third], text[mid - third // 2 : mid + third // 2], text[-third:]))


def detect_language(text: str, opts: LanguageOptions) -> tuple[str, float]:
    """Return ``(ISO code, probability)`` or ``("und", 0.0)`` when the text says too little."""
    snippet = sample(text, opts.sample_chars)
    if sum(ch.isalpha() for ch in snippet) < opts.min_letters:
        return UNKNOWN, 0.0
    _ensure_factory()
    from langdetect import detector_factory
    from langdetect.lang_detect_exception import LangDetectException

    detector = detector_factory._factory.create()  # type: ignore[union-attr]
    detector.seed = opts.seed
    detector.append(snippet)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return UNKNOWN, 0.0
    if best.prob < opts.min_probability:
        return UNKNOWN, float(best.prob)
    return str(best.lang), float(best.prob)
