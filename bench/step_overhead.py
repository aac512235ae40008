"""CPU per document spent in the shard steps OUTSIDE the cleaning stages (issue 6 throughput).

Runs plan → prepare_shard → find_repeated_lines → clean_shard → dedup → render_shard → write_outputs
directly (no Prefect) in this process, on a fresh work folder each repeat, and prints per step the CPU
µs per document, the stage CPU inside it, and the difference (the overhead this benchmark is about).
Each repeat runs in a fresh process (a pool worker cleans each shard once: no caches warmed by an
earlier repeat); best of ``--repeats`` per step. ``--profile`` adds a cProfile of one run sorted by
tottime, without the functions of ``cleaners/``.

    PYTHONPATH=$PWD /work/venv/bin/python bench/step_overhead.py /tmp/flow2/corpus4000.jsonl
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flows import stages
from flows.config import load_settings

STEPS = ("plan", "prepare", "repeated", "clean", "dedup", "render", "write")


def run_once(corpus: Path, tmp: Path) -> tuple[int, dict[str, float], dict[str, float]]:
    """One run; returns (documents, CPU seconds per step, stage CPU seconds per step)."""
    settings = load_settings()
    work = stages.Work(tmp / "work")
    out = tmp / "out"
    cpu: dict[str, float] = {}
    inner: dict[str, float] = defaultdict(float)
    stages.warm_up(settings.model_dump_json())

    def timed(step: str, fn: Callable[..., Any], *args: Any) -> Any:
        t = time.process_time()
        res = fn(*args)
        cpu[step] = cpu.get(step, 0.0) + time.process_time() - t
        if isinstance(res, dict) and "stages" in res:
            inner[step] += sum(res["stages"].values())
        return res

    data = timed("plan", stages.plan, [str(corpus)], settings, work)
    n = len(data["shards"])
    root = str(work.root)
    docs = sum(timed("prepare", stages.prepare_shard, root, i)["docs"] for i in range(n))
    timed("repeated", stages.find_repeated_lines, root, n)
    for i in range(n):
        timed("clean", stages.clean_shard, root, i)
    timed("dedup", stages.dedup, root, n)
    for i in range(n):
        timed("render", stages.render_shard, root, i)
    timed("write", stages.write_outputs, root, n, str(out))
    return docs, cpu, dict(inner)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--one", action="store_true", help="one run in this process, printed as JSON")
    args = ap.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory(prefix="step-overhead-") as tmp:
            print(json.dumps(run_once(args.corpus, Path(tmp))))
        return
    best: dict[str, float] = {}
    best_out: dict[str, float] = {}
    stage_of: dict[str, float] = {}
    docs = 0
    for _ in range(args.repeats):
        res = subprocess.run([sys.executable, __file__, str(args.corpus), "--one"], check=True,
                             capture_output=True, text=True)
        docs, cpu, inner = json.loads(res.stdout.strip().splitlines()[-1])
        for step, sec in cpu.items():
            outside = sec - inner.get(step, 0.0)
            if step not in best_out or outside < best_out[step]:
                best_out[step] = outside
                best[step] = sec
                stage_of[step] = inner.get(step, 0.0)
    print(f"{docs} documents, best of {args.repeats}; CPU µs/doc")
    print(f"{'step':10s} {'total':>8s} {'stages':>8s} {'outside':>8s}")
    for step in STEPS:
        print(f"{step:10s} {best[step] / docs * 1e6:8.1f} {stage_of[step] / docs * 1e6:8.1f} "
              f"{best_out[step] / docs * 1e6:8.1f}")
    print(f"{'sum':10s} {sum(best.values()) / docs * 1e6:8.1f} {sum(stage_of.values()) / docs * 1e6:8.1f} "
          f"{sum(best_out.values()) / docs * 1e6:8.1f}")
    if args.profile:
        tmp = Path(tempfile.mkdtemp(prefix="step-overhead-prof-"))
        try:
            prof = cProfile.Profile()
            prof.runcall(run_once, args.corpus, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        stats = pstats.Stats(prof, stream=io.StringIO())
        keep = {k: v for k, v in stats.stats.items() if "/cleaners/" not in k[0]}  # type: ignore[attr-defined]
        stats.stats = keep  # type: ignore[attr-defined]
        stats.stream = sys.stdout  # type: ignore[attr-defined]
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
