"""Dedup features: normalised tokens, shingles, exact-duplicate keys and MinHash signatures.

Shingles are n-grams of *tokens* of the normalised text (NFKC, case-folded, punctuation and
whitespace dropped). A token is a word of a spaced script, or a single character of a script
written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar, ...), so Chinese, Japanese and Thai
text is shingled into character n-grams and deduplicates like space-separated languages.

Everything is vectorised over a document's code points (no Python loop per token or shingle): a
lookup table classifies code points, each token gets a 64-bit polynomial hash of its code points
(prefix sums mod 2^64) finished by the MurmurHash3 finaliser, and a shingle's 32-bit hash mixes
its tokens' hashes with position-dependent odd multipliers. :func:`shingle_hash` gives the same
value for one shingle string, so ``datasketch.MinHash(hashfunc=shingle_hash)`` fed with
:func:`shingles` produces bit-identical hash values (``tests/test_minhash.py`` checks it).

Signatures follow one of datasketch 2.0's permutation schemes, selected by ``minhash.scheme``:
``affine32`` (datasketch's default since 2.0: MurmurHash3 finaliser, then ``a*h+b mod 2^32``) or
``legacy`` (``(a*h+b) mod (2^61-1)``, masked to 32 bits: the pre-2.0 values). Either way the values
load into ``datasketch.LeanMinHash(seed=seed, hashvalues=sig, scheme=scheme)`` unchanged.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import regex
import xxhash

from cleaners.options import MinHashOptions

_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64((1 << 32) - 1)

# Scripts written without spaces between words: one token per character.
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]")
_WORD_CHAR = regex.compile(r"[\p{L}\p{N}\p{M}]")
_SEP, _WORD, _SOLO = 0, 1, 2

# Polynomial token hashing over code points (mod 2^64, odd base, so the base is invertible).
_BASE = np.uint64(xxhash.xxh3_64_intdigest(b"textwash-token-base") | 1)
_BASE_INV = np.uint64(pow(int(_BASE), -1, 1 << 64))
# Odd 64-bit multipliers combining the token hashes of a shingle (position-dependent: word order counts).
_MIX = np.array(
    [xxhash.xxh3_64_intdigest(f"textwash-shingle-{i}".encode()) | 1 for i in range(64)], dtype=np.uint64
)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))




@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """Class of every code point: separator, word character, or a character that is a token of its own."""
    chars = np.arange(0x20000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    marked = _WORD_CHAR.sub("\x01", _UNSPACED.sub("\x02", chars))
    codes = np.frombuffer(marked.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = np.zeros(0x110000, dtype=np.uint8)
    table[:0x20000] = np.where(codes == 1, _WORD, np.where(codes == 2, _SOLO, _SEP))
    table[0x20000:0x40000] = _SOLO  # CJK extension planes
    return table


@lru_cache(maxsize=4)
def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(over="ignore"):
        up = np.cumprod(np.full(n, _BASE, dtype=np.uint64)) * _BASE_INV  # BASE^i
        down = np.cumprod(np.full(n, _BASE_INV, dtype=np.uint64)) * _BASE  # BASE^-i
    return up, down


def _normalized(text: str) -> str:
    """NFKC, then case folding. A line feed is a normalisation boundary (a starter that never
    composes), so lines normalise independently: only lines that are not NFKC already pay for it."""
    if not unicodedata.is_normalized("NFKC", text):
        text = "\n".join([unicodedata.normalize("NFKC", line) for line in text.split("\n")])
    return text.casefold()


def _spans(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of the normalised text and the ``[start, end)`` of each token, vectorised."""
    cps = np.frombuffer(_normalized(text).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return (cps, *_token_bounds(cps))


def _token_bounds(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``[start, end)`` of each token of the normalised code points ``cps``."""
    padded = np.zeros(cps.size + 2, dtype=np.uint8)  # classes, with a separator either side
    cls = padded[1:-1]
    np.take(_char_classes(), cps, out=cls)
    if cls.size and cls.max() == _SOLO:
        word = cls == _WORD
        solo = cls == _SOLO
        prev_word = np.concatenate(([False], word[:-1]))
        next_word = np.concatenate((word[1:], [False]))
        starts = np.flatnonzero(solo | (word & ~prev_word))
        ends = np.flatnonzero(solo | (word & ~next_word)) + 1
        return starts, ends
    # Only words (1) and separators (0): tokens are the runs of ones, and the changes between
    # neighbours of the padded sequence alternate start, end, start, end ...
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[0::2], edges[1::2]


def _token_hashes(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit hash per token: polynomial over its code points, then the MurmurHash3 finaliser.

    Integer arithmetic wraps modulo 2^64 (numpy does not warn about it on arrays).
    """
    if starts.size == 0:
        return np.zeros(0, dtype=np.uint64)
    up, down = _powers(max(1024, 1 << int(cps.size).bit_length()))
    prefix = np.empty(cps.size + 1, dtype=np.uint64)
    prefix[0] = 0
    terms = np.add(cps, 1, dtype=np.uint64)
    terms *= up[: cps.size]
    np.cumsum(terms, out=prefix[1:])
    h = prefix[ends]
    h -= prefix[starts]
    h *= down[starts]
    h += (ends - starts).astype(np.uint64)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def _combine(th: np.ndarray, n: int) -> np.ndarray:
    """32-bit hashes (as uint64) of all n-grams of the token hashes ``th`` (n <= len(th))."""
    count = th.size - n + 1
    acc = th[:count] * _MIX[0]
    term = np.empty_like(acc)
    for k in range(1, n):
        np.multiply(th[k : k + count], _MIX[k % 63], out=term)
        acc += term
    acc ^= acc >> np.uint64(29)
    acc *= _MIX[63]
    acc ^= acc >> np.uint64(32)
    acc &= _MAX32
    return acc


def tokens(text: str) -> list[str]:
    """Normalised tokens: NFKC, case-folded words, and single characters of unspaced scripts."""
    cps, starts, ends = _spans(text)
    norm = cps.tobytes().decode("utf-32-le", "surrogatepass")
    return [norm[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def normalize(text: str) -> str:
    """The tokens joined by single spaces: punctuation, case and whitespace differences vanish."""
    return " ".join(tokens(text))


def features(text: str, opts: MinHashOptions) -> tuple[str, np.ndarray]:
    """Exact-duplicate key (xxh3-128 hex of the token sequence) and sorted unique shingle hashes (uint32)."""
    cps, starts, ends = _spans(text)
    th = _token_hashes(cps, starts, ends)
    key = xxhash.xxh3_128_hexdigest(th.tobytes())
    n = opts.shingle_words
    if th.size == 0:
        hashes = np.zeros(1, dtype=np.uint64)  # the empty text: one shingle, hash 0
    elif th.size < max(n, opts.min_words):
        hashes = _combine(th, th.size)
    else:
        hashes = _combine(th, n)
    hashes = hashes.astype(np.uint32)
    hashes.sort()
    first = np.empty(hashes.size, dtype=bool)  # not a repeat of the previous value
    first[:1] = True
    np.not_equal(hashes[1:], hashes[:-1], out=first[1:])
    return key, hashes[first]


# Code points normalised and tokenised together by :func:`features_many` at most (one document may
# exceed it alone): the numpy arrays of a chunk stay in the CPU caches, and the cached powers small.
_CHUNK_CODE_POINTS = 1 << 16


def features_many(texts: Sequence[str], opts: MinHashOptions) -> list[tuple[str, np.ndarray]]:
    """:func:`features` of each text, with the numpy work done over chunks of texts at once.

    A document's ``features`` costs ~20 numpy calls on arrays of a few thousand values, so their
    fixed per-call cost is a large part of it. Here the normalised texts of a chunk are joined with
    a line feed between them (a separator: no token crosses it), tokenised and hashed in one pass
    (token hashes do not depend on position) and shingled in one pass (shingles that would span two
    documents are dropped); each document's hashes are then sorted on their own. Each result equals
    ``features(text, opts)``.
    """
    out: list[tuple[str, np.ndarray]] = []
    first = 0
    while first < len(texts):
        end, size = first + 1, len(texts[first])
        while end < len(texts) and size + len(texts[end]) <= _CHUNK_CODE_POINTS:
            size += len(texts[end]) + 1
            end += 1
        out.extend(_features_chunk(texts[first:end], opts) if end - first > 1 else [features(texts[first], opts)])
        first = end
    return out


def _features_chunk(texts: Sequence[str], opts: MinHashOptions) -> list[tuple[str, np.ndarray]]:
    norms = [_normalized(t) for t in texts]
    cps = np.frombuffer("\n".join(norms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # [start, end) of each document in cps (a line feed between neighbours)
    lens = np.array([len(t) for t in norms], dtype=np.int64)
    doc_start = np.concatenate(([0], np.cumsum(lens[:-1] + 1)))
    starts, ends = _token_bounds(cps)
    th = _token_hashes(cps, starts, ends)
    tok = np.searchsorted(starts, doc_start).tolist()  # first token of each document
    tok.append(starts.size)
    n = opts.shingle_words
    need = max(n, opts.min_words)
    combined = _combine(th, n) if th.size >= n else np.zeros(0, dtype=np.uint64)
    out = []
    for k in range(len(texts)):
        a, b = tok[k], tok[k + 1]
        if b - a >= need:
            hashes = combined[a : b - n + 1].astype(np.uint32)
        elif a == b:
            hashes = np.zeros(1, dtype=np.uint32)  # the empty text: one shingle, hash 0
        else:
            hashes = _combine(th[a:b], b - a).astype(np.uint32)
        hashes.sort()  # per document: a few hundred values sort faster alone than merged
        first = np.empty(hashes.size, dtype=bool)  # not a repeat of the previous value
        first[:1] = True
        np.not_equal(hashes[1:], hashes[:-1], out=first[1:])
        out.append((xxhash.xxh3_128_hexdigest(th[a:b].tobytes()), hashes[first]))
    return out


def exact_key(text: str) -> str:
    """A key equal for texts with the same normalised token sequence."""
    return features(text, _KEY_OPTS)[0]


def shingle_hashes(text: str, opts: MinHashOptions) -> np.ndarray:
    """Sorted unique 32-bit hashes (uint32) of the shingles of ``text``."""
    return features(text, opts)[1]


def shingles(text: str, opts: MinHashOptions) -> list[str]:
    """The shingle strings of ``text`` (tokens joined by spaces), for reference and datasketch."""
    toks = tokens(text)
    n = opts.shingle_words
    if len(toks) < max(n, opts.min_words):
        return [" ".join(toks)]
    return [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]


def shingle_hash(shingle: str | bytes) -> int:
    """32-bit hash of one shingle string (as :func:`shingles` makes it): the :func:`shingle_hashes` value."""
    if isinstance(shingle, bytes):
        shingle = shingle.decode("utf-8", "surrogatepass")
    th = _token_hashes(*_spans(shingle))
    return 0 if th.size == 0 else int(_combine(th, th.size)[0])


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int, scheme: str) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters ``(a, b)`` for ``(num_perm, seed, scheme)``."""
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        pairs = np.array(
            [
                (
                    gen.randint(1, _MERSENNE_PRIME, dtype=np.uint64),
                    gen.randint(0, _MERSENNE_PRIME, dtype=np.uint64),
                )
                for _ in range(num_perm)
            ],
            dtype=np.uint64,
        ).T
        return pairs[0].copy(), pairs[1].copy()
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def _permuted(hashes: np.ndarray, opts: MinHashOptions, buf: np.ndarray | None = None) -> np.ndarray:
    """``(num_perm, len(hashes))`` permuted values, computed as datasketch does (uint32).

    ``buf``: scratch space of at least ``num_perm * len(hashes)`` uint32 for the affine32 result
    (re-used between calls: no fresh pages to fault in and zero for every batch).
    """
    a, b = permutations(opts.num_perm, opts.seed, opts.scheme)
    with np.errstate(over="ignore"):
        if opts.scheme == "legacy":
            x = np.multiply.outer(a, hashes.astype(np.uint64))  # wraps mod 2^64, like datasketch
            x += b[:, None]
            # x mod (2^61 - 1) without a division: fold the high bits, then one conditional subtraction
            x = (x & _MERSENNE_PRIME) + (x >> np.uint64(61))
            x -= np.where(x >= _MERSENNE_PRIME, _MERSENNE_PRIME, np.uint64(0))
            return (x & _MAX32).astype(np.uint32)
        mixed = _fmix32(hashes.astype(np.uint32))
        if buf is None:
            return np.multiply.outer(a, mixed) + b[:, None]
        x = buf[: a.size * mixed.size].reshape(a.size, mixed.size)
        np.multiply(a[:, None], mixed[None, :], out=x)
        x += b[:, None]
        return x


# Permuted values computed per numpy call at most (4 MB of uint32): a batch of ~8,000 shingles at
# 128 permutations is 3x faster per value than 64 whole documents (~35,000), whose array leaves the caches.
_BATCH_VALUES = 1 << 20


def signature(hashes: np.ndarray, opts: MinHashOptions) -> np.ndarray:
    """MinHash signature (``num_perm`` uint32 values) of one set of shingle hashes."""
    return signatures([hashes], opts)[0]


def signatures(hash_sets: Sequence[np.ndarray], opts: MinHashOptions) -> np.ndarray:
    """Signatures ``(len(hash_sets), num_perm)`` uint32, permuting up to ``batch_docs`` documents per
    numpy call (fewer when their shingles would exceed ``_BATCH_VALUES`` permuted values).

    An empty set gets the empty signature (all values 2^32-1), as datasketch does. The batches
    only group the work: each signature is the minimum over its own shingles whatever the grouping.
    """
    out = np.full((len(hash_sets), opts.num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    rows = [k for k in range(len(hash_sets)) if hash_sets[k].size]
    max_cols = max(_BATCH_VALUES // opts.num_perm, 1)
    buf: np.ndarray | None = None
    first = 0
    while first < len(rows):
        end, cols = first + 1, hash_sets[rows[first]].size
        while end < len(rows) and end - first < opts.batch_docs and cols + hash_sets[rows[end]].size <= max_cols:
            cols += hash_sets[rows[end]].size
            end += 1
        batch = rows[first:end]
        if buf is None or buf.size < cols * opts.num_perm:
            buf = np.empty(max(cols, max_cols) * opts.num_perm, dtype=np.uint32)
        sizes = np.array([hash_sets[k].size for k in batch])
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        phv = _permuted(np.concatenate([hash_sets[k] for k in batch]), opts, buf)
        out[batch] = np.minimum.reduceat(phv, starts, axis=1).T
        first = end
    return out


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if a.size == 0 and b.size == 0:
        return 1.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller set's hashes found in the larger: 1.0 for a truncated copy."""
    if a.size == 0 or b.size == 0:
        return 1.0 if a.size == b.size else 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / min(a.size, b.size)


_KEY_OPTS = MinHashOptions(num_perm=16, seed=0, scheme="affine32", shingle_words=1, min_words=1, batch_docs=1)
