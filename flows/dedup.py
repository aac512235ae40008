"""The global dedup step: exact duplicates, MinHash LSH near-duplicates, union-find clusters, and
(with ``index.path``) deduplication against the documents of earlier runs.

Verification (decided here, documented in ``config/default.toml``): an LSH candidate pair inside a
run is a near-duplicate if the exact Jaccard similarity of the two shingle sets reaches
``lsh.threshold``, or, for truncated copies, if ``lsh.containment`` is set, the smaller set has at
least ``lsh.containment_min_shingles`` shingles and ``lsh.containment_min_ratio`` of the larger
one's, and that share of it is contained in the larger one (the size guard keeps an article quoted
whole inside a longer one from counting as its copy). Inside a run LSH proposes candidates down to
Jaccard ``lsh.candidate_threshold``, as a truncated copy's Jaccard is lower than its containment.
Shingle hashes are stored per shard in the features file, so the check is exact. Against earlier
runs the index keeps only 16-bit signatures, so those pairs are verified by estimated Jaccard
(share of equal MinHash values, ``num_perm`` of them) against the same threshold.

A cluster is one union-find component. Its representative follows ``dedup.keep`` (longest cleaned
text, earliest date in the metadata, or first seen); if any member duplicates an earlier run's
document, that earlier document stays the representative and every member of the cluster is a
duplicate of it. Kept documents of the run are added to the index in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from cleaners.lsh import UnionFind, band_keys, candidate_pairs, choose_bands
from cleaners.minhash import MinHashOptions, containment, jaccard, signatures
from flows.atomic import write_json_compact
from flows.config import Settings
from flows.index.base import exact_int, pack_sig16, sig16_similarity


@dataclass
class Features:
    """Dedup features of a run's kept documents, in input order.

    Loaded with ``shingles=False`` (:func:`load_features`), the shingle hashes (most of the bytes)
    stay in the shard files until :meth:`require` reads those of the documents that are compared.
    """

    ids: list[str]
    keys: list[str]
    sigs: np.ndarray  # (n, num_perm) uint32
    lengths: np.ndarray  # cleaned text length in characters
    dates: list[str]  # ISO date from the metadata, or ""
    shingles: np.ndarray  # all shingle hashes, concatenated (uint32)
    offsets: np.ndarray  # (n + 1,) start of each document's shingles
    sources: list[Path] | None = None  # shard features files whose shingles are not read yet
    loaded: np.ndarray | None = None  # per document: shingles read (None: every document's)
    run_keys: np.ndarray | None = None  # (n, bands) candidate band keys, read instead of ``sigs``
    run_shape: tuple[int, int] = (0, 0)  # their bands × rows

    def shingle_set(self, i: int) -> np.ndarray:
        if self.loaded is not None and not self.loaded[i]:
            raise LookupError(f"the shingles of document {i} were not loaded (Features.require)")
        return self.shingles[self.offsets[i] : self.offsets[i + 1]]

    def require(self, wanted: np.ndarray) -> None:
        """Read the shingle hashes of the documents where ``wanted`` (bool, per document) is set, if
        they are still in the shard files; one shard file at a time, into one array sized first."""
        if self.sources is None:
            return
        sizes = np.diff(self.offsets) * wanted
        offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        shingles = np.empty(int(offsets[-1]), dtype=np.uint32)
        first = 0  # the shard's first document
        for path in self.sources:
            with np.load(path) as data:
                inner = data["offsets"]
                docs = inner.size - 1
                picked = np.flatnonzero(wanted[first : first + docs])
                if picked.size:
                    part = data["shingles"]
                    for j in picked.tolist():
                        shingles[offsets[first + j] : offsets[first + j + 1]] = part[inner[j] : inner[j + 1]]
            first += docs
        self.shingles, self.offsets, self.loaded, self.sources = shingles, offsets, wanted.astype(bool), None


def doc_date(meta: dict[str, Any], fields: tuple[str, ...] | list[str]) -> str:
    """The first date found in ``meta`` under ``fields``, as a UTC ISO string; "" if none parses."""
    for field in fields:
        value = meta.get(field) if isinstance(meta, dict) else None
        if value is None or isinstance(value, bool):
            continue
        try:
            if isinstance(value, int | float):
                when = datetime.fromtimestamp(float(value), tz=UTC)
            else:
                when = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
                when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        except (ValueError, OverflowError, OSError):
            continue
        return when.isoformat()
    return ""


def feature_arrays(
    ids: list[str],
    keys: list[str],
    shingles: list[np.ndarray],
    lengths: list[int],
    dates: list[str],
    opts: MinHashOptions,
) -> dict[str, np.ndarray]:
    """The arrays of one shard's features file (signatures computed here, in batches)."""
    sizes = np.array([s.size for s in shingles], dtype=np.int64)
    return {
        "ids": np.array(ids, dtype=str),
        "keys": np.array(keys, dtype="U32"),
        "sigs": signatures(shingles, opts),
        "lengths": np.array(lengths, dtype=np.int64),
        "dates": np.array(dates, dtype=str),
        "shingles": np.concatenate(shingles).astype(np.uint32) if shingles else np.zeros(0, dtype=np.uint32),
        "offsets": np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
    }


