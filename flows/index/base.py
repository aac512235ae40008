"""The persistent dedup index: what a backend stores, the session protocol, and its errors.

Per kept document a backend stores its id, its run, a 64-bit exact-duplicate key, its LSH band
keys (64-bit hashes, one per band) and a compact signature: the low 16 bits of each MinHash value
(``num_perm`` × 2 bytes). Earlier documents are verified against the new batch by the share of equal
16-bit values, an estimate of their Jaccard similarity (accidental equality of two different values
has probability 2^-16, negligible); the shingle sets themselves are not stored, which keeps the
index under 1 KB per document. Pairs inside one batch are verified exactly (see ``flows/dedup.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

FORMAT = "textwash-dedup-index"
VERSION = 1


class DedupIndexError(RuntimeError):
    """Any problem with the dedup index; the message names the index."""


class IndexLockedError(DedupIndexError):
    """Another run holds the index longer than ``index.lock_timeout_s``."""


class IndexCorruptError(DedupIndexError):
    """The index file is damaged or is not a textwash index; it is left untouched."""


class IndexMismatchError(DedupIndexError):
    """The index was built with other MinHash/LSH settings than the current configuration."""


class IndexUnreachableError(DedupIndexError):
    """The index server cannot be reached."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One document stored in the index."""

    ref: int  # the backend's document number
    id: str
    run: str  # name of the run that added it
    sig16: bytes  # low 16 bits of each MinHash value, little-endian uint16


def index_params(settings: Any, bands: int, rows: int) -> dict[str, Any]:
    """The settings an index is bound to: documents hashed otherwise cannot be compared."""
    m = settings.minhash
    return {
        "num_perm": m.num_perm,
        "seed": m.seed,
        "scheme": m.scheme,
        "shingle_words": m.shingle_words,
        "min_words": m.min_words,
        "bands": bands,
        "rows": rows,
        "signature": "uint16-low-bits",
    }


def check_meta(meta: dict[str, str], params: dict[str, Any], where: str, remedy: str) -> None:
    """Raise unless ``meta`` (an index's stored version and parameters) matches this build and config."""
    if meta.get("version") != str(VERSION):
        raise IndexMismatchError(
            f"{where} has format version {meta.get('version')}, this textwash reads version {VERSION}")
    stored = json.loads(meta["params"])
    if stored != params:
        diff = ", ".join(
            f"{k}: index {stored.get(k)!r} vs config {params.get(k)!r}"
            for k in sorted(set(stored) | set(params))
            if stored.get(k) != params.get(k)
        )
        raise IndexMismatchError(f"{where} was built with other settings ({diff}); {remedy}")


def pack_sig16(sigs: np.ndarray) -> list[bytes]:
    """Compact signatures: the low 16 bits of each value."""
    low = (sigs & 0xFFFF).astype("<u2")
    return [row.tobytes() for row in low]


def sig16_similarity(a: bytes, b: bytes) -> float:
    """Share of equal 16-bit MinHash values: the estimated Jaccard similarity."""
    x = np.frombuffer(a, dtype="<u2")
    y = np.frombuffer(b, dtype="<u2")
    return float(np.count_nonzero(x == y)) / x.size if x.size else 0.0


def exact_int(key: str) -> int:
    """The 128-bit hex exact key as a signed 64-bit integer (its first 64 bits)."""
    value = int(key[:16], 16)
    return value - (1 << 64) if value >= 1 << 63 else value


class Session(Protocol):
    """A write session: holds the index's writer lock until it ends; changes commit at the end."""

    run: str
    already_added: bool  # this run's documents were committed by an earlier attempt

    def exact(self, keys: list[int]) -> dict[int, Entry]:
        """Earliest earlier document per exact key (other runs only)."""
        ...

    def candidates(self, band_keys: np.ndarray) -> list[tuple[int, int]]:
        """``(row, ref)`` pairs: row of ``band_keys`` shares a band key with earlier document ``ref``."""
        ...

    def entries(self, refs: list[int]) -> dict[int, Entry]: ...

    def add(
        self, ids: list[str], exact_keys: list[int], band_keys: np.ndarray, sig16: list[bytes]
    ) -> None: ...


class Index(Protocol):
    location: str

    def session(self, run: str) -> Iterator[Session]:
        """Context manager: lock (waiting up to the timeout), yield a session, commit or roll back."""
        ...

    def find(self, doc_id: str) -> list[Entry]:
        """Documents stored under ``doc_id`` (read-only; for ``explain``)."""
        ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
