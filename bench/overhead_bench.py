"""CPU a worker spends per document OUTSIDE the cleaning stages, shard step by shard step, in-process.

Takes a work folder kept by a real run (``textwash clean … --set run.keep_work_dir=true``), copies
it, and re-runs ``prepare_shard``, ``clean_shard`` and ``render_shard`` on its first shards (their
outputs removed first), measuring process CPU per document minus the pipeline's stage timers
(best of ``--repeat``). ``--profile`` prints a cProfile of one round instead. Run by hand::

    PYTHONPATH=$PWD python bench/overhead_bench.py WORK_FOLDER [--shards 4] [--repeat 3] [--profile STEP]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flows import stages
from flows.stages import Work

STEPS = ("prepare", "clean", "render")


def _reset(work: Work, step: str, shards: list[int]) -> None:
    """Remove the outputs of ``step`` for ``shards`` so the step runs again."""
    for i in shards:
        paths = {
            "prepare": [work.prepared(i), work.lines(i)],
            "clean": [work.cleaned(i), work.features(i), work.ids(i)],
            "render": [work.tally(i)],
        }[step]
        for p in paths:
            p.unlink(missing_ok=True)
        if step == "render":
            shutil.rmtree(work.rendered(i), ignore_errors=True)


def _fn(step: str) -> Callable[[str, int], dict[str, Any]]:
    return {"prepare": stages.prepare_shard, "clean": stages.clean_shard, "render": stages.render_shard}[step]


def run_step(work: Work, step: str, shards: list[int]) -> tuple[float, float, int]:
    """(process CPU s, stage CPU s, documents) of one round of ``step`` over ``shards``."""
    _reset(work, step, shards)
    fn = _fn(step)
    cpu = stage = 0.0
    docs = 0
    for i in shards:
        started = time.process_time()
        res = fn(str(work.root), i)
        cpu += time.process_time() - started
        stage += sum(res.get("stages", {}).values())
        docs += res["docs"]
    return cpu, stage, docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path, help="a kept work folder (…/.textwash-work/<run key>)")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", choices=STEPS)
    ap.add_argument("--sort", default="tottime")
    ap.add_argument("--top", type=int, default=45)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="overhead-bench-"))
    try:
        root = tmp / args.work.name
        shutil.copytree(args.work, root)
        work = Work(root)
        shards = list(range(args.shards))
        stages.warm_up(work.settings.read_text(encoding="utf-8"))
        for step in STEPS:
            run_step(work, step, shards[:1])  # warm: caches, imports
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            run_step(work, args.profile, shards)
            prof.disable()
            pstats.Stats(prof).sort_stats(args.sort).print_stats(args.top)
            return
        total = 0.0
        for step in STEPS:
            best = min((run_step(work, step, shards) for _ in range(args.repeat)), key=lambda r: r[0] - r[1])
            cpu, stage, docs = best
            outside = (cpu - stage) / docs * 1e6
            total += outside
            print(f"{step:8s} {docs} docs: CPU {cpu / docs * 1e6:7.1f} µs/doc, stages {stage / docs * 1e6:7.1f}, "
                  f"outside stages {outside:6.1f} µs/doc")
        print(f"outside stages, prepare+clean+render: {total:.1f} µs/doc")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
