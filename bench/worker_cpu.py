"""A pool worker's CPU per document over the shard steps, in one process, as a forked worker runs them.

``gc.freeze`` as the CLI does before forking, then ``stages.warm_up``, then prepare, clean and render
over the first ``--shards`` shards of a copy of a kept work folder (best of ``--repeat`` rounds):
process CPU µs/doc per step, the pipeline's stage timers, and what lies outside them. Run by hand,
in turns with another checkout (``cd`` there; this file can be copied)::

    PYTHONPATH=$PWD python bench/worker_cpu.py WORK_FOLDER [--shards 4] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

gc.collect()
gc.freeze()  # as flows.workers.fork_pool does before forking the workers

sys.path.insert(0, os.getcwd())
sys.path.insert(0, os.path.join(os.getcwd(), "bench"))

from overhead_bench import _reset  # noqa: E402

from flows import stages  # noqa: E402
from flows.stages import Work  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path, help="a kept work folder (…/.textwash-work/<run key>)")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="worker-cpu-"))
    try:
        root = tmp / args.work.name
        shutil.copytree(args.work, root)
        work = Work(root)
        stages.warm_up(work.settings.read_text(encoding="utf-8"))
        steps = {"prepare": stages.prepare_shard, "clean": stages.clean_shard, "render": stages.render_shard}
        best = dict.fromkeys(steps, float("inf"))
        timers: dict[str, dict[str, float]] = {}
        for _ in range(args.repeat):
            for step, fn in steps.items():
                _reset(work, step, list(range(args.shards)))
                started = time.process_time()
                docs = 0
                stage: dict[str, float] = {}
                for i in range(args.shards):
                    res = fn(str(root), i)
                    docs += res["docs"]
                    for k, v in res.get("stages", {}).items():
                        stage[k] = stage.get(k, 0.0) + v
                cpu = (time.process_time() - started) / docs * 1e6
                if cpu < best[step]:
                    best[step] = cpu
                    timers[step] = {k: v / docs * 1e6 for k, v in stage.items()}
        total = sum(best.values())
        stage_us = {k: round(v) for t in timers.values() for k, v in t.items()}
        print(f"{Path.cwd().name}: total {total:.0f} µs/doc; "
              + ", ".join(f"{k} {v:.0f}" for k, v in best.items())
              + f"; stages {stage_us}; outside the stages {total - sum(stage_us.values()):.0f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
