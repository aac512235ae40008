"""Stopword lists per language (the flows load them from config/rules/stopwords, one word a line).

The shipped lists are jusText's stoplists (BSD-2-Clause, see LICENSE-justext.rst there). A user adds a
language by dropping ``<iso-code>.txt`` into the folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stopwords:
    """Casefolded stopword sets keyed by ISO 639-1 code.

    ``ranked`` keeps each list's words in file order: jusText's lists are ordered by frequency, and
    their long tails hold content words ("metro", "stati", "government"), so :meth:`core` (the most
    frequent words only) is the better set for telling content words apart."""

    lists: Mapping[str, frozenset[str]]
    ranked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    _cores: dict[tuple[frozenset[str], int], frozenset[str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_words(cls, lists: Mapping[str, Iterable[str]]) -> Stopwords:
        ranked = {lang: tuple(dict.fromkeys(w.casefold() for w in words)) for lang, words in lists.items()}
        return cls({lang: frozenset(words) for lang, words in ranked.items()}, ranked)

    def core(self, stop: frozenset[str], size: int) -> frozenset[str]:
        """The ``size`` most frequent words of the list ``stop`` (one of :attr:`lists`); ``stop`` itself
        when its order is unknown or ``size`` is 0."""
        if not size:
            return stop
        key = (stop, size)
        known = self._cores.get(key)
        if known is None:
            lang = next((k for k, v in self.lists.items() if v is stop), None)
            words = self.ranked.get(lang, ()) if lang else ()
            known = frozenset(words[:size]) if words else stop
            self._cores[key] = known
        return known

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
