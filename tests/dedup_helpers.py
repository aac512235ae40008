"""Helpers for dedup tests: features straight from texts, and the copied news articles."""

from __future__ import annotations

import json
from pathlib import Path

from cleaners.minhash import features
from flows.config import Settings
from flows.dedup import Features, feature_arrays

DATA = Path(__file__).resolve().parent / "data" / "dedup"


def articles() -> list[dict[str, str]]:
    with (DATA / "articles.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def make_features(
    texts: list[str], settings: Settings, ids: list[str] | None = None, dates: list[str] | None = None
) -> Features:
    ids = ids or [f"d{i}" for i in range(len(texts))]
    feats = [features(t, settings.minhash) for t in texts]
    arr = feature_arrays(
        ids,
        [k for k, _ in feats],
        [h for _, h in feats],
        [len(t) for t in texts],
        dates or [""] * len(texts),
        settings.minhash,
    )
    return Features(
        ids,
        [str(k) for k in arr["keys"]],
        arr["sigs"],
        arr["lengths"],
        list(dates or [""] * len(texts)),
        arr["shingles"],
        arr["offsets"],
    )
