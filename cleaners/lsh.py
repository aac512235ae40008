"""Banded LSH over MinHash signatures, candidate verification and union-find clustering."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import xxhash

from cleaners.options import LshOptions as LshOptions  # re-exported (defined there)


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


_BAND_MIX = np.array(
    [xxhash.xxh3_64_intdigest(f"textwash-band-{i}".encode()) | 1 for i in range(1025)], dtype=np.uint64
)


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` int64 keys: a 64-bit hash of each band's index and row values.

    Stable across processes and runs (fixed multipliers), so keys can be stored in an index.
    """
    n = sigs.shape[0]
    used = sigs[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    with np.errstate(over="ignore"):
        acc = (used * _BAND_MIX[1 : rows + 1]).sum(axis=2, dtype=np.uint64)
        acc += _BAND_MIX[0] * np.arange(1, bands + 1, dtype=np.uint64)
        acc ^= acc >> np.uint64(33)
        acc *= np.uint64(0xFF51AFD7ED558CCD)
        acc ^= acc >> np.uint64(33)
        acc *= np.uint64(0xC4CEB9FE1A85EC53)
        acc ^= acc >> np.uint64(33)
    return acc.view(np.int64)


def candidate_pairs(keys: np.ndarray, max_bucket: int) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of rows of ``keys`` (from :func:`band_keys`) sharing a band key.

    Returns a sorted unique ``(m, 2)`` int64 array. In a bucket of more than ``max_bucket``
    members each member is paired with the ``max_bucket`` members before it only (union-find
    still joins them transitively), which bounds the work on degenerate buckets.
    """
    n, bands = keys.shape
    found: list[np.ndarray] = []
    for band in range(bands):
        col = keys[:, band]
        order = np.argsort(col, kind="stable")
        sorted_keys = col[order]
        for lag in range(1, min(max_bucket, n - 1) + 1):
            same = sorted_keys[lag:] == sorted_keys[:-lag]
            if not same.any():
                break
            idx = np.flatnonzero(same)
            found.append(np.stack((order[idx], order[idx + lag]), axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1).astype(np.int64)
    return np.unique(pairs, axis=0)


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
