"""Word patterns with a fast standard-library twin for text written in the Latin-1 / Latin Extended-A range.

``regex``'s ``\\p{L}`` classes cost about twice what ``re``'s small character classes cost. Below
U+0180 (and in General Punctuation, U+2000–U+206F, which holds no letters or marks) the letters are
an explicit, short list of ranges (:data:`LATIN_LETTERS`; there are no combining marks there), so
for a text with no code point outside those ranges the ``re`` twin finds exactly the same words.
``tests/test_word_scan.py`` checks the ranges against ``regex`` code point by code point.
"""

from __future__ import annotations

import re

import regex

# Every \p{L} code point below U+0180 (there is no \p{M} one); U+2000–U+206F has neither.
LATIN_LETTERS = "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f"
SCAN_RANGES = ((0x0000, 0x017F), (0x2000, 0x206F))  # inclusive: where LATIN_LETTERS is exact
_OUTSIDE = re.compile(r"[^\x00-\u017f\u2000-\u206f]")


def latin_only(text: str) -> bool:
    """Whether every code point of ``text`` lies in :data:`SCAN_RANGES` (so the ``re`` twin is exact)."""
    return _OUTSIDE.search(text) is None


class WordPattern:
    """One word pattern, written with ``{L}`` for its letter class, compiled twice: with ``full``
    (a ``regex`` class such as ``\\p{L}``) and with :data:`LATIN_LETTERS` (``re``)."""

    def __init__(self, template: str, full: str) -> None:
        self.full = regex.compile(template.replace("{L}", full))
        self.latin = re.compile(template.replace("{L}", f"[{LATIN_LETTERS}]"))

    def for_text(self, text: str) -> re.Pattern[str] | regex.Pattern[str]:
        """The pattern to use on ``text`` and on any piece of it: same matches, the fast one if exact."""
        return self.latin if latin_only(text) else self.full

    def findall(self, text: str) -> list[str]:
        return self.for_text(text).findall(text)
