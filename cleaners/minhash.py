"""Dedup features: normalised text, word shingles, exact-duplicate keys and MinHash signatures.

Signatures use datasketch's legacy permutation scheme (``a*h+b mod 2^61-1``, masked to 32 bits),
so they load into ``datasketch.LeanMinHash`` unchanged.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import regex
import xxhash
from pydantic import Field

from cleaners.options import Options

_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)

_NON_WORD = regex.compile(r"[^\p{L}\p{N}]+")


class MinHashOptions(Options):
    num_perm: int = Field(ge=16, le=1024)
    seed: int
    shingle_words: int = Field(ge=1)  # word n-gram size
    min_words: int = Field(ge=1)  # fewer words: the whole text is one shingle


def normalize(text: str) -> str:
    """Case-folded words separated by single spaces: punctuation and whitespace differences vanish."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


def exact_key(text: str) -> str:
    """A key equal for texts that are identical once normalised."""
    return xxhash.xxh3_128_hexdigest(normalize(text).encode("utf-8"))


def shingle_hashes(text: str, opts: MinHashOptions) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word n-grams of the normalised text."""
    words = normalize(text).split(" ")
    n = opts.shingle_words
    if len(words) < max(n, opts.min_words):
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    hashes = np.fromiter((xxhash.xxh32_intdigest(g.encode("utf-8")) for g in grams), dtype=np.uint64)
    return np.unique(hashes)


@lru_cache(maxsize=4)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's legacy permutation parameters for ``(num_perm, seed)``."""
    gen = np.random.RandomState(seed)
    pairs = np.array(
        [
            (gen.randint(1, _MERSENNE_PRIME, dtype=np.uint64), gen.randint(0, _MERSENNE_PRIME, dtype=np.uint64))
            for _ in range(num_perm)
        ],
        dtype=np.uint64,
    ).T
    return pairs[0], pairs[1]


def signature(hashes: np.ndarray, opts: MinHashOptions) -> np.ndarray:
    """MinHash signature (``num_perm`` uint64 values) of a set of 32-bit shingle hashes."""
    a, b = permutations(opts.num_perm, opts.seed)
    if hashes.size == 0:
        return np.full(opts.num_perm, _MAX_HASH, dtype=np.uint64)
    phv = np.bitwise_and((hashes[:, None] * a + b) % _MERSENNE_PRIME, _MAX_HASH)
    return phv.min(axis=0)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if a.size == 0 and b.size == 0:
        return 1.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)
