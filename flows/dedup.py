"""The global dedup step: exact duplicates, then MinHash LSH near-duplicates, clustered by union-find."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from cleaners.lsh import UnionFind, candidate_pairs, choose_bands
from flows.atomic import write_json
from flows.config import Settings


def load_features(paths: list[Path]) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Ids, exact keys, signatures and text lengths of every kept document, in input order."""
    ids: list[str] = []
    keys: list[str] = []
    sigs: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    for path in paths:
        with np.load(path) as data:
            ids.extend(str(x) for x in data["ids"])
            keys.extend(str(x) for x in data["keys"])
            sigs.append(data["sigs"])
            lengths.append(data["lengths"])
    num_perm = sigs[0].shape[1] if sigs else 0
    sig = np.concatenate(sigs) if sigs else np.zeros((0, num_perm), dtype=np.uint32)
    length = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    return ids, keys, sig, length


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / a.size


def deduplicate(ids: list[str], keys: list[str], sigs: np.ndarray, lengths: np.ndarray,
                settings: Settings) -> dict[str, Any]:
    """Decide, for each document (by position), its cluster and what it duplicates.

    Returns ``{"duplicate_of": [...], "similarity": [...], "cluster": [...], "clusters": [...],
    "rejected": {position: reason}}`` where -1 means none.
    """
    n = len(ids)
    uf = UnionFind(n)
    rejected: dict[int, str] = {}
    seen_ids: dict[str, int] = {}
    for i, doc_id in enumerate(ids):
        if doc_id in seen_ids:
            rejected[i] = f"id already used by the document at input position {seen_ids[doc_id]}"
        else:
            seen_ids[doc_id] = i
    live = [i for i in range(n) if i not in rejected]
    sim_to: dict[tuple[int, int], float] = {}
    unique: list[int] = []
    if settings.dedup.exact:
        first_with_key: dict[str, int] = {}
        for i in live:
            first = first_with_key.setdefault(keys[i], i)
            if first != i:
                uf.union(first, i)
                sim_to[(first, i)] = 1.0
            else:
                unique.append(i)
    else:
        unique = live
    stats = {"exact_pairs": len(sim_to), "candidates": 0, "near_pairs": 0}
    if settings.dedup.near and len(unique) > 1:
        lsh = settings.lsh
        bands, rows = (lsh.bands, lsh.rows) if lsh.bands and lsh.rows else choose_bands(
            sigs.shape[1], lsh.threshold, lsh.false_negative_weight)
        pairs = candidate_pairs([sigs[i] for i in unique], bands, rows)
        stats.update(bands=bands, rows=rows, candidates=len(pairs))
        for a, b in sorted(pairs):
            i, j = unique[a], unique[b]
            sim = estimated_jaccard(sigs[i], sigs[j])
            if sim >= lsh.threshold:
                uf.union(i, j)
                sim_to[(i, j)] = sim
                stats["near_pairs"] += 1
    groups: dict[int, list[int]] = {}
    for i in live:
        groups.setdefault(uf.find(i), []).append(i)
    duplicate_of = [-1] * n
    similarity = [1.0] * n
    cluster = [-1] * n
    clusters = []
    for members in sorted((m for m in groups.values() if len(m) > 1), key=lambda m: m[0]):
        if settings.dedup.keep == "longest":
            kept = max(members, key=lambda i: (int(lengths[i]), -i))
        else:
            kept = members[0]
        cid = len(clusters) + 1
        entry = []
        for i in members:
            cluster[i] = cid
            sim = 1.0 if keys[i] == keys[kept] else estimated_jaccard(sigs[i], sigs[kept])
            similarity[i] = round(sim, 4)
            if i != kept:
                duplicate_of[i] = kept
            entry.append([i, round(sim, 4)])
        clusters.append({"cluster": cid, "kept": kept, "members": entry})
    return {
        "ids": ids, "duplicate_of": duplicate_of, "similarity": similarity, "cluster": cluster,
        "clusters": clusters, "rejected": {str(k): v for k, v in rejected.items()}, "stats": stats,
    }


def run_dedup(feature_paths: list[Path], settings: Settings, out: Path) -> dict[str, Any]:
    ids, keys, sigs, lengths = load_features(feature_paths)
    result = deduplicate(ids, keys, sigs, lengths, settings)
    write_json(out, result)
    return result["stats"]


def load_decisions(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
