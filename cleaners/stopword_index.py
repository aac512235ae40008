"""Stopword lists of many languages as one index: word → bitmask of the languages listing it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class StopwordIndex:
    """``codes`` sorted; bit ``i`` of a mask stands for ``codes[i]``."""

    codes: tuple[str, ...]
    masks: dict[str, int]  # word → languages listing it
    bits: dict[int, tuple[int, ...]]  # every mask in ``masks`` → its set bits

    @classmethod
    def build(cls, table: Mapping[str, frozenset[str]]) -> StopwordIndex:
        codes = tuple(sorted(table))
        masks: dict[str, int] = {}
        for i, code in enumerate(codes):
            for word in table[code]:
                masks[word] = masks.get(word, 0) | 1 << i
        bits = {m: tuple(i for i in range(len(codes)) if m >> i & 1) for m in set(masks.values())}
        return cls(codes, masks, bits)

    def ranked(self, counts: Mapping[int, int]) -> list[tuple[int, int]]:
        """``(hits, language index)`` for every language with hits among tokens counted per mask,
        most hits first, ties in code order."""
        hits = [0] * len(self.codes)
        for mask, n in counts.items():
            for i in self.bits[mask]:
                hits[i] += n
        return sorted(((h, i) for i, h in enumerate(hits) if h), key=lambda hi: (-hi[0], hi[1]))
