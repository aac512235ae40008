"""The ``re`` twins of the word patterns find exactly the words the ``regex`` patterns find."""

from __future__ import annotations

import re

import pytest
import regex
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cleaners import fragments, language
from cleaners.word_scan import LATIN_LETTERS, SCAN_RANGES, WordPattern, latin_only
from tests.repair_data import articles

PATTERNS = {"language": language._WORD, "fragments": fragments._WORDS}


@pytest.mark.parametrize("full", [r"\p{L}", r"[\p{L}\p{M}]"])
def test_latin_class_is_exact_in_scan_ranges(full: str) -> None:
    """Code point by code point: the explicit ranges are the letter (and mark) class there."""
    full_re, latin_re = regex.compile(full), re.compile(f"[{LATIN_LETTERS}]")
    for lo, hi in SCAN_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            assert bool(full_re.match(ch)) == bool(latin_re.match(ch)), hex(cp)


def test_latin_only() -> None:
    assert latin_only("Café au lait – “quoted” … ŁÓDŹ, 10 €? no: € is U+20AC") is False
    assert latin_only("Café au lait – “quoted” … ŁÓDŹ") is True
    assert latin_only("") is True
    assert latin_only("Москва") is False
    assert latin_only("北京 and Beijing") is False
    assert latin_only("e\u0301") is False  # a combining mark is outside the ranges


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_real_articles_same_words(name: str) -> None:
    pattern = PATTERNS[name]
    fast = 0
    for art in articles():
        for text in (art["text"], art["text"].casefold()):
            assert pattern.findall(text) == pattern.full.findall(text)
            fast += latin_only(text)
    assert fast > 100  # most articles take the fast path: the comparison above covers it


_ALPHABET = st.sampled_from(
    [*"aZ'’ -.,\n\t0", "ß", "é", "ª", "º", "µ", "×", "÷", "ſ", "ƀ", "\u00a0", "\u2019", "\u2070", "\u2071",
     "\u0301", "д", "Ω", "北", "_", "²", "½", "ǅ", "\u2028", "\ud800"]
)


@hsettings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_generated_same_words(text: str) -> None:
    for pattern in PATTERNS.values():
        assert pattern.findall(text) == pattern.full.findall(text)
        for piece in (text[: len(text) // 2], text[len(text) // 3 :]):
            assert pattern.for_text(text).findall(piece) == pattern.full.findall(piece)


def test_template_gives_the_original_pattern() -> None:
    assert WordPattern(r"{L}+(?:['’]{L}+)?", r"\p{L}").full.pattern == r"\p{L}+(?:['’]\p{L}+)?"
