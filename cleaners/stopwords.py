"""Stopword lists per language (the flows load them from config/rules/stopwords, one word a line).

The shipped lists are jusText's stoplists (BSD-2-Clause, see LICENSE-justext.rst there). A user adds a
language by dropping ``<iso-code>.txt`` into the folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Stopwords:
    """Casefolded stopword sets keyed by ISO 639-1 code."""

    lists: Mapping[str, frozenset[str]]

    @classmethod
    def from_words(cls, lists: Mapping[str, Iterable[str]]) -> Stopwords:
        return cls({lang: frozenset(w.casefold() for w in words) for lang, words in lists.items()})

    def get(self, lang: str | None) -> frozenset[str] | None:
        return self.lists.get(lang) if lang else None

    def guess(self, words: list[str]) -> tuple[str | None, frozenset[str]]:
        """The language whose list covers most of ``words`` (casefolded); ties go to the sorted-first code."""
        best: tuple[str | None, frozenset[str]] = (None, frozenset())
        best_hits = 0
        for lang in sorted(self.lists):
            stop = self.lists[lang]
            hits = sum(map(stop.__contains__, words))
            if hits > best_hits:
                best, best_hits = (lang, stop), hits
        return best
