"""Writing systems of languages, and patterns for letter runs in a script foreign to a document."""

from __future__ import annotations

import re
from functools import lru_cache

import regex

# Scripts a document in a language may use without any of it being "foreign". Latin is always
# allowed (brand names, URLs and English terms are normal in every language's news); so are the
# Common and Inherited pseudo-scripts (digits, punctuation, combining marks).
_CJK = ("Han", "Hiragana", "Katakana", "Hangul", "Bopomofo")
SCRIPTS_OF_LANGUAGE: dict[str, tuple[str, ...]] = {
    "zh-cn": _CJK, "zh-tw": _CJK, "ja": _CJK, "ko": _CJK,
    "ru": ("Cyrillic",), "uk": ("Cyrillic",), "bg": ("Cyrillic",), "mk": ("Cyrillic",),
    "ar": ("Arabic",), "fa": ("Arabic",), "ur": ("Arabic",), "he": ("Hebrew",), "el": ("Greek",),
    "th": ("Thai",), "hi": ("Devanagari",), "mr": ("Devanagari",), "ne": ("Devanagari",),
    "bn": ("Bengali",), "ta": ("Tamil",), "te": ("Telugu",), "kn": ("Kannada",), "ml": ("Malayalam",),
    "gu": ("Gujarati",), "pa": ("Gurmukhi",),
}

# Scripts without word spaces, where one character can be a word.
UNSPACED = frozenset({"Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar"})
# Scripts with letter case, where a Titlecase word may be a name.
CASED = frozenset({"Cyrillic", "Greek", "Armenian", "Georgian", "Latin"})

# Cheap prefilter with the standard library: any code point outside Basic Latin .. IPA/Spacing
# modifiers, General Punctuation, symbols and Latin Extended Additional could be a foreign letter.
_MAYBE_FOREIGN = re.compile(
    "[\u0370-\u1dff\u2c00-\u2dff\u2e80-\ua6ff\ua780-\uab2f\uab70-\ud7ff\uf900-\ufaff"
    "\ufb1d-\ufdff\ufe70-\ufefe\uff21-\uffdc\U00010000-\U0010ffff]"
)
_SCRIPT_NAMES = (
    "Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Hebrew", "Arabic", "Syriac", "Thaana",
    "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Tamil", "Telugu", "Kannada", "Malayalam",
    "Sinhala", "Thai", "Lao", "Tibetan", "Myanmar", "Khmer", "Ethiopic", "Mongolian", *_CJK,
)
_SCRIPT_RES = {name: regex.compile(rf"\p{{Script={name}}}") for name in _SCRIPT_NAMES}


def allowed_scripts(lang: str) -> tuple[str, ...]:
    return ("Latin", *SCRIPTS_OF_LANGUAGE.get(lang, ()))


def may_have_foreign(text: str) -> bool:
    """False when ``text`` certainly has no letter outside Latin (fast, standard-library scan)."""
    return not text.isascii() and _MAYBE_FOREIGN.search(text) is not None


@lru_cache(maxsize=64)
def foreign_run_pattern(allowed: tuple[str, ...]) -> regex.Pattern[str]:
    """Runs of letters outside ``allowed`` scripts, words joined by single spaces, hyphens or apostrophes."""
    excluded = "".join(rf"\p{{Script={s}}}" for s in allowed)
    letter = rf"[\p{{L}}\p{{M}}--[{excluded}\p{{Common}}\p{{Inherited}}]]"
    word = rf"\p{{M}}*{letter}[\p{{L}}\p{{M}}--[{excluded}]]*"
    return regex.compile(rf"(?V1){word}(?:[ \-'’·]{word})*")


@lru_cache(maxsize=64)
def foreign_letter_pattern(allowed: tuple[str, ...]) -> regex.Pattern[str]:
    """One letter that can start a :func:`foreign_run_pattern` match: no match here, none there."""
    excluded = "".join(rf"\p{{Script={s}}}" for s in allowed)
    return regex.compile(rf"(?V1)[\p{{L}}\p{{M}}--[{excluded}\p{{Common}}\p{{Inherited}}]]")


@lru_cache(maxsize=64)
def own_script_pattern(allowed: tuple[str, ...]) -> regex.Pattern[str]:
    """A letter of one of the ``allowed`` scripts."""
    return regex.compile("[" + "".join(rf"\p{{Script={s}}}" for s in allowed) + "]")


def script_of(fragment: str) -> str:
    """The script of the first letter of ``fragment`` (``Other`` when not one we name)."""
    for ch in fragment:
        if ch.isalpha():
            for name, pattern in _SCRIPT_RES.items():
                if pattern.match(ch):
                    return name
            return "Other"
    return "Other"
