"""The local process pool of a run, and what keeps its workers small.

:func:`fork_pool` forks the workers straight from the CLI, before Prefect is imported and before any
thread exists, so no forkserver process (~54 MB RSS) and no resource tracker (~13 MB) run beside
them, and the workers share the CLI's already-imported modules copy-on-write (``gc.freeze`` first:
the collector then never writes to those objects' headers, which would copy their pages). The CLI
never imports the cleaners (numpy, ftfy, regex, langdetect: ~33 MB it would keep for nothing): each
worker imports them after the fork (:func:`warm`). (A fixed 128 KiB mmap threshold in the workers saved
~4 MB but made MinHash's numpy buffers cost ~65 µs/doc more in page faults: not used.) Each worker
asks the kernel to kill it when the CLI dies (``PR_SET_PDEATHSIG``), so a ``kill -9`` of the run needs
no watchdog process for them. Where a thread already runs (Prefect imported: ``textwash serve``,
tests), :func:`forkserver_pool` is used.

:func:`call` runs a shard step in a worker and then hands freed heap back to the system
(``malloc_trim``): a worker's peak otherwise stays its resident size for the rest of the run.
``release=True`` first drops the cleaning caches (pipelines with their line memories), for steps
that run after every shard was cleaned (dedup, which needs the room for the run's features).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    """The C library this interpreter runs on (``dlopen(NULL)``: no ``find_library``, which forks
    ``ldconfig``: a copy of this process for a moment)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def trim() -> None:
    """Return free heap pages to the system (glibc ``malloc_trim(0)``; a no-op elsewhere)."""
    fn = getattr(_libc(), "malloc_trim", None)  # glibc only (musl has none)
    if fn is not None:
        fn(0)


def release_caches() -> None:
    """Drop the per-process cleaning state (pipelines, their rules' line memories, langdetect's
    profiles: ~19 MB) and collect."""
    from cleaners import language
    from flows.pipeline import pipeline_for

    pipeline_for.cache_clear()
    language.release()
    gc.collect()


def release_now() -> None:
    """A pool task for an idle worker: drop the cleaning caches and trim the heap."""
    release_caches()
    trim()


def step(fn: str | Callable[..., Any]) -> Callable[..., Any]:
    """A step given by its name in :mod:`flows.stages` (imported on first use), or the callable itself.

    The CLI names the steps instead of importing :mod:`flows.stages`: that module brings the cleaners
    and their dependencies (numpy, ftfy, regex, langdetect: ~33 MB RSS), which only workers need."""
    if callable(fn):
        return fn
    from flows import stages

    return getattr(stages, fn)


def warm(settings_json: str) -> None:
    """Pool task: import the shard steps in this worker and warm them up (:func:`flows.stages.warm_up`)."""
    step("warm_up")(settings_json)


def call(fn: str | Callable[..., dict[str, Any]], *args: Any, release: bool = False) -> dict[str, Any]:
    """Run one step (a :func:`step`) in a worker; then trim the heap (see the module docstring)."""
    if release:
        release_now()
    try:
        return step(fn)(*args)
    finally:
        trim()


def forkserver_pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked by a forkserver that preloaded the shard steps (safe whatever threads run here)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["flows.stages"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Pool initializer: the kernel SIGKILLs this worker when the CLI dies (even by ``kill -9``)."""
    libc = _libc()
    if libc is None or libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0 or os.getppid() != parent:
        os._exit(1)  # cannot be tied to the CLI, or it is already gone


def fork_pool(workers: int, settings_json: str, allow_fork: bool = True) -> tuple[ProcessPoolExecutor, bool]:
    """``workers`` processes forked from this one now and warming up, or a forkserver pool if that is
    not safe (or ``allow_fork`` is False). Returns ``(pool, forked)``: forked workers end with this
    process (no watchdog needed).

    Forking is safe only while this process runs a single thread (a forked child gets no other
    thread, but may inherit a lock one of them held): call it before Prefect is imported.
    """
    if not allow_fork or threading.active_count() > 1 or sys.platform != "linux":
        pool = forkserver_pool(workers)
        forked = False
    else:
        gc.collect()
        gc.freeze()
        # with "fork" the executor forks all its workers at the first submit, before it starts its thread
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_die_with_parent, initargs=(os.getpid(),))
        forked = True
    # each worker imports the cleaners and loads rules and profiles while this process starts Prefect;
    # this process never imports them (see step)
    for _ in range(workers):
        pool.submit(warm, settings_json)
    return pool, forked