def load_features(paths: list[Path], num_perm: int, shingles: bool = True,
                  band_shape: tuple[int, int] | None = None) -> Features:
    """The features of every shard, concatenated. The shingle hashes (most of the bytes) are read
    shard by shard into one array sized from the offsets first, so loading never holds them twice;
    with ``shingles=False`` they are left in the files for :meth:`Features.require`. With
    ``band_shape`` (bands, rows) the signatures are turned into those band keys shard by shard and
    not kept (``run_keys``: a run without an index needs nothing else of them)."""
    ids: list[str] = []
    keys: list[str] = []
    dates: list[str] = []
    sigs, lengths, sizes = [], [], []
    for path in paths:
        with np.load(path) as data:
            ids.extend(str(x) for x in data["ids"])
            keys.extend(str(x) for x in data["keys"])
            dates.extend(str(x) for x in data["dates"])
            part = data["sigs"]
            sigs.append(part if band_shape is None else _band_keys(part, range(len(part)), *band_shape))
            lengths.append(data["lengths"])
            sizes.append(np.diff(data["offsets"]))
    size = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(size))).astype(np.int64)
    f = Features(
        ids,
        keys,
        np.concatenate(sigs) if sigs and band_shape is None else np.zeros((0, num_perm), dtype=np.uint32),
        np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64),
        dates,
        np.zeros(0, dtype=np.uint32),
        offsets,
        sources=list(paths),
    )
    if band_shape is not None:
        f.run_keys = np.concatenate(sigs) if sigs else np.zeros((0, band_shape[0]), dtype=np.int64)
        f.run_shape = band_shape
    if shingles:
        f.require(np.ones(len(ids), dtype=bool))
        f.loaded = None
    return f


def lsh_shape(settings: Settings) -> tuple[int, int]:
    """Bands × rows for Jaccard ``lsh.threshold``: used for the index (and in a run without containment)."""
    lsh = settings.lsh
    if lsh.bands and lsh.rows:
        return lsh.bands, lsh.rows
    return choose_bands(settings.minhash.num_perm, lsh.threshold, lsh.false_negative_weight)


def candidate_shape(settings: Settings) -> tuple[int, int]:
    """Bands × rows proposing pairs inside a run: down to ``lsh.candidate_threshold`` when the
    containment check is on (a truncated copy has a lower Jaccard than its containment)."""
    lsh = settings.lsh
    if not lsh.containment or lsh.candidate_threshold >= lsh.threshold:
        return lsh_shape(settings)
    return choose_bands(settings.minhash.num_perm, lsh.candidate_threshold, lsh.false_negative_weight)


def verify(a: np.ndarray, b: np.ndarray, settings: Settings) -> tuple[float, str] | None:
    """``(similarity, rule)`` if two shingle sets are near-duplicates, else None."""
    lsh = settings.lsh
    sim = jaccard(a, b)
    if sim >= lsh.threshold:
        return sim, "jaccard"
    small, large = sorted((a.size, b.size))
    if (
        lsh.containment
        and small >= lsh.containment_min_shingles
        and small >= lsh.containment_min_ratio * large
    ):
        cont = containment(a, b)
        if cont >= lsh.containment:
            return cont, "containment"
    return None


def _representative(members: list[int], f: Features, policy: str) -> int:
    if policy == "longest":
        return max(members, key=lambda i: (int(f.lengths[i]), -i))
    if policy == "earliest":
        return min(members, key=lambda i: (f.dates[i] == "", f.dates[i], i))
    return min(members)


def _member_similarity(i: int, kept: int, f: Features, settings: Settings) -> tuple[float, str]:
    if f.keys[i] == f.keys[kept]:
        return 1.0, "exact"
    found = verify(f.shingle_set(i), f.shingle_set(kept), settings)
    if found:
        return found
    return jaccard(f.shingle_set(i), f.shingle_set(kept)), "linked"  # joined through other members


