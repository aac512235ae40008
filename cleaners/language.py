"""Language identification: langdetect (seeded, on a bounded sample), behind two sound fast paths.

langdetect costs several milliseconds per document whatever the sample length (ngram extraction
plus seven random trials), which would cap a core near 400 documents/s. Most documents need no
such statistics to be tagged, so two cheap, conservative decisions come first and everything they
are not sure about still goes to langdetect:

1. **Script.** Scripts that belong to exactly one of langdetect's 55 languages decide alone when
   they make up most of the letters: Hangul → ko, Hiragana/Katakana → ja, Thai, Greek, Hebrew,
   Bengali, Gujarati, Gurmukhi, Kannada, Malayalam, Tamil, Telugu. (Latin, Cyrillic, Arabic,
   Devanagari and Han are shared by several languages and never decide alone; Cyrillic decides ru only
   with Russian's own letters ы/э and none of those only Ukrainian, Belarusian, Bulgarian, Macedonian,
   Serbian or Turkic alphabets use.)
2. **Function words.** The share of word tokens that are stopwords of each language (lists from the
   ``stop-words`` package). A language in ``fast_languages`` is accepted only when its share is high,
   every other list's share is far lower, and the sample has enough words; related languages with
   lists (pt/es/ca, da/no/sv, ru/uk/bg, cs/sk …) therefore compete and send close calls to langdetect.
   Languages without a list that resemble a fast language (af ~ nl, mk ~ bg) are kept out of the
   defaults for that reason.
   Tokens are counted per language bitmask in one pass. A list of a language langdetect has no
   profile for (Malay) is folded into the language langdetect gives it (Indonesian): it could
   never be the answer, only an abstaining rival. When the sample abstains and no script decides,
   the words of a longer sample (``stopword_retry_chars``) are counted with the same criteria before
   langdetect runs: a header and footer in another language fill much of the start/middle/end
   sample but weigh less in the whole text.

langdetect itself runs with compact profiles and a faster, bit-identical detector
(:mod:`cleaners.langdetect_profiles`).

``tests/test_language.py`` checks that the tags equal plain seeded ``langdetect.detect`` on real articles.
"""

from __future__ import annotations

import threading
from collections import Counter
from functools import lru_cache

import regex

from cleaners.options import LanguageOptions
from cleaners.stopword_index import StopwordIndex
from cleaners.word_scan import WordPattern

UNKNOWN = "und"

_lock = threading.Lock()
_factory_ready = False
_FOLD_MIN_PROBABILITY = 0.99  # langdetect's confidence that a stopword list is in one of its languages

# Scripts used by exactly one language of langdetect's profiles.
SCRIPT_LANGUAGE = {
    "Hangul": "ko", "Thai": "th", "Greek": "el", "Hebrew": "he", "Bengali": "bn",
    "Gujarati": "gu", "Gurmukhi": "pa", "Kannada": "kn", "Malayalam": "ml", "Tamil": "ta", "Telugu": "te",
}
_SCRIPT_RUN = regex.compile("[" + "".join(rf"\p{{{s}}}" for s in SCRIPT_LANGUAGE) + "]+")
_RUN_OF = {s: regex.compile(rf"\p{{{s}}}+") for s in SCRIPT_LANGUAGE}
_ANY_SCRIPT = regex.compile(
    "[" + "".join(rf"\p{{{s}}}" for s in (*SCRIPT_LANGUAGE, "Hiragana", "Katakana")) + "]")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]+")
_CYRILLIC = regex.compile(r"\p{Cyrillic}+")
# Letters of the Russian alphabet that Ukrainian, Bulgarian and Macedonian lack ...
_RUSSIAN_ONLY = "ыэЫЭ"
# ... and letters that Russian lacks (uk, be, bg/mk/sr Cyrillic, and Turkic or Mongolian alphabets).
_NOT_RUSSIAN = regex.compile("[іїєґўјљњђћџѓќѕәғқңөұүһҗІЇЄҐЎЈЉЊЂЋЏЃЌЅӘҒҚҢӨҰҮҺҖ]")
_HAN = regex.compile(r"\p{Han}+")
_LETTER = regex.compile(r"\p{L}+")
# possessive quantifiers: nothing follows that could make the engine give letters back, so the
# matches are those of {L}+(?:['’]{L}+)? with no backtracking state kept (~15% faster)
_WORD = WordPattern(r"{L}++(?:['’]{L}++)?+", r"\p{L}")




