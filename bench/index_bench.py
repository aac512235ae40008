"""Benchmark the persistent dedup index: add 1,000 documents to indexes of 100k and 1M documents.

The big indexes are filled with synthetic signatures (random uint32 values, 64-hex-character ids,
in runs of 50,000 documents); the 1,000-document batch goes through the real ``flows.dedup``
path (exact and band lookups, verification, insertion, commit) in a fresh process, so its peak
RSS is the query's alone. 10% of the batch are near-copies of indexed documents (8 of 128
signature values changed), which must all be found.

    PYTHONPATH=$PWD /work/venv/bin/python bench/index_bench.py [--sizes 100000 1000000] [--dir /tmp/x]
    PYTHONPATH=$PWD /work/venv/bin/python bench/index_bench.py --sizes 100000 --redis redis://127.0.0.1:6379/0
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from cleaners.lsh import band_keys
from flows.config import Settings, load_settings
from flows.dedup import Features, deduplicate, lsh_shape
from flows.index import open_index
from flows.index.base import pack_sig16

BATCH = 1000
FILL_RUN = 50_000


def _ids(rng: np.random.Generator, n: int) -> list[str]:
    return [bytes(row).hex() for row in rng.integers(0, 256, size=(n, 32), dtype=np.uint8)]


def _base_sigs(start: int, n: int, num_perm: int) -> np.ndarray:
    """Synthetic signatures of documents ``start .. start+n-1``: a fixed hash of (document, position)."""
    doc = np.arange(start, start + n, dtype=np.uint64)[:, None]
    pos = np.arange(num_perm, dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        h = doc * np.uint64(0x9E3779B97F4A7C15) + pos * np.uint64(0xC2B2AE3D27D4EB4F) + np.uint64(1)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
    return (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def fill(location: str, settings: Settings, size: int) -> float:
    """Fill the index with ``size`` synthetic documents; returns seconds."""
    bands, rows = lsh_shape(settings)
    index = open_index(location, settings)
    started = time.perf_counter()
    have = index.stats().get("docs", index.stats().get("docs_reserved", 0))
    rng = np.random.default_rng(7)
    try:
        if hasattr(index, "db"):
            index.db.execute("PRAGMA cache_size=-200000")  # building only: 200 MB page cache
        for start in range(have, size, FILL_RUN):
            n = min(FILL_RUN, size - start)
            sigs = _base_sigs(start, n, settings.minhash.num_perm)
            with index.session(f"fill-{start}") as session:
                exact = rng.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64).tolist()
                session.add(_ids(rng, n), exact, band_keys(sigs, bands, rows), pack_sig16(sigs))
            print(f"  filled {start + n:,} documents ({time.perf_counter() - started:.0f} s)", flush=True)
        if hasattr(index, "db"):
            index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        index.close()
    return time.perf_counter() - started


def batch_features(settings: Settings, size: int, run: int, stored: int = 0) -> tuple[Features, int]:
    """1,000 synthetic documents (new for each index state ``stored``); every tenth is a near-copy of an
    indexed document."""
    rng = np.random.default_rng([1000 + run, stored])
    num_perm = settings.minhash.num_perm
    sigs = rng.integers(0, 2**32, size=(BATCH, num_perm), dtype=np.uint32)
    planted = 0
    for k in range(0, BATCH, 10):
        src = int(rng.integers(0, size))
        sigs[k] = _base_sigs(src, 1, num_perm)[0]
        sigs[k, rng.choice(num_perm, 8, replace=False)] ^= 0x5A5A5A5A
        planted += 1
    shingles = [rng.integers(0, 2**32, size=300, dtype=np.uint32) for _ in range(BATCH)]
    offsets = np.concatenate(([0], np.cumsum([s.size for s in shingles])))
    keys = [bytes(row).hex() for row in rng.integers(0, 256, size=(BATCH, 16), dtype=np.uint8)]
    feats = Features(
        _ids(rng, BATCH),
        keys,
        sigs,
        np.full(BATCH, 3000),
        [""] * BATCH,
        np.concatenate(shingles),
        offsets.astype(np.int64),
    )
    return feats, planted


def measure(location: str, size: int, run: int) -> dict:
    """In this (fresh) process: add one batch of 1,000 documents through flows.dedup."""
    settings = load_settings()
    probe = open_index(location, settings)
    stored = int(probe.stats().get("docs", probe.stats().get("docs_reserved", 0)))
    probe.close()
    feats, planted = batch_features(settings, size, run, stored)
    started = time.perf_counter()
    index = open_index(location, settings)
    try:
        with index.session(f"bench-batch-{run}-{time.time_ns()}") as session:
            result = deduplicate(feats, settings, session)
        seconds = time.perf_counter() - started
        stats = index.stats()
    finally:
        index.close()
    found = sum(1 for k in range(0, BATCH, 10) if str(k) in result["earlier"])
    return {
        "seconds": round(seconds, 3),
        "planted": planted,
        "found": found,
        "false": len(result["earlier"]) - found,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "index": stats,
    }


def _peak_rss_mb() -> float:
    """Peak RSS of this process image (VmHWM: unlike ru_maxrss, not inherited from the parent across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--dir", type=Path, default=Path("/tmp/textwash-index-bench"))
    ap.add_argument("--redis", help="benchmark a Redis index instead (redis://host:port/db)")
    ap.add_argument("--measure", nargs=3, metavar=("LOCATION", "SIZE", "RUN"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], int(args.measure[1]), int(args.measure[2]))))
        return
    settings = load_settings()
    args.dir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        if args.redis:
            location = args.redis  # one prefix per size
            os.environ["TEXTWASH_BENCH_PREFIX"] = f"bench{size}"
            settings = load_settings(overrides=[{"index": {"redis_prefix": f"bench{size}"}}])
        else:
            location = str(args.dir / f"index-{size}.db")
        print(f"index of {size:,} documents: {location}", flush=True)
        fill_s = fill(location, settings, size)
        before = _file_bytes(location)
        for run in range(2):
            env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
            cmd = [sys.executable, __file__, "--measure", location, str(size), str(run)]
            if args.redis:
                cmd = [
                    sys.executable,
                    "-c",
                    _REDIS_MEASURE.format(prefix=f"bench{size}"),
                    location,
                    str(size),
                    str(run),
                ]
            out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
            res = json.loads(out.strip().splitlines()[-1])
            docs = res["index"].get("docs") or res["index"].get("docs_reserved")
            print(
                f"  add {BATCH:,} docs: {res['seconds']:.3f} s ({BATCH / res['seconds']:,.0f} docs/s), "
                f"near-copies found {res['found']}/{res['planted']} (false {res['false']}), "
                f"peak RSS {res['peak_rss_mb']} MB, index docs {docs:,}",
                flush=True,
            )
        if not args.redis:
            after = _file_bytes(location)
            print(
                f"  disk: {after / docs:.0f} bytes/doc ({after / 1e6:.0f} MB for {docs:,} docs; "
                f"{before / 1e6:.0f} MB before the batches); fill {fill_s:.0f} s",
                flush=True,
            )


def _file_bytes(location: str) -> int:
    path = Path(location)
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


_REDIS_MEASURE = """
import json, sys
from flows.config import load_settings
import bench.index_bench as b
b.load_settings = lambda: load_settings(overrides=[{{"index": {{"redis_prefix": "{prefix}"}}}}])
print(json.dumps(b.measure(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
"""


if __name__ == "__main__":
    main()