def _earlier_matches(
    session: Any,
    f: Features,
    groups: list[list[int]],
    unique: set[int],
    bands: int,
    rows: int,
    settings: Settings,
) -> dict[int, tuple[Any, float, str]]:
    """Per group (by position in ``groups``): the best earlier document, its similarity and rule."""
    best: dict[int, tuple[Any, float, str]] = {}

    def offer(g: int, entry: Any, sim: float, rule: str) -> None:
        cur = best.get(g)
        if cur is None or (sim, -entry.ref) > (cur[1], -cur[0].ref):
            best[g] = (entry, sim, rule)

    group_of = {i: g for g, members in enumerate(groups) for i in members}
    order = [i for members in groups for i in members]
    step = settings.index.query_batch
    for start in range(0, len(order), step):
        chunk = order[start : start + step]
        exact = session.exact([exact_int(f.keys[i]) for i in chunk])
        for i in chunk:
            hit = exact.get(exact_int(f.keys[i]))
            if hit is not None:
                offer(group_of[i], hit, 1.0, "exact")
        if not settings.dedup.near:
            continue
        near = [i for i in chunk if i in unique]
        if not near:
            continue
        keys = band_keys(f.sigs[near], bands, rows)
        pairs = session.candidates(keys)
        entries = session.entries([ref for _, ref in pairs])
        sig16 = pack_sig16(f.sigs[near])
        for row, ref in pairs:
            sim = sig16_similarity(sig16[row], entries[ref].sig16)
            if sim >= settings.lsh.threshold:
                offer(group_of[near[row]], entries[ref], sim, "minhash")
    return best


BAND_CHUNK = 2048  # signatures banded per numpy call (its uint64 temporaries: ~2 MB per 1,000 rows each)


def _band_keys(sigs: np.ndarray, rows_of: Sequence[int], bands: int, rows: int) -> np.ndarray:
    """:func:`band_keys` of ``sigs[rows_of]``, a chunk of rows at a time (same keys, a bounded peak:
    at once, 20,000 signatures cost ~40 MB of temporaries)."""
    out = np.empty((len(rows_of), bands), dtype=np.int64)
    for first in range(0, len(rows_of), BAND_CHUNK):
        part = rows_of[first : first + BAND_CHUNK]
        out[first : first + len(part)] = band_keys(sigs[np.asarray(part, dtype=np.int64)], bands, rows)
    return out


