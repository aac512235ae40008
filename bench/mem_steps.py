"""Memory of the shard steps in one process, without Prefect: RSS after each step and shard.

    PYTHONPATH=$PWD python bench/mem_steps.py [--corpus /tmp/bp-speed/corpus-20000/corpus.jsonl]
        [--shards N] [--trim] [--tracemalloc]

Runs plan, prepare (every shard), repeated lines, clean, dedup, render and write in this process, as
one pool worker would if it got every shard, and prints the resident set size (``VmRSS``) and its
high-water mark (``VmHWM``) after each step, so the growth of a worker can be pinned on a step.
``--trim`` calls glibc's ``malloc_trim(0)`` after every shard (what :mod:`flows.workers` does in
the workers) to tell heap fragmentation from live objects; ``--tracemalloc`` lists the biggest
Python allocation sites still alive after the clean step.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def status() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB."""
    vals = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            vals[line.split(":")[0]] = int(line.split()[1]) / 1024
    return vals["VmRSS"], vals["VmHWM"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/bp-speed/corpus-20000/corpus.jsonl"))
    ap.add_argument("--shards", type=int, default=0, help="only the first N shards (0: all)")
    ap.add_argument("--trim", action="store_true", help="malloc_trim(0) after each shard")
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--work", type=Path, help="keep the work folder here (steps already done are skipped)")
    args = ap.parse_args()

    from flows import stages
    from flows.config import load_settings

    print(f"imports: rss {status()[0]:.0f} MB")
    settings = load_settings()
    stages.warm_up(settings.model_dump_json())
    print(f"warm_up: rss {status()[0]:.0f} MB")
    trim = None
    if args.trim:
        import ctypes

        trim = ctypes.CDLL("libc.so.6").malloc_trim
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(8)
    tmp = args.work or Path(tempfile.mkdtemp(prefix="mem-steps-"))
    try:
        work = stages.Work(tmp / "work")
        plan = stages.plan([str(args.corpus)], settings, work)
        n = len(plan["shards"]) if not args.shards else min(args.shards, len(plan["shards"]))

        def each(step: str, fn: Callable[..., Any], *a: Any) -> None:
            cpu = time.process_time()
            for i in range(n):
                fn(str(work.root), i, *a)
                if trim:
                    trim(0)
                if i % 5 == 4 or i == n - 1:
                    rss, hwm = status()
                    print(f"{step} shard {i + 1}/{n}: rss {rss:.0f} MB, high-water {hwm:.0f} MB")
            print(f"{step}: {time.process_time() - cpu:.1f} s CPU")

        each("prepare", stages.prepare_shard)
        stages.find_repeated_lines(str(work.root), n)
        print(f"repeated: rss {status()[0]:.0f} / {status()[1]:.0f} MB")
        each("clean", stages.clean_shard)
        if args.tracemalloc:
            import tracemalloc

            snap = tracemalloc.take_snapshot()
            for stat in snap.statistics("traceback")[:12]:
                print(f"{stat.size / 2**20:7.1f} MB {stat.count:8d} blocks")
                for line in stat.traceback.format()[-6:]:
                    print("      ", line)
            tracemalloc.stop()
        from flows.workers import release_caches

        release_caches()  # as the flow's dedup task does (flows.workers.call(..., release=True))
        stages.dedup(str(work.root), n)
        if trim:
            trim(0)
        print(f"dedup: rss {status()[0]:.0f} / high-water {status()[1]:.0f} MB")
        each("render", stages.render_shard)
        report = stages.write_outputs(str(work.root), n, str(tmp / "out"))
        print(f"write: rss {status()[0]:.0f} / high-water {status()[1]:.0f} MB")
        print(json.dumps(report["counts"]))
    finally:
        if not args.work:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
