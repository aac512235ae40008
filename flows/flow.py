"""The Prefect flow: shard-level tasks passing a work-folder path and a shard number.

Local runs execute the CPU-heavy shard work in a plain process pool that the flow owns: Prefect
tasks run in threads and wait on the pool. Measured here, Prefect's ``ProcessPoolTaskRunner``
starts a Prefect client (and in ephemeral mode a server) in every worker process and scales
worse than a plain pool; the thread-plus-pool split keeps Prefect's task states, names and UI
while the work scales with cores. On a Dask cluster (``--dask-address``) the same flow runs with
prefect-dask's ``DaskTaskRunner``: the shard tasks, and so the work, run on the Dask workers,
which must see the work folder at the same path (a shared filesystem) and import textwash.

Resume: every step writes its output atomically into the run's work folder
(``OUT/.textwash-work/<run-key>/``) and is skipped when that output exists, so a killed run started
again with the same inputs and configuration redoes only unfinished shards. Own markers rather than
Prefect's task cache: they need no result storage or server, work the same on Dask, and the
run key covers input names, sizes, modification times and every output-relevant setting.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures import as_completed as cf_completed
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from prefect import flow, get_run_logger, task
from prefect.futures import as_completed

from flows import workers
from flows.config import Settings
from flows.outputs import write_report
from flows.prefect_server import drain_client
from flows.work import WORK_DIR_NAME, Work, plan, run_key

if TYPE_CHECKING:
    from flows.prefect_server import LocalServer, ThreadServer
    from flows.reaper import Reaper

# Set by the CLI for the duration of a local run: the process pool and a progress callback.
_POOL: Executor | None = None
_POOL_SIZE = 0
_PROGRESS: Callable[[str, int], None] | None = None


# Shard steps are named (str: a function of flows.stages, see flows.workers.step), so this process,
# which hosts Prefect, never imports the cleaners: only the workers do.
Step = str | Callable[..., dict[str, Any]]


def _run(fn: Step, *args: Any, release: bool = False) -> dict[str, Any]:
    if _POOL is not None:
        return _POOL.submit(workers.call, fn, *args, release=release).result()
    return workers.step(fn)(*args)


def _tick(step: str, n: int = 1) -> None:
    if _PROGRESS is not None:
        _PROGRESS(step, n)


def _run_shards(fn: str, label: str, work_root: str, indexes: list[int]) -> list[dict[str, Any]]:
    """The shards of one task: all handed to the pool at once (a tick as each one finishes), or run
    one after another where there is no pool (on a Dask worker, where a task has one shard)."""
    if _POOL is None:
        return [workers.step(fn)(work_root, i) for i in indexes]
    futures = [_POOL.submit(workers.call, fn, work_root, i) for i in indexes]
    for _ in cf_completed(futures):
        _tick(label)
    return [f.result() for f in futures]


@task(name="plan")
def plan_task(inputs: list[str], settings_json: str, work_root: str) -> dict[str, Any]:
    data = plan(inputs, Settings.model_validate_json(settings_json), Work(Path(work_root)))
    return {"shards": len(data["shards"]), "files": data["files"], "rejects": len(data["rejects"])}


@task
def prepare_task(work_root: str, indexes: list[int]) -> list[dict[str, Any]]:
    return _run_shards("prepare_shard", "prepare", work_root, indexes)


@task(name="repeated-lines")
def repeated_task(work_root: str, shards: int) -> dict[str, Any]:
    # in a worker: merging every shard's line counts takes ~20 MB for a moment, which this process
    # kept resident for the rest of the run (+12 MB measured); a worker trims it afterwards
    return _run("find_repeated_lines", work_root, shards)


@task
def clean_task(work_root: str, indexes: list[int]) -> list[dict[str, Any]]:
    return _run_shards("clean_shard", "clean", work_root, indexes)


@task(name="dedup")
def dedup_task(work_root: str, shards: int) -> dict[str, Any]:
    if _POOL is None:
        return workers.step("dedup")(work_root, shards)
    # the cleaning caches make room in the worker that deduplicates; the others, idle until the
    # render step, drop theirs too (best effort: an idle worker takes each of these calls)
    future = _POOL.submit(workers.call, "dedup", work_root, shards, release=True)
    for _ in range(_POOL_SIZE - 1):
        _POOL.submit(workers.release_now)
    return future.result()


@task
def render_task(work_root: str, indexes: list[int]) -> list[dict[str, Any]]:
    return _run_shards("render_shard", "render", work_root, indexes)


@task(name="write-outputs")
def write_task(work_root: str, shards: int, out: str) -> dict[str, Any]:
    return _run("write_outputs", work_root, shards, out)


def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("textwash", "ftfy", "langdetect", "stop-words", "datasketch", "regex", "prefect", "numpy",
                "charset-normalizer"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _sweep_temporary(work_root: Path) -> None:
    """Remove half-written files (``.NAME.tmp-PID``) a killed run left in its work folder."""
    if work_root.is_dir():
        for tmp in work_root.rglob(".*.tmp-*"):
            tmp.unlink(missing_ok=True)


def _stage_seconds(results: list[dict[str, Any]]) -> dict[str, float]:
    """Per-stage seconds summed over shards (CPU time per stage, whatever the number of workers)."""
    total: dict[str, float] = {}
    for r in results:
        for stage, sec in r.get("stages", {}).items():
            total[stage] = total.get(stage, 0.0) + sec
    return {k: round(v, 3) for k, v in sorted(total.items())}


# Prefect tasks per shard step of a local run, per pool worker: each Prefect task costs the CLI's
# API server 26-41 ms of CPU (measured), taken from the same cores as the workers; all shards are
# still handed to the pool at once, so the workers never wait. Resume stays per shard (markers).
TASKS_PER_WORKER = 2


def _groups(shards: int) -> list[list[int]]:
    """Consecutive shard numbers per task: one shard per task on Dask (each task is a unit of the
    cluster's parallel work), else ``TASKS_PER_WORKER`` tasks per pool worker."""
    if _POOL is None:
        return [[i] for i in range(shards)]
    size = max(1, -(-shards // (TASKS_PER_WORKER * max(_POOL_SIZE, 1))))  # _POOL_SIZE: its processes
    return [list(range(i, min(i + size, shards))) for i in range(0, shards, size)]


def _map(fn: Any, label: str, work_root: str, shards: int) -> list[dict[str, Any]]:
    """Submit the shards in tasks named after them (``<label>-shard-000123``, or
    ``<label>-shards-000120-000124`` for several); results in shard order."""
    groups = _groups(shards)
    futures = []
    for g in groups:
        name = f"{label}-shard-{g[0]:06d}" if len(g) == 1 else f"{label}-shards-{g[0]:06d}-{g[-1]:06d}"
        futures.append(fn.with_options(name=name).submit(work_root, g))
    for future in as_completed(futures):
        if _POOL is None:  # no pool: the task ran elsewhere and could not tick
            _tick(label, len(groups[futures.index(future)]))
    return [r for f in futures for r in f.result()]


def _publish_artifacts(report: dict[str, Any], work: Work, cleaned: list[dict[str, Any]]) -> None:
    from flows.artifacts import artifact_decisions, merge_line_counts, publish

    try:
        # the few clusters shown, picked in a worker: the run's decisions stay out of this process
        decisions = _run(artifact_decisions, str(work.dedup))
        publish(report, decisions, merge_line_counts(cleaned))
    except Exception as exc:  # artifacts are a view: never fail a finished run over them
        get_run_logger().warning("could not publish artifacts: %s", exc)


@flow(name="textwash-clean", log_prints=False, validate_parameters=False)
def clean_flow(inputs: list[str], out: str, settings_json: str, work_root: str) -> dict[str, Any]:
    """Clean INPUTs into OUT: plan → prepare shards → repeated lines → clean shards → dedup → write."""
    settings = Settings.model_validate_json(settings_json)
    _sweep_temporary(Path(work_root))
    timings: dict[str, float] = {}
    flow_started = time.perf_counter()

    def timed(step: str, fn: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        result = fn(*args)
        timings[step] = time.perf_counter() - started
        return result

    plan = timed("plan", plan_task, inputs, settings_json, work_root)
    shards = plan["shards"]
    if _PROGRESS is not None:
        _PROGRESS("total", 3 * shards)
    prepared = timed("prepare", _map, prepare_task, "prepare", work_root, shards)
    repeated = timed("repeated_lines", repeated_task, work_root, shards)
    cleaned = timed("clean", _map, clean_task, "clean", work_root, shards)
    dedup = timed("dedup", dedup_task, work_root, shards)
    rendered = timed("render", _map, render_task, "render", work_root, shards)
    written = timed("write", write_task, work_root, shards, out)
    timings["total"] = time.perf_counter() - flow_started
    report = {
        **written,
        "shards": shards,
        "input_files": plan["files"],
        "repeated_lines": repeated,
        "dedup": dedup,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "shards_skipped": {  # > 0 when a killed run was resumed
            "prepare": sum(1 for r in prepared if r.get("skipped")),
            "clean": sum(1 for r in cleaned if r.get("skipped")),
            "render": sum(1 for r in rendered if r.get("skipped")),
        },
        "shard_seconds": {
            "prepare": round(sum(r.get("seconds", 0.0) for r in prepared), 3),
            "clean": round(sum(r.get("seconds", 0.0) for r in cleaned), 3),
            "render": round(sum(r.get("seconds", 0.0) for r in rendered), 3),
        },
        "stage_seconds": _stage_seconds(prepared + cleaned),
        "versions": _versions(),
        "config": settings.dump(),
    }
    write_report(Path(out), report)
    _publish_artifacts(report, Work(Path(work_root)), cleaned)
    if not settings.run.keep_work_dir:
        shutil.rmtree(work_root, ignore_errors=True)
        with contextlib.suppress(OSError):
            Path(work_root).parent.rmdir()  # the shared .textwash-work folder, once empty
    return report


def work_root_for(inputs: list[str], out: Path, settings: Settings) -> Path:
    """The run's work folder: ``OUT/.textwash-work/<run-key>`` (absolute: Dask workers need it so)."""
    return out.resolve() / WORK_DIR_NAME / run_key(inputs, settings)


def run_local(inputs: list[str], out: Path, settings: Settings,
              progress: Callable[[str, int], None] | None = None,
              dask_address: str | None = None, api_server: LocalServer | ThreadServer | None = None,
              watchdog: Reaper | Literal[False] | None = None,
              pool: ProcessPoolExecutor | None = None) -> dict[str, Any]:
    """Run :func:`clean_flow` with a local process pool of ``run.workers`` processes, or on a Dask cluster.

    ``api_server`` (from :mod:`flows.prefect_server`) is awaited once the workers are warming up and
    stopped at the end; ``watchdog`` is a running :mod:`flows.reaper` (None: one is started here;
    False: none is needed); ``pool`` is a pool of ``run.workers`` processes already started and warming
    up (:func:`flows.workers.fork_pool`, else a forkserver pool is made here). The run shuts all three down.
    """
    global _POOL, _POOL_SIZE, _PROGRESS
    from flows import reaper

    n_workers = settings.run.workers or os.cpu_count() or 1
    work_root = work_root_for(inputs, out, settings)
    if watchdog is None:
        watchdog = reaper.start()  # after a kill -9, ends the pool and Prefect's ephemeral server
    _PROGRESS = progress
    runner = clean_flow
    if dask_address:
        runner = clean_flow.with_options(task_runner=dask_task_runner(dask_address))
    else:
        # Even one worker gets its own process: the shard work then never competes with Prefect's
        # threads for the GIL, and its memory (malloc arenas of many task threads) is not kept by
        # this process; measured, in-thread work grew the CLI to 516 MB RSS on 20,000 documents.
        # forkserver: workers never inherit Prefect's threads or event loop from this process
        if pool is None:  # Prefect is imported here: never fork this process
            pool, _ = workers.fork_pool(n_workers, settings.model_dump_json(), allow_fork=False)
    _POOL, _POOL_SIZE = pool, n_workers
    try:
        if api_server is not None:
            api_server.wait_ready()
        return runner(inputs, str(out.resolve()), settings.model_dump_json(), str(work_root))
    finally:
        _POOL = None
        _PROGRESS = None
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if api_server is not None:
            with contextlib.suppress(Exception):  # best effort: never hide the run's own outcome
                drain_client()
            api_server.stop()
        if watchdog:
            watchdog.stop()


def dask_task_runner(address: str) -> Any:
    """prefect-dask's ``DaskTaskRunner`` connected to an existing scheduler (the ``dask`` extra)."""
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise RuntimeError("--dask-address needs the optional extra: pip install 'textwash[dask]'") from exc
    return DaskTaskRunner(address=address)