def deduplicate(f: Features, settings: Settings, session: Any = None) -> dict[str, Any]:
    """Decide, for each document (by position), its cluster and what it duplicates.

    Returns ``ids``, per position ``duplicate_of`` (position, -1: none), ``similarity`` (to the
    cluster's representative), ``rule``, ``cluster`` (-1: none); ``earlier`` (position → the
    earlier run's document it duplicates), ``clusters``, ``rejected`` (duplicate ids) and ``stats``.
    """
    n = len(f.ids)
    uf = UnionFind(n)
    rejected: dict[int, str] = {}
    seen_ids: dict[str, int] = {}
    for i, doc_id in enumerate(f.ids):
        if doc_id in seen_ids:
            rejected[i] = f"id already used by the document at input position {seen_ids[doc_id]}"
        else:
            seen_ids[doc_id] = i
    live = [i for i in range(n) if i not in rejected]
    stats: dict[str, Any] = {"exact_pairs": 0, "candidates": 0, "near_pairs": 0}
    unique: list[int] = []
    first_with_key: dict[str, int] = {}
    compared = np.zeros(n, dtype=bool)  # documents whose shingles are read: candidates and exact copies
    for i in live:
        first = first_with_key.setdefault(f.keys[i], i)
        if first != i:
            compared[[first, i]] = True  # a cluster's kept text can be an exact copy of a compared one
        if first != i and settings.dedup.exact:
            uf.union(first, i)
            stats["exact_pairs"] += 1
        else:
            unique.append(i)
    bands, rows = lsh_shape(settings)
    run_bands, run_rows = candidate_shape(settings)
    stats.update(bands=run_bands, rows=run_rows, index_bands=bands, index_rows=rows)
    near = settings.dedup.near and len(unique) > 1
    pairs = np.zeros((0, 2), dtype=np.int64)
    if near:
        if f.run_keys is None:
            keys = _band_keys(f.sigs, unique, run_bands, run_rows)
        elif f.run_shape == (run_bands, run_rows):
            keys = f.run_keys[np.asarray(unique, dtype=np.int64)]
        else:
            raise ValueError(f"band keys loaded for {f.run_shape}, the run needs {(run_bands, run_rows)}")
        pairs = candidate_pairs(keys, settings.lsh.max_bucket)
        del keys
        stats["candidates"] = len(pairs)
    compared[np.asarray(unique, dtype=np.int64)[pairs.reshape(-1)]] = True
    f.require(compared)
    if near:
        rules: dict[str, int] = {}
        for a, b in pairs.tolist():
            i, j = unique[a], unique[b]
            found = verify(f.shingle_set(i), f.shingle_set(j), settings)
            if found:
                uf.union(i, j)
                stats["near_pairs"] += 1
                rules[found[1]] = rules.get(found[1], 0) + 1
        stats["near_pairs_by_rule"] = rules
    grouped: dict[int, list[int]] = {}
    for i in live:
        grouped.setdefault(uf.find(i), []).append(i)
    groups = sorted(grouped.values(), key=lambda m: m[0])
    earlier = {}
    if session is not None:
        earlier = _earlier_matches(session, f, groups, set(unique), bands, rows, settings)
    duplicate_of = [-1] * n
    similarity = [1.0] * n
    rule: list[str | None] = [None] * n
    cluster = [-1] * n
    earlier_out: dict[str, dict[str, Any]] = {}
    clusters = []
    kept_positions: list[int] = []
    for g, members in enumerate(groups):
        match = earlier.get(g)
        if len(members) == 1 and match is None:
            kept_positions.append(members[0])
            continue
        cid = len(clusters) + 1
        entry = []
        if match is not None:
            ref, _, _ = match
            sig16 = pack_sig16(f.sigs[members])
            exact_hits = session.exact([exact_int(f.keys[i]) for i in members])
            for k, i in enumerate(members):
                hit = exact_hits.get(exact_int(f.keys[i]))
                sim, why = (
                    (1.0, "exact")
                    if hit is not None and hit.ref == ref.ref
                    else (round(sig16_similarity(sig16[k], ref.sig16), 4), "minhash")
                )
                cluster[i], similarity[i], rule[i] = cid, sim, why
                earlier_out[str(i)] = {"id": ref.id, "run": ref.run, "similarity": sim, "rule": why}
                entry.append([i, sim, why])
            clusters.append(
                {"cluster": cid, "kept": -1, "kept_earlier": {"id": ref.id, "run": ref.run}, "members": entry}
            )
            continue
        kept = _representative(members, f, settings.dedup.keep)
        kept_positions.append(kept)
        for i in members:
            sim, why = (1.0, "kept") if i == kept else _member_similarity(i, kept, f, settings)
            sim = round(sim, 4)
            cluster[i], similarity[i], rule[i] = cid, sim, why
            if i != kept:
                duplicate_of[i] = kept
            entry.append([i, sim, why])
        clusters.append({"cluster": cid, "kept": kept, "kept_earlier": None, "members": entry})
    if session is not None:
        kept_positions.sort()
        stats["index_added"] = 0 if session.already_added else len(kept_positions)
        session.add(
            [f.ids[i] for i in kept_positions],
            [exact_int(f.keys[i]) for i in kept_positions],
            band_keys(f.sigs[kept_positions], bands, rows)
            if kept_positions
            else np.zeros((0, bands), dtype=np.int64),
            pack_sig16(f.sigs[kept_positions]),
        )
        stats["earlier_duplicates"] = len(earlier_out)
    return {
        "ids": f.ids,
        "duplicate_of": duplicate_of,
        "similarity": similarity,
        "rule": rule,
        "cluster": cluster,
        "earlier": earlier_out,
        "clusters": clusters,
        "rejected": {str(k): v for k, v in rejected.items()},
        "stats": stats,
    }


def run_dedup(feature_paths: list[Path], settings: Settings, out: Path, run_name: str = "") -> dict[str, Any]:
    """Deduplicate a run's features into ``out`` (decisions JSON); with ``index.path`` against the index."""
    # shingles read as compared; without an index the signatures serve only as the run's band keys
    feats = load_features(feature_paths, settings.minhash.num_perm, shingles=False,
                          band_shape=None if settings.index.path else candidate_shape(settings))
    if not settings.index.path:
        result = deduplicate(feats, settings)
    else:
        from flows.index import open_index

        index = open_index(settings.index.path, settings)
        try:
            with index.session(run_name or "unnamed") as session:
                result = deduplicate(feats, settings, session)
            result["stats"]["index"] = index.stats()
        finally:
            index.close()
    write_json_compact(out, result)  # big lists: json's indented encoder is pure Python
    return result["stats"]
