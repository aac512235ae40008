"""The Prefect flow: shard-level tasks passing a work-folder path and a shard number.

Local runs execute the CPU-heavy shard work in a plain process pool that the flow owns: Prefect
tasks run in threads and wait on the pool. Measured here, Prefect's ``ProcessPoolTaskRunner``
starts a Prefect client (and in ephemeral mode a server) in every worker process and scales
worse than a plain pool; the thread-plus-pool split keeps Prefect's task states, names and UI
while the work scales with cores. On a Dask cluster the tasks run the work on the Dask workers.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.futures import wait

from flows import stages
from flows.config import Settings
from flows.outputs import write_outputs, write_report

# Set by the CLI for the duration of a local run: the process pool and a progress callback.
_POOL: Executor | None = None
_PROGRESS: Callable[[str, int], None] | None = None


def _run(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    if _POOL is not None:
        return _POOL.submit(fn, *args).result()
    return fn(*args)


def _tick(step: str) -> None:
    if _PROGRESS is not None:
        _PROGRESS(step, 1)


@task(name="plan")
def plan_task(inputs: list[str], settings_json: str, work_root: str) -> dict[str, Any]:
    plan = stages.plan(inputs, Settings.model_validate_json(settings_json), stages.Work(Path(work_root)))
    return {"shards": len(plan["shards"]), "files": plan["files"], "rejects": len(plan["rejects"])}


@task
def prepare_task(work_root: str, index: int) -> dict[str, Any]:
    result = _run(stages.prepare_shard, work_root, index)
    _tick("prepare")
    return result


@task(name="repeated-lines")
def repeated_task(work_root: str, shards: int) -> dict[str, Any]:
    return stages.find_repeated_lines(work_root, shards)


@task
def clean_task(work_root: str, index: int) -> dict[str, Any]:
    result = _run(stages.clean_shard, work_root, index)
    _tick("clean")
    return result


@task(name="dedup")
def dedup_task(work_root: str, shards: int) -> dict[str, Any]:
    return _run(stages.dedup, work_root, shards)


@task(name="write-outputs")
def write_task(work_root: str, shards: int, out: str) -> dict[str, Any]:
    import json

    work = stages.Work(Path(work_root))
    plan = json.loads(work.plan.read_text(encoding="utf-8"))
    decisions = json.loads(work.dedup.read_text(encoding="utf-8"))
    return write_outputs([work.cleaned(i) for i in range(shards)], plan["rejects"], decisions, Path(out))


def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("textwash", "ftfy", "langdetect", "datasketch", "regex", "prefect", "numpy", "charset-normalizer"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _stage_seconds(results: list[dict[str, Any]]) -> dict[str, float]:
    """Per-stage seconds summed over shards (CPU time per stage, whatever the number of workers)."""
    total: dict[str, float] = {}
    for r in results:
        for stage, sec in r.get("stages", {}).items():
            total[stage] = total.get(stage, 0.0) + sec
    return {k: round(v, 3) for k, v in sorted(total.items())}


def _map(fn: Any, label: str, work_root: str, shards: int) -> list[dict[str, Any]]:
    futures = [fn.with_options(name=f"{label}-shard-{i:06d}").submit(work_root, i) for i in range(shards)]
    wait(futures)
    return [f.result() for f in futures]


@flow(name="textwash-clean", log_prints=False, validate_parameters=False)
def clean_flow(inputs: list[str], out: str, settings_json: str, work_root: str) -> dict[str, Any]:
    """Clean INPUTs into OUT: plan → prepare shards → repeated lines → clean shards → dedup → write."""
    settings = Settings.model_validate_json(settings_json)
    timings: dict[str, float] = {}
    t = flow_started = time.perf_counter()
    plan = plan_task(inputs, settings_json, work_root)
    shards = plan["shards"]
    timings["plan"] = time.perf_counter() - t
    if _PROGRESS is not None:
        _PROGRESS("total", 2 * shards)
    t = time.perf_counter()
    prepared = _map(prepare_task, "prepare", work_root, shards)
    timings["prepare"] = time.perf_counter() - t
    t = time.perf_counter()
    repeated = repeated_task(work_root, shards)
    timings["repeated_lines"] = time.perf_counter() - t
    t = time.perf_counter()
    cleaned = _map(clean_task, "clean", work_root, shards)
    timings["clean"] = time.perf_counter() - t
    t = time.perf_counter()
    dedup = dedup_task(work_root, shards)
    timings["dedup"] = time.perf_counter() - t
    t = time.perf_counter()
    written = write_task(work_root, shards, out)
    timings["write"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - flow_started
    report = {
        **written,
        "shards": shards,
        "input_files": plan["files"],
        "repeated_lines": repeated,
        "dedup": dedup,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "shard_seconds": {
            "prepare": round(sum(r.get("seconds", 0.0) for r in prepared), 3),
            "clean": round(sum(r.get("seconds", 0.0) for r in cleaned), 3),
        },
        "stage_seconds": _stage_seconds(prepared + cleaned),
        "versions": _versions(),
        "config": settings.dump(),
    }
    write_report(Path(out), report)
    if not settings.run.keep_work_dir:
        shutil.rmtree(work_root, ignore_errors=True)
        with contextlib.suppress(OSError):
            Path(work_root).parent.rmdir()  # the shared .textwash-work folder, once empty
    return report


def run_local(inputs: list[str], out: Path, settings: Settings,
              progress: Callable[[str, int], None] | None = None) -> dict[str, Any]:
    """Run :func:`clean_flow` with a local process pool of ``run.workers`` processes."""
    global _POOL, _PROGRESS
    workers = settings.run.workers or os.cpu_count() or 1
    work_root = out / stages.WORK_DIR_NAME / stages.run_key(inputs, settings)
    _PROGRESS = progress
    pool = None
    if workers > 1:
        # forkserver: workers never inherit Prefect's threads or event loop from this process
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["flows.stages"])
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    _POOL = pool
    try:
        return clean_flow(inputs, str(out), settings.model_dump_json(), str(work_root))
    finally:
        _POOL = None
        _PROGRESS = None
        if pool is not None:
            pool.shutdown(cancel_futures=True)
