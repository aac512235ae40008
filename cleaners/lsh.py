"""Banded LSH over MinHash signatures, candidate verification and union-find clustering."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from pydantic import Field

from cleaners.options import Options


class LshOptions(Options):
    threshold: float = Field(gt=0, lt=1)  # Jaccard similarity at which two documents are near-duplicates
    bands: int = Field(ge=0)  # 0: chosen from the S-curve for the threshold
    rows: int = Field(ge=0)
    false_negative_weight: float = Field(gt=0)  # how much worse a missed pair is than a candidate checked


def _integrate(f: Callable[[float], float], a: float, b: float, steps: int = 200) -> float:
    width = (b - a) / steps
    return sum(f(a + (i + 0.5) * width) for i in range(steps)) * width


@lru_cache(maxsize=32)
def choose_bands(num_perm: int, threshold: float, fn_weight: float) -> tuple[int, int]:
    """Bands × rows minimising weighted false-positive and false-negative area of the S-curve.

    Candidates are verified exactly afterwards, so false positives only cost a check; false
    negatives are lost pairs, hence the heavier weight.
    """
    best, best_cost = (1, num_perm), float("inf")
    for bands in range(1, num_perm + 1):
        rows = num_perm // bands
        if rows == 0:
            break

        def p(s: float, b: int = bands, r: int = rows) -> float:
            return 1 - (1 - s**r) ** b

        fp = _integrate(p, 0.0, threshold)
        fn = _integrate(lambda s, f=p: 1 - f(s), threshold, 1.0)
        cost = fp + fn_weight * fn
        if cost < best_cost:
            best, best_cost = (bands, rows), cost
    return best


def band_keys(sig: np.ndarray, bands: int, rows: int) -> list[bytes]:
    """One hashable key per band: the band's index plus its row values."""
    return [bytes([i]) + sig[i * rows : (i + 1) * rows].tobytes() for i in range(bands)]


def candidate_pairs(signatures: Sequence[np.ndarray], bands: int, rows: int) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, that share at least one band."""
    buckets: dict[bytes, list[int]] = {}
    for idx, sig in enumerate(signatures):
        for key in band_keys(sig, bands, rows):
            buckets.setdefault(key, []).append(idx)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) > 1:
            first = members[0]
            for other in members[1:]:
                pairs.add((first, other))
            for i in range(1, len(members)):
                for j in range(i + 1, len(members)):
                    pairs.add((members[i], members[j]))
    return pairs


class UnionFind:
    """Disjoint sets over ``0..n-1``; the root of a set is its smallest member."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra
