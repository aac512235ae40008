"""``difflib.SequenceMatcher`` (no junk heuristics) for token lists that alternate between words
and whitespace runs, with a faster longest-match search and the same results.

difflib's ``find_longest_match`` walks every pair of equal tokens in its range; whitespace tokens
are half of all tokens and equal to each other, so on a line of 100 tokens it does thousands of
steps per call, and a diff makes dozens of calls. When whitespace and words alternate, a common run
of two or more tokens contains a word, so only the (few) pairs of equal words need extending into
runs; without such a run the answer is the first equal pair in difflib's scan order.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections.abc import Sequence
from itertools import pairwise


def alternates(tokens: Sequence[str]) -> bool:
    """No two neighbouring tokens are both whitespace."""
    return not any(x.isspace() and y.isspace() for x, y in pairwise(tokens))


class AlternatingMatcher(difflib.SequenceMatcher):
    """``SequenceMatcher(None, a, b, autojunk=False)``: same matching blocks and opcodes."""

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        self._fast = alternates(a) and alternates(b)
        b2j = self.b2j
        # every pair of equal non-whitespace tokens, in difflib's scan order (i, then j); only the fast path uses them
        self._pairs = (
            [(i, j) for i, tok in enumerate(a) if not tok.isspace() for j in b2j.get(tok, ())] if self._fast else []
        )

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> difflib.Match:
        a, b = self.a, self.b
        ahi = len(a) if ahi is None else ahi
        bhi = len(b) if bhi is None else bhi
        if not self._fast:
            return super().find_longest_match(alo, ahi, blo, bhi)
        best_i, best_j, best_k = alo, blo, 0
        starts: set[tuple[int, int]] = set()
        for i, j in self._pairs:
            if not (alo <= i < ahi and blo <= j < bhi):
                continue
            i0, j0 = i, j
            while i0 > alo and j0 > blo and a[i0 - 1] == b[j0 - 1]:
                i0, j0 = i0 - 1, j0 - 1
            if (i0, j0) in starts:
                continue  # a run already measured from an earlier pair in it
            starts.add((i0, j0))
            end = i + 1
            while end < ahi and j0 + (end - i0) < bhi and a[end] == b[j0 + (end - i0)]:
                end += 1
            k = end - i0
            # difflib keeps the first run (by end, i then j) of the greatest length
            if k > best_k or (k == best_k and (i0, j0) < (best_i, best_j)):
                best_i, best_j, best_k = i0, j0, k
        if best_k >= 2:
            return difflib.Match(best_i, best_j, best_k)
        # No common run of two tokens: difflib returns the first equal pair it meets.
        b2j = self.b2j
        for i in range(alo, ahi):
            js = b2j.get(a[i])
            if js:
                n = bisect_left(js, blo)
                if n < len(js) and js[n] < bhi:
                    return difflib.Match(i, js[n], 1)
        return difflib.Match(alo, blo, 0)