def _ensure_factory() -> None:
    """Load langdetect's profiles once per process, compactly (:mod:`cleaners.langdetect_profiles`)."""
    global _factory_ready
    if _factory_ready:
        return
    with _lock:
        if not _factory_ready:
            from cleaners.langdetect_profiles import install

            install()
            _factory_ready = True


def warm_up() -> None:
    """Load langdetect's language profiles now rather than on the first document that needs them."""
    _ensure_factory()
    function_word_index()


def release() -> None:
    """Drop langdetect's profiles and the stopword index; the next document that needs them loads them
    again (for a process whose documents are all tagged, e.g. a worker before the run's dedup step)."""
    global _factory_ready
    from langdetect import detector_factory

    with _lock:
        detector_factory._factory = None
        _factory_ready = False
    stopword_table.cache_clear()
    function_word_index.cache_clear()


def sample(text: str, limit: int) -> str:
    """A bounded, representative sample: the start, middle and end of long texts."""
    if len(text) <= limit:
        return text
    third = limit // 3
    mid = len(text) // 2
    return " ".join((text[:third], text[mid - third // 2 : mid + third // 2], text[-third:]))


@lru_cache(maxsize=1)
def stopword_table() -> dict[str, frozenset[str]]:
    """langdetect code → stopwords, for every language the ``stop-words`` package has a list for."""
    from stop_words import LANGUAGE_MAPPING, get_stop_words

    rename = {"nb": "no", "zh": "zh-cn"}
    return {rename.get(code, code): frozenset(w.casefold() for w in get_stop_words(code) if w.isalpha())
            for code in sorted(LANGUAGE_MAPPING)}


@lru_cache(maxsize=1)
def function_word_index() -> StopwordIndex:
    """:func:`stopword_table` as a word → language-bitmask index, lists langdetect cannot answer folded.

    A list of a language langdetect has no profile for (Malay) can never be langdetect's answer, so
    as a rival it would only send documents to langdetect; it is merged into the language seeded
    langdetect assigns to the list itself (Malay → Indonesian), or kept as it is when that is unsure.
    """
    _ensure_factory()
    from langdetect import detector_factory

    profiled = set(detector_factory._factory.langlist)  # type: ignore[union-attr]
    table = dict(stopword_table())
    for code in sorted(set(table) - profiled):
        target, prob = langdetect_language(" ".join(sorted(table[code])), 0)
        if target in table and prob >= _FOLD_MIN_PROBABILITY:
            table[target] = table[target] | table.pop(code)
    return StopwordIndex.build(table)


def _count(runs: regex.Pattern[str], text: str) -> int:
    """Characters of ``text`` in the class ``runs`` matches runs of (one match per run, not per character)."""
    return sum(map(len, runs.findall(text)))


def _russian(text: str, opts: LanguageOptions, letters: int) -> str | None:
    """ru for mostly-Cyrillic text with ы/э and none of the letters only its neighbours' alphabets use."""
    cyrillic = _count(_CYRILLIC, text)
    if cyrillic < opts.script_min_share * letters or _NOT_RUSSIAN.search(text):
        return None
    russian = sum(map(text.count, _RUSSIAN_ONLY))
    return "ru" if russian >= opts.russian_letter_min_share * cyrillic else None


def by_script(text: str, opts: LanguageOptions, letters: int | None = None) -> str | None:
    """The language when most letters are in a script only it uses; else None.

    ``letters``: the number of letters in ``text`` when the caller has counted them.
    """
    if text.isascii():
        return None
    if letters is None:
        letters = _count(_LETTER, text)
    if _ANY_SCRIPT.search(text) is None:
        return _russian(text, opts, letters)
    if not letters:
        return None
    needed = opts.script_min_share * letters  # more than half the letters: one script at most
    own = "".join(_SCRIPT_RUN.findall(text))  # the letters of one-language scripts
    if len(own) >= needed:
        for script, lang in SCRIPT_LANGUAGE.items():
            if _count(_RUN_OF[script], own) >= needed:
                return lang
    kana = _count(_KANA, text)
    han = _count(_HAN, text)
    if kana >= opts.kana_min_share * letters and kana + han >= opts.script_min_share * letters:
        return "ja"
    return None


def by_function_words(text: str, opts: LanguageOptions, limit: int | None = None) -> tuple[str, float] | None:
    """``(language, share)`` when one language's stopwords clearly dominate; else None.

    Related languages share many function words (ru/bg, pt/es), so rivals are compared on the words
    that tell the two apart: of the tokens in exactly one of the two lists, the rival's may be at most
    ``stopword_max_rival`` times the winner's. One pass: each token's languages are a bitmask, counted
    per distinct mask. The sample is ``limit`` characters long (default ``stopword_sample_chars``).
    """
    words = _WORD.findall(sample(text, limit or opts.stopword_sample_chars).casefold())
    if len(words) < opts.stopword_min_tokens:
        return None
    index = function_word_index()
    counts = Counter(filter(None, map(index.masks.get, words)))  # a listed word's mask is never 0
    ranked = index.ranked(counts)
    if not ranked:
        return None
    n, best = ranked[0]
    share = n / len(words)
    code = index.codes[best]
    if code not in opts.fast_languages or share < opts.stopword_min_share:
        return None
    mine = 1 << best
    for rival_hits, rival in ranked[1:]:
        if rival_hits <= opts.stopword_max_rival * (n - rival_hits):
            break  # ranked by hits: this and every later rival are too weak to matter
        theirs = 1 << rival
        both = mine | theirs
        own = sum(c for m, c in counts.items() if m & both == mine)
        other = sum(c for m, c in counts.items() if m & both == theirs)
        if other > opts.stopword_max_rival * own:
            return None
    return code, share


def langdetect_language(snippet: str, seed: int, min_probability: float = 0.0) -> tuple[str, float]:
    """Seeded langdetect on ``snippet``: ``(code, probability)`` or ``("und", p)`` below ``min_probability``."""
    _ensure_factory()
    from langdetect import detector_factory
    from langdetect.lang_detect_exception import LangDetectException

    detector = detector_factory._factory.create()  # type: ignore[union-attr]
    detector.seed = seed
    detector.append(snippet)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return UNKNOWN, 0.0
    if best.prob < min_probability:
        return UNKNOWN, float(best.prob)
    return str(best.lang), float(best.prob)


def identify(text: str, opts: LanguageOptions) -> tuple[str, float, str]:
    """``(ISO code, confidence, method)``.

    method: ``function-words``, ``script``, ``langdetect`` or ``too-short``.
    """
    snippet = sample(text, opts.sample_chars)
    if opts.fast_path and opts.stopword_min_tokens >= opts.min_letters:
        # at least stopword_min_tokens words means at least min_letters letters
        found = by_function_words(snippet, opts)
        if found is not None:
            return found[0], found[1], "function-words"
    letters = _count(_LETTER, snippet)
    if letters < opts.min_letters:
        return UNKNOWN, 0.0, "too-short"
    if opts.fast_path:
        lang = by_script(snippet, opts, letters)
        if lang is not None:
            return lang, 1.0, "script"
        if len(text) > opts.stopword_sample_chars and opts.stopword_retry_chars > opts.stopword_sample_chars:
            # a header or footer in another language weighs less in a longer sample of the same text
            found = by_function_words(text, opts, opts.stopword_retry_chars)
            if found is not None:
                return found[0], found[1], "function-words"
    lang, prob = langdetect_language(snippet, opts.seed, opts.min_probability)
    return lang, prob, "langdetect"


def detect_language(text: str, opts: LanguageOptions) -> tuple[str, float]:
    """Return ``(ISO code, confidence)`` or ``("und", 0.0)`` when the text says too little."""
    lang, prob, _ = identify(text, opts)
    return lang, prob
